"""Personal-data rights under UU 27/2022 (Pelindungan Data Pribadi): a person may obtain everything
stored about them, and may have their account deleted. Deletion anonymises personal data but keeps the
records the law requires (the audit trail; later cases, bills and issued documents), which keep pointing to
the anonymised account."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from balai.accounts.models import CitizenProfile, User
from balai.audit.services import audit_log
from balai.core.events import publish_on_commit
from balai.core.exceptions import PermissionDenied, RateLimited, ValidationFailed

EXPORT_FORMAT = "balai.personal-data-export"
EXPORT_VERSION = 1
ANONYMISED_NAME = "Pengguna dihapus"
# Message kinds whose body carries a one-time code or a reset link: exported without the body.
_SECRET_MESSAGE_KINDS = {"verification", "password_reset", "security"}
DELETE_MAX_PASSWORD_ATTEMPTS = 5
DELETE_ATTEMPT_WINDOW_SECONDS = 15 * 60


def _iso(value: Any) -> Any:
    return value.isoformat() if value is not None and hasattr(value, "isoformat") else value


def _region(obj: Any) -> dict[str, str] | None:
    return {"code": obj.code, "name": obj.name} if obj is not None else None


def _require_self(actor: Any, user: User) -> None:
    if not getattr(actor, "is_authenticated", False) or actor.pk != user.pk:
        raise PermissionDenied(_("Only the account holder can do this."))


def personal_data_export(*, actor: Any, user: User) -> dict[str, Any]:
    """Everything Balai stores about ``user``, JSON-ready, for the person themself (NIK unmasked: it is
    their own). Audited as ``account.data_exported``."""
    _require_self(actor, user)
    user = User.objects.get(pk=user.pk)
    data: dict[str, Any] = {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "generated_at": timezone.now().isoformat(),
        "account": {
            "id": user.pk,
            "full_name": user.full_name,
            "email": user.email,
            "phone": user.phone,
            "kind": user.kind,
            "language": user.language,
            "is_active": user.is_active,
            "date_joined": _iso(user.date_joined),
            "last_login": _iso(user.last_login),
            "email_verified_at": _iso(user.email_verified_at),
            "phone_verified_at": _iso(user.phone_verified_at),
        },
        "profile": _export_profile(user),
        "memberships": _export_memberships(user),
        "verifications": _export_verifications(user),
        "messages": _export_messages(user),
        "audit_events": _export_audit_events(user),
    }
    with transaction.atomic():
        audit_log(actor=actor, action="account.data_exported", target=user, summary={"sections": sorted(data)})
    return data


def _export_profile(user: User) -> dict[str, Any] | None:
    profile = CitizenProfile.objects.select_related("district", "village").filter(user=user).first()
    if profile is None:
        return None
    return {
        "nik": profile.nik,
        "birth_date": _iso(profile.birth_date),
        "sex": profile.sex,
        "address": profile.address,
        "district": _region(profile.district),
        "village": _region(profile.village),
        "updated_at": _iso(profile.updated_at),
    }


def _export_memberships(user: User) -> list[dict[str, Any]]:
    if not hasattr(user, "memberships"):
        return []
    return [
        {
            "organization": {"code": m.organization.code, "name": m.organization.name},
            "role": m.role,
            "created_at": _iso(m.created_at),
            "ended_at": _iso(m.ended_at),
        }
        for m in user.memberships.select_related("organization").order_by("created_at", "pk")
    ]


def _export_verifications(user: User) -> list[dict[str, Any]]:
    if not hasattr(user, "verification_codes"):
        return []
    # The history of codes sent, never the codes (only hashes are stored, and they are left out too).
    return [
        {
            "purpose": v.purpose,
            "channel": v.channel,
            "destination": v.destination,
            "created_at": _iso(v.created_at),
            "expires_at": _iso(v.expires_at),
            "used_at": _iso(v.consumed_at),
            "failed_attempts": v.attempts,
        }
        for v in user.verification_codes.order_by("created_at", "pk")
    ]


def _export_messages(user: User) -> list[dict[str, Any]]:
    if not hasattr(user, "outbound_messages"):
        return []
    return [
        {
            "channel": m.channel,
            "to": m.to_masked,
            "subject": m.subject,
            "body": None if m.kind in _SECRET_MESSAGE_KINDS else m.body,
            "kind": m.kind,
            "status": m.status,
            "created_at": _iso(m.created_at),
            "sent_at": _iso(m.sent_at),
        }
        for m in user.outbound_messages.order_by("created_at", "pk")
    ]


def _export_audit_events(user: User) -> list[dict[str, Any]]:
    if not apps.is_installed("balai.audit"):
        return []
    from balai.audit.models import AuditEvent

    return [
        {
            "time": _iso(e.created_at),
            "action": e.action,
            "description": e.action_label,
            "object_type": e.object_type,
            "object_id": e.object_id,
            "summary": e.summary,
            "ip": e.ip,
            "user_agent": e.user_agent,
        }
        for e in AuditEvent.objects.filter(actor=user).order_by("id")
    ]


def _check_delete_attempts(user: User) -> str:
    key = f"balai:account_delete_attempts:{user.pk}"
    if (cache.get(key) or 0) >= DELETE_MAX_PASSWORD_ATTEMPTS:
        raise RateLimited()
    return key


def account_delete(*, actor: Any, user: User, password: str) -> User:
    """Anonymise ``user`` at their own request, confirmed with their password.

    Cleared: name, e-mail, phone and their indexes, verification state, the profile's NIK, address, birth
    date, sex and region, pending verification codes; the password becomes unusable and the account
    inactive (every session ends: the session hash no longer matches and inactive users are not loaded).
    Kept: the account row and everything that points to it (audit events; later cases, bills, documents).
    Other apps erase their own copies when they receive the ``account.deleted`` event."""
    _require_self(actor, user)
    if user.anonymised_at is not None:
        raise ValidationFailed(_("This account has already been deleted."), code="already_deleted")
    if user.is_staff_member:
        raise PermissionDenied(
            _("Staff accounts are closed by an administrator, not by their holder."), code="staff_account"
        )
    attempts_key = _check_delete_attempts(user)
    if not password or not user.check_password(password):
        cache.set(attempts_key, (cache.get(attempts_key) or 0) + 1, DELETE_ATTEMPT_WINDOW_SECONDS)
        raise ValidationFailed(fields={"password": [str(_("The password is not correct."))]}, code="wrong_password")
    cache.delete(attempts_key)

    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        profile_cleared = False
        profile = CitizenProfile.objects.select_for_update().filter(user=user).first()
        if profile is not None:
            profile.set_nik("")
            profile.address = ""
            profile.birth_date = None
            profile.sex = ""
            profile.district = None
            profile.village = None
            profile.save(
                update_fields=["nik", "nik_index", "address", "birth_date", "sex", "district", "village", "updated_at"]
            )
            profile_cleared = True
        removed_codes = 0
        if hasattr(user, "verification_codes"):
            removed_codes, _per_model = user.verification_codes.all().delete()
        identifiers = _sign_in_identifiers(user)
        user.full_name = ANONYMISED_NAME
        user.email = None
        user.set_phone(None)
        user.email_verified_at = None
        user.phone_verified_at = None
        user.set_unusable_password()
        user.is_active = False
        user.anonymised_at = timezone.now()
        user.save(
            update_fields=[
                "full_name",
                "email",
                "phone",
                "phone_index",
                "email_verified_at",
                "phone_verified_at",
                "password",
                "is_active",
                "anonymised_at",
            ]
        )
        _forget_sign_in_attempts(identifiers)
        audit_log(
            actor=user,
            action="account.deleted",
            target=user,
            summary={"profile_cleared": profile_cleared, "pending_codes_removed": removed_codes},
        )
        publish_on_commit("account.deleted", {"user_id": user.pk})
    return user


def _forget_sign_in_attempts(identifiers: list[str]) -> None:
    """Lockout records (django-axes) keep the identifier typed at sign-in; a deleted account needs none."""
    if not identifiers or not apps.is_installed("axes"):
        return
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.objects.filter(username__in=identifiers).delete()


def _sign_in_identifiers(user: User) -> list[str]:
    values = [v for v in (user.email, user.phone) if v]
    if user.phone and user.phone.startswith("+62"):
        values.append("0" + user.phone[3:])
    return values
