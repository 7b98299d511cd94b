"""The signature of callbacks (and of the calls Balai makes to a gateway): HMAC-SHA256 with the provider's
secret over ``<timestamp>.`` followed by the raw body, sent as two headers::

    X-Balai-Timestamp: 1767225600            (Unix seconds when the sender signed)
    X-Balai-Signature: sha256=<64 hex digits>

The timestamp is part of the signed text, so a captured request cannot be replayed later with a fresh
timestamp; the receiver accepts it only within a window (5 minutes by default) and compares in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Mapping

TIMESTAMP_HEADER = "X-Balai-Timestamp"
SIGNATURE_HEADER = "X-Balai-Signature"
SIGNATURE_PREFIX = "sha256="


def signature(secret: bytes, body: bytes, timestamp: int | str) -> str:
    message = str(timestamp).encode("ascii") + b"." + body
    return SIGNATURE_PREFIX + hmac.new(secret, message, hashlib.sha256).hexdigest()


def signed_headers(secret: bytes, body: bytes, *, timestamp: int | None = None) -> dict[str, str]:
    """The two headers for ``body``, signed now (or at ``timestamp``)."""
    moment = int(time.time()) if timestamp is None else int(timestamp)
    return {TIMESTAMP_HEADER: str(moment), SIGNATURE_HEADER: signature(secret, body, moment)}


def header(headers: Mapping[str, str], name: str) -> str:
    """A header by name, whatever its case (WSGI ``HTTP_X_…`` keys and plain names both work)."""
    wanted = name.lower()
    wsgi = "HTTP_" + name.upper().replace("-", "_")
    for key, value in headers.items():
        if key.lower() == wanted or key == wsgi:
            return str(value)
    return ""


def signature_matches(secret: bytes, body: bytes, timestamp: str, sent: str) -> bool:
    """Constant-time comparison of the sent signature with the expected one (a malformed header is False)."""
    if not timestamp or not sent or len(sent) > 200 or len(timestamp) > 20:
        return False
    if not timestamp.isascii() or not timestamp.isdigit():
        return False
    expected = signature(secret, body, timestamp)
    candidate = sent.strip()
    if not candidate.lower().startswith(SIGNATURE_PREFIX):
        candidate = SIGNATURE_PREFIX + candidate
    return hmac.compare_digest(expected.encode("ascii"), candidate.lower().encode("ascii", "replace"))


def timestamp_fresh(timestamp: str, *, now: float, window: int) -> bool:
    try:
        sent = int(timestamp)
    except (TypeError, ValueError):
        return False
    return abs(now - sent) <= window
