"""A per-address counter for the public payment pages and endpoints (the approach of /lacak/ and /verifikasi/):
``BALAI_PAYMENTS_RATE_LIMIT`` requests per ``BALAI_PAYMENTS_RATE_WINDOW`` seconds and scope."""

from __future__ import annotations

from django.core.cache import cache
from django.http import HttpRequest

from balai.core.middleware import client_ip
from balai.payments.conf import setting

DEFAULT_LIMIT = 60
DEFAULT_WINDOW_SECONDS = 600


def rate_limited(request: HttpRequest, *, scope: str) -> bool:
    """Count one request of the client's address in ``scope``; True once it is over the limit."""
    limit = int(setting("BALAI_PAYMENTS_RATE_LIMIT", DEFAULT_LIMIT))
    window = int(setting("BALAI_PAYMENTS_RATE_WINDOW", DEFAULT_WINDOW_SECONDS))
    key = f"payments:{scope}:{client_ip(request) or 'unknown'}"
    cache.add(key, 0, window)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, window)
        count = 1
    return count > limit
