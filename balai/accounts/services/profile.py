"""Citizen identity data: updating the profile (by the citizen, or by staff at a counter) and unmasking a
NIK for authorised staff. Every change and every unmasking is audited; summaries never hold values."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from balai.accounts.models import CitizenProfile, Sex, User
from balai.accounts.nik import normalize_nik, validate_nik
from balai.audit.registry import register as register_audit_action
from balai.audit.services import audit_log
from balai.core.exceptions import NotFound, PermissionDenied, ValidationFailed, from_django_validation_error

PERM_CHANGE_PROFILE = "accounts.change_citizenprofile"
PERM_VIEW_UNMASKED_NIK = "accounts.view_unmasked_nik"

FULL_NAME_MAX_LENGTH = 200
ADDRESS_MAX_LENGTH = 500
EARLIEST_BIRTH_DATE = datetime.date(1900, 1, 1)
# Markup or control characters are never part of a name or an address.
_FORBIDDEN_TEXT = re.compile(r"[<>\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

NIK_TAKEN = _("This NIK is already registered to another account.")

# Registered here as well as (ideally) in balai.audit.actions, so the label exists whenever the service does.
register_audit_action("account.profile_updated", _("Updated the citizen profile"))


def may_update_profile(actor: Any, user: User) -> bool:
    """The person themself, a platform administrator, or staff allowed to change profiles at a counter."""
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return False
    if actor.pk == user.pk:
        return True
    return bool(actor.is_superuser or (actor.is_staff_member and actor.has_perm(PERM_CHANGE_PROFILE)))


def may_unmask_nik(actor: Any) -> bool:
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return False
    return bool(actor.is_superuser or (actor.is_staff_member and actor.has_perm(PERM_VIEW_UNMASKED_NIK)))


def _clean_text(value: Any, *, field: str, max_length: int, required: bool, errors: dict[str, list[Any]]) -> str:
    text = " ".join(str(value or "").split()) if field == "full_name" else str(value or "").strip()
    if required and not text:
        errors.setdefault(field, []).append(_("This field is required."))
    elif len(text) > max_length:
        errors.setdefault(field, []).append(
            _("Use at most %(max)d characters (you entered %(count)d).") % {"max": max_length, "count": len(text)}
        )
    elif _FORBIDDEN_TEXT.search(text):
        errors.setdefault(field, []).append(_("Remove the characters < and > and control characters."))
    return text


def profile_update(
    *,
    actor: Any,
    user: User,
    nik: str,
    full_name: str,
    birth_date: datetime.date,
    sex: str,
    address: str,
    district: Any = None,
    village: Any = None,
) -> CitizenProfile:
    """Create or update ``user``'s citizen profile and full name.

    Raises PermissionDenied when ``actor`` may not change this profile and ValidationFailed (with
    per-field messages) when the data is not valid: the NIK must agree with the birth date and sex and
    may belong to one account only; the village must lie in the district."""
    if not may_update_profile(actor, user):
        raise PermissionDenied(_("You may not change this person's profile."))
    if user.anonymised_at is not None:
        raise PermissionDenied(_("This account has been deleted."), code="account_deleted")

    errors: dict[str, list[Any]] = {}
    full_name = _clean_text(full_name, field="full_name", max_length=FULL_NAME_MAX_LENGTH, required=True, errors=errors)
    address = _clean_text(address, field="address", max_length=ADDRESS_MAX_LENGTH, required=True, errors=errors)
    if sex not in Sex.values:
        errors.setdefault("sex", []).append(_("Choose male or female."))
        sex = ""
    if not isinstance(birth_date, datetime.date) or isinstance(birth_date, datetime.datetime):
        errors.setdefault("birth_date", []).append(_("Enter a valid date of birth."))
        birth_date = None  # type: ignore[assignment]
    elif birth_date > timezone.localdate() or birth_date < EARLIEST_BIRTH_DATE:
        errors.setdefault("birth_date", []).append(_("Enter a date of birth between 1900 and today."))
        birth_date = None  # type: ignore[assignment]
    try:
        nik = validate_nik(nik, birth_date=birth_date, sex=sex or None).nik
    except ValidationError as exc:
        errors.setdefault("nik", []).extend(exc.messages)
        nik = normalize_nik(nik)
    if village is not None and district is not None and village.district_id != district.pk:
        errors.setdefault("village", []).append(_("The village is not in the chosen district."))
    if errors:
        raise ValidationFailed(fields={k: [str(m) for m in v] for k, v in errors.items()})
    if village is not None and district is None:
        district = village.district

    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        profile = CitizenProfile.objects.select_for_update().filter(user=user).first()
        creating = profile is None
        if profile is None:
            profile = CitizenProfile(user=user)
        before = _snapshot(profile, user)
        profile.set_nik(nik)
        profile.birth_date = birth_date
        profile.sex = sex
        profile.address = address
        profile.district = district
        profile.village = village
        user.full_name = full_name
        after = _snapshot(profile, user)
        changed = sorted(name for name in after if before[name] != after[name])
        try:
            profile.full_clean()
            user.full_clean(exclude=["password"])
        except ValidationError as exc:
            raise from_django_validation_error(exc) from exc
        try:
            with transaction.atomic():
                if creating:
                    profile.save()
                else:
                    profile.save(
                        update_fields=[
                            "nik",
                            "nik_index",
                            "birth_date",
                            "sex",
                            "address",
                            "district",
                            "village",
                            "updated_at",
                        ]
                    )
        except IntegrityError as exc:  # a concurrent registration of the same NIK
            raise ValidationFailed(fields={"nik": [str(NIK_TAKEN)]}) from exc
        if "full_name" in changed:
            user.save(update_fields=["full_name"])
        if changed or creating:
            audit_log(
                actor=actor,
                action="account.profile_updated",
                target=user,
                summary={
                    "changed": changed,
                    "created": creating,
                    "by_staff": actor.pk != user.pk,
                },
            )
    return profile


def _snapshot(profile: CitizenProfile, user: User) -> dict[str, Any]:
    return {
        "nik": profile.nik_index,
        "full_name": user.full_name,
        "birth_date": profile.birth_date,
        "sex": profile.sex,
        "address": profile.address,
        "district": profile.district_id,
        "village": profile.village_id,
    }


def nik_unmask(*, actor: Any, user: User) -> str:
    """The full NIK of ``user`` for staff holding ``accounts.view_unmasked_nik`` (or a superuser).

    Every call writes ``account.nik_unmasked``; anyone else gets PermissionDenied (and is not audited as
    having seen it)."""
    if not may_unmask_nik(actor):
        raise PermissionDenied(_("You may not see the full NIK."))
    profile = CitizenProfile.objects.filter(user=user).first()
    if profile is None or not profile.nik:
        raise NotFound(_("This person has not recorded a NIK."))
    with transaction.atomic():
        audit_log(
            actor=actor,
            action="account.nik_unmasked",
            target=user,
            summary={"subject_id": user.pk},
        )
    return profile.nik
