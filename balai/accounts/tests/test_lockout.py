"""Lockout after repeated failed sign-ins (django-axes): by account and address, for everyone."""

import pytest
from axes.models import AccessAttempt

from balai.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from balai.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

LOGIN = "/akun/masuk/"


def _try(client, username, password, ip="10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_five_wrong_passwords_then_the_right_one_is_refused(client, settings):
    UserFactory(email="budi@contoh.test")
    for _i in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _try(client, "budi@contoh.test", "salah-sekali-123").status_code == 200
    response = _try(client, "budi@contoh.test", "salah-sekali-123")
    assert response.status_code == 429
    response = _try(client, "budi@contoh.test", DEFAULT_PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    html = response.content.decode()
    assert "menit" in html  # explains when to retry (Indonesian by default)
    assert "30" in html
    assert AuditEvent.objects.filter(action="account.locked_out").exists()


def test_lockout_by_phone_counts_every_spelling_separately_but_refuses(client, settings):
    UserFactory(email=None, phone="+6281234567890")
    for _i in range(settings.AXES_FAILURE_LIMIT):
        _try(client, "081234567890", "salah-sekali-123")
    response = _try(client, "081234567890", DEFAULT_PASSWORD)
    assert response.status_code == 429


def test_other_accounts_are_unaffected(client, settings):
    UserFactory(email="budi@contoh.test")
    UserFactory(email="siti@contoh.test")
    for _i in range(settings.AXES_FAILURE_LIMIT):
        _try(client, "budi@contoh.test", "salah-sekali-123")
    response = _try(client, "siti@contoh.test", DEFAULT_PASSWORD)
    assert response.status_code == 302
    assert AccessAttempt.objects.filter(username="budi@contoh.test").exists()


def test_same_account_from_another_address_is_unaffected(client, settings):
    UserFactory(email="budi@contoh.test")
    for _i in range(settings.AXES_FAILURE_LIMIT):
        _try(client, "budi@contoh.test", "salah-sekali-123", ip="10.0.0.1")
    response = _try(client, "budi@contoh.test", DEFAULT_PASSWORD, ip="10.0.0.2")
    assert response.status_code == 302


def test_success_before_the_limit_resets_the_count(client, settings):
    UserFactory(email="budi@contoh.test")
    for _i in range(settings.AXES_FAILURE_LIMIT - 1):
        _try(client, "budi@contoh.test", "salah-sekali-123")
    assert _try(client, "budi@contoh.test", DEFAULT_PASSWORD).status_code == 302
    client.logout()
    assert _try(client, "budi@contoh.test", "salah-sekali-123").status_code == 200
    assert _try(client, "budi@contoh.test", DEFAULT_PASSWORD).status_code == 302


def test_locked_out_page_in_english(client, settings):
    UserFactory(email="budi@contoh.test")
    client.cookies["balai_language"] = "en"
    for _i in range(settings.AXES_FAILURE_LIMIT):
        response = _try(client, "budi@contoh.test", "salah-sekali-123")
    assert response.status_code == 429
    assert "minutes" in response.content.decode()
