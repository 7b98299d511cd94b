"""Reads about people, scoped to who asks: a person sees their own data; staff see a citizen's record with
personal data masked."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from balai.accounts.models import CitizenProfile, User, UserKind
from balai.accounts.phone import mask_phone
from balai.core.exceptions import NotFound, PermissionDenied


def _region(obj: Any) -> dict[str, str] | None:
    return {"code": obj.code, "name": obj.name} if obj is not None else None


def profile_of(user: User) -> CitizenProfile | None:
    return CitizenProfile.objects.select_related("district", "village").filter(user_id=user.pk).first()


def own_profile(user: User) -> dict[str, Any]:
    """What ``GET /api/v1/me`` returns: the signed-in person's own account, NIK and phone masked."""
    profile = profile_of(user)
    memberships: list[dict[str, str]] = []
    if hasattr(user, "memberships"):
        active = user.memberships.select_related("organization").filter(ended_at__isnull=True)
        memberships = [
            {"organization": m.organization.code, "organization_name": m.organization.name, "role": m.role}
            for m in active.order_by("organization__name", "role")
        ]
    return {
        "id": user.pk,
        "full_name": user.full_name,
        "email": user.email,
        "phone": mask_phone(user.phone) or None,
        "kind": user.kind,
        "language": user.language,
        "email_verified": user.email_verified_at is not None,
        "phone_verified": user.phone_verified_at is not None,
        "profile": (
            {
                "nik_masked": profile.nik_masked,
                "birth_date": profile.birth_date,
                "sex": profile.sex or None,
                "address": profile.address or None,
                "district": _region(profile.district),
                "village": _region(profile.village),
            }
            if profile is not None
            else None
        ),
        "memberships": memberships,
    }


def citizen_for_staff(*, actor: Any, user_id: int) -> tuple[User, CitizenProfile | None]:
    """A citizen's account and profile for the staff workspace (the caller shows them masked).

    Only government staff may look; only citizen accounts are shown (not staff or vendors)."""
    if not getattr(actor, "is_authenticated", False) or not actor.is_staff_member:
        raise PermissionDenied(_("Only staff may view citizens' records."))
    user = User.objects.filter(pk=user_id, kind=UserKind.CITIZEN).first()
    if user is None:
        raise NotFound(_("No citizen with this number."))
    return user, profile_of(user)
