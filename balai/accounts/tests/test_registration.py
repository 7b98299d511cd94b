"""Citizen self-registration: the account stays inactive until the 6-digit code is confirmed."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from balai.accounts.models import User, VerificationCode
from balai.accounts.tests.factories import UserFactory
from balai.audit.models import AuditEvent
from balai.notifications.models import OutboundMessage

pytestmark = pytest.mark.django_db

PASSWORD = "Rahasia-Kuat-2026"


def _form(**overrides):
    data = {
        "full_name": "Siti Aminah",
        "email": "siti@contoh.test",
        "phone": "",
        "channel": "email",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "accept_terms": "on",
    }
    data.update(overrides)
    return data


def _code_from_mail() -> str:
    return re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)


def test_registration_page_is_in_indonesian_by_default(client):
    response = client.get(reverse("accounts:register"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Daftar" in text
    assert "E-mail atau nomor HP" not in text  # that is the sign-in label
    assert 'name="csrfmiddlewaretoken"' in text


def test_register_with_email_sends_code_and_account_is_inactive(client):
    response = client.post(reverse("accounts:register"), _form())
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:verify")
    user = User.objects.get(email="siti@contoh.test")
    assert not user.is_active
    assert user.email_verified_at is None
    assert len(mail.outbox) == 1
    assert "siti@contoh.test" in mail.outbox[0].to
    assert AuditEvent.objects.filter(action="account.registered", actor=user).exists()
    # The code itself is stored only as a hash.
    code = _code_from_mail()
    record = VerificationCode.objects.get(user=user)
    assert code not in record.code_hash


def test_unverified_account_cannot_sign_in_with_password_until_verified(client):
    client.post(reverse("accounts:register"), _form())
    user = User.objects.get(email="siti@contoh.test")
    client.logout()
    client2 = type(client)()
    # Right password: sent to the code page, not signed in.
    response = client2.post(reverse("accounts:login"), {"username": "siti@contoh.test", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:verify")
    assert "_auth_user_id" not in client2.session
    # And a new code was sent.
    assert VerificationCode.objects.filter(user=user).count() == 1 or len(mail.outbox) >= 1


def test_verify_then_signed_in_and_active(client):
    client.post(reverse("accounts:register"), _form())
    code = _code_from_mail()
    response = client.post(reverse("accounts:verify"), {"code": code})
    assert response.status_code == 302
    user = User.objects.get(email="siti@contoh.test")
    assert user.is_active
    assert user.email_verified_at is not None
    assert int(client.session["_auth_user_id"]) == user.pk
    assert AuditEvent.objects.filter(action="account.verified", actor=user).exists()
    # Now a normal sign-in works.
    client.logout()
    response = client.post(reverse("accounts:login"), {"username": "SITI@contoh.test", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/saya/"


def test_register_with_phone_only_sends_sms(client):
    response = client.post(reverse("accounts:register"), _form(email="", phone="0812-3456-7890", channel="sms"))
    assert response.status_code == 302
    user = User.objects.get_by_phone("+6281234567890")
    assert not user.is_active
    sms = OutboundMessage.objects.get(channel="sms")
    assert sms.to_masked.startswith("+62812")
    code = re.search(r"\b(\d{6})\b", sms.body).group(1)
    client.post(reverse("accounts:verify"), {"code": code})
    user.refresh_from_db()
    assert user.is_active and user.phone_verified_at is not None and user.email_verified_at is None


def test_email_or_phone_is_required(client):
    response = client.post(reverse("accounts:register"), _form(email="", phone=""))
    assert response.status_code == 200
    assert "Masukkan alamat e-mail atau nomor HP." in response.content.decode()
    assert User.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"password1": "pendek", "password2": "pendek"}, "password1"),
        ({"password1": "1234567890123", "password2": "1234567890123"}, "password1"),
        ({"password1": "password1234", "password2": "password1234"}, "password1"),
        ({"password2": "Lain-Sekali-2026"}, "password2"),
        ({"accept_terms": ""}, "accept_terms"),
        ({"email": "bukan-email"}, "email"),
        ({"phone": "12345"}, "phone"),
        ({"full_name": ""}, "full_name"),
        ({"full_name": "x" * 201}, "full_name"),
        ({"full_name": "<script>alert(1)</script>"}, "full_name"),
        ({"email": "a" * 250 + "@contoh.test"}, "email"),
    ],
)
def test_bad_input_gets_a_message_and_stores_nothing(client, overrides, field):
    response = client.post(reverse("accounts:register"), _form(**overrides))
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors
    assert "<script>alert(1)</script>" not in response.content.decode()
    assert User.objects.count() == 0
    assert len(mail.outbox) == 0


def test_password_similar_to_email_is_refused(client):
    response = client.post(
        reverse("accounts:register"),
        _form(email="sitiaminah99@contoh.test", password1="sitiaminah99", password2="sitiaminah99"),
    )
    assert response.status_code == 200
    assert "password1" in response.context["form"].errors
    assert User.objects.count() == 0


def test_password_messages_are_in_indonesian(client):
    response = client.post(reverse("accounts:register"), _form(password1="pendek", password2="pendek"))
    text = " ".join(response.context["form"].errors["password1"])
    assert "terlalu pendek" in text.lower()


def test_duplicate_email_gets_a_clear_message(client):
    UserFactory(email="siti@contoh.test")
    response = client.post(reverse("accounts:register"), _form())
    assert response.status_code == 200
    assert "sudah terdaftar" in response.content.decode()
    assert User.objects.count() == 1
    assert len(mail.outbox) == 0


def test_duplicate_phone_in_other_spelling_gets_a_clear_message(client):
    UserFactory(phone="+6281234567890")
    response = client.post(reverse("accounts:register"), _form(email="baru@contoh.test", phone="081234567890"))
    assert response.status_code == 200
    assert "phone" in response.context["form"].errors
    assert User.objects.count() == 1


def test_stale_unverified_registration_does_not_keep_the_address(client, settings):
    from datetime import timedelta

    from django.utils import timezone

    stale = UserFactory(email="siti@contoh.test", is_active=False)
    User.objects.filter(pk=stale.pk).update(date_joined=timezone.now() - timedelta(days=1))
    response = client.post(reverse("accounts:register"), _form())
    assert response.status_code == 302
    assert User.objects.filter(email="siti@contoh.test").count() == 1
    assert not User.objects.filter(pk=stale.pk).exists()


def test_recent_unverified_registration_keeps_the_address(client):
    UserFactory(email="siti@contoh.test", is_active=False)
    response = client.post(reverse("accounts:register"), _form())
    assert response.status_code == 200
    assert User.objects.count() == 1


def test_verify_page_without_pending_registration_redirects(client):
    response = client.get(reverse("accounts:verify"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:register")


def test_registration_page_in_english(client):
    client.cookies["balai_language"] = "en"
    response = client.get(reverse("accounts:register"))
    assert "Register" in response.content.decode()
    assert "Full name" in response.content.decode()
