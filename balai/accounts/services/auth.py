"""Account use cases: registration and its verification, password change and reset, change of e-mail
or mobile number, staff accounts created by administrators, and staff two-factor enrolment.

Every function here is the one way to make its change, so the web pages, the admin and the API behave
alike; each writes its audit event.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.hashers import make_password
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from balai.accounts.models import User, UserKind
from balai.accounts.models.verification import VerificationChannel, VerificationCode, VerificationPurpose
from balai.accounts.phone import looks_like_phone, mask_phone, normalize_phone
from balai.accounts.services.verification import (
    destination_index,
    verification_check,
    verification_consume,
    verification_send,
)
from balai.audit.services import audit_log
from balai.core.crypto import blind_index
from balai.core.exceptions import PermissionDenied, ValidationFailed, from_django_validation_error
from balai.core.masking import mask_email
from balai.notifications.services import send_message

BACKUP_CODE_COUNT = 10
PASSWORD_RESET_EMAILS_PER_HOUR = 5


def mask_identifier(identifier: str) -> str:
    """A sign-in identifier fit for logs and audit labels: never the whole address."""
    identifier = (identifier or "").strip()[:254]
    if not identifier:
        return ""
    if looks_like_phone(identifier):
        try:
            return mask_phone(normalize_phone(identifier))
        except ValidationError:
            return mask_phone(identifier[:20])
    return mask_email(identifier.lower())


def _is_pending_registration(user: User) -> bool:
    return (
        not user.is_active
        and user.kind == UserKind.CITIZEN
        and user.email_verified_at is None
        and user.phone_verified_at is None
        and user.last_login is None
        and user.anonymised_at is None
    )


def _find_by_email(email: str | None) -> User | None:
    if not email:
        return None
    return User.objects.filter(email=email.strip().lower()).first()


def _find_by_phone(phone: str | None) -> User | None:
    if not phone:
        return None
    try:
        return User.objects.get_by_phone(phone)
    except User.DoesNotExist:
        return None


def _release_stale_registration(user: User | None) -> bool:
    """An unverified registration whose code has long expired does not keep the address: the real owner
    may register again. Returns True when ``user`` was such a registration and is now gone."""
    if user is None or not _is_pending_registration(user):
        return False
    if user.date_joined > timezone.now() - timedelta(seconds=settings.VERIFICATION_CODE_TTL_SECONDS):
        return False
    user.delete()
    return True


# --- Registration -----------------------------------------------------------------------------------


def account_register(
    *, full_name: str, email: str | None, phone: str | None, password: str, channel: str | None = None
) -> User:
    """Create a citizen account that stays inactive until the 6-digit code sent to it is confirmed."""
    email = (email or "").strip().lower() or None
    phone = (phone or "").strip() or None
    if not email and not phone:
        raise ValidationFailed(_("Enter an e-mail address or a mobile number."), code="contact_required")
    if channel is None:
        channel = VerificationChannel.EMAIL if email else VerificationChannel.SMS
    with transaction.atomic():
        fields: dict[str, list[str]] = {}
        existing = _find_by_email(email)
        if existing is not None and not _release_stale_registration(existing):
            fields["email"] = [_("This e-mail address is already registered. Sign in or reset your password.")]
        existing = _find_by_phone(phone)
        if existing is not None and not _release_stale_registration(existing):
            fields["phone"] = [_("This mobile number is already registered. Sign in or reset your password.")]
        if fields:
            raise ValidationFailed(fields=fields, code="already_registered")
        user = User(
            full_name=(full_name or "").strip(),
            email=email,
            kind=UserKind.CITIZEN,
            is_active=False,
            language=(translation.get_language() or settings.LANGUAGE_CODE)[:2],
        )
        try:
            user.set_phone(phone)
            password_validation.validate_password(password, user)
            user.set_password(password)
            user.full_clean()
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                raise from_django_validation_error(exc) from exc
            raise ValidationFailed(fields={"password1": list(exc.messages)}) from exc
        user.save()
        audit_log(actor=user, action="account.registered", target=user, summary={"channel": channel})
        verification_send(
            user=user,
            purpose=VerificationPurpose.REGISTER,
            channel=channel,
            destination=email if channel == VerificationChannel.EMAIL else user.phone,
        )
    return user


def registration_channel(user: User) -> str:
    """The channel on which the pending registration of ``user`` is verified."""
    code = VerificationCode.objects.filter(user=user, purpose=VerificationPurpose.REGISTER).order_by("-id").first()
    if code is not None:
        return code.channel
    return VerificationChannel.EMAIL if user.email else VerificationChannel.SMS


def registration_code_resend(*, user: User) -> VerificationCode:
    if not _is_pending_registration(user):
        raise ValidationFailed(_("This account is already verified. Please sign in."), code="already_verified")
    channel = registration_channel(user)
    return verification_send(
        user=user,
        purpose=VerificationPurpose.REGISTER,
        channel=channel,
        destination=user.email if channel == VerificationChannel.EMAIL else user.phone,
    )


def account_verify_registration(*, user: User, code: str) -> User:
    """Confirm the registration code: the account becomes active and its address verified."""
    if not _is_pending_registration(user):
        raise ValidationFailed(_("This account is already verified. Please sign in."), code="already_verified")
    record = verification_check(purpose=VerificationPurpose.REGISTER, user=user, code=code)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        now = timezone.now()
        user.is_active = True
        if record.channel == VerificationChannel.EMAIL:
            user.email_verified_at = now
        else:
            user.phone_verified_at = now
        user.save(update_fields=["is_active", "email_verified_at", "phone_verified_at"])
        audit_log(actor=user, action="account.verified", target=user, summary={"channel": record.channel})
    return user


def pending_registration_for(identifier: str, password: str) -> User | None:
    """The unverified account of someone who signs in with the right password before verifying (so the
    sign-in page can send them to the code page). Nobody else learns anything: the password must match."""
    try:
        user = User.objects.get_by_identifier(identifier)
    except User.DoesNotExist:
        return None
    if _is_pending_registration(user) and user.check_password(password):
        return user
    return None


# --- Passwords --------------------------------------------------------------------------------------


def _notify(user: User, subject: str, body: str, *, to_email: str | None = None, to_phone: str | None = None) -> None:
    """A security notice to the user (their e-mail if any, else their phone)."""
    email = to_email if to_email is not None else user.email
    phone = to_phone if to_phone is not None else user.phone
    if email:
        send_message(channel="email", to=email, subject=subject, body=body, recipient=user, kind="security")
    elif phone:
        send_message(channel="sms", to=phone, subject=subject, body=body, recipient=user, kind="security")


def password_change(*, actor: User, user: User, new_password: str) -> User:
    """Set a new password for a signed-in person (the form has checked the current one)."""
    if actor.pk != user.pk:
        raise PermissionDenied()
    try:
        password_validation.validate_password(new_password, user)
    except ValidationError as exc:
        raise ValidationFailed(fields={"new_password1": list(exc.messages)}) from exc
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        audit_log(actor=actor, action="account.password_changed", target=user)
        with translation.override(user.language):
            _notify(
                user,
                _("Your password was changed"),
                _("The password of your %(site)s account was just changed. If this was not you, reset it now.")
                % {"site": settings.BALAI_SITE_NAME},
            )
    return user


def password_set_from_reset(*, user: User, new_password: str, channel: str) -> User:
    """Finish a password reset proved by an e-mail link or an SMS code; the address counts as verified."""
    with transaction.atomic():
        user.set_password(new_password)
        now = timezone.now()
        if channel == VerificationChannel.EMAIL and user.email_verified_at is None:
            user.email_verified_at = now
        if channel == VerificationChannel.SMS and user.phone_verified_at is None:
            user.phone_verified_at = now
        if _is_pending_registration(user):
            # Proving control of the address is what registration asks: the account becomes usable.
            user.is_active = True
        user.save(update_fields=["password", "email_verified_at", "phone_verified_at", "is_active"])
        audit_log(actor=user, action="account.password_reset", target=user, summary={"channel": channel})
    return user


def password_reset_link(user: User, base_url: str) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("accounts:password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    return base_url.rstrip("/") + path


def password_reset_request(*, identifier: str, base_url: str) -> str:
    """Start a password reset; the answer is the same whether an account exists or not.

    Returns the channel ("email" or "sms"). For e-mail a link is sent (Django's token); for a mobile
    number a 6-digit code. For an address that has no account nothing is sent, but a code row is still
    written for a phone so that limits and later answers do not reveal the difference."""
    identifier = (identifier or "").strip()
    if looks_like_phone(identifier):
        try:
            phone = normalize_phone(identifier)
        except ValidationError as exc:
            raise ValidationFailed(fields={"identifier": list(exc.messages)}) from exc
        user = _find_by_phone(phone)
        usable = user is not None and user.anonymised_at is None and (user.is_active or _is_pending_registration(user))
        verification_send(
            user=user if usable else None,
            purpose=VerificationPurpose.RESET_PASSWORD,
            channel=VerificationChannel.SMS,
            destination=phone,
            deliver=usable,
        )
        return VerificationChannel.SMS
    email = identifier.lower()
    user = _find_by_email(email)
    if user is None or user.anonymised_at is not None or not (user.is_active or _is_pending_registration(user)):
        return VerificationChannel.EMAIL
    throttle_key = "password-reset:" + blind_index(email, purpose="password-reset")
    cache.add(throttle_key, 0, timeout=3600)
    if cache.incr(throttle_key) > PASSWORD_RESET_EMAILS_PER_HOUR:
        return VerificationChannel.EMAIL
    with translation.override(user.language), transaction.atomic():
        send_message(
            channel="email",
            to=email,
            subject=_("Reset your password"),
            body=_(
                "Someone asked to reset the password of your %(site)s account. To choose a new password open "
                "this link (valid for a limited time):\n\n%(link)s\n\nIf this was not you, ignore this message."
            )
            % {"site": settings.BALAI_SITE_NAME, "link": password_reset_link(user, base_url)},
            recipient=user,
            kind="password_reset",
        )
    return VerificationChannel.EMAIL


def password_reset_with_code(*, phone: str, code: str, new_password: str) -> User:
    """Finish a reset by phone: the SMS code, then the new password. A number without an account only
    ever gets "the code is not correct", exactly like a wrong code."""
    index = destination_index(VerificationChannel.SMS, phone)
    record = verification_check(purpose=VerificationPurpose.RESET_PASSWORD, index=index, code=code, consume=False)
    user = record.user
    if user is None:  # cannot happen without guessing a code nobody received; answer like a wrong code
        raise ValidationFailed(_("The code is not correct."), code="code_wrong")
    try:
        password_validation.validate_password(new_password, user)
    except ValidationError as exc:
        raise ValidationFailed(fields={"new_password1": list(exc.messages)}) from exc
    with transaction.atomic():
        verification_consume(record)
        return password_set_from_reset(user=user, new_password=new_password, channel=VerificationChannel.SMS)


# --- Change of e-mail or phone ---------------------------------------------------------------------

_CHANGE_PURPOSE = {
    VerificationChannel.EMAIL: VerificationPurpose.CHANGE_EMAIL,
    VerificationChannel.SMS: VerificationPurpose.CHANGE_PHONE,
}


def contact_change_request(*, actor: User, channel: str, new_value: str) -> VerificationCode:
    """Send a code to the NEW address; nothing changes until it is confirmed."""
    field = "email" if channel == VerificationChannel.EMAIL else "phone"
    try:
        if channel == VerificationChannel.EMAIL:
            from django.core.validators import validate_email

            new_value = (new_value or "").strip().lower()
            validate_email(new_value)
        else:
            new_value = normalize_phone(new_value)
    except ValidationError as exc:
        raise ValidationFailed(fields={field: list(exc.messages)}) from exc
    if new_value == getattr(actor, field):
        raise ValidationFailed(fields={field: [_("This is already your current address.")]}, code="unchanged")
    other = _find_by_email(new_value) if field == "email" else _find_by_phone(new_value)
    if other is not None and other.pk != actor.pk:
        raise ValidationFailed(fields={field: [_("This address cannot be used. Enter another one.")]}, code="taken")
    return verification_send(user=actor, purpose=_CHANGE_PURPOSE[channel], channel=channel, destination=new_value)


def contact_change_pending(*, actor: User, channel: str) -> str | None:
    """The masked new address waiting for its code, if any (for the confirmation page)."""
    record = (
        VerificationCode.objects.filter(
            user=actor, purpose=_CHANGE_PURPOSE[channel], consumed_at__isnull=True, superseded_at__isnull=True
        )
        .order_by("-created_at")
        .first()
    )
    if record is None:
        return None
    return mask_email(record.destination) if channel == VerificationChannel.EMAIL else mask_phone(record.destination)


def contact_change_confirm(*, actor: User, channel: str, code: str) -> User:
    """Apply the change proved by ``code``; audited; a notice goes to the old address."""
    record = verification_check(purpose=_CHANGE_PURPOSE[channel], user=actor, code=code)
    new_value = record.destination
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=actor.pk)
        old_email, old_phone = user.email, user.phone
        other = _find_by_email(new_value) if channel == VerificationChannel.EMAIL else _find_by_phone(new_value)
        if other is not None and other.pk != user.pk:
            raise ValidationFailed(_("This address cannot be used. Enter another one."), code="taken")
        now = timezone.now()
        if channel == VerificationChannel.EMAIL:
            user.email = new_value
            user.email_verified_at = now
            user.full_clean()
            user.save(update_fields=["email", "email_verified_at"])
            action, masked_old, masked_new = "account.email_changed", mask_email(old_email or ""), mask_email(new_value)
        else:
            user.set_phone(new_value)
            user.phone_verified_at = now
            user.full_clean()
            user.save(update_fields=["phone", "phone_index", "phone_verified_at"])
            action, masked_old, masked_new = "account.phone_changed", mask_phone(old_phone), mask_phone(new_value)
        audit_log(actor=actor, action=action, target=user, summary={"from": masked_old, "to": masked_new})
        with translation.override(user.language):
            subject = _("Your contact details were changed")
            body = _(
                "The %(what)s of your %(site)s account was changed to %(new)s. If this was not you, contact us at once."
            ) % {
                "what": _("e-mail address") if channel == VerificationChannel.EMAIL else _("mobile number"),
                "site": settings.BALAI_SITE_NAME,
                "new": masked_new,
            }
            if channel == VerificationChannel.EMAIL and old_email:
                _notify(user, subject, body, to_email=old_email, to_phone="")
            elif channel == VerificationChannel.SMS and old_phone:
                _notify(user, subject, body, to_email="", to_phone=old_phone)
    actor.refresh_from_db()
    return user


# --- Staff accounts created by administrators ----------------------------------------------------------


def staff_account_create(*, actor: User, full_name: str, email: str, phone: str | None = None, base_url: str) -> User:
    """Create a staff account with no usable password and e-mail them a link to choose one."""
    if not (actor.is_superuser or actor.has_perm("accounts.add_user")):
        raise PermissionDenied()
    email = (email or "").strip().lower()
    with transaction.atomic():
        if _find_by_email(email) is not None:
            raise ValidationFailed(fields={"email": [_("This e-mail address is already registered.")]}, code="taken")
        if phone and _find_by_phone(phone) is not None:
            raise ValidationFailed(fields={"phone": [_("This mobile number is already registered.")]}, code="taken")
        user = User(full_name=(full_name or "").strip(), email=email, kind=UserKind.STAFF, is_active=True)
        try:
            user.set_phone(phone or None)
            user.set_unusable_password()
            user.full_clean(exclude=["password"])
        except ValidationError as exc:
            raise from_django_validation_error(exc) from exc
        user.save()
        audit_log(actor=actor, action="user.created", target=user, summary={"kind": UserKind.STAFF})
        with translation.override(user.language):
            send_message(
                channel="email",
                to=email,
                subject=_("Your %(site)s staff account") % {"site": settings.BALAI_SITE_NAME},
                body=_(
                    "An administrator created a staff account for you at %(site)s. Choose your password with "
                    "this link:\n\n%(link)s\n\nAfter signing in you will set up two-factor authentication with "
                    "an authenticator app."
                )
                % {"site": settings.BALAI_SITE_NAME, "link": password_reset_link(user, base_url)},
                recipient=user,
                kind="account",
            )
    return user


AUDITED_USER_FIELDS = ("is_active", "is_staff", "is_superuser", "kind", "groups", "user_permissions")


def user_update_by_admin(*, actor: User, user: User, changed_fields: list[str]) -> User:
    """Save a change made in the admin; access-relevant field changes are audited by name."""
    if not (actor.is_superuser or actor.has_perm("accounts.change_user")):
        raise PermissionDenied()
    with transaction.atomic():
        user.full_clean(exclude=["password"])
        user.save()
        audited = sorted(f for f in changed_fields if f in AUDITED_USER_FIELDS)
        if audited:
            audit_log(
                actor=actor,
                action="user.updated",
                target=user,
                summary={"fields": audited, **{f: getattr(user, f) for f in audited if f.startswith("is_")}},
            )
    return user


# --- Staff two-factor authentication (TOTP) ------------------------------------------------------------


def two_factor_enrolment_device(*, actor: User) -> TOTPDevice:
    """The unconfirmed TOTP device being enrolled (created on first visit, reused on reload)."""
    if TOTPDevice.objects.filter(user=actor, confirmed=True).exists():
        raise ValidationFailed(_("Two-factor authentication is already set up."), code="already_enrolled")
    device = TOTPDevice.objects.filter(user=actor, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=actor, name="authenticator", confirmed=False)
    return device


def two_factor_enrol_confirm(*, actor: User, device: TOTPDevice, token: str) -> list[str]:
    """Confirm the authenticator app with a code from it; returns 10 single-use backup codes (shown once)."""
    if device.user_id != actor.pk or device.confirmed:
        raise PermissionDenied()
    token = "".join((token or "").split())
    allowed, _details = device.verify_is_allowed()
    if not allowed:
        raise ValidationFailed(_("Too many wrong codes. Wait a moment and try again."), code="otp_throttled")
    if not (token.isdigit() and device.verify_token(token)):
        raise ValidationFailed(_("The code is not correct. Check the time on your phone and try again."))
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        backup, _created = StaticDevice.objects.get_or_create(user=actor, name="backup", defaults={"confirmed": True})
        backup.token_set.all().delete()
        codes = [StaticToken.random_token() for _i in range(BACKUP_CODE_COUNT)]
        StaticToken.objects.bulk_create([StaticToken(device=backup, token=c) for c in codes])
        audit_log(actor=actor, action="account.two_factor_enrolled", target=actor, summary={"backup_codes": len(codes)})
    return codes


def two_factor_verify(*, actor: User, token: str) -> Any:
    """The confirmed device (TOTP or a backup code) that accepts ``token``; raises when none does."""
    token = "".join((token or "").split())
    devices = [
        *TOTPDevice.objects.filter(user=actor, confirmed=True),
        *StaticDevice.objects.filter(user=actor, confirmed=True),
    ]
    if not devices:
        raise ValidationFailed(_("Set up two-factor authentication first."), code="not_enrolled")
    throttled = False
    for device in devices:
        allowed, _details = device.verify_is_allowed()
        if not allowed:
            throttled = True
            continue
        if token and len(token) <= 16 and device.verify_token(token):
            return device
    if throttled:
        raise ValidationFailed(_("Too many wrong codes. Wait a moment and try again."), code="otp_throttled")
    raise ValidationFailed(_("The code is not correct."), code="otp_wrong")


def dummy_password_check() -> None:
    """Spend the time of one password hash (used when an account does not exist)."""
    make_password(secrets.token_urlsafe(12))
