"""Photos of a complaint: checked by their content (JPEG, PNG or WebP, by the form engine's magic-byte check),
decoded by Pillow (a file that only looks like an image is refused), turned upright and re-encoded without
any metadata — the EXIF location and camera data never reach the storage."""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from balai.core.exceptions import ValidationFailed
from balai.services.formdefs import check_upload, store_upload

MAX_PHOTO_MB = 10
MAX_PIXELS = 40_000_000  # 40 megapixels: larger is a decompression bomb, not a phone photo
MAX_SIDE = 4096  # stored photos are at most this wide or high
PHOTO_TYPES = ["jpg", "jpeg", "png", "webp"]
_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}
_PIL_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}


@dataclass(frozen=True)
class CleanPhoto:
    """A photo decoded and re-encoded in memory, ready to store."""

    content: bytes
    content_type: str
    width: int
    height: int


def _refuse(message: str) -> ValidationFailed:
    return ValidationFailed(message, code="upload_refused", fields={"photos": [message]})


def clean_photo(uploaded: Any) -> CleanPhoto:
    """Check one uploaded photo and return it re-encoded without metadata; raises ValidationFailed."""
    requirement = {"code": "photos", "name": _("Photo"), "file": PHOTO_TYPES, "max_mb": MAX_PHOTO_MB}
    content_type = check_upload(requirement, uploaded)
    uploaded.seek(0)
    data = uploaded.read()
    uploaded.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                if probe.width * probe.height > MAX_PIXELS:
                    raise _refuse(_("The photo has too many pixels; send a smaller photo."))
                if _PIL_FORMATS.get(probe.format or "") != content_type:
                    raise _refuse(_("The photo's content does not match its type."))
                probe.verify()
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                upright = ImageOps.exif_transpose(image)
    except ValidationFailed:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError, Warning):
        raise _refuse(_("The photo could not be read; it may be damaged or not an image.")) from None
    upright.thumbnail((MAX_SIDE, MAX_SIDE))
    target = _FORMATS[content_type]
    if target == "JPEG" and upright.mode not in ("RGB", "L"):
        upright = upright.convert("RGB")
    elif target in ("PNG", "WEBP") and upright.mode not in ("RGB", "RGBA", "L", "LA", "P"):
        upright = upright.convert("RGBA")
    out = io.BytesIO()
    # No exif=, no icc_profile=, no pnginfo=: Pillow writes only the pixels.
    options: dict[str, Any] = {"quality": 85} if target in ("JPEG", "WEBP") else {"optimize": True}
    upright.save(out, format=target, **options)
    return CleanPhoto(content=out.getvalue(), content_type=content_type, width=upright.width, height=upright.height)


def store_photo(photo: CleanPhoto, *, folder: str) -> dict[str, Any]:
    """Save a cleaned photo under a random name; returns the ComplaintPhoto fields."""
    extension = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp"}[photo.content_type]
    upload = ContentFile(photo.content, name=f"photo{extension}")
    stored = store_upload(upload, folder=folder)
    return {
        "storage_name": str(stored),
        "content_type": photo.content_type,
        "size": len(photo.content),
        "width": photo.width,
        "height": photo.height,
        "sha256": hashlib.sha256(photo.content).hexdigest(),
    }


def delete_stored(names: list[str]) -> None:
    """Remove files stored for a complaint that was not saved after all (best effort)."""
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            pass
