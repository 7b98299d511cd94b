"""Password reset (e-mail link or SMS code) never reveals whether an account exists; password change."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from balai.accounts.models import User, VerificationCode
from balai.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from balai.audit.models import AuditEvent
from balai.notifications.models import OutboundMessage

pytestmark = pytest.mark.django_db

RESET = "/akun/lupa-sandi/"
NEW = "Sandi-Baru-Yang-Kuat-9"


def _page_text(response):
    html = response.content.decode()
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_email_reset_gives_the_same_answer_for_known_and_unknown_addresses(client):
    UserFactory(email="budi@contoh.test")
    known = client.post(RESET, {"identifier": "budi@contoh.test"})
    unknown = client.post(RESET, {"identifier": "tidak-ada@contoh.test"})
    assert known.status_code == unknown.status_code == 200
    assert _page_text(known) == _page_text(unknown)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["budi@contoh.test"]


def test_phone_reset_gives_the_same_answer_for_known_and_unknown_numbers(client):
    UserFactory(email=None, phone="+6281234567890")
    known = client.post(RESET, {"identifier": "081234567890"})
    other = type(client)()
    unknown = other.post(RESET, {"identifier": "081299999999"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == reverse("accounts:password_reset_code")
    assert OutboundMessage.objects.filter(channel="sms").count() == 1  # only the real account gets an SMS
    # Both have a code row, so limits and later answers are alike.
    assert VerificationCode.objects.filter(purpose="reset_password").count() == 2
    # A guess on the unknown number gets exactly the wrong-code answer.
    response = other.post(
        reverse("accounts:password_reset_code"), {"code": "123456", "new_password1": NEW, "new_password2": NEW}
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()


def test_email_link_sets_a_new_password_once(client):
    user = UserFactory(email="budi@contoh.test")
    client.post(RESET, {"identifier": "budi@contoh.test"})
    link = re.search(r"http://testserver(/akun/lupa-sandi/[^\s]+/)", mail.outbox[0].body).group(1)
    response = client.get(link)
    assert response.status_code == 302  # Django hides the token from the Referer
    form_url = response["Location"]
    response = client.post(form_url, {"new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW)
    assert AuditEvent.objects.filter(action="account.password_reset", actor=user).exists()
    # The link is dead now.
    response = client.get(link, follow=True)
    assert not response.context["validlink"]


def test_reset_link_with_weak_password_is_refused(client):
    user = UserFactory(email="budi@contoh.test")
    client.post(RESET, {"identifier": "budi@contoh.test"})
    link = re.search(r"http://testserver(/akun/lupa-sandi/[^\s]+/)", mail.outbox[0].body).group(1)
    form_url = client.get(link)["Location"]
    response = client.post(form_url, {"new_password1": "12345", "new_password2": "12345"})
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.check_password(DEFAULT_PASSWORD)


def test_sms_code_reset_sets_a_new_password(client):
    user = UserFactory(email=None, phone="+6281234567890")
    client.post(RESET, {"identifier": "+6281234567890"})
    code = re.search(r"\b(\d{6})\b", OutboundMessage.objects.get(channel="sms").body).group(1)
    response = client.post(
        reverse("accounts:password_reset_code"), {"code": code, "new_password1": NEW, "new_password2": NEW}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW)
    assert user.phone_verified_at is not None


def test_sms_code_reset_with_weak_password_keeps_the_code(client):
    user = UserFactory(email=None, phone="+6281234567890", full_name="Budi Santoso")
    client.post(RESET, {"identifier": "+6281234567890"})
    code = re.search(r"\b(\d{6})\b", OutboundMessage.objects.get(channel="sms").body).group(1)
    url = reverse("accounts:password_reset_code")
    response = client.post(url, {"code": code, "new_password1": "pendek", "new_password2": "pendek"})
    assert response.status_code == 200
    response = client.post(url, {"code": code, "new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW)


@pytest.mark.parametrize("identifier", ["", "bukan email@", "12", "<script>alert(1)</script>", "x" * 300])
def test_reset_bad_input(client, identifier):
    response = client.post(RESET, {"identifier": identifier})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert "<script>alert(1)</script>" not in response.content.decode()
    assert len(mail.outbox) == 0


def test_reset_code_page_needs_a_started_reset(client):
    response = client.get(reverse("accounts:password_reset_code"))
    assert response.status_code == 302


def test_password_change_requires_the_current_password(client):
    user = UserFactory()
    client.force_login(user)
    url = reverse("accounts:password_change")
    response = client.post(url, {"old_password": "salah", "new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 200
    assert "old_password" in response.context["form"].errors
    response = client.post(url, {"old_password": DEFAULT_PASSWORD, "new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW)
    # Still signed in (session hash updated), audited, and notified.
    assert client.get(url).status_code == 200
    assert AuditEvent.objects.filter(action="account.password_changed", actor=user).exists()
    assert any("sandi" in m.subject.lower() or "password" in m.subject.lower() for m in mail.outbox)


def test_password_change_needs_sign_in(client):
    response = client.get(reverse("accounts:password_change"))
    assert response.status_code == 302
    assert response["Location"].startswith("/akun/masuk/")


def test_password_change_rejects_weak_password(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": DEFAULT_PASSWORD, "new_password1": "1234567890", "new_password2": "1234567890"},
    )
    assert response.status_code == 200
    assert "new_password1" in response.context["form"].errors
    assert User.objects.get(pk=user.pk).check_password(DEFAULT_PASSWORD)
