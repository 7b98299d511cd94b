"""Documents added to a case by staff or the applicant outside the application form (a transition's
document, files with a reply): type checked by content, size capped, stored under a random name."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

from balai.core.exceptions import ValidationFailed

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
# (magic prefix, MIME type, extension)
_SIGNATURES = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
)


@dataclass(frozen=True)
class StoredFile:
    storage_name: str
    original_name: str
    content_type: str
    size: int
    sha256: str


def detect_type(head: bytes) -> tuple[str, str] | None:
    for magic, mime, ext in _SIGNATURES:
        if head.startswith(magic):
            return mime, ext
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", "webp"
    return None


def store_document(uploaded: Any, *, folder: str, field: str = "document") -> StoredFile:
    """Check ``uploaded`` (a Django UploadedFile) and save it; raises ValidationFailed keyed by ``field``."""
    size = getattr(uploaded, "size", None) or 0
    if size <= 0:
        raise ValidationFailed(fields={field: [_("The file is empty.")]})
    if size > MAX_DOCUMENT_BYTES:
        raise ValidationFailed(
            fields={field: [_("The file is too large; the limit is %(mb)d MB.") % {"mb": MAX_DOCUMENT_BYTES // 2**20}]}
        )
    uploaded.seek(0)
    head = uploaded.read(16)
    detected = detect_type(head)
    if detected is None:
        raise ValidationFailed(fields={field: [_("Upload a PDF, JPG, PNG or WebP file.")]})
    if detected[0] == "application/pdf":
        uploaded.seek(0)
        if b"/Encrypt" in uploaded.read():
            raise ValidationFailed(fields={field: [_("The PDF is password-protected; upload it without a password.")]})
    digest = hashlib.sha256()
    uploaded.seek(0)
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    name = f"{folder.strip('/')}/{secrets.token_urlsafe(24)}.{detected[1]}"
    stored = default_storage.save(name, uploaded)
    original = PurePath(str(getattr(uploaded, "name", "") or "document")).name[:255]
    return StoredFile(stored, original, detected[0], size, digest.hexdigest())
