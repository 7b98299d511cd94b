"""The signing provider registry and base class (like Open Forms' payment plugin registry).

A provider turns PDF bytes into a PAdES-signed PDF for one agency. Which provider an agency uses, and its
non-secret settings, come from the agency's active ``SigningProfile``; units without a profile of their own
sign with the profile of the organization they belong to. Secrets (passphrases, tokens) are read from the
environment, or when unset from ``VAR_DIR/secrets.json``, never from the database.
"""

from __future__ import annotations

import datetime
import json
import logging
import os
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from django.conf import settings
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from balai.core.exceptions import BalaiError
from balai.documents.models import SigningProfile
from balai.organizations.models import Organization
from balai.organizations.scoping import organization_parent_map

logger = logging.getLogger("balai.documents.signing")

SECRET_NAME_RE = re.compile(r"^[A-Z_][A-Z0-9_]{0,99}$")


class SigningError(BalaiError):
    """The agency cannot sign right now (no usable profile, key material or service). Not the user's fault,
    so the status is 503; the message says what an administrator has to do, never a path or a secret."""

    status = 503
    default_code = "signing_unavailable"
    default_message = gettext_lazy("The document could not be signed electronically. Please try again later.")


@dataclass(frozen=True)
class SignedPdf:
    data: bytes
    provider: str
    certificate_sha256: str
    signer_subject: str
    certificate_pem: str = ""
    signed_at: datetime.datetime | None = None


def certificate_sha256(certificate: x509.Certificate) -> str:
    return certificate.fingerprint(hashes.SHA256()).hex()


def certificate_pem(certificate: x509.Certificate) -> str:
    return certificate.public_bytes(serialization.Encoding.PEM).decode("ascii")


def subject_text(certificate: x509.Certificate) -> str:
    """The subject as ``CN=...,O=...,C=ID`` (RFC 4514, the form pdfsig prints)."""
    return certificate.subject.rfc4514_string()


def display_date(moment: datetime.datetime) -> str:
    """A date as people read it in the active language: "23 November 2029" (Indonesian month names in id)."""
    return formats.date_format(timezone.localtime(moment), "j F Y")


def read_secret(name: str) -> str | None:
    """A secret by name: the environment variable of that name, else the key of that name in
    ``VAR_DIR/secrets.json`` (the ignored file of a development install). ``None`` when neither has it."""
    if not name or not SECRET_NAME_RE.match(name):
        return None
    value = os.environ.get(name)
    if value:
        return value
    path = Path(settings.VAR_DIR) / "secrets.json"
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    value = stored.get(name) if isinstance(stored, dict) else None
    return value if isinstance(value, str) and value else None


class SigningBackend:
    """One way of signing. Subclasses set ``name`` (a ``SigningProvider`` value) and implement ``sign``."""

    name: ClassVar[str] = ""
    verbose_name: ClassVar[Promise | str] = ""

    def __init__(self, profile: SigningProfile) -> None:
        self.profile = profile

    @property
    def config(self) -> dict[str, Any]:
        config = self.profile.config
        return config if isinstance(config, dict) else {}

    @property
    def agency_name(self) -> str:
        return self.profile.organization.name

    @classmethod
    def config_errors(cls, config: Any) -> dict[str, list[str]]:
        """Problems with the non-secret settings of a profile, by settings key (empty: fine). The admin
        calls this when a profile is saved, so a mistake shows there rather than when a document is issued."""
        if not isinstance(config, dict):
            return {"config": [_("The settings must be a JSON object.")]}
        return {}

    def sign(self, pdf_bytes: bytes, *, reason: str = "", location: str = "") -> SignedPdf:
        raise NotImplementedError

    def certificate(self) -> x509.Certificate | None:
        """The signing certificate, when the provider can tell without signing (local keys)."""
        return None

    def unavailable(self, message: Any, *, detail: str = "", code: str | None = None) -> SigningError:
        """A ``SigningError`` for this agency; ``detail`` (paths, causes) goes to the log only."""
        logger.warning(
            "signing unavailable",
            extra={
                "provider": self.name,
                "organization": self.profile.organization.code,
                "detail": detail,
            },
        )
        return SigningError(message, code=code)


BackendT = TypeVar("BackendT", bound=type[SigningBackend])


class Registry:
    """Providers by name. ``@register("demo")`` on a ``SigningBackend`` subclass adds it."""

    def __init__(self) -> None:
        self._backends: dict[str, type[SigningBackend]] = {}

    def __call__(self, name: str) -> Callable[[BackendT], BackendT]:
        def decorator(backend: BackendT) -> BackendT:
            if name in self._backends and self._backends[name] is not backend:
                raise ValueError(f"signing provider {name!r} is already registered")
            backend.name = name
            self._backends[name] = backend
            return backend

        return decorator

    def __getitem__(self, name: str) -> type[SigningBackend]:
        return self._backends[name]

    def __contains__(self, name: object) -> bool:
        return name in self._backends

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._backends))

    def items(self) -> list[tuple[str, type[SigningBackend]]]:
        return sorted(self._backends.items())


register = Registry()


def active_profile_for(organization: Organization) -> SigningProfile | None:
    """The profile that signs for ``organization``: its own, else that of the nearest organization above it that
    has one. The nearest profile decides: if it is inactive (a key withdrawn), nobody signs for the organization,
    rather than a parent's key silently taking over."""
    profile = SigningProfile.objects.select_related("organization").filter(organization_id=organization.pk).first()
    if profile is not None or organization.parent_id is None:
        return profile if profile is not None and profile.is_active else None
    parents = organization_parent_map()
    chain: list[int] = []
    current: int | None = organization.parent_id
    while current is not None and current not in chain:  # the model refuses cycles; guard anyway
        chain.append(current)
        current = parents.get(current)
    found = {
        p.organization_id: p
        for p in SigningProfile.objects.select_related("organization").filter(organization_id__in=chain)
    }
    nearest = next((found[org_id] for org_id in chain if org_id in found), None)
    return nearest if nearest is not None and nearest.is_active else None


def signer_for(organization: Organization) -> SigningBackend:
    """The provider that signs for ``organization``; ``SigningError`` when it has none that is usable."""
    profile = active_profile_for(organization)
    if profile is None:
        logger.warning("no signing profile", extra={"organization": organization.code})
        raise SigningError(
            _(
                "%(agency)s cannot sign documents electronically yet: it has no active signing profile. "
                "An administrator has to set one up."
            )
            % {"agency": organization.name}
        )
    if profile.provider not in register:
        logger.error("unknown signing provider", extra={"provider": profile.provider})
        raise SigningError(
            _("The signing profile of %(agency)s names a provider that this installation does not know.")
            % {"agency": profile.organization.name}
        )
    return register[profile.provider](profile)


def sign_pdf(pdf_bytes: bytes, *, organization: Organization, reason: str = "", location: str = "") -> SignedPdf:
    """Sign ``pdf_bytes`` (a complete PDF) with the key of ``organization`` (or of its parent agency)."""
    if not isinstance(pdf_bytes, bytes | bytearray | memoryview) or not bytes(pdf_bytes[:1024]).lstrip().startswith(
        b"%PDF-"
    ):
        raise SigningError(_("Only PDF documents can be signed."), code="signing_invalid_document")
    backend = signer_for(organization)
    started = time.perf_counter()
    signed = backend.sign(bytes(pdf_bytes), reason=reason, location=location)
    logger.info(
        "document signed",
        extra={
            "provider": signed.provider,
            "organization": organization.code,
            "certificate_sha256": signed.certificate_sha256,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
        },
    )
    return signed
