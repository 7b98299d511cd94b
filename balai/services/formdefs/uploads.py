"""Uploaded documents: the type is decided by the file's first bytes (never by its name), the size by the
requirement, and the file is stored under a name nobody can guess, with its SHA-256."""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from typing import Any

from django.core.files.base import File
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

from balai.core.exceptions import ValidationFailed

from .definition import DEFAULT_MAX_MB, FILE_TYPES
from .values import field_label

MB = 1024 * 1024
HEAD_BYTES = 16
# The extension a stored file gets, by detected type.
EXTENSION_FOR_TYPE = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/webp": ".webp",
    "image/vnd.dwg": ".dwg",
}
# "/Encrypt" followed by an indirect reference or a dictionary: the key of a trailer (or a cross-reference
# stream) of an encrypted PDF. The word alone inside page text does not match.
PDF_ENCRYPT_RE = re.compile(rb"/Encrypt\s*(?:\d+\s+\d+\s+R|<<)")
SCAN_CHUNK = 1024 * 1024
FOLDER_RE = re.compile(r"^[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*$")


def detect_type(head: bytes) -> str | None:
    """The content type that the first bytes of a file announce, or None when it is none we accept."""
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if re.match(rb"AC10[0-3]\d", head[:6]):
        return "image/vnd.dwg"
    return None


def _read_head(uploaded_file: Any) -> bytes:
    uploaded_file.seek(0)
    head = uploaded_file.read(HEAD_BYTES)
    uploaded_file.seek(0)
    return head or b""


def _is_encrypted_pdf(uploaded_file: Any) -> bool:
    uploaded_file.seek(0)
    tail = b""
    try:
        for chunk in (
            uploaded_file.chunks(SCAN_CHUNK)
            if hasattr(uploaded_file, "chunks")
            else iter(lambda: uploaded_file.read(SCAN_CHUNK), b"")
        ):
            window = tail + chunk
            if PDF_ENCRYPT_RE.search(window):
                return True
            tail = window[-64:]
    finally:
        uploaded_file.seek(0)
    return False


def _allowed_types(extensions: list[str]) -> set[str]:
    return {FILE_TYPES[ext.lower()] for ext in extensions if ext.lower() in FILE_TYPES}


def _refuse(requirement: dict, message: str) -> ValidationFailed:
    return ValidationFailed(message, code="upload_refused", fields={str(requirement.get("code")): [message]})


def _type_names(extensions: list[str]) -> str:
    return ", ".join(ext.upper() for ext in extensions)


def check_upload(requirement: dict, uploaded_file: Any) -> str:
    """Return the content type detected from ``uploaded_file``'s bytes, or raise ValidationFailed with a message
    naming the requirement: the type must be one the requirement lists (by content and by the name's
    extension), the size at most ``max_mb``, the file not empty and, for a PDF, not password-protected."""
    label = field_label(requirement)
    extensions = [str(ext) for ext in requirement.get("file") or []]
    if not extensions:
        raise _refuse(requirement, _("%(label)s is not uploaded here; bring it to the counter.") % {"label": label})
    if uploaded_file is None or not hasattr(uploaded_file, "read"):
        raise _refuse(requirement, _("%(label)s: choose a file to upload.") % {"label": label})
    max_mb = requirement.get("max_mb") or DEFAULT_MAX_MB
    size = getattr(uploaded_file, "size", None)
    if size is None and hasattr(uploaded_file, "seek"):
        uploaded_file.seek(0, 2)
        size = uploaded_file.tell()
        uploaded_file.seek(0)
    # The size is known from the upload before anything is read; refuse early.
    if size is not None and size > max_mb * MB:
        raise _refuse(
            requirement,
            _("%(label)s is too large: the limit is %(max)s MB and the file has %(size)s MB.")
            % {"label": label, "max": _mb(max_mb), "size": _mb(size / MB)},
        )
    if not size:
        raise _refuse(requirement, _("%(label)s: the file is empty.") % {"label": label})
    name = str(getattr(uploaded_file, "name", "") or "")
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    allowed_names = {ext.lower() for ext in extensions}
    if "jpg" in allowed_names or "jpeg" in allowed_names:
        allowed_names |= {"jpg", "jpeg"}
    wrong_type = _("%(label)s must be a file of type %(types)s.") % {"label": label, "types": _type_names(extensions)}
    if extension not in allowed_names:
        raise _refuse(requirement, wrong_type)
    detected = detect_type(_read_head(uploaded_file))
    if detected is None or detected not in _allowed_types(extensions):
        raise _refuse(
            requirement,
            _("%(label)s: the file's content is not %(types)s, whatever its name says. Upload the document.")
            % {"label": label, "types": _type_names(extensions)},
        )
    if detected == "application/pdf" and _is_encrypted_pdf(uploaded_file):
        raise _refuse(
            requirement,
            _("%(label)s is protected with a password. Upload a copy without a password.") % {"label": label},
        )
    return detected


def _mb(value: float) -> str:
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return text


class StoredUpload(str):
    """The storage name of a stored file (a plain ``str`` for callers that need nothing else), with the
    ``sha256``, ``size`` and detected ``content_type`` computed while storing."""

    sha256: str
    size: int
    content_type: str

    def __new__(cls, name: str, *, sha256: str, size: int, content_type: str) -> StoredUpload:
        stored = super().__new__(cls, name)
        stored.sha256 = sha256
        stored.size = size
        stored.content_type = content_type
        return stored


def store_upload(uploaded_file: Any, *, folder: str) -> StoredUpload:
    """Save a checked upload through ``default_storage`` as ``<folder>/<secrets.token_urlsafe(24)><ext>`` (the
    extension of the type detected from its content) and return the storage name (with ``.sha256``)."""
    folder = folder.rstrip("/")
    if not FOLDER_RE.match(folder) or ".." in folder:
        raise ValueError(f"unsafe upload folder {folder!r}")
    content_type = detect_type(_read_head(uploaded_file))
    if content_type is None:
        raise ValidationFailed(_("The file type is not accepted."), code="upload_refused")
    digest = hashlib.sha256()
    size = 0
    uploaded_file.seek(0)
    for chunk in (
        uploaded_file.chunks()
        if hasattr(uploaded_file, "chunks")
        else iter(lambda: uploaded_file.read(SCAN_CHUNK), b"")
    ):
        digest.update(chunk)
        size += len(chunk)
    uploaded_file.seek(0)
    name = f"{folder}/{secrets.token_urlsafe(24)}{EXTENSION_FOR_TYPE[content_type]}"
    content = uploaded_file if isinstance(uploaded_file, File) else File(uploaded_file)
    stored_name = default_storage.save(name, content)
    return StoredUpload(stored_name, sha256=digest.hexdigest(), size=size, content_type=content_type)


def clean_original_name(name: str | None, *, max_length: int = 200) -> str:
    """The name the applicant's file had, safe to show and to put in a Content-Disposition header: no path,
    no control characters, at most ``max_length`` characters (keeping the extension)."""
    text = unicodedata.normalize("NFC", str(name or ""))
    text = text.replace("\\", "/").rsplit("/", 1)[-1]
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C" and ch not in '<>:"|?*')
    text = text.strip().strip(".") or "dokumen"
    if len(text) > max_length:
        stem, dot, ext = text.rpartition(".")
        text = (stem[: max_length - len(ext) - 1] + dot + ext) if dot and len(ext) <= 10 else text[:max_length]
    return text
