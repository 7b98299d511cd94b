"""Reads of issued documents, always scoped to the asking person: anyone holding a document id sees its public
status (masked name, no other personal data); a citizen their own documents; staff the documents issued by
their agencies (and the units below them). ``verify_upload`` says whether an uploaded PDF is one we issued.

Public look-ups take the same path whatever the id: a malformed id is looked up as a dummy value that can
never exist, so one indexed query runs for malformed, unknown and known ids alike and timing does not tell
them apart."""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Q, QuerySet

from balai.documents.models import (
    _PUBLIC_ID_ALPHABET,
    PUBLIC_ID_LENGTH,
    DocumentStatus,
    IssuedDocument,
    SigningProfile,
)
from balai.organizations.scoping import is_platform_admin, organization_ids_for

if TYPE_CHECKING:
    from balai.documents.signing import SignatureReport

DEFAULT_VERIFY_MAX_BYTES = 20 * 1024 * 1024
PDF_MAGIC = b"%PDF-"
# PDF readers accept the header anywhere in the first kilobyte (after junk some producers prepend).
PDF_HEADER_WINDOW = 1024
_ALPHABET = frozenset(_PUBLIC_ID_ALPHABET)
# Right length, but "0" is outside the alphabet: no issued document can have this id.
_DUMMY_PUBLIC_ID = "0" * PUBLIC_ID_LENGTH
_MASK = "*"
# What the public pages and the holder's list show; every join is planned on every request.
_PUBLIC_RELATED = ("organization", "replaced_by")


# --- ids and names -------------------------------------------------------------------------------------------


def normalize_public_id(value: Any) -> str:
    """An id as typed from paper: spaces, hyphens and dots dropped, lower case. The result may still be
    malformed; check it with ``is_well_formed_public_id``."""
    text = str(value or "")[: 4 * PUBLIC_ID_LENGTH]
    return "".join(ch for ch in text if ch not in " \t\r\n-.").lower()


def is_well_formed_public_id(value: Any) -> bool:
    return isinstance(value, str) and len(value) == PUBLIC_ID_LENGTH and all(ch in _ALPHABET for ch in value)


def _mask_word(word: str) -> str:
    n = len(word)
    if n <= 1:
        return word
    # Short words keep all but their last letter ("Siti" -> "Sit*"), longer ones about half, at most four.
    keep = n - 1 if n <= 4 else min(4, math.ceil(n / 2))
    return word[:keep] + _MASK * (n - keep)


def mask_name(name: str | None) -> str:
    """``Siti Nurhaliza`` → ``Sit* Nurh*****``: enough to compare with the paper, not the whole name."""
    return " ".join(_mask_word(word) for word in str(name or "").split())


# --- public verification ---------------------------------------------------------------------------------------


def _public_queryset() -> QuerySet[IssuedDocument]:
    return IssuedDocument.objects.select_related(*_PUBLIC_RELATED)


# The columns ``public_facts`` reads, and no more: the public page is the busiest read of the app.
_PUBLIC_COLUMNS = (
    "public_id",
    "kind",
    "document_type",
    "number",
    "holder_name",
    "sha256",
    "certificate_sha256",
    "issued_at",
    "status",
    "revoked_at",
    "revocation_reason",
    "organization__code",
    "organization__name",
    "organization__name_en",
    "replaced_by__public_id",
    "replaced_by__issued_at",
)


def _one(queryset: QuerySet[IssuedDocument]) -> IssuedDocument | None:
    """The first row of a look-up by a unique column, without the sort that ``first()`` adds."""
    return next(iter(queryset.order_by()[:1]), None)


def document_for_verification(public_id: Any) -> IssuedDocument | None:
    """The document with this public id, or None. Malformed ids cost the same one indexed query."""
    well_formed = is_well_formed_public_id(public_id)
    candidate = public_id if well_formed else _DUMMY_PUBLIC_ID
    document = _one(_public_queryset().only(*_PUBLIC_COLUMNS).filter(public_id=candidate))
    return document if well_formed and document is not None else None


def public_facts(document: IssuedDocument) -> dict[str, Any]:
    """Everything the public verification page and API show of a document, and nothing more."""
    replaced_by = document.replaced_by if document.replaced_by_id else None
    status = document.status
    return {
        "public_id": document.public_id,
        "kind": document.kind,
        "document_type": document.document_type,
        "number": document.number,
        "organization": document.organization.display_name,
        "organization_code": document.organization.code,
        "issued_at": document.issued_at,
        "holder": mask_name(document.holder_name),
        "status": status,
        "status_label": DocumentStatus(status).label if status in DocumentStatus.values else status,
        "is_valid": status == DocumentStatus.VALID,
        "revoked_at": document.revoked_at if status == DocumentStatus.REVOKED else None,
        "revocation_reason": document.revocation_reason if status == DocumentStatus.REVOKED else "",
        "replaced_by": replaced_by.public_id if replaced_by is not None else None,
        "replaced_at": replaced_by.issued_at if replaced_by is not None else None,
        "sha256": document.sha256,
    }


# --- the holder ------------------------------------------------------------------------------------------------


def documents_for_holder(user: Any) -> QuerySet[IssuedDocument]:
    """The person's own documents, newest first (reads the holder index)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return IssuedDocument.objects.none()
    return _public_queryset().filter(holder_id=user.pk).order_by("-issued_at", "-id")


def document_for_holder(user: Any, public_id: Any) -> IssuedDocument | None:
    if not is_well_formed_public_id(public_id):
        return None
    return _one(documents_for_holder(user).filter(public_id=public_id))


def documents_for_case_citizen(user: Any, case: Any) -> list[IssuedDocument]:
    """The documents of ``case`` that ``user`` holds (receipt first, then results)."""
    if case is None:
        return []
    return list(documents_for_holder(user).filter(case_id=case.pk).order_by("issued_at", "id"))


# --- staff -----------------------------------------------------------------------------------------------------


def _staff_scope(user: Any) -> set[int] | None:
    """Ids of the agencies whose documents ``user`` may see as staff; None for platform administrators (all)."""
    if is_platform_admin(user):
        return None
    return organization_ids_for(user)


def documents_for_staff(user: Any) -> QuerySet[IssuedDocument]:
    """Documents issued by the agencies ``user`` works for (or the units below them), or issued for a case of
    those agencies; all for platform administrators; none for anyone else."""
    ids = _staff_scope(user)
    if ids is None:
        return _public_queryset()
    if not ids:
        return IssuedDocument.objects.none()
    return _public_queryset().filter(Q(organization_id__in=ids) | Q(case__organization_id__in=ids))


def document_for_staff(user: Any, public_id: Any) -> IssuedDocument | None:
    if not is_well_formed_public_id(public_id):
        return None
    return _one(documents_for_staff(user).select_related("case").filter(public_id=public_id))


def _staff_actions(user: Any, documents: list[IssuedDocument]) -> None:
    """Set ``can_revoke`` and ``can_reissue`` on each document (what the case page offers). The services check
    again; this only decides which buttons to show."""
    from balai.documents.services import may_revoke

    allowed_in: dict[int, bool] = {}
    for document in documents:
        if document.organization_id not in allowed_in:
            allowed_in[document.organization_id] = bool(may_revoke(user, document))
        allowed = allowed_in[document.organization_id]
        document.can_revoke = allowed and document.status == DocumentStatus.VALID  # type: ignore[attr-defined]
        document.can_reissue = (  # type: ignore[attr-defined]
            allowed and document.status != DocumentStatus.REPLACED and document.case_id is not None
        )


def documents_for_case_staff(user: Any, case: Any) -> list[IssuedDocument]:
    """The documents of ``case`` that ``user`` may see as staff, each with ``can_revoke``/``can_reissue``."""
    if case is None:
        return []
    ids = _staff_scope(user)
    documents = _public_queryset().filter(case_id=case.pk)
    if ids is not None and case.organization_id not in ids:
        documents = documents.filter(organization_id__in=ids) if ids else documents.none()
    result = list(documents.order_by("issued_at", "id"))
    _staff_actions(user, result)
    return result


# --- checking an uploaded file ---------------------------------------------------------------------------------


class Outcome:
    """What ``verify_upload`` concludes (stable codes: the API returns them)."""

    GENUINE = "genuine"
    REVOKED = "revoked"
    REPLACED = "replaced"
    ALTERED = "altered"
    SIGNATURE_PROBLEM = "signature_problem"
    UNKNOWN = "unknown"
    NOT_PDF = "not_pdf"
    ENCRYPTED = "encrypted"
    EMPTY = "empty"
    TOO_LARGE = "too_large"

    CHECKED = (GENUINE, REVOKED, REPLACED, ALTERED, SIGNATURE_PROBLEM, UNKNOWN)
    REFUSED = (NOT_PDF, ENCRYPTED, EMPTY, TOO_LARGE)


@dataclass
class VerificationResult:
    outcome: str
    size: int
    sha256: str = ""
    document: IssuedDocument | None = None
    signed: bool = False
    intact: bool = False
    covers_whole_file: bool = False
    trusted: bool = False
    certificate_matches: bool = False
    signer_subject: str = ""
    signed_at: datetime | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def checked(self) -> bool:
        """True when the file was a readable PDF and was checked (not refused)."""
        return self.outcome in Outcome.CHECKED

    @property
    def signature_ok(self) -> bool:
        return self.signed and self.intact and self.trusted


def verify_max_bytes() -> int:
    return int(getattr(settings, "BALAI_VERIFY_MAX_BYTES", DEFAULT_VERIFY_MAX_BYTES))


def looks_like_pdf(data: bytes) -> bool:
    return PDF_MAGIC in data[:PDF_HEADER_WINDOW]


def _known_certificate(fingerprint: str) -> bool:
    """A certificate that one of our agencies signs with (the profiles table is small: one row per agency)."""
    if not fingerprint:
        return False
    return SigningProfile.objects.filter(certificate_sha256=fingerprint.lower()).exists()


def _with_report(result: VerificationResult, report: SignatureReport) -> VerificationResult:
    result.signed = bool(report.signed)
    result.intact = bool(report.intact)
    result.covers_whole_file = bool(report.covers_whole_file)
    result.trusted = bool(report.trusted)
    result.signer_subject = report.signer_subject or ""
    result.signed_at = report.signed_at
    result.problems = [str(p) for p in (report.problems or [])]
    return result


def verify_upload(data: bytes) -> VerificationResult:
    """Check an uploaded file against the issued documents and its electronic signature.

    - ``genuine``: the SHA-256 matches a valid issued document and its signature is intact, trusted and
      made with the certificate recorded for that document;
    - ``revoked`` / ``replaced``: the SHA-256 matches a document that is no longer valid;
    - ``signature_problem``: the SHA-256 matches a valid document, but its signature does not check out now
      (for example the trust roots were changed) — the file is ours, yet we do not call it genuine;
    - ``altered``: signed with one of our agencies' certificates (trusted, or a known fingerprint), but the
      SHA-256 matches nothing or the signature is broken;
    - ``unknown``: neither our signature nor a match;
    - ``not_pdf``, ``encrypted``, ``empty``, ``too_large``: refused before checking.
    Nothing is stored."""
    from balai.documents.signing import validate_pdf

    size = len(data)
    if size == 0:
        return VerificationResult(outcome=Outcome.EMPTY, size=0)
    if size > verify_max_bytes():
        return VerificationResult(outcome=Outcome.TOO_LARGE, size=size)
    if not looks_like_pdf(data):
        return VerificationResult(outcome=Outcome.NOT_PDF, size=size)
    digest = hashlib.sha256(data).hexdigest()
    report = validate_pdf(data)
    result = _with_report(VerificationResult(outcome=Outcome.UNKNOWN, size=size, sha256=digest), report)
    if report.is_encrypted:
        result.outcome = Outcome.ENCRYPTED
        return result
    if not report.is_pdf:
        result.outcome = Outcome.NOT_PDF
        return result
    fingerprint = (report.certificate_sha256 or "").lower()
    document = _one(_public_queryset().only(*_PUBLIC_COLUMNS).filter(sha256=digest))
    if document is not None:
        result.document = document
        result.certificate_matches = bool(fingerprint) and fingerprint == document.certificate_sha256.lower()
        if document.status == DocumentStatus.REVOKED:
            result.outcome = Outcome.REVOKED
        elif document.status == DocumentStatus.REPLACED:
            result.outcome = Outcome.REPLACED
        elif result.signature_ok and result.certificate_matches:
            result.outcome = Outcome.GENUINE
        else:
            result.outcome = Outcome.SIGNATURE_PROBLEM
        return result
    if report.signed and (report.trusted or _known_certificate(fingerprint)):
        result.outcome = Outcome.ALTERED
    return result


__all__ = [
    "Outcome",
    "VerificationResult",
    "document_for_holder",
    "document_for_staff",
    "document_for_verification",
    "documents_for_case_citizen",
    "documents_for_case_staff",
    "documents_for_holder",
    "documents_for_staff",
    "is_well_formed_public_id",
    "looks_like_pdf",
    "mask_name",
    "normalize_public_id",
    "public_facts",
    "verify_max_bytes",
    "verify_upload",
]
