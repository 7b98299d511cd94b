"""Request bodies: field paths in 422 answers, bodies that are not JSON, hostile text. Uses a small API of
its own built the same way as /api/v1/ (no endpoint of v1 takes a body yet)."""

from __future__ import annotations

import pytest
from ninja import Field, Schema
from ninja.testing import TestClient

from balai.api.api import BalaiAPI
from balai.api.errors import install_error_handlers


class Line(Schema):
    name: str = Field(max_length=20)
    qty: int = Field(ge=1)


class Order(Schema):
    title: str = Field(max_length=50)
    lines: list[Line]


test_api = BalaiAPI(urls_namespace="test-bodies", auth=None)
install_error_handlers(test_api)
stored: list[Order] = []


@test_api.post("/orders")
def create_order(request, payload: Order):
    stored.append(payload)
    return {"ok": True}


client = TestClient(test_api)


@pytest.fixture(autouse=True)
def _empty():
    stored.clear()


def test_fields_are_keyed_by_the_path_the_client_wrote():
    response = client.post("/orders", json={"title": "x" * 51, "lines": [{"name": "ok", "qty": 0}, {"qty": "a"}]})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_failed"
    assert set(error["fields"]) == {"title", "lines.0.qty", "lines.1.name", "lines.1.qty"}
    assert not stored


def test_missing_body_fields_are_required():
    error = client.post("/orders", json={}).json()["error"]
    assert set(error["fields"]) == {"title", "lines"}
    assert error["fields"]["title"] == ["Kolom ini wajib diisi."]


def test_body_that_is_not_json_gets_400():
    response = client.post("/orders", data=b"<html>not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_request"
    assert not stored


def test_wrong_type_of_body_gets_422():
    response = client.post("/orders", json=["a", "list"])
    assert response.status_code == 422
    assert not stored


def test_hostile_html_is_data_not_markup():
    response = client.post("/orders", json={"title": "<script>alert(1)</script>", "lines": []})
    assert response.status_code == 200
    assert stored[0].title == "<script>alert(1)</script>"  # stored as text; templates escape it when shown
