"""Phone numbers: one normal form (E.164), parsed with Indonesia as the default region, so that
``0812…`` and ``+62812…`` are the same person."""

from __future__ import annotations

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

INVALID_PHONE = _("Enter a valid mobile number, for example 0812 3456 7890.")


def normalize_phone(value: str) -> str:
    """Return the E.164 form of ``value`` or raise ValidationError with a translated message."""
    raw = (value or "").strip()
    if not raw or len(raw) > 32:
        raise ValidationError(INVALID_PHONE, code="invalid_phone")
    try:
        number = phonenumbers.parse(raw, getattr(settings, "PHONENUMBER_DEFAULT_REGION", "ID"))
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(INVALID_PHONE, code="invalid_phone") from exc
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(INVALID_PHONE, code="invalid_phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def looks_like_phone(value: str) -> bool:
    """True when a sign-in identifier is a phone number rather than an e-mail address."""
    return "@" not in (value or "")


def mask_phone(e164: str | None) -> str:
    """``+6281234567890`` → ``+62812••••7890``."""
    if not e164:
        return ""
    if len(e164) <= 8:
        return "•" * len(e164)
    return e164[:6] + "•" * (len(e164) - 10) + e164[-4:]
