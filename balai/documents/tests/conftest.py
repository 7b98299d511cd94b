"""Signing for every documents test: one demo PKI per test process (xdist worker) in a temporary folder.

RSA keys are slow to make, so the session makes the root and one shared agency key once; ``signing_org`` and
``signing_profile_for`` only add ``SigningProfile`` rows (rolled back with each test) that point at them.

- ``demo_pki`` (session, autouse): ``BALAI_PKI_DIR`` points at the temporary folder for the whole session.
- ``signing_profile_for(organization, **fields)``: give any organization a demo signing profile.
- ``signing_org``: an agency ready to sign.
- ``sample_pdf``: a small unsigned PDF.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from django.test.utils import override_settings

from balai.documents.models import SigningProfile, SigningProvider
from balai.documents.signing import pki
from balai.documents.signing.base import certificate_pem, certificate_sha256

TEST_REGION = "Kabupaten Uji"
SHARED_AGENCY_NAME = "Dinas Uji Tanda Tangan"
SHARED_KEY_FILE, SHARED_CERTIFICATE_FILE = pki.agency_files("TEST-SHARED")


@dataclass(frozen=True)
class TestPki:
    directory: Path
    root_key: rsa.RSAPrivateKey
    root_certificate: x509.Certificate
    agency_key: rsa.RSAPrivateKey
    agency_certificate: x509.Certificate
    agency_key_file: str = SHARED_KEY_FILE
    agency_certificate_file: str = SHARED_CERTIFICATE_FILE

    @property
    def root_certificate_path(self) -> Path:
        return self.directory / pki.ROOT_CERTIFICATE_FILE


@pytest.fixture(scope="session", autouse=True)
def demo_pki(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestPki]:
    directory = tmp_path_factory.mktemp("pki")  # one per xdist worker: tmp_path_factory is per process
    override = override_settings(BALAI_PKI_DIR=str(directory))
    override.enable()
    try:
        root = pki.ensure_demo_root(organization_name=TEST_REGION)  # no database needed
        key, cert = pki.make_agency_certificate(
            root.key, root.certificate, common_name=SHARED_AGENCY_NAME, organization_name=TEST_REGION
        )
        (directory / pki.AGENCY_FOLDER).mkdir(mode=0o700, exist_ok=True)
        pki.write_private_file(directory / SHARED_KEY_FILE, pki.key_pem(key))
        pki.write_private_file(directory / SHARED_CERTIFICATE_FILE, pki.cert_pem(cert))
        yield TestPki(
            directory=directory,
            root_key=root.key,
            root_certificate=root.certificate,
            agency_key=key,
            agency_certificate=cert,
        )
    finally:
        override.disable()


@pytest.fixture
def signing_profile_for(db: None, demo_pki: TestPki) -> Callable[..., SigningProfile]:
    def make(organization: Any, **fields: Any) -> SigningProfile:
        values: dict[str, Any] = {
            "provider": SigningProvider.DEMO,
            "config": {"key_file": demo_pki.agency_key_file, "certificate_file": demo_pki.agency_certificate_file},
            "certificate_pem": certificate_pem(demo_pki.agency_certificate),
            "certificate_sha256": certificate_sha256(demo_pki.agency_certificate),
        }
        values.update(fields)
        return SigningProfile.objects.create(organization=organization, **values)

    return make


@pytest.fixture
def signing_org(signing_profile_for: Callable[..., SigningProfile]) -> Any:
    from balai.organizations.tests.factories import OrganizationFactory

    organization = OrganizationFactory()
    signing_profile_for(organization)
    return organization


def make_pdf(text: str = "Akta Kelahiran Nomor 1234/2026", *, pages: int = 1, encrypt: str | None = None) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    drawing = canvas.Canvas(buffer, pagesize=A4, encrypt=encrypt)
    for page in range(pages):
        drawing.drawString(72, 770, text)
        drawing.drawString(72, 750, f"Halaman {page + 1}")
        drawing.showPage()
    drawing.save()
    return buffer.getvalue()


@pytest.fixture
def sample_pdf() -> bytes:
    return make_pdf()
