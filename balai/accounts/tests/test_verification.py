"""Verification codes: expiry, wrong and reused codes, attempt limit, resend limits, one live code."""

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from balai.accounts.models import User, VerificationCode
from balai.accounts.models.verification import VerificationPurpose
from balai.accounts.services.verification import verification_check, verification_send
from balai.accounts.tests.factories import UserFactory
from balai.core.exceptions import RateLimited, ValidationFailed

pytestmark = pytest.mark.django_db

REGISTER = VerificationPurpose.REGISTER


def _send(user, *, at=None):
    if at is None:
        return verification_send(user=user, purpose=REGISTER, channel="email", destination=user.email)
    with mock.patch("django.utils.timezone.now", return_value=at):
        return verification_send(user=user, purpose=REGISTER, channel="email", destination=user.email)


def _last_code() -> str:
    return re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)


@pytest.fixture
def user():
    return UserFactory(is_active=False)


def test_right_code_is_accepted_once(user):
    _send(user)
    record = verification_check(purpose=REGISTER, user=user, code=_last_code())
    assert record.consumed_at is not None


def test_code_is_stored_hashed_not_plain(user):
    record = _send(user)
    code = _last_code()
    assert code not in record.code_hash
    assert code not in record.salt
    assert len(record.code_hash) == 64


def test_reused_code_is_refused_with_its_own_message(user):
    _send(user)
    code = _last_code()
    verification_check(purpose=REGISTER, user=user, code=code)
    with pytest.raises(ValidationFailed) as exc:
        verification_check(purpose=REGISTER, user=user, code=code)
    assert exc.value.code == "code_used"


def test_expired_code_is_refused_with_its_own_message(user, settings):
    _send(user)
    code = _last_code()
    later = timezone.now() + timedelta(seconds=settings.VERIFICATION_CODE_TTL_SECONDS + 1)
    with mock.patch("django.utils.timezone.now", return_value=later), pytest.raises(ValidationFailed) as exc:
        verification_check(purpose=REGISTER, user=user, code=code)
    assert exc.value.code == "code_expired"


def test_wrong_code_counts_attempts_and_says_how_many_are_left(user, settings):
    _send(user)
    code = _last_code()
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    with pytest.raises(ValidationFailed) as exc:
        verification_check(purpose=REGISTER, user=user, code=wrong)
    assert exc.value.code == "code_wrong"
    assert str(settings.VERIFICATION_CODE_MAX_ATTEMPTS - 1) in str(exc.value.message)
    assert VerificationCode.objects.get(user=user).attempts == 1


def test_too_many_attempts_kill_the_code_even_the_right_one(user, settings):
    _send(user)
    code = _last_code()
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _i in range(settings.VERIFICATION_CODE_MAX_ATTEMPTS):
        with pytest.raises(ValidationFailed):
            verification_check(purpose=REGISTER, user=user, code=wrong)
    with pytest.raises(ValidationFailed) as exc:
        verification_check(purpose=REGISTER, user=user, code=code)
    assert exc.value.code == "code_exhausted"


@pytest.mark.parametrize("garbage", ["", "12345", "1234567", "abcdef", "<b>12</b>", "1" * 1000])
def test_malformed_code_is_just_wrong(user, garbage):
    _send(user)
    with pytest.raises(ValidationFailed) as exc:
        verification_check(purpose=REGISTER, user=user, code=garbage)
    assert exc.value.code == "code_wrong"


def test_no_code_at_all(user):
    with pytest.raises(ValidationFailed) as exc:
        verification_check(purpose=REGISTER, user=user, code="123456")
    assert exc.value.code == "code_missing"


def test_new_code_invalidates_the_previous_one(user, settings):
    start = timezone.now()
    _send(user, at=start)
    first = _last_code()
    _send(user, at=start + timedelta(seconds=settings.VERIFICATION_CODE_RESEND_INTERVAL_SECONDS + 1))
    second = _last_code()
    if first != second:
        with pytest.raises(ValidationFailed):
            verification_check(purpose=REGISTER, user=user, code=first)
    verification_check(purpose=REGISTER, user=user, code=second)


def test_resend_too_soon_is_refused(user):
    _send(user)
    with pytest.raises(RateLimited) as exc:
        _send(user)
    assert exc.value.code == "code_resend_too_soon"
    assert VerificationCode.objects.filter(user=user).count() == 1
    assert len(mail.outbox) == 1


def test_at_most_max_sends_within_the_window(user, settings):
    start = timezone.now()
    step = settings.VERIFICATION_CODE_RESEND_INTERVAL_SECONDS + 1
    for i in range(settings.VERIFICATION_CODE_MAX_SENDS):
        _send(user, at=start + timedelta(seconds=i * step))
    with pytest.raises(RateLimited) as exc:
        _send(user, at=start + timedelta(seconds=settings.VERIFICATION_CODE_MAX_SENDS * step))
    assert exc.value.code == "too_many_codes"
    # After the window it works again.
    _send(user, at=start + timedelta(seconds=settings.VERIFICATION_CODE_RESEND_WINDOW_SECONDS + 1))
    assert len(mail.outbox) == settings.VERIFICATION_CODE_MAX_SENDS + 1


def test_codes_come_from_secrets_randbelow(user):
    with mock.patch("balai.accounts.services.verification.secrets.randbelow", return_value=42) as randbelow:
        _send(user)
    randbelow.assert_called_once_with(1_000_000)
    assert "000042" in mail.outbox[-1].body


# --- Through the verification page ----------------------------------------------------------------


def _register(client):
    client.post(
        reverse("accounts:register"),
        {
            "full_name": "Siti Aminah",
            "email": "siti@contoh.test",
            "password1": "Rahasia-Kuat-2026",
            "password2": "Rahasia-Kuat-2026",
            "accept_terms": "on",
            "channel": "email",
        },
    )
    return User.objects.get(email="siti@contoh.test")


def test_page_wrong_code_shows_message_and_keeps_account_inactive(client):
    user = _register(client)
    code = _last_code()
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    response = client.post(reverse("accounts:verify"), {"code": wrong})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    user.refresh_from_db()
    assert not user.is_active


def test_page_expired_code(client, settings):
    user = _register(client)
    code = _last_code()
    VerificationCode.objects.filter(user=user).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.post(reverse("accounts:verify"), {"code": code})
    assert response.status_code == 200
    assert "kedaluwarsa" in response.content.decode()
    user.refresh_from_db()
    assert not user.is_active


def test_page_resend_is_limited(client):
    _register(client)
    response = client.post(reverse("accounts:verify"), {"resend": "1"})
    assert response.status_code == 200  # too soon: shown on the page
    assert "notice--error" in response.content.decode()
    assert len(mail.outbox) == 1


def test_page_resend_after_interval_sends_new_code(client, settings):
    user = _register(client)
    VerificationCode.objects.filter(user=user).update(created_at=timezone.now() - timedelta(minutes=5))
    response = client.post(reverse("accounts:verify"), {"resend": "1"})
    assert response.status_code == 302
    assert len(mail.outbox) == 2
    verification_check(purpose=REGISTER, user=user, code=_last_code())


@pytest.mark.parametrize("garbage", ["", "abc", "1234567890", "<script>x</script>"])
def test_page_bad_code_input(client, garbage):
    _register(client)
    response = client.post(reverse("accounts:verify"), {"code": garbage})
    assert response.status_code == 200
    assert "code" in response.context["form"].errors
    assert "<script>x</script>" not in response.content.decode()
