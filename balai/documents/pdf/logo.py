"""The letterhead logo: a PNG or JPEG decided by the file's first bytes (never its name), that Pillow can read,
of sensible size, so a document never fails to render because of its logo."""

from __future__ import annotations

import io
import warnings

from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from balai.core.exceptions import ValidationFailed

MAX_LOGO_BYTES = 1024 * 1024
MAX_LOGO_SIDE = 3000
LOGO_TYPES = {"image/png": ".png", "image/jpeg": ".jpg"}
_PIL_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg"}


def _refuse(message: str) -> ValidationFailed:
    return ValidationFailed(message, code="invalid_logo", fields={"logo": [message]})


def check_logo(data: bytes) -> str:
    """The content type of logo ``data`` ("image/png" or "image/jpeg"), or ValidationFailed on the ``logo`` field."""
    if not data:
        raise _refuse(_("The logo file is empty."))
    if len(data) > MAX_LOGO_BYTES:
        raise _refuse(_("The logo is too large: at most %(max)d KB.") % {"max": MAX_LOGO_BYTES // 1024})
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        expected = "image/png"
    elif data.startswith(b"\xff\xd8\xff"):
        expected = "image/jpeg"
    else:
        raise _refuse(
            _("The logo must be a PNG or JPEG image; this file's content is neither, whatever its name says.")
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                found = _PIL_FORMATS.get(image.format or "")
                width, height = image.size
                image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError, Warning) as exc:
        raise _refuse(_("The logo image is damaged or cannot be read.")) from exc
    if found != expected:
        raise _refuse(_("The logo image is damaged or cannot be read."))
    if not (1 <= width <= MAX_LOGO_SIDE and 1 <= height <= MAX_LOGO_SIDE):
        raise _refuse(
            _("The logo is %(width)d × %(height)d pixels; at most %(max)d pixels on each side.")
            % {"width": width, "height": height, "max": MAX_LOGO_SIDE}
        )
    return expected
