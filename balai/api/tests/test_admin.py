"""API keys in /admin/: create shows the key once, the list never shows it, revoke is an action."""

from __future__ import annotations

import re

import pytest

from balai.api.models import ApiKey
from balai.api.services import api_key_authenticate
from balai.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

ADD = "/admin/api/apikey/add/"
LIST = "/admin/api/apikey/"


def test_create_shows_the_key_once(admin_client_otp, citizen):
    response = admin_client_otp.post(ADD, {"name": "SIMPEG", "owner": citizen.pk, "scopes": []})
    assert response.status_code == 200, response.content[:2000]
    assert "no-store" in response["Cache-Control"]
    match = re.search(r'value="(balai_[a-z0-9]{8}_[^"]+)"', response.content.decode())
    assert match, response.content.decode()[:3000]
    clear = match.group(1)
    key = api_key_authenticate(clear)
    assert key is not None and key.owner == citizen and key.name == "SIMPEG"
    assert AuditEvent.objects.filter(action="apikey.created", object_id=str(key.pk)).exists()
    # Never again: not in the list nor on the key's own page.
    secret = clear.split("_", 2)[2]
    assert secret not in admin_client_otp.get(LIST).content.decode()
    assert secret not in admin_client_otp.get(f"{LIST}{key.pk}/change/").content.decode()


def test_create_refuses_bad_input_and_stores_nothing(admin_client_otp, citizen):
    response = admin_client_otp.post(ADD, {"name": "", "owner": citizen.pk, "scopes": ["everything"]})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors.keys() >= {"name", "scopes"}
    assert not ApiKey.objects.exists()


def test_list_and_revoke_action(admin_client_otp, admin_user, citizen, make_key):
    key, clear = make_key(citizen, name="Old client")
    listing = admin_client_otp.get(LIST).content.decode()
    assert "Old client" in listing and f"balai_{key.prefix}_" in listing
    response = admin_client_otp.post(LIST, {"action": "revoke_keys", "_selected_action": [key.pk]}, follow=True)
    assert response.status_code == 200
    key.refresh_from_db()
    assert key.revoked_at is not None
    assert api_key_authenticate(clear) is None
    assert AuditEvent.objects.get(action="apikey.revoked").actor == admin_user


def test_admin_without_otp_cannot_reach_the_keys(admin_user, citizen):
    from balai.api.tests.conftest import signed_in

    response = signed_in(admin_user).post(ADD, {"name": "x", "owner": citizen.pk})
    assert response.status_code in {302, 403}
    assert not ApiKey.objects.exists()


def test_citizen_cannot_reach_the_keys(citizen):
    from balai.api.tests.conftest import signed_in

    response = signed_in(citizen).get(LIST)
    assert response.status_code in {302, 403}
