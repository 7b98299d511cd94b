"""The one error shape everywhere in the API: unknown paths, bad input, unexpected failures."""

from __future__ import annotations

import json
from unittest import mock

import pytest
from django.test import Client

from balai.api.tests.conftest import signed_in
from balai.api.tests.test_auth import assert_error

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path", ["/api/v1/nothing-here", "/api/v1/organizations/a/b/c", "/api/v1/me/", "/api/v1/<script>alert(1)</script>"]
)
def test_unknown_api_paths_answer_json_404(path):
    error = assert_error(Client().get(path), 404, "not_found")
    assert "<" not in json.dumps(error)


def test_unknown_api_path_with_post_is_404_not_a_csrf_page():
    assert_error(Client(enforce_csrf_checks=True).post("/api/v1/nothing-here"), 404, "not_found")


def test_unknown_path_message_in_english():
    response = Client().get("/api/v1/nothing-here", headers={"accept-language": "en"})
    assert response.json()["error"]["message"] == "Not found."


def test_api_index_points_to_the_documents():
    body = Client().get("/api/v1/").json()
    assert body["openapi"] == "/api/v1/openapi.json"
    assert body["docs"] == "/api/v1/docs"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("page=abc", "page"),
        ("page=0", "page"),
        ("page_size=100000", "page_size"),
        ("page_size=-1", "page_size"),
        ("action=" + "x" * 101, "action"),
    ],
)
def test_bad_query_parameters_get_422_with_fields(admin_user, query, field):
    client = signed_in(admin_user, otp=True)
    error = assert_error(client.get(f"/api/v1/audit/events?{query}"), 422, "validation_failed")
    assert list(error["fields"]) == [field]
    assert error["fields"][field] and all(isinstance(m, str) and m for m in error["fields"][field])


def test_422_messages_are_translated(admin_user):
    client = signed_in(admin_user, otp=True)
    indonesian = client.get("/api/v1/audit/events?page=abc").json()["error"]
    assert indonesian["message"] == "Sebagian data tidak valid."
    assert indonesian["fields"]["page"] == ["Masukkan bilangan bulat."]
    english = client.get("/api/v1/audit/events?page_size=100000", headers={"accept-language": "en"}).json()["error"]
    assert english["fields"]["page_size"] == ["Ensure this value is at most 100."]


def test_bad_path_parameter_type_gets_422(citizen):
    error = assert_error(signed_in(citizen).delete("/api/v1/api-keys/abc"), 422, "validation_failed")
    assert "key_id" in error["fields"]


def test_unexpected_error_is_a_500_with_request_id_and_no_traceback(caplog):
    with mock.patch(
        "balai.api.routers.organizations.public_organizations", side_effect=RuntimeError("secret internals")
    ):
        response = Client(raise_request_exception=False).get(
            "/api/v1/organizations", headers={"x-request-id": "req-12345678"}
        )
    error = assert_error(response, 500, "server_error")
    assert error["request_id"] == "req-12345678"
    assert "secret internals" not in response.content.decode()
    assert "Traceback" not in response.content.decode()
    # ...but the log has it, with the request id.
    record = next(r for r in caplog.records if r.name == "balai.api")
    assert record.exc_info and "secret internals" in str(record.exc_info[1])


def test_balai_error_status_and_code_pass_through(citizen, make_key):
    key, _clear = make_key(citizen)
    with mock.patch("balai.api.routers.api_keys.api_key_revoke") as revoke:
        from balai.core.exceptions import Conflict

        revoke.side_effect = Conflict()
        response = signed_in(citizen).delete(f"/api/v1/api-keys/{key.pk}")
    assert_error(response, 409, "conflict")


def test_django_permission_denied_and_does_not_exist_map_to_403_and_404(citizen, make_key):
    from django.core.exceptions import ObjectDoesNotExist, PermissionDenied

    key, _clear = make_key(citizen)
    for exc, status, code in [(PermissionDenied(), 403, "permission_denied"), (ObjectDoesNotExist(), 404, "not_found")]:
        with mock.patch("balai.api.routers.api_keys.api_key_revoke", side_effect=exc):
            assert_error(signed_in(citizen).delete(f"/api/v1/api-keys/{key.pk}"), status, code)
