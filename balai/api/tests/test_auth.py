"""Who may call the API: API keys (Bearer or X-API-Key) and the web session, and the refusals."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.test import Client
from django.utils import timezone

from balai.api.models import ApiKey
from balai.api.services import api_key_revoke
from balai.api.tests.conftest import past, signed_in

pytestmark = pytest.mark.django_db

ORGS = "/api/v1/organizations"
AUDIT = "/api/v1/audit/events"


def assert_error(response, status, code):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    assert isinstance(body["error"]["fields"], dict)
    assert body["error"]["request_id"] == response["X-Request-ID"]
    return body["error"]


def test_anonymous_gets_401_with_the_error_shape():
    response = Client().get(AUDIT)
    error = assert_error(response, 401, "not_authenticated")
    assert error["fields"] == {}
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_401_message_is_indonesian_by_default_and_english_on_request():
    assert Client().get(AUDIT).json()["error"]["message"] == "Anda perlu masuk terlebih dahulu."
    english = Client().get(AUDIT, headers={"accept-language": "en"})
    assert english.json()["error"]["message"] == "You need to sign in."


@pytest.mark.parametrize(
    "headers",
    [
        {"authorization": "Bearer balai_abcdefgh_not-the-secret"},
        {"x-api-key": "balai_abcdefgh_not-the-secret"},
        {"authorization": "Bearer not-even-shaped-like-a-key"},
        {"authorization": "Bearer "},
    ],
)
def test_unknown_or_malformed_key_gets_401(headers):
    assert_error(Client().get(AUDIT, headers=headers), 401, "invalid_api_key")


def test_wrong_secret_for_an_existing_prefix_gets_401(admin_user, make_key):
    key, clear = make_key(admin_user, scopes=["audit:read"])
    forged = clear[:-4] + ("aaaa" if not clear.endswith("aaaa") else "bbbb")
    assert_error(Client().get(AUDIT, headers={"authorization": f"Bearer {forged}"}), 401, "invalid_api_key")


def test_revoked_key_gets_401(admin_user, make_key):
    key, clear = make_key(admin_user, scopes=["audit:read"])
    assert Client().get(AUDIT, headers={"authorization": f"Bearer {clear}"}).status_code == 200
    api_key_revoke(actor=admin_user, api_key=key)
    assert_error(Client().get(AUDIT, headers={"authorization": f"Bearer {clear}"}), 401, "invalid_api_key")


def test_expired_key_gets_401(admin_user, make_key):
    key, clear = make_key(admin_user, scopes=["audit:read"], expires_at=timezone.now() + timedelta(days=1))
    ApiKey.objects.filter(pk=key.pk).update(expires_at=past(seconds=1))
    assert_error(Client().get(AUDIT, headers={"x-api-key": clear}), 401, "invalid_api_key")


def test_key_of_a_deactivated_owner_gets_401(citizen, make_key):
    key, clear = make_key(citizen)
    citizen.is_active = False
    citizen.save(update_fields=["is_active"])
    assert_error(Client().get("/api/v1/me", headers={"x-api-key": clear}), 401, "invalid_api_key")


def test_bad_key_is_refused_even_with_a_valid_session(citizen):
    client = signed_in(citizen)
    assert client.get("/api/v1/me").status_code != 401
    assert_error(client.get("/api/v1/me", headers={"x-api-key": "balai_abcdefgh_wrong"}), 401, "invalid_api_key")


@pytest.mark.parametrize("header", ["authorization", "x-api-key"])
def test_key_authenticates_as_its_owner_and_marks_last_use(admin_user, make_key, header):
    key, clear = make_key(admin_user, scopes=["audit:read"])
    assert key.last_used_at is None
    value = f"Bearer {clear}" if header == "authorization" else clear
    response = Client().get(AUDIT, headers={header: value})
    assert response.status_code == 200
    key.refresh_from_db()
    assert key.last_used_at is not None


def test_last_used_at_is_written_at_most_once_a_minute(admin_user, make_key):
    key, clear = make_key(admin_user, scopes=["audit:read"])
    start = timezone.now()
    headers = {"authorization": f"Bearer {clear}"}
    with mock.patch("django.utils.timezone.now", return_value=start):
        Client().get(AUDIT, headers=headers)
    with mock.patch("django.utils.timezone.now", return_value=start + timedelta(seconds=30)):
        Client().get(AUDIT, headers=headers)
    key.refresh_from_db()
    assert key.last_used_at == start
    later = start + timedelta(seconds=61)
    with mock.patch("django.utils.timezone.now", return_value=later):
        Client().get(AUDIT, headers=headers)
    key.refresh_from_db()
    assert key.last_used_at == later


def test_key_without_the_scope_is_refused_on_the_audit_list(admin_user, make_key):
    key, clear = make_key(admin_user)  # no scopes
    error = assert_error(Client().get(AUDIT, headers={"x-api-key": clear}), 403, "insufficient_scope")
    assert "audit:read" in error["message"]


def test_key_without_scopes_still_reads_its_owner(citizen, make_key):
    key, clear = make_key(citizen)
    response = Client().get("/api/v1/me", headers={"x-api-key": clear})
    assert response.status_code == 200
    assert response.json()["id"] == citizen.pk


def test_staff_session_without_otp_is_refused_on_me(staff):
    assert_error_like_two_factor(signed_in(staff).get("/api/v1/me"))


def test_staff_session_without_otp_is_refused_by_the_api_itself(staff, settings):
    # Defence in depth: without the staff middleware the API's session auth still refuses.
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if not m.endswith("StaffTwoFactorMiddleware")]
    assert_error(signed_in(staff).get("/api/v1/me"), 403, "two_factor_required")


def assert_error_like_two_factor(response):
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "two_factor_required"


def test_superuser_session_without_otp_is_refused_on_audit(admin_user):
    assert_error_like_two_factor(signed_in(admin_user).get(AUDIT))


def test_superuser_session_with_otp_reads_audit(admin_user):
    assert signed_in(admin_user, otp=True).get(AUDIT).status_code == 200


def test_session_needs_csrf_token_for_unsafe_methods(citizen, make_key):
    key, _clear = make_key(citizen)
    client = signed_in(citizen, enforce_csrf_checks=True)
    assert_error(client.delete(f"/api/v1/api-keys/{key.pk}"), 403, "csrf_failed")
    key.refresh_from_db()
    assert key.revoked_at is None


def test_session_with_csrf_token_passes_the_csrf_check(citizen, make_key):
    key, _clear = make_key(citizen)
    client = signed_in(citizen, enforce_csrf_checks=True)
    client.get("/api/v1/docs")  # a page with a form sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    response = client.delete(f"/api/v1/api-keys/{key.pk}", headers={"x-csrftoken": token})
    assert response.status_code == 204
    key.refresh_from_db()
    assert key.revoked_at is not None


def test_api_key_needs_no_csrf_token(citizen, make_key):
    key, clear = make_key(citizen)
    response = Client(enforce_csrf_checks=True).delete(f"/api/v1/api-keys/{key.pk}", headers={"x-api-key": clear})
    assert response.status_code == 204


def test_wrong_method_gets_405_in_the_error_shape(citizen):
    response = signed_in(citizen).post("/api/v1/me", content_type="application/json")
    assert_error(response, 405, "method_not_allowed")
    assert "GET" in response["Allow"]
