"""The OpenAPI document (the contract), the documentation page, and the committed copy in docs/api/."""

from __future__ import annotations

import json
import re

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from balai.core.management.commands.export_openapi import generate_openapi

pytestmark = pytest.mark.django_db

OPERATIONS = {
    ("get", "/api/v1/me"),
    ("get", "/api/v1/organizations"),
    ("get", "/api/v1/organizations/{code}"),
    ("get", "/api/v1/audit/events"),
    ("get", "/api/v1/api-keys"),
    ("delete", "/api/v1/api-keys/{key_id}"),
}


def test_openapi_json_is_valid_and_lists_the_operations():
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "Balai API"
    found = {(method, path) for path, item in schema["paths"].items() for method in item}
    assert found >= OPERATIONS
    ids = [op["operationId"] for item in schema["paths"].values() for op in item.values()]
    assert len(ids) == len(set(ids))


def test_openapi_declares_auth_schemes_and_error_shape():
    schema = Client().get("/api/v1/openapi.json").json()
    schemes = schema["components"]["securitySchemes"]
    assert {s["type"] for s in schemes.values()} >= {"http", "apiKey"}
    assert any(s.get("in") == "header" and s.get("name") == "X-API-Key" for s in schemes.values())
    me = schema["paths"]["/api/v1/me"]["get"]
    assert me["security"]
    assert me["responses"]["401"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorOut")
    assert "security" not in schema["paths"]["/api/v1/organizations"]["get"]
    profile = schema["components"]["schemas"]["ProfileOut"]["properties"]
    assert "nik_masked" in profile and "nik" not in profile


def test_docs_page_lists_operations_without_scripts_from_elsewhere():
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/api/v1/audit/events" in html and "/api/v1/me" in html
    assert 'href="/api/v1/openapi.json"' in html
    assert not re.search(r"<script[^>]+src=\"https?://", html)
    assert "<style" not in html and "style=" not in html
    assert "Dokumentasi API" in html  # Indonesian by default


def test_docs_page_in_english():
    html = Client().get("/api/v1/docs", headers={"accept-language": "en"}).content.decode()
    assert "API documentation" in html


def test_export_writes_a_stable_sorted_document(tmp_path):
    target = tmp_path / "openapi.json"
    call_command("export_openapi", "--path", str(target))
    first = target.read_text()
    assert json.loads(first)["paths"]
    assert first == generate_openapi()
    keys = list(json.loads(first))
    assert keys == sorted(keys)
    call_command("export_openapi", "--path", str(target), "--check")  # passes when current


def test_export_check_detects_a_difference(tmp_path):
    target = tmp_path / "openapi.json"
    call_command("export_openapi", "--path", str(target))
    document = json.loads(target.read_text())
    document["info"]["version"] = "0"
    target.write_text(json.dumps(document, indent=2, sort_keys=True) + "\n")
    with pytest.raises(CommandError, match="out of date"):
        call_command("export_openapi", "--path", str(target), "--check")


def test_export_check_detects_a_missing_file(tmp_path):
    with pytest.raises(CommandError):
        call_command("export_openapi", "--path", str(tmp_path / "missing.json"), "--check")


def test_committed_document_is_current():
    call_command("export_openapi", "--check")
