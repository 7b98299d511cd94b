"""Change of e-mail address or mobile number: a code to the NEW address, the change only after it is
confirmed, audited, and a notice to the old address."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from balai.accounts.models import User
from balai.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from balai.audit.models import AuditEvent
from balai.notifications.models import OutboundMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def user(client):
    user = UserFactory(email="lama@contoh.test")
    client.force_login(user)
    return user


def _code(message_body):
    return re.search(r"\b(\d{6})\b", message_body).group(1)


def test_email_change_happens_only_after_the_new_address_is_verified(client, user):
    response = client.post(
        reverse("accounts:email_change"), {"email": "Baru@Contoh.test", "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:email_change_confirm")
    user.refresh_from_db()
    assert user.email == "lama@contoh.test"  # not yet
    assert mail.outbox[-1].to == ["baru@contoh.test"]
    code = _code(mail.outbox[-1].body)

    page = client.get(reverse("accounts:email_change_confirm"))
    assert "b••••@contoh.test" in page.content.decode()

    response = client.post(reverse("accounts:email_change_confirm"), {"code": code})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.email == "baru@contoh.test"
    assert user.email_verified_at is not None
    event = AuditEvent.objects.get(action="account.email_changed")
    assert event.actor == user
    assert "lama@contoh.test" not in str(event.summary)
    assert mail.outbox[-1].to == ["lama@contoh.test"]  # notice to the old address


def test_email_change_wrong_code_changes_nothing(client, user):
    client.post(reverse("accounts:email_change"), {"email": "baru@contoh.test", "password": DEFAULT_PASSWORD})
    code = _code(mail.outbox[-1].body)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    response = client.post(reverse("accounts:email_change_confirm"), {"code": wrong})
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.email == "lama@contoh.test"


def test_email_change_requires_current_password(client, user):
    response = client.post(reverse("accounts:email_change"), {"email": "baru@contoh.test", "password": "salah"})
    assert response.status_code == 200
    assert "password" in response.context["form"].errors
    assert len(mail.outbox) == 0


def test_email_change_to_taken_address_is_refused(client, user):
    UserFactory(email="ambil@contoh.test")
    response = client.post(
        reverse("accounts:email_change"), {"email": "ambil@contoh.test", "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert len(mail.outbox) == 0


@pytest.mark.parametrize("value", ["", "bukan-email", "<b>@x", "a" * 250 + "@contoh.test"])
def test_email_change_bad_input(client, user, value):
    response = client.post(reverse("accounts:email_change"), {"email": value, "password": DEFAULT_PASSWORD})
    assert response.status_code == 200
    assert "email" in response.context["form"].errors


def test_email_change_needs_sign_in(client):
    response = client.get(reverse("accounts:email_change"))
    assert response.status_code == 302
    assert response["Location"].startswith("/akun/masuk/")


def test_phone_change_with_sms_code(client, user):
    response = client.post(reverse("accounts:phone_change"), {"phone": "0812 3456 7890", "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    sms = OutboundMessage.objects.filter(channel="sms").latest("id")
    response = client.post(reverse("accounts:phone_change_confirm"), {"code": _code(sms.body)})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.phone == "+6281234567890"
    assert user.phone_verified_at is not None
    assert User.objects.get_by_phone("081234567890") == user
    assert AuditEvent.objects.filter(action="account.phone_changed", actor=user).exists()


def test_phone_change_to_taken_number_is_refused(client, user):
    UserFactory(email=None, phone="+6281234567890")
    response = client.post(reverse("accounts:phone_change"), {"phone": "081234567890", "password": DEFAULT_PASSWORD})
    assert response.status_code == 200
    assert "phone" in response.context["form"].errors


def test_confirm_page_without_pending_change_redirects(client, user):
    response = client.get(reverse("accounts:phone_change_confirm"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:phone_change")
