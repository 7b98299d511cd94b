"""The audit trail through the API: platform administrators only, newest first, filters, a query budget."""

from __future__ import annotations

import pytest
from django.test import Client

from balai.api.tests.conftest import signed_in
from balai.api.tests.test_auth import assert_error
from balai.audit.services import audit_log

pytestmark = pytest.mark.django_db

URL = "/api/v1/audit/events"


def test_citizen_is_refused(citizen):
    assert_error(signed_in(citizen).get(URL), 403, "permission_denied")


def test_citizen_key_is_refused_even_with_the_scope(citizen, make_key):
    # The scope only narrows a key; it never grants more than the owner has.
    key, clear = make_key(citizen, scopes=["audit:read"])
    assert_error(Client().get(URL, headers={"x-api-key": clear}), 403, "permission_denied")


def test_staff_with_otp_but_not_platform_admin_is_refused(staff):
    assert_error(signed_in(staff, otp=True).get(URL), 403, "permission_denied")


def test_admin_lists_events_newest_first_and_filters(admin_user, citizen):
    client = signed_in(admin_user, otp=True)  # signing in may itself be audited: do it first
    audit_log(actor=citizen, action="account.signed_in", target=citizen)
    audit_log(actor=admin_user, action="user.updated", target=citizen, summary={"fields": ["is_active"]})
    audit_log(actor=None, action="account.sign_in_failed", actor_label="w***@contoh.test")
    body = client.get(URL).json()
    actions = [e["action"] for e in body["results"]]
    assert actions[:3] == ["account.sign_in_failed", "user.updated", "account.signed_in"]
    newest = body["results"][0]
    assert newest["actor_id"] is None and newest["actor_label"] == "w***@contoh.test"
    assert len(newest["hash"]) == 64
    filtered = client.get(URL, {"action": "user.updated"}).json()
    assert [e["action"] for e in filtered["results"]] == ["user.updated"]
    assert filtered["results"][0]["summary"] == {"fields": ["is_active"]}
    by_object = client.get(URL, {"object_type": "accounts.user", "object_id": str(citizen.pk)}).json()
    assert {e["action"] for e in by_object["results"]} == {"account.signed_in", "user.updated"}


def test_admin_key_with_scope_reads_events(admin_user, make_key):
    key, clear = make_key(admin_user, scopes=["audit:read"])  # creating the key is itself audited
    body = Client().get(URL, headers={"authorization": f"Bearer {clear}"}).json()
    assert body["results"][0]["action"] == "apikey.created"
    assert clear not in str(body)
    assert key.prefix in str(body["results"][0]["summary"])


def test_query_budget_does_not_grow_with_the_page(admin_user, django_assert_max_num_queries):
    client = signed_in(admin_user, otp=True)
    for n in range(30):
        audit_log(actor=admin_user, action="user.updated", object_type="accounts.user", object_id=n)
    # user, OTP device, count, one page (actors joined), the staff idle-timeout session write (3 statements)
    with django_assert_max_num_queries(7) as queries:
        response = client.get(URL, {"page_size": 30})
    assert len(response.json()["results"]) == 30, [q["sql"] for q in queries.captured_queries]
