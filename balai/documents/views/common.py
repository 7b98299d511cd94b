"""What the document pages share: the PDF download (streamed from storage, audited), the file name it gets,
and the per-address rate limit of the public checks."""

from __future__ import annotations

import logging
import re
import unicodedata
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest

from balai.audit.services import audit_log
from balai.core.middleware import client_ip
from balai.documents.models import IssuedDocument

logger = logging.getLogger(__name__)

DEFAULT_RATE_LIMIT = 30
DEFAULT_RATE_WINDOW_SECONDS = 600
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def download_name(document: IssuedDocument) -> str:
    """``DISDUKCAPIL/474.1/12/XI/2026`` → ``DISDUKCAPIL-474.1-12-XI-2026.pdf``: ASCII letters, digits, dots,
    hyphens and underscores only, so every browser and file system keeps it."""
    text = unicodedata.normalize("NFKD", document.number or "").encode("ascii", "ignore").decode()
    stem = _UNSAFE.sub("-", text).strip(".-_")[:150] or f"dokumen-{document.public_id}"
    return f"{stem}.pdf"


def download_response(request: HttpRequest, document: IssuedDocument, *, role: str) -> FileResponse:
    """Stream the signed PDF as an attachment and record who took it (``role``: holder or staff)."""
    try:
        handle = default_storage.open(document.storage_name, "rb")
    except OSError as exc:
        logger.error("issued document %s has no file in storage", document.public_id)
        raise Http404 from exc
    audit_log(
        actor=request.user,
        action="document.downloaded",
        target=document,
        summary={"number": document.number, "role": role},
    )
    response = FileResponse(
        handle, as_attachment=True, filename=download_name(document), content_type="application/pdf"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def rate_limited(request: HttpRequest, *, scope: str) -> bool:
    """Count one attempt of the client's address; True once it made more than ``BALAI_VERIFY_RATE_LIMIT``
    within ``BALAI_VERIFY_RATE_WINDOW`` seconds (the approach of /lacak/: a cache counter per address)."""
    limit = int(getattr(settings, "BALAI_VERIFY_RATE_LIMIT", DEFAULT_RATE_LIMIT))
    window = int(getattr(settings, "BALAI_VERIFY_RATE_WINDOW", DEFAULT_RATE_WINDOW_SECONDS))
    key = f"documents:verify:{scope}:{client_ip(request) or 'unknown'}"
    cache.add(key, 0, window)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, window)
        count = 1
    return count > limit


def no_index(response: Any) -> Any:
    """Verification pages are reached by QR code or id, never through a search engine."""
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response
