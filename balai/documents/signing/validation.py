"""Checking the signature of an uploaded PDF: is it a PDF, is it signed, are the signed bytes unchanged, does the
signature cover the whole file, and does the certificate chain to one of the configured trust roots.

Trust comes from roots only: the demo root (when the demo PKI exists) and the PEM files listed in
``settings.BALAI_SIGNING_TRUST_ROOTS``. Nothing is fetched from the network (no CRL, OCSP or certificate
downloads); the report carries the certificate's SHA-256 so that the caller can match it to the issuing
agency's profile. Garbage never raises: it gives a report whose ``problems`` say what is wrong.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import logging
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import enumerate_sig_fields
from pyhanko.sign.validation import EmbeddedPdfSignature, validate_pdf_signature
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from balai.documents.signing import pki
from balai.documents.signing.base import certificate_sha256, display_date, subject_text
from balai.documents.signing.pades import to_asn1_certificate

logger = logging.getLogger("balai.documents.signing")

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
HEADER_WINDOW = 1024  # the PDF header may follow a little junk (ISO 32000-1, 7.5.2; readers accept it)
# pyHanko's default accepts only non-repudiation; certificates of CAs such as BSrE may carry either.
_HEX = re.compile(rb"[0-9A-Fa-f]*")
_UPPER_HEX = re.compile(rb"[A-F]")
_LOWER_HEX = re.compile(rb"[a-f]")
KEY_USAGE = KeyUsageConstraints(key_usage={"non_repudiation", "digital_signature"}, match_all_key_usages=False)


@dataclass
class SignatureReport:
    is_pdf: bool = False
    is_encrypted: bool = False
    signed: bool = False
    intact: bool = False  # the bytes the signature covers are unchanged and the signature value is correct
    covers_whole_file: bool = False  # nothing was appended after signing
    trusted: bool = False  # the certificate chains to a configured trust root and is valid now
    certificate_sha256: str = ""
    signer_subject: str = ""
    signed_at: datetime.datetime | None = None
    problems: list[str] = field(default_factory=list)  # translated, for people
    codes: list[str] = field(default_factory=list)  # the same as stable codes, for the API and tests
    sha256: str = ""  # of the whole file, to look up the issued document
    size: int = 0
    signature_count: int = 0
    certificate_expired: bool = False
    certificate_not_after: datetime.datetime | None = None

    @property
    def ok(self) -> bool:
        """Signed, unchanged since, nothing appended, by a trusted certificate."""
        return self.is_pdf and self.signed and self.intact and self.covers_whole_file and self.trusted

    def add(self, code: str, message: str) -> None:
        self.codes.append(code)
        self.problems.append(message)


# --- trust roots ------------------------------------------------------------------------------------------

_roots_cache: dict[tuple[Any, ...], list[x509.Certificate]] = {}
_roots_lock = threading.Lock()


def _root_files() -> list[Path]:
    configured = getattr(settings, "BALAI_SIGNING_TRUST_ROOTS", None) or []
    if isinstance(configured, str | Path):
        configured = [configured]
    # The demo root is trusted automatically outside production only: a demo folder left over from a trial
    # must not make demo-signed files look genuine on a live installation (list it explicitly if wanted).
    demo = [] if getattr(settings, "BALAI_ENV", "") == "production" else [pki.root_certificate_path()]
    return [*demo, *(Path(p) for p in configured if str(p).strip())]


def _stamp(path: Path) -> tuple[str, int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return (str(path), stat.st_mtime_ns, stat.st_size)


def trust_roots() -> list[x509.Certificate]:
    """The certificates a signature must chain to: the demo root if present (not in production) and the PEM or
    DER files of ``BALAI_SIGNING_TRUST_ROOTS`` (a PEM file may hold several). Unreadable files are logged and
    skipped."""
    files = _root_files()
    key = tuple(_stamp(p) for p in files)
    with _roots_lock:
        cached = _roots_cache.get(key)
    if cached is not None:
        return list(cached)
    roots: list[x509.Certificate] = []
    seen: set[bytes] = set()
    demo_root = pki.root_certificate_path()
    for index, path in enumerate(files):
        if key[index] is None:
            if path != demo_root:  # the demo root is optional; a configured root that is missing is a mistake
                logger.error("trust root file missing", extra={"path": str(path)})
            continue
        try:
            data = path.read_bytes()
            certificates = (
                x509.load_pem_x509_certificates(data)
                if b"-----BEGIN" in data
                else [x509.load_der_x509_certificate(data)]
            )
        except (OSError, ValueError) as exc:
            logger.error("trust root file unreadable", extra={"path": str(path), "detail": str(exc)})
            continue
        for certificate in certificates:
            der = certificate.public_bytes(serialization.Encoding.DER)
            if der not in seen:
                seen.add(der)
                roots.append(certificate)
    with _roots_lock:
        _roots_cache.clear()
        _roots_cache[key] = roots
    return list(roots)


# --- validation -------------------------------------------------------------------------------------------


def _max_bytes() -> int:
    value = getattr(settings, "BALAI_VERIFY_MAX_BYTES", DEFAULT_MAX_BYTES)
    return int(value) if value else DEFAULT_MAX_BYTES


def validate_pdf(pdf_bytes: Any) -> SignatureReport:
    """Check the last signature of ``pdf_bytes`` against the configured trust roots. Never raises."""
    report, _certificate = inspect_signature(pdf_bytes, roots=None)
    return report


def inspect_signature(
    pdf_bytes: Any, *, roots: list[x509.Certificate] | None = None, max_bytes: int | None = None
) -> tuple[SignatureReport, x509.Certificate | None]:
    """The report and the signer's certificate. ``roots=None`` means ``trust_roots()``."""
    report = SignatureReport()
    try:
        certificate = _inspect(report, pdf_bytes, roots, max_bytes)
    except Exception:  # noqa: BLE001 - a last guard: an upload must never turn into a server error
        logger.exception("signature check failed unexpectedly")
        report.intact = report.covers_whole_file = report.trusted = False
        report.add("damaged", _("The file is damaged: its signature could not be checked."))
        return report, None
    return report, certificate


def _inspect(
    report: SignatureReport, pdf_bytes: Any, roots: list[x509.Certificate] | None, max_bytes: int | None
) -> x509.Certificate | None:
    if not isinstance(pdf_bytes, bytes | bytearray | memoryview):
        report.add("not_pdf", _("The file is not a PDF document."))
        return None
    limit = max_bytes if max_bytes is not None else _max_bytes()
    report.size = len(pdf_bytes)
    if report.size == 0:
        report.add("empty", _("The file is empty."))
        return None
    if report.size > limit:
        report.add(
            "too_large",
            _("The file is too large to check (more than %(size)s MB).") % {"size": f"{limit / (1024 * 1024):g}"},
        )
        return None
    data = bytes(pdf_bytes)
    report.sha256 = hashlib.sha256(data).hexdigest()
    if b"%PDF-" not in data[:HEADER_WINDOW]:
        report.add("not_pdf", _("The file is not a PDF document."))
        return None
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
    except Exception:  # noqa: BLE001 - pyHanko raises many kinds for broken files
        report.add("damaged", _("The file is damaged or not a valid PDF document."))
        return None
    report.is_pdf = True
    if reader.encrypted:
        report.is_encrypted = True
        report.add("encrypted", _("The file is encrypted (protected with a password), so it cannot be checked."))
        return None
    try:
        signatures, broken = _signatures(reader)
    except Exception:  # noqa: BLE001
        report.add("damaged", _("The file is damaged: its signature could not be read."))
        return None
    report.signature_count = len(signatures) + broken
    if not report.signature_count:
        report.add("unsigned", _("The file has no electronic signature."))
        return None
    report.signed = True
    if broken:
        report.add("altered", _("The document was altered after it was signed: the signature no longer matches."))
        return None
    embedded = signatures[-1]  # the most recent signature speaks for the document as it is now
    try:
        certificate = x509.load_der_x509_certificate(embedded.signer_cert.dump())
    except Exception:  # noqa: BLE001
        report.add("altered", _("The document was altered after it was signed: the signature no longer matches."))
        return None
    report.certificate_sha256 = certificate_sha256(certificate)
    report.signer_subject = subject_text(certificate)
    report.certificate_not_after = certificate.not_valid_after_utc
    roots = trust_roots() if roots is None else roots
    try:
        status = _validate(embedded, roots)
    except Exception:  # noqa: BLE001 - a byte range or container that does not add up: altered
        report.add("altered", _("The document was altered after it was signed: the signature no longer matches."))
        return certificate
    report.signed_at = status.signer_reported_dt
    if status.timestamp_validity is not None and status.timestamp_validity.intact:
        report.signed_at = status.timestamp_validity.timestamp
    report.intact = bool(status.intact and status.valid) and _contents_untouched(data, embedded)
    report.covers_whole_file = report.intact and status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    report.trusted = report.intact and bool(status.trusted) and not status.revoked
    if not report.intact:
        report.add("altered", _("The document was altered after it was signed: the signature no longer matches."))
        return certificate
    if not report.covers_whole_file:
        report.add(
            "not_whole_file",
            _("Something was added to the document after it was signed; the signature does not cover the whole file."),
        )
    if not report.trusted:
        _explain_untrusted(report, certificate, embedded, roots)
    return certificate


def _signatures(reader: PdfFileReader) -> tuple[list[EmbeddedPdfSignature], int]:
    """The filled signature fields (document time-stamps left out) in signing order, and how many of them
    could not even be parsed (a damaged signature container)."""
    parsed: list[EmbeddedPdfSignature] = []
    broken = 0
    for name, value, field_ref in enumerate_sig_fields(reader, filled_status=True):
        try:
            if value.get_object().get("/Type", "/Sig") != "/Sig":
                continue
            parsed.append(EmbeddedPdfSignature(reader, field_ref, name))
        except Exception:  # noqa: BLE001
            broken += 1
    parsed.sort(key=lambda s: s.signed_revision)
    return parsed, broken


def _der_length(data: bytes) -> int | None:
    """Length of the DER SEQUENCE at the start of ``data`` (``None`` for BER indefinite length)."""
    if len(data) < 2 or data[0] != 0x30:
        raise ValueError("not a DER sequence")
    first = data[1]
    if first < 0x80:
        return 2 + first
    count = first & 0x7F
    if count == 0:
        return None
    if count > 4 or len(data) < 2 + count:
        raise ValueError("bad DER length")
    return 2 + count + int.from_bytes(data[2 : 2 + count], "big")


def _contents_untouched(data: bytes, embedded: EmbeddedPdfSignature) -> bool:
    """The one part of the file a signature cannot cover is the hex string holding the signature itself. It
    must be exactly the signature container and zero padding, in hex digits of one case; anything else means
    someone changed bytes there (the signature still verifies, but the file is no longer the one signed)."""
    try:
        start, first_length, second_start, _second_length = (int(v) for v in embedded.byte_range)
        gap = data[start + first_length : second_start]
        if len(gap) < 2 or gap[:1] != b"<" or gap[-1:] != b">":
            return False
        digits = gap[1:-1]
        if len(digits) % 2 or not _HEX.fullmatch(digits):
            return False
        raw = bytes.fromhex(digits.decode("ascii"))
        length = _der_length(raw)
    except (ValueError, TypeError):
        return False
    if length is None:
        return True  # BER from another signer: nothing more to say about the padding
    if length > len(raw) or any(raw[length:]):
        return False
    container = digits[: 2 * length]
    return not (_UPPER_HEX.search(container) and _LOWER_HEX.search(container))


def _validate(embedded: Any, roots: list[x509.Certificate], moment: datetime.datetime | None = None) -> Any:
    context = ValidationContext(
        # An explicit (possibly empty) list: pyHanko would otherwise fall back to the system's TLS roots.
        trust_roots=[to_asn1_certificate(c) for c in roots],
        other_certs=embedded.other_embedded_certs,
        moment=moment,
        allow_fetching=False,
        revocation_mode="soft-fail",
    )
    return validate_pdf_signature(embedded, context, skip_diff=True, key_usage_settings=KEY_USAGE)


def _trusted_while_valid(embedded: Any, roots: list[x509.Certificate], certificate: x509.Certificate) -> bool:
    """Would the chain be trusted at the last moment the certificate was valid? Tells an expired agency
    certificate from one that was never trusted."""
    try:
        status = _validate(embedded, roots, moment=certificate.not_valid_after_utc - datetime.timedelta(seconds=1))
    except Exception:  # noqa: BLE001
        return False
    return bool(status.trusted)


def _explain_untrusted(
    report: SignatureReport, certificate: x509.Certificate, embedded: Any, roots: list[x509.Certificate]
) -> None:
    now = timezone.now()
    if certificate.not_valid_after_utc < now and _trusted_while_valid(embedded, roots, certificate):
        report.certificate_expired = True
        report.add(
            "certificate_expired",
            _("The signing certificate expired on %(date)s.") % {"date": display_date(certificate.not_valid_after_utc)},
        )
    elif certificate.not_valid_before_utc > now:
        report.add(
            "certificate_not_yet_valid",
            _("The signing certificate is not valid before %(date)s.")
            % {"date": display_date(certificate.not_valid_before_utc)},
        )
    else:
        report.add(
            "untrusted",
            _("The signature was not made with a certificate of a trusted certificate authority."),
        )
