"""Encryption at rest: round trip, nothing readable in the database, key rotation, wrong keys."""

from __future__ import annotations

from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection

from balai.accounts.models import User
from balai.accounts.tests.factories import UserFactory
from balai.core import crypto

KEY_A = Fernet.generate_key().decode()
KEY_B = Fernet.generate_key().decode()
KEY_C = Fernet.generate_key().decode()


def raw_phone(user: User) -> str | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM accounts_user WHERE id = %s", [user.pk])
        return cursor.fetchone()[0]


def test_round_trip_and_token_is_not_the_plaintext(settings):
    settings.FIELD_ENCRYPTION_KEYS = [KEY_A]
    for text in ["3201010101900001", "Jl. Merdeka No. 1, RT 001/RW 002", "ünïcödé ✓", "x" * 5000]:
        token = crypto.encrypt(text)
        assert token != text
        assert text not in token
        assert crypto.decrypt(token) == text


def test_each_encryption_is_randomised(settings):
    settings.FIELD_ENCRYPTION_KEYS = [KEY_A]
    assert crypto.encrypt("3201010101900001") != crypto.encrypt("3201010101900001")


def test_wrong_key_raises_a_clear_error_not_garbage(settings):
    settings.FIELD_ENCRYPTION_KEYS = [KEY_A]
    token = crypto.encrypt("rahasia")
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B]
    with pytest.raises(crypto.DecryptionError, match="FIELD_ENCRYPTION_KEYS"):
        crypto.decrypt(token)


def test_damaged_token_raises_decryption_error(settings):
    settings.FIELD_ENCRYPTION_KEYS = [KEY_A]
    token = crypto.encrypt("rahasia")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(token[:-4] + "AAAA")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt("not a token")


def test_settings_change_rebuilds_the_cipher(settings):
    settings.FIELD_ENCRYPTION_KEYS = [KEY_A]
    token_a = crypto.encrypt("satu")
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B, KEY_A]
    token_b = crypto.encrypt("dua")
    assert crypto.decrypt(token_a) == "satu"
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B]
    assert crypto.decrypt(token_b) == "dua"
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(token_a)


def test_keys_may_be_a_comma_separated_string(settings):
    settings.FIELD_ENCRYPTION_KEYS = f"{KEY_B}, {KEY_A}"
    assert crypto.decrypt(crypto.encrypt("x")) == "x"


def test_missing_or_invalid_keys_are_a_configuration_error_without_echoing_the_key(settings):
    settings.FIELD_ENCRYPTION_KEYS = []
    with pytest.raises(ImproperlyConfigured):
        crypto.encrypt("x")
    settings.FIELD_ENCRYPTION_KEYS = ["not-a-fernet-key-secret"]
    with pytest.raises(ImproperlyConfigured) as info:
        crypto.encrypt("x")
    assert "not-a-fernet-key-secret" not in str(info.value)


def test_blind_index_is_deterministic_keyed_and_separated_by_purpose(settings):
    settings.BLIND_INDEX_KEY = "kunci-indeks-1"
    first = crypto.blind_index("3201010101900001", purpose="nik")
    assert first == crypto.blind_index("3201010101900001", purpose="nik")
    assert len(first) == 64 and int(first, 16) >= 0
    assert first != crypto.blind_index("3201010101900002", purpose="nik")
    assert first != crypto.blind_index("3201010101900001", purpose="phone")
    settings.BLIND_INDEX_KEY = "kunci-indeks-2"
    assert first != crypto.blind_index("3201010101900001", purpose="nik")


def test_blind_index_needs_a_purpose():
    with pytest.raises(ValueError):
        crypto.blind_index("x", purpose="")


@pytest.mark.django_db
def test_encrypted_field_stores_a_token_and_reads_plaintext(settings):
    settings.FIELD_ENCRYPTION_KEYS = [KEY_A]
    user = UserFactory(phone="+6281234567890")
    stored = raw_phone(user)
    assert stored and stored != "+6281234567890"
    assert "81234567890" not in stored
    assert crypto.decrypt(stored) == "+6281234567890"
    assert User.objects.get(pk=user.pk).phone == "+6281234567890"


@pytest.mark.django_db
def test_encrypted_field_keeps_null_as_null():
    user = UserFactory(phone=None)
    assert raw_phone(user) is None
    assert User.objects.get(pk=user.pk).phone is None


@pytest.mark.django_db
def test_encrypted_field_refuses_lookups_other_than_isnull():
    user = UserFactory(phone="+6281234567890")
    assert list(User.objects.filter(phone__isnull=False)) == [user]
    with pytest.raises(TypeError, match="blind index"):
        User.objects.filter(phone="+6281234567890").count()
    with pytest.raises(TypeError):
        User.objects.filter(phone__contains="812").count()


@pytest.mark.django_db
def test_rotation_re_encrypts_so_the_old_key_can_be_dropped(settings):
    settings.FIELD_ENCRYPTION_KEYS = [KEY_A]
    users = [UserFactory(phone=f"+628123456789{i}") for i in range(5)]
    no_phone = UserFactory(phone=None)
    before = {u.pk: raw_phone(u) for u in users}

    settings.FIELD_ENCRYPTION_KEYS = [KEY_B, KEY_A]
    out = StringIO()
    call_command("rotate_encryption_keys", "--batch-size", "2", stdout=out)
    assert "accounts.User: 5 re-encrypted, 0 already current, 0 failed" in out.getvalue()
    for user in users:
        assert raw_phone(user) != before[user.pk]

    settings.FIELD_ENCRYPTION_KEYS = [KEY_B]
    for i, user in enumerate(users):
        assert User.objects.get(pk=user.pk).phone == f"+628123456789{i}"
        assert User.objects.get_by_identifier(f"08123456789{i}") == user  # blind index unaffected
    assert raw_phone(no_phone) is None

    # Running it again changes nothing.
    out = StringIO()
    call_command("rotate_encryption_keys", stdout=out)
    assert "accounts.User: 0 re-encrypted, 5 already current, 0 failed" in out.getvalue()


@pytest.mark.django_db
def test_rotation_dry_run_writes_nothing(settings):
    settings.FIELD_ENCRYPTION_KEYS = [KEY_A]
    user = UserFactory(phone="+6281234567890")
    before = raw_phone(user)
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B, KEY_A]
    out = StringIO()
    call_command("rotate_encryption_keys", "--dry-run", stdout=out)
    assert "1 would be re-encrypted" in out.getvalue()
    assert raw_phone(user) == before


@pytest.mark.django_db
def test_rotation_reports_values_no_key_can_open(settings):
    settings.FIELD_ENCRYPTION_KEYS = [KEY_C]
    user = UserFactory(phone="+6281234567890")
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B, KEY_A]  # KEY_C was removed too early
    err = StringIO()
    with pytest.raises(CommandError, match="keep the old keys"):
        call_command("rotate_encryption_keys", stdout=StringIO(), stderr=err)
    assert f"accounts.User {user.pk}: phone cannot be decrypted" in err.getvalue()
    assert "+6281234567890" not in err.getvalue()


def test_rotation_help_explains_the_procedure():
    from balai.core.management.commands.rotate_encryption_keys import Command

    text = Command().help
    assert "FIELD_ENCRYPTION_KEYS=<new>,<old>" in text
    assert "remove the old key" in text
