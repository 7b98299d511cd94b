"""Structured JSON logs carrying the request id, and the middleware that gives every request its id."""

from __future__ import annotations

import io
import json
import logging
import sys
from unittest import mock

import pytest
from django.http import HttpResponse
from django.test import Client, RequestFactory

from balai.core import request_context
from balai.core.logging import JsonFormatter, RequestContextFilter
from balai.core.middleware import RequestContextMiddleware


def make_record(msg="hello %s", args=("world",), level=logging.INFO, **extra):
    record = logging.LogRecord("balai.test", level, __file__, 10, msg, args, None)
    record.__dict__.update(extra)
    return record


def format_line(record) -> dict:
    RequestContextFilter().filter(record)
    line = JsonFormatter().format(record)
    assert "\n" not in line  # one object per line
    return json.loads(line)


# --- the formatter ------------------------------------------------------------------------------------


def test_formatter_writes_one_json_object_with_the_basics():
    entry = format_line(make_record())
    assert entry["message"] == "hello world"
    assert entry["level"] == "INFO"
    assert entry["logger"] == "balai.test"
    assert entry["time"].endswith("+00:00")
    assert entry["request_id"] is None  # outside a request


def test_formatter_uses_the_current_request_id():
    token = request_context.set_current(request_context.RequestContext(request_id="abc12345def"))
    try:
        entry = format_line(make_record())
    finally:
        request_context.reset(token)
    assert entry["request_id"] == "abc12345def"


def test_record_with_its_own_request_id_keeps_it():
    token = request_context.set_current(request_context.RequestContext(request_id="current-request"))
    try:
        entry = format_line(make_record(request_id="origin-request"))
    finally:
        request_context.reset(token)
    assert entry["request_id"] == "origin-request"


def test_extra_fields_are_kept_and_unserialisable_values_become_text():
    entry = format_line(make_record(check="cache", count=3, request=object(), thing=object()))
    assert entry["check"] == "cache" and entry["count"] == 3
    assert "request" not in entry  # Django's HttpRequest in extra is never dumped
    assert entry["thing"].startswith("<object object")


def test_exceptions_are_formatted_into_one_field():
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.LogRecord("balai.test", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
    entry = format_line(record)
    assert entry["message"] == "failed"
    assert "ValueError: boom" in entry["exception"]


def test_non_ascii_text_stays_readable():
    entry = format_line(make_record(msg="Permohonan %s", args=("diterima — ✓",)))
    assert entry["message"] == "Permohonan diterima — ✓"


# --- the middleware -----------------------------------------------------------------------------------


def run_middleware(headers=None):
    seen = {}

    def view(request):
        seen["ctx"] = request_context.current()
        seen["request_id"] = request.request_id
        return HttpResponse("ok")

    request = RequestFactory().get("/somewhere", headers=headers or {}, REMOTE_ADDR="203.0.113.9")
    response = RequestContextMiddleware(view)(request)
    return response, seen


@pytest.mark.parametrize("incoming", ["abcdef12", "req-2026.11_23-0001", "A" * 64, "0f8fad5bd9cb469fa16570867728950e"])
def test_well_formed_incoming_request_id_is_kept(incoming):
    response, seen = run_middleware({"X-Request-ID": incoming})
    assert response["X-Request-ID"] == incoming
    assert seen["request_id"] == incoming == seen["ctx"].request_id


@pytest.mark.parametrize(
    "incoming",
    [
        "",
        "short",
        "A" * 65,
        "has space in it",
        "semi;colon12",
        "<script>alert(1)</script>",
        "ünïcödé-id-123",
        "abcdefgh\n",
        "abcdefgh\nX-Injected: 1",
    ],
)
def test_malformed_incoming_request_id_is_replaced(incoming):
    response, seen = run_middleware({"X-Request-ID": incoming})
    new_id = response["X-Request-ID"]
    assert new_id != incoming
    assert len(new_id) == 32 and all(c in "0123456789abcdef" for c in new_id)
    assert seen["request_id"] == new_id


def test_each_request_gets_its_own_id_and_client_facts():
    first, seen = run_middleware({"User-Agent": "UjiBrowser/1.0"})
    second, _ = run_middleware()
    assert first["X-Request-ID"] != second["X-Request-ID"]
    assert seen["ctx"].ip == "203.0.113.9"
    assert seen["ctx"].user_agent == "UjiBrowser/1.0"
    assert seen["ctx"].path == "/somewhere"


def test_context_is_cleared_after_the_request():
    run_middleware({"X-Request-ID": "abcdef123456"})
    assert request_context.current().request_id == ""


def test_forwarded_for_header_is_not_trusted():
    _response, seen = run_middleware({"X-Forwarded-For": "198.51.100.1"})
    assert seen["ctx"].ip == "203.0.113.9"


# --- end to end: a real request logs with its id ----------------------------------------------------------


@pytest.mark.django_db
def test_a_request_logs_with_its_request_id():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestContextFilter())
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("balai.api")
    logger.addHandler(handler)
    try:
        with mock.patch("balai.api.routers.organizations.public_organizations", side_effect=RuntimeError("kaboom")):
            response = Client(raise_request_exception=False).get(
                "/api/v1/organizations", headers={"X-Request-ID": "trace-0001-abcd"}
            )
    finally:
        logger.removeHandler(handler)
    assert response.status_code == 500
    entries = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert entries, "nothing was logged"
    assert entries[0]["request_id"] == "trace-0001-abcd"
    assert "kaboom" in entries[0]["exception"]


def test_response_carries_the_request_id_header():
    response = Client().get("/healthz", headers={"X-Request-ID": "probe-12345678"})
    assert response["X-Request-ID"] == "probe-12345678"


def test_every_request_writes_one_json_access_line_with_status_duration_and_id():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestContextFilter())
    access = logging.getLogger("balai.access")
    access.addHandler(handler)
    old_level = access.level
    access.setLevel(logging.INFO)
    try:
        response, _request = run_middleware({"X-Request-ID": "access-line-0001"})
    finally:
        access.removeHandler(handler)
        access.setLevel(old_level)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert len(lines) == 1
    line = lines[0]
    assert line["request_id"] == "access-line-0001"
    assert line["status"] == response.status_code
    assert line["method"] == "GET"
    assert isinstance(line["duration_ms"], float)
