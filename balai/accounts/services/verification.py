"""Verification codes: issue a 6-digit code to an e-mail address or mobile number, and check it.

Rules: codes come from ``secrets.randbelow``; only a keyed, salted hash is stored; a code lives
``VERIFICATION_CODE_TTL_SECONDS`` and dies after ``VERIFICATION_CODE_MAX_ATTEMPTS`` wrong tries; a new
code replaces the previous one; at most ``VERIFICATION_CODE_MAX_SENDS`` codes per purpose and address in
``VERIFICATION_CODE_RESEND_WINDOW_SECONDS`` and not more often than every
``VERIFICATION_CODE_RESEND_INTERVAL_SECONDS``. Wrong attempts are committed even though the check raises,
so call :func:`verification_check` outside any transaction that the error would roll back.
"""

from __future__ import annotations

import math
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from balai.accounts.models.verification import VerificationChannel, VerificationCode, VerificationPurpose
from balai.accounts.phone import normalize_phone
from balai.core.crypto import blind_index
from balai.core.exceptions import RateLimited, ValidationFailed

CODE_DIGITS = 6
_HASH_SALT = "balai.accounts.verification_code"


def generate_code() -> str:
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def hash_code(code: str, salt: str) -> str:
    return salted_hmac(_HASH_SALT, f"{salt}:{code}", algorithm="sha256").hexdigest()


def normalize_destination(channel: str, value: str) -> str:
    """E-mail lower-cased, phone in E.164; raises ValidationError on a bad address."""
    value = (value or "").strip()
    if channel == VerificationChannel.EMAIL:
        validate_email(value)
        return value.lower()
    if channel == VerificationChannel.SMS:
        return normalize_phone(value)
    raise ValidationError("unknown channel")


def destination_index(channel: str, value: str) -> str:
    return blind_index(normalize_destination(channel, value), purpose=f"verification:{channel}")


def _check_send_limits(*, purpose: str, index: str) -> None:
    now = timezone.now()
    window_start = now - timedelta(seconds=settings.VERIFICATION_CODE_RESEND_WINDOW_SECONDS)
    recent = VerificationCode.objects.filter(purpose=purpose, destination_index=index, created_at__gte=window_start)
    if recent.count() >= settings.VERIFICATION_CODE_MAX_SENDS:
        raise RateLimited(
            _("Too many codes have been sent to this address. Please try again later."), code="too_many_codes"
        )
    last = recent.order_by("-created_at").values_list("created_at", flat=True).first()
    if last is not None:
        wait = settings.VERIFICATION_CODE_RESEND_INTERVAL_SECONDS - (now - last).total_seconds()
        if wait > 0:
            seconds = math.ceil(wait)
            raise RateLimited(
                ngettext(
                    "Please wait %(seconds)d second before asking for a new code.",
                    "Please wait %(seconds)d seconds before asking for a new code.",
                    seconds,
                )
                % {"seconds": seconds},
                code="code_resend_too_soon",
                extra={"retry_after": seconds},
            )


def _message_text(purpose: str, code: str) -> tuple[str, str]:
    minutes = max(1, settings.VERIFICATION_CODE_TTL_SECONDS // 60)
    purposes = {
        VerificationPurpose.REGISTER: _("to finish your registration"),
        VerificationPurpose.CHANGE_EMAIL: _("to confirm your new e-mail address"),
        VerificationPurpose.CHANGE_PHONE: _("to confirm your new mobile number"),
        VerificationPurpose.RESET_PASSWORD: _("to reset your password"),
    }
    subject = _("Your verification code: %(code)s") % {"code": code}
    body = _(
        "%(site)s: your verification code %(purpose)s is %(code)s. It is valid for %(minutes)d minutes. "
        "Never give this code to anyone, including officers."
    ) % {
        "site": settings.BALAI_SITE_NAME,
        "purpose": purposes[VerificationPurpose(purpose)],
        "code": code,
        "minutes": minutes,
    }
    return subject, body


def verification_send(
    *,
    user: Any,
    purpose: str,
    channel: str,
    destination: str,
    deliver: bool = True,
) -> VerificationCode:
    """Issue a new code for ``purpose`` to ``destination`` (replacing any earlier one) and send it.

    ``deliver=False`` stores a code but sends nothing: used when nobody owns the address (password reset),
    so that limits and answers look the same whether the account exists or not."""
    from balai.notifications.services import send_message

    try:
        address = normalize_destination(channel, destination)
    except ValidationError as exc:
        raise ValidationFailed(_("The address is not valid."), code="invalid_address") from exc
    index = blind_index(address, purpose=f"verification:{channel}")
    code = generate_code()
    salt = secrets.token_hex(8)
    now = timezone.now()
    with transaction.atomic():
        _check_send_limits(purpose=purpose, index=index)
        earlier = VerificationCode.objects.filter(purpose=purpose, consumed_at__isnull=True, superseded_at__isnull=True)
        earlier = earlier.filter(user=user) if user is not None else earlier.filter(destination_index=index)
        earlier.update(superseded_at=now)
        record = VerificationCode(
            user=user,
            purpose=purpose,
            channel=channel,
            destination_index=index,
            destination=address,
            code_hash=hash_code(code, salt),
            salt=salt,
            expires_at=now + timedelta(seconds=settings.VERIFICATION_CODE_TTL_SECONDS),
            created_at=now,
        )
        record.full_clean()
        record.save()
        if deliver:
            language = getattr(user, "language", None) or translation.get_language() or settings.LANGUAGE_CODE
            with translation.override(language):
                subject, body = _message_text(purpose, code)
            send_message(channel=channel, to=address, subject=subject, body=body, recipient=user, kind="verification")
    return record


def latest_code(*, purpose: str, user: Any = None, index: str | None = None) -> VerificationCode | None:
    codes = VerificationCode.objects.filter(purpose=purpose, superseded_at__isnull=True)
    if user is not None:
        codes = codes.filter(user=user)
    if index is not None:
        codes = codes.filter(destination_index=index)
    return codes.order_by("-created_at", "-id").first()


def verification_check(
    *, purpose: str, code: str, user: Any = None, index: str | None = None, consume: bool = True
) -> VerificationCode:
    """Check ``code`` against the latest code of ``purpose`` for ``user`` (or the address ``index``).

    Raises ValidationFailed with its own message and code for: no code, used, too many attempts, expired,
    wrong. On success the code is marked used (unless ``consume=False``, then call
    :func:`verification_consume`)."""
    if user is None and index is None:
        raise ValueError("verification_check needs a user or an address index")
    code = "".join((code or "").split())
    failure: ValidationFailed | None = None
    with transaction.atomic():
        record = latest_code(purpose=purpose, user=user, index=index)
        if record is not None:
            record = VerificationCode.objects.select_for_update().get(pk=record.pk)
        if record is None:
            failure = ValidationFailed(_("There is no code waiting. Ask for a new code."), code="code_missing")
        elif record.consumed_at is not None:
            failure = ValidationFailed(_("This code has already been used. Ask for a new code."), code="code_used")
        elif record.is_exhausted:
            failure = ValidationFailed(
                _("Too many wrong attempts: this code no longer works. Ask for a new code."), code="code_exhausted"
            )
        elif record.is_expired:
            failure = ValidationFailed(_("This code has expired. Ask for a new code."), code="code_expired")
        elif not (code.isdigit() and len(code) == CODE_DIGITS) or not constant_time_compare(
            hash_code(code, record.salt), record.code_hash
        ):
            record.attempts += 1
            record.save(update_fields=["attempts"])
            remaining = settings.VERIFICATION_CODE_MAX_ATTEMPTS - record.attempts
            if remaining <= 0:
                failure = ValidationFailed(
                    _("The code is not correct, and it no longer works after too many attempts. Ask for a new code."),
                    code="code_exhausted",
                )
            else:
                failure = ValidationFailed(
                    ngettext(
                        "The code is not correct. You have %(remaining)d attempt left.",
                        "The code is not correct. You have %(remaining)d attempts left.",
                        remaining,
                    )
                    % {"remaining": remaining},
                    code="code_wrong",
                )
        elif consume:
            record.consumed_at = timezone.now()
            record.save(update_fields=["consumed_at"])
    if failure is not None:
        raise failure
    assert record is not None  # noqa: S101 - narrowed above
    return record


def verification_consume(record: VerificationCode) -> VerificationCode:
    """Mark a checked code used; raises if someone used it meanwhile. Call inside the caller's transaction."""
    updated = VerificationCode.objects.filter(pk=record.pk, consumed_at__isnull=True).update(consumed_at=timezone.now())
    if not updated:
        raise ValidationFailed(_("This code has already been used. Ask for a new code."), code="code_used")
    record.refresh_from_db(fields=["consumed_at"])
    return record
