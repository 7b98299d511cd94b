"""Checking an uploaded file (``verify_upload``): a genuine signed PDF is genuine; one flipped byte, a signature
made with our key over content we never issued, a revoked or replaced document, a foreign or unsigned PDF and
files that are not PDFs each get their own outcome, and nothing is ever stored."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.storage import default_storage

from balai.documents.models import DocumentStatus, IssuedDocument
from balai.documents.selectors import Outcome, verify_upload
from balai.documents.signing import sign_pdf
from balai.documents.tests.conftest import make_pdf
from balai.documents.tests.factories import IssuedDocumentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def pdf_of(document: IssuedDocument) -> bytes:
    with default_storage.open(document.storage_name, "rb") as handle:
        return handle.read()


def flip_one_byte(data: bytes) -> bytes:
    """Change one bit inside the first content stream: still a well-formed PDF, but not the signed bytes."""
    at = data.index(b"stream") + 20
    return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1 :]


@pytest.fixture
def document(signing_org):
    return IssuedDocumentFactory(organization=signing_org)


def test_the_issued_file_is_genuine(document):
    data = pdf_of(document)
    result = verify_upload(data)
    assert result.outcome == Outcome.GENUINE
    assert result.document == document
    assert result.sha256 == hashlib.sha256(data).hexdigest() == document.sha256
    assert result.signed and result.intact and result.trusted and result.certificate_matches
    assert result.signer_subject


def test_one_flipped_byte_is_not_genuine_but_altered(document):
    result = verify_upload(flip_one_byte(pdf_of(document)))
    assert result.outcome == Outcome.ALTERED
    assert result.document is None
    assert result.sha256 != document.sha256
    assert result.signed and not result.intact


def test_content_signed_with_our_key_but_never_issued_is_altered(signing_org, document):
    # Someone with access to a signing key (or an old copy) signs other content: intact, trusted, not issued.
    forged = sign_pdf(make_pdf("Akta Kelahiran palsu"), organization=signing_org).data
    result = verify_upload(forged)
    assert result.outcome == Outcome.ALTERED
    assert result.intact and result.trusted
    assert result.document is None


def test_bytes_appended_after_signing_are_altered(document):
    data = pdf_of(document) + b"\n% appended after signing\n"
    result = verify_upload(data)
    assert result.outcome == Outcome.ALTERED
    assert result.document is None


def test_a_revoked_documents_file_is_revoked(signing_org):
    revoked = IssuedDocumentFactory(organization=signing_org, revoked=True)
    result = verify_upload(pdf_of(revoked))
    assert result.outcome == Outcome.REVOKED
    assert result.document == revoked


def test_a_replaced_documents_file_is_replaced(signing_org):
    newer = IssuedDocumentFactory(organization=signing_org)
    old = IssuedDocumentFactory(organization=signing_org, status=DocumentStatus.REPLACED, replaced_by=newer)
    result = verify_upload(pdf_of(old))
    assert result.outcome == Outcome.REPLACED
    assert result.document == old
    assert result.document.replaced_by == newer


def test_a_file_whose_certificate_is_not_the_recorded_one_is_not_genuine(document):
    IssuedDocument.objects.filter(pk=document.pk).update(certificate_sha256="ab" * 32)
    result = verify_upload(pdf_of(document))
    assert result.outcome == Outcome.SIGNATURE_PROBLEM
    assert not result.certificate_matches


def test_an_unsigned_pdf_is_unknown(document):
    result = verify_upload(make_pdf("Surat biasa"))
    assert result.outcome == Outcome.UNKNOWN
    assert not result.signed
    assert result.document is None


def test_a_pdf_signed_by_someone_else_is_unknown(document):
    from balai.documents.signing import pki
    from balai.documents.signing.pades import KeyMaterial, PreloadedKeySigner, sign_with_signer

    # A PKI of its own: a root we do not trust, a certificate no agency of ours signs with.
    root_key, root_certificate = pki.make_root("Elsewhere")
    key, certificate = pki.make_agency_certificate(
        root_key, root_certificate, common_name="Foreign Agency", organization_name="Elsewhere"
    )
    signer = PreloadedKeySigner(KeyMaterial(private_key=key, certificate=certificate))
    result = verify_upload(sign_with_signer(make_pdf("Dokumen lain"), signer))
    assert result.outcome == Outcome.UNKNOWN
    assert result.signed and result.intact and not result.trusted
    assert result.document is None


def test_not_a_pdf_is_refused_before_anything_else():
    result = verify_upload(b"\x89PNG\r\n\x1a\n" + b"0" * 100)
    assert result.outcome == Outcome.NOT_PDF
    assert not result.checked


def test_html_named_pdf_is_not_a_pdf():
    assert verify_upload(b"<html><script>alert(1)</script></html>").outcome == Outcome.NOT_PDF


def test_garbage_after_a_pdf_header_is_not_a_pdf():
    result = verify_upload(b"%PDF-1.7\n" + b"\x00garbage" * 50)
    assert result.outcome in {Outcome.NOT_PDF, Outcome.UNKNOWN}
    assert result.outcome != Outcome.GENUINE


def test_an_empty_file_is_refused():
    assert verify_upload(b"").outcome == Outcome.EMPTY


def test_a_file_over_the_limit_is_refused(settings, document):
    data = pdf_of(document)
    settings.BALAI_VERIFY_MAX_BYTES = len(data) - 1
    result = verify_upload(data)
    assert result.outcome == Outcome.TOO_LARGE
    assert result.document is None


def test_an_encrypted_pdf_is_refused():
    result = verify_upload(make_pdf("Rahasia", encrypt="kata-sandi"))
    assert result.outcome == Outcome.ENCRYPTED
    assert not result.checked


def test_checking_stores_nothing(document, tmp_path):
    before = IssuedDocument.objects.count()
    files_before = sorted(p for p in (tmp_path / "media").rglob("*") if p.is_file())
    for data in [pdf_of(document), flip_one_byte(pdf_of(document)), make_pdf(), b"not a pdf", b""]:
        verify_upload(data)
    assert IssuedDocument.objects.count() == before
    assert sorted(p for p in (tmp_path / "media").rglob("*") if p.is_file()) == files_before
