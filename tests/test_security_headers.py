"""Security headers on every response, the request id, and the JSON log line that carries it."""

from __future__ import annotations

import io
import json
import logging

import pytest
from django.test import Client

from balai.core.logging import JsonFormatter, RequestContextFilter

pytestmark = pytest.mark.django_db


def csp_directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


@pytest.mark.parametrize("path", ["/", "/privasi/", "/tidak-ada/"])
def test_content_security_policy_forbids_inline_code_and_framing(client, path):
    response = client.get(path)
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]
    directives = csp_directives(response)
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]


def test_basic_security_headers(client):
    response = client.get("/")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "camera=()" in response["Permissions-Policy"]
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_no_hsts_over_plain_http(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    assert "Strict-Transport-Security" not in client.get("/")


def test_hsts_on_https_with_production_settings(settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_SSL_REDIRECT = True
    response = Client().get("/", secure=True)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_plain_http_is_redirected_to_https_in_production(settings):
    settings.SECURE_SSL_REDIRECT = True
    response = Client().get("/privasi/")
    assert response.status_code == 301 and response["Location"] == "https://testserver/privasi/"


def test_session_and_csrf_cookies_are_http_only(client):
    response = client.get("/")
    csrf = response.cookies.get("csrftoken")
    assert csrf is not None and csrf["httponly"] and csrf["samesite"] == "Lax"


def test_request_id_is_generated_and_echoed(client):
    first = client.get("/")["X-Request-ID"]
    second = client.get("/")["X-Request-ID"]
    assert len(first) >= 16 and first != second


def test_well_formed_incoming_request_id_is_kept(client):
    response = client.get("/", headers={"X-Request-ID": "lb-2026-abc.123_XYZ"})
    assert response["X-Request-ID"] == "lb-2026-abc.123_XYZ"


@pytest.mark.parametrize("bad", ["short", "has space in it", "<script>alert(1)</script>", "x" * 65, "ünïcödé-id-123"])
def test_malformed_incoming_request_id_is_replaced(client, bad):
    response = client.get("/", headers={"X-Request-ID": bad})
    assert response["X-Request-ID"] != bad
    assert len(response["X-Request-ID"]) == 32


@pytest.fixture
def json_log():
    """Capture what the production formatter writes, with the request-context filter, like settings.LOGGING."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestContextFilter())
    loggers = [logging.getLogger("django.request"), logging.getLogger("balai")]
    for logger in loggers:
        logger.addHandler(handler)
    yield stream
    for logger in loggers:
        logger.removeHandler(handler)


def lines(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def test_json_log_line_of_a_failing_request_carries_its_request_id(settings, json_log):
    settings.ROOT_URLCONF = "balai.web.tests.urls"
    client = Client(raise_request_exception=False)
    response = client.get("/_test/boom/", headers={"X-Request-ID": "trace-500-0001"})
    assert response.status_code == 500
    records = [r for r in lines(json_log) if r["logger"] == "django.request"]
    assert records, json_log.getvalue()
    assert records[0]["request_id"] == "trace-500-0001"
    assert records[0]["level"] == "ERROR"
    assert "RuntimeError" in records[0]["exception"]


def test_json_log_line_of_a_404_carries_its_request_id(client, json_log):
    client.get("/tidak-ada/", headers={"X-Request-ID": "trace-404-0001"})
    records = [r for r in lines(json_log) if r["logger"] == "django.request"]
    assert records and records[0]["request_id"] == "trace-404-0001"
