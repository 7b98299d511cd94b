"""Sign-in by e-mail or mobile number, sign-out, safe redirects, and the audit of both."""

import pytest
from django.contrib.auth import authenticate
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from balai.accounts.backends import EmailOrPhoneBackend
from balai.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from balai.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

LOGIN = "/akun/masuk/"


def _login(client, username, password=DEFAULT_PASSWORD, **extra):
    return client.post(LOGIN, {"username": username, "password": password, **extra})


def test_login_url_is_stable():
    assert reverse("accounts:login") == LOGIN
    assert reverse("accounts:logout") == "/akun/keluar/"


def test_sign_in_page_labels_the_identifier_field(client):
    response = client.get(LOGIN)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="username"' in html
    assert "E-mail atau nomor HP" in html


def test_sign_in_with_email_any_case(client):
    user = UserFactory(email="budi@contoh.test")
    response = _login(client, "  BUDI@Contoh.test ")
    assert response.status_code == 302
    assert response["Location"] == "/saya/"
    assert int(client.session["_auth_user_id"]) == user.pk


@pytest.mark.parametrize("spelling", ["081234567890", "+6281234567890", "0812-3456-7890", "62 812 3456 7890"])
def test_sign_in_with_phone_in_every_spelling(client, spelling):
    user = UserFactory(email=None, phone="+6281234567890")
    response = _login(client, spelling)
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk


def test_wrong_password_is_refused_with_a_generic_message(client):
    UserFactory(email="budi@contoh.test")
    response = _login(client, "budi@contoh.test", "salah-sekali-123")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert response.context["form"].non_field_errors()


def test_unknown_account_gets_the_same_message(client):
    UserFactory(email="budi@contoh.test")
    wrong_password = _login(client, "budi@contoh.test", "salah-sekali-123").context["form"].non_field_errors()
    unknown = _login(client, "tidak-ada@contoh.test", "salah-sekali-123").context["form"].non_field_errors()
    assert list(wrong_password) == list(unknown)


def test_inactive_account_is_refused(client):
    user = UserFactory(email="budi@contoh.test", is_active=False, email_verified_at=timezone.now())
    _login(client, "budi@contoh.test")
    assert "_auth_user_id" not in client.session
    assert not EmailOrPhoneBackend().user_can_authenticate(user)


def test_anonymised_account_is_refused(client):
    UserFactory(email="budi@contoh.test", anonymised_at=timezone.now())
    _login(client, "budi@contoh.test")
    assert "_auth_user_id" not in client.session


def test_backend_runs_the_hasher_for_unknown_accounts(monkeypatch):
    calls = []
    from django.contrib.auth.base_user import AbstractBaseUser

    original = AbstractBaseUser.set_password

    def spy(self, raw):
        calls.append(raw)
        return original(self, raw)

    monkeypatch.setattr(AbstractBaseUser, "set_password", spy)
    request = RequestFactory().post(LOGIN)
    assert EmailOrPhoneBackend().authenticate(request, username="nobody@contoh.test", password="x") is None
    assert calls == ["x"]


def test_backend_handles_missing_and_hostile_input():
    backend = EmailOrPhoneBackend()
    assert backend.authenticate(None, username=None, password="x") is None
    assert backend.authenticate(None, username="a@b.c", password=None) is None
    assert backend.authenticate(None, username="' OR 1=1 --", password="x") is None
    assert backend.authenticate(None, username="x" * 10000, password="x") is None


def test_authenticate_by_phone_through_django():
    user = UserFactory(email=None, phone="+6281234567890")
    request = RequestFactory().post(LOGIN)
    request.session = {}
    assert authenticate(request, username="081234567890", password=DEFAULT_PASSWORD) == user


def test_next_redirects_only_to_local_urls(client):
    UserFactory(email="budi@contoh.test")
    response = _login(client, "budi@contoh.test", next="/layanan/")
    assert response["Location"] == "/layanan/"
    client.logout()
    response = _login(client, "budi@contoh.test", next="https://jahat.example/")
    assert response["Location"] == "/saya/"
    client.logout()
    response = _login(client, "budi@contoh.test", next="//jahat.example/")
    assert response["Location"] == "/saya/"


@pytest.mark.parametrize(
    "data",
    [{}, {"username": "", "password": ""}, {"username": "x" * 300, "password": "y"}, {"username": "<b>x</b>"}],
)
def test_bad_sign_in_input_is_a_form_error_not_a_crash(client, data):
    response = client.post(LOGIN, data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert "<b>x</b>" not in response.content.decode()


def test_sign_out_is_post_only(client):
    user = UserFactory()
    client.force_login(user)
    response = client.get("/akun/keluar/")
    assert response.status_code == 405
    assert "_auth_user_id" in client.session
    response = client.post("/akun/keluar/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="account.signed_out", actor=user).exists()


def test_sign_in_success_and_failure_are_audited_without_the_identifier(client):
    user = UserFactory(email="budi.santoso@contoh.test")
    _login(client, "budi.santoso@contoh.test", "salah-sekali-123")
    failed = AuditEvent.objects.get(action="account.sign_in_failed")
    assert failed.actor is None
    assert failed.actor_label == "b••••@contoh.test"
    assert "salah" not in str(failed.summary)
    _login(client, "budi.santoso@contoh.test")
    assert AuditEvent.objects.filter(action="account.signed_in", actor=user).exists()


def test_admin_sign_in_failure_is_audited(client):
    client.post("/admin/login/", {"username": "admin@contoh.test", "password": "salah", "otp_token": "123456"})
    event = AuditEvent.objects.get(action="account.sign_in_failed")
    assert event.summary.get("via") == "admin"


def test_staff_sign_in_goes_to_two_factor(client):
    UserFactory(staff=True, email="pegawai@contoh.test")
    response = _login(client, "pegawai@contoh.test")
    assert response.status_code == 302
    follow = client.get(response["Location"])
    assert follow.status_code == 302
    assert follow["Location"].startswith("/akun/2fa/daftar/")
