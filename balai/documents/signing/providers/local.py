"""Shared part of the providers that hold the key on this machine (demo, PKCS#12)."""

from __future__ import annotations

import datetime
import logging
from typing import Any

from cryptography import x509
from django.utils import timezone
from django.utils.translation import gettext as _

from balai.documents.signing import pades
from balai.documents.signing.base import (
    SignedPdf,
    SigningBackend,
    certificate_pem,
    certificate_sha256,
    display_date,
    subject_text,
)

logger = logging.getLogger("balai.documents.signing")

TSA_TIMEOUT_MAX = 120


def tsa_config_errors(config: dict[str, Any], errors: dict[str, list[str]]) -> None:
    url = config.get("tsa_url")
    if url not in (None, "") and (not isinstance(url, str) or not url.startswith(("https://", "http://"))):
        errors.setdefault("tsa_url", []).append(
            _("Enter the http:// or https:// address of the time-stamping service.")
        )
    timeout = config.get("tsa_timeout")
    if timeout is not None and (
        isinstance(timeout, bool) or not isinstance(timeout, int | float) or not 1 <= timeout <= TSA_TIMEOUT_MAX
    ):
        errors.setdefault("tsa_timeout", []).append(
            _("Enter a number of seconds from 1 to %(max)s.") % {"max": TSA_TIMEOUT_MAX}
        )


class LocalKeyBackend(SigningBackend):
    """Signs with a key loaded by ``load_material``; the loaded signer is cached per ``cache_key``."""

    def load_material(self) -> pades.KeyMaterial:
        raise NotImplementedError

    def cache_key(self) -> str:
        raise NotImplementedError

    def signer(self) -> pades.PreloadedKeySigner:
        signer = pades.cached_signer(self.cache_key(), self.load_material)
        self.check_validity(signer.material.certificate)
        return signer

    def certificate(self) -> x509.Certificate | None:
        return self.signer().material.certificate

    def check_validity(self, certificate: x509.Certificate, *, now: datetime.datetime | None = None) -> None:
        now = now or timezone.now()
        if certificate.not_valid_after_utc <= now:
            raise self.unavailable(
                _(
                    "The signing certificate of %(agency)s expired on %(date)s. An administrator has to install "
                    "a renewed certificate."
                )
                % {"agency": self.agency_name, "date": display_date(certificate.not_valid_after_utc)},
                detail=f"certificate {certificate_sha256(certificate)} expired",
                code="signing_certificate_expired",
            )
        if certificate.not_valid_before_utc > now:
            raise self.unavailable(
                _("The signing certificate of %(agency)s is not valid before %(date)s.")
                % {"agency": self.agency_name, "date": display_date(certificate.not_valid_before_utc)},
                detail=f"certificate {certificate_sha256(certificate)} not yet valid",
                code="signing_certificate_not_yet_valid",
            )

    def sign(self, pdf_bytes: bytes, *, reason: str = "", location: str = "") -> SignedPdf:
        signer = self.signer()
        try:
            data = pades.sign_with_signer(
                pdf_bytes,
                signer,
                reason=reason,
                location=location,
                timestamper=pades.timestamper_for(self.config),
            )
        except pades.InvalidPdfError as exc:
            raise self.unavailable(
                _("The document is not a PDF that can be signed (it is damaged or encrypted)."),
                detail=str(exc),
                code="signing_invalid_document",
            ) from exc
        except Exception as exc:
            # A time-stamping service that does not answer, or a fault inside pyHanko.
            logger.exception("signing failed", extra={"provider": self.name})
            raise self.unavailable(
                _("The document could not be signed electronically. Please try again later."),
                detail=repr(exc),
                code="signing_failed",
            ) from exc
        certificate = signer.material.certificate
        return SignedPdf(
            data=data,
            provider=self.name,
            certificate_sha256=certificate_sha256(certificate),
            signer_subject=subject_text(certificate),
            certificate_pem=certificate_pem(certificate),
            signed_at=timezone.now(),
        )
