"""Documents added to a case by staff or the applicant outside the application form (a transition's
document, files with a reply). The checks and the storage are the form engine's (type by content, size
before reading, no password-protected PDFs, random names); only the allowed types and limit are set here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from balai.services.formdefs import check_upload, clean_original_name, store_upload

MAX_DOCUMENT_MB = 20
DOCUMENT_TYPES = ["pdf", "jpg", "jpeg", "png", "webp"]


@dataclass(frozen=True)
class StoredFile:
    storage_name: str
    original_name: str
    content_type: str
    size: int
    sha256: str


def store_document(uploaded: Any, *, folder: str, field: str = "document") -> StoredFile:
    """Check ``uploaded`` (a Django UploadedFile) and save it; raises ValidationFailed keyed by ``field``."""
    requirement = {"code": field, "name": str(_("Document")), "file": DOCUMENT_TYPES, "max_mb": MAX_DOCUMENT_MB}
    check_upload(requirement, uploaded)
    stored = store_upload(uploaded, folder=folder)
    return StoredFile(
        storage_name=str(stored),
        original_name=clean_original_name(getattr(uploaded, "name", "")),
        content_type=stored.content_type,
        size=stored.size,
        sha256=stored.sha256,
    )
