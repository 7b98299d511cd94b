"""Middleware of the shared kernel: request id and client facts; Permissions-Policy header."""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

from balai.core import request_context

# fullmatch, not match with "$": "$" also matches before a trailing newline, which would let
# "abcdefgh\n" (a header-injection attempt) through into logs and the audit trail.
access_logger = logging.getLogger("balai.access")

_REQUEST_ID_RE = re.compile(r"[A-Za-z0-9._-]{8,64}")


def client_ip(request: HttpRequest) -> str | None:
    # Behind a proxy the operator sets it to overwrite REMOTE_ADDR (e.g. gunicorn --forwarded-allow-ips);
    # never trust a client-supplied X-Forwarded-For here.
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    """Gives every request an id (kept from a well-formed X-Request-ID, else new), echoed in the response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _REQUEST_ID_RE.fullmatch(incoming) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        token = request_context.set_current(
            request_context.RequestContext(
                request_id=request_id,
                ip=client_ip(request),
                user_agent=request.headers.get("User-Agent", "")[:500],
                path=request.path[:500],
            )
        )
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            # One structured access-log line per request, with the same id the response carries.
            access_logger.info(
                "request",
                extra={
                    "method": request.method,
                    "path": request.path[:500],
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
        finally:
            request_context.reset(token)
        response["X-Request-ID"] = request_id
        return response


class PermissionsPolicyMiddleware:
    """Turns off browser features the platform never uses."""

    header = "camera=(), microphone=(), geolocation=(self), payment=(), usb=(), interest-cohort=()"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", self.header)
        return response


class LanguageMiddleware(LocaleMiddleware):
    """Pages are in Bahasa Indonesia unless the person chose English with the language switch (a cookie);
    the browser's Accept-Language is not followed for pages, because many citizens' phones are set to
    English while they read Indonesian best. The API (/api/, /open311/) follows Accept-Language as HTTP
    clients expect."""

    header_paths = ("/api/", "/open311/")

    def process_request(self, request: HttpRequest) -> None:
        if request.path.startswith(self.header_paths):
            super().process_request(request)
            return
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
