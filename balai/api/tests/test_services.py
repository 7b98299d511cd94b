"""API key services: creation (shown once, stored hashed), revocation, permissions, audit."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from balai.api.models import ApiKey
from balai.api.services import api_key_authenticate, api_key_create, api_key_revoke, parse_key
from balai.audit.models import AuditEvent
from balai.core.exceptions import PermissionDenied, ValidationFailed

pytestmark = pytest.mark.django_db

KEY_RE = re.compile(r"^balai_[a-z0-9]{8}_[A-Za-z0-9_-]{40,}$")


def test_create_returns_the_clear_key_once_and_stores_only_a_hash(admin_user, citizen):
    key, clear = api_key_create(actor=admin_user, owner=citizen, name="SIMPEG", scopes=["audit:read"])
    assert KEY_RE.match(clear)
    assert clear.split("_")[1] == key.prefix
    secret = clear.split("_", 2)[2]
    stored = ApiKey.objects.get(pk=key.pk)
    assert stored.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(ApiKey.objects.filter(pk=key.pk).values().first())
    assert stored.scopes == ["audit:read"]
    assert api_key_authenticate(clear) == key


def test_two_keys_differ(admin_user, citizen):
    _k1, clear1 = api_key_create(actor=admin_user, owner=citizen, name="a")
    _k2, clear2 = api_key_create(actor=admin_user, owner=citizen, name="b")
    assert clear1 != clear2


def test_create_is_audited_without_the_secret(admin_user, citizen):
    key, clear = api_key_create(actor=admin_user, owner=citizen, name="SIMPEG")
    event = AuditEvent.objects.filter(action="apikey.created").get()
    assert event.actor == admin_user
    assert (event.object_type, event.object_id) == ("api.apikey", str(key.pk))
    assert event.summary["prefix"] == key.prefix
    assert event.summary["owner_id"] == citizen.pk
    assert clear.split("_", 2)[2] not in str(event.summary)


def test_citizen_and_plain_staff_may_not_create_keys(citizen, staff):
    for actor in (citizen, staff):
        with pytest.raises(PermissionDenied):
            api_key_create(actor=actor, owner=actor, name="mine")
    assert not ApiKey.objects.exists()


def test_staff_with_the_permission_may_create_keys(staff, citizen):
    staff.user_permissions.add(Permission.objects.get(codename="add_apikey"))
    staff = type(staff).objects.get(pk=staff.pk)  # fresh permission cache
    key, _clear = api_key_create(actor=staff, owner=citizen, name="granted")
    assert key.pk


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"name": "ok", "scopes": ["everything"]}, "scopes"),
        ({"name": "ok", "expires_at": timezone.now() - timedelta(minutes=1)}, "expires_at"),
    ],
)
def test_bad_input_is_refused_and_nothing_stored(admin_user, citizen, kwargs, field):
    with pytest.raises(ValidationFailed) as caught:
        api_key_create(actor=admin_user, owner=citizen, **kwargs)
    assert field in caught.value.fields
    assert not ApiKey.objects.exists()
    assert not AuditEvent.objects.filter(action="apikey.created").exists()


def test_inactive_owner_is_refused(admin_user, citizen):
    citizen.is_active = False
    citizen.save(update_fields=["is_active"])
    with pytest.raises(ValidationFailed):
        api_key_create(actor=admin_user, owner=citizen, name="x")


def test_revoke_by_admin_and_by_owner_is_audited_once(admin_user, citizen):
    key, clear = api_key_create(actor=admin_user, owner=citizen, name="x")
    api_key_revoke(actor=citizen, api_key=key)
    api_key_revoke(actor=admin_user, api_key=key)  # twice: no second event
    assert key.revoked_at is not None
    assert api_key_authenticate(clear) is None
    events = AuditEvent.objects.filter(action="apikey.revoked")
    assert events.count() == 1
    assert events.get().actor == citizen


def test_someone_else_may_not_revoke(admin_user, citizen):
    other = type(citizen).objects.create_user(email="lain@contoh.test", full_name="Orang Lain", password="x" * 12)
    key, clear = api_key_create(actor=admin_user, owner=citizen, name="x")
    with pytest.raises(PermissionDenied):
        api_key_revoke(actor=other, api_key=key)
    key.refresh_from_db()
    assert key.revoked_at is None


@pytest.mark.parametrize(
    "raw", ["", "balai", "balai_short_x", "other_abcdefgh_secret", "balai_abcdefgh_", "balai_abcdefgh_" + "x" * 300]
)
def test_parse_key_refuses_malformed(raw):
    assert parse_key(raw) is None


def test_management_command_prints_a_working_key(citizen, capsys):
    from django.core.management import call_command

    call_command("api_key_create", "--owner", citizen.email.upper(), "--name", "Dukcapil bridge")
    out = capsys.readouterr().out.strip().splitlines()
    clear = out[-1]
    assert KEY_RE.match(clear)
    key = api_key_authenticate(clear)
    assert key.owner == citizen and key.name == "Dukcapil bridge"
    assert AuditEvent.objects.get(action="apikey.created").actor_label == "manage.py"


def test_management_command_refuses_unknown_owner_and_scope(citizen):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="no user"):
        call_command("api_key_create", "--owner", "nobody@contoh.test", "--name", "x")
    with pytest.raises(CommandError):
        call_command("api_key_create", "--owner", citizen.email, "--name", "x", "--scope", "root")
    assert not ApiKey.objects.exists()
