"""Changing organizations and memberships. Every write checks permission, validates, saves and is audited.

Permission: platform administrators everywhere; a member with the ``administrator`` role in an
organization for that organization and its units; everyone else is refused.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from balai.accounts.models import UserKind
from balai.audit.services import audit_log
from balai.core.exceptions import Conflict, PermissionDenied, ValidationFailed, from_django_validation_error
from balai.organizations.models import Membership, Organization, Role
from balai.organizations.scoping import can_act_on, is_platform_admin

# Fields an administrator may set on an organization (code is the stable key: set on create only).
ORGANIZATION_FIELDS = (
    "name",
    "name_en",
    "kind",
    "parent",
    "description",
    "address",
    "phone",
    "email",
    "website",
    "opening_hours",
    "is_active",
)


def can_administer(actor: Any, organization: Organization | None) -> bool:
    """Platform administrators everywhere; organization administrators in their organization and units."""
    if is_platform_admin(actor):
        return True
    if organization is None:
        return False
    return can_act_on(actor, organization, roles=[Role.ADMINISTRATOR])


def _require_admin(actor: Any, organization: Organization | None) -> None:
    if not can_administer(actor, organization):
        raise PermissionDenied()


def _full_clean(instance: Any, **kwargs: Any) -> None:
    try:
        instance.full_clean(**kwargs)
    except ValidationError as exc:
        raise from_django_validation_error(exc) from exc


def _plain(value: Any) -> Any:
    if isinstance(value, Organization):
        return value.code
    return value


@transaction.atomic
def organization_create(
    *,
    actor: Any,
    code: str,
    name: str,
    kind: str,
    parent: Organization | None = None,
    **fields: Any,
) -> Organization:
    """Create an organization; a unit (``parent`` given) may be created by that parent's administrators."""
    _require_admin(actor, parent)
    unknown = set(fields) - set(ORGANIZATION_FIELDS)
    if unknown:
        raise ValueError(f"unknown organization fields: {sorted(unknown)}")
    organization = Organization(code=(code or "").strip().upper(), name=name, kind=kind, parent=parent, **fields)
    _full_clean(organization)
    organization.save(force_insert=True)
    audit_log(
        actor=actor,
        action="organization.created",
        target=organization,
        summary={"code": organization.code, "name": organization.name, "parent": _plain(parent)},
    )
    return organization


@transaction.atomic
def organization_update(*, actor: Any, organization: Organization, **changes: Any) -> Organization:
    """Change the given fields; moving a unit needs administrator rights over the new parent too."""
    unknown = set(changes) - set(ORGANIZATION_FIELDS)
    if unknown:
        raise ValueError(f"unknown organization fields: {sorted(unknown)}")
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    _require_admin(actor, organization)
    if "parent" in changes and changes["parent"] != organization.parent:
        new_parent = changes["parent"]
        if new_parent is None and not is_platform_admin(actor):
            raise PermissionDenied()
        if new_parent is not None:
            _require_admin(actor, new_parent)
    diff: dict[str, list[Any]] = {}
    for field, value in changes.items():
        old = getattr(organization, field)
        if old != value:
            diff[field] = [_plain(old), _plain(value)]
            setattr(organization, field, value)
    if not diff:
        return organization
    organization.updated_at = timezone.now()
    _full_clean(organization)
    organization.save(update_fields=[*diff.keys(), "updated_at"])
    audit_log(actor=actor, action="organization.updated", target=organization, summary={"changed": diff})
    return organization


def _validate_role(role: str) -> None:
    if role not in Role.values:
        raise ValidationFailed(fields={"role": [str(_("Choose a valid role."))]})


@transaction.atomic
def membership_grant(*, actor: Any, user: Any, organization: Organization, role: str) -> Membership:
    """Give ``user`` ``role`` in ``organization``; the person becomes a staff account."""
    _require_admin(actor, organization)
    _validate_role(role)
    if not user.is_active or getattr(user, "anonymised_at", None) is not None:
        raise ValidationFailed(fields={"user": [str(_("This account is not active."))]})
    if Membership.objects.active().filter(user=user, organization=organization, role=role).exists():
        raise Conflict(_("This person already holds this role in this organization."), code="membership_exists")
    membership = Membership(user=user, organization=organization, role=role, granted_by=_actor_or_none(actor))
    _full_clean(membership, validate_constraints=False)
    membership.save(force_insert=True)
    became_staff = user.kind != UserKind.STAFF
    if became_staff:
        # Memberships are what make someone government staff (and so bound to two-factor sign-in).
        type(user).objects.filter(pk=user.pk).update(kind=UserKind.STAFF)
        user.kind = UserKind.STAFF
    audit_log(
        actor=actor,
        action="membership.granted",
        target=membership,
        summary={
            "user_id": user.pk,
            "organization": organization.code,
            "role": role,
            "became_staff": became_staff,
        },
    )
    return membership


def _actor_or_none(actor: Any) -> Any:
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def _lock_active(membership: Membership) -> Membership:
    locked = Membership.objects.select_for_update().select_related("organization").get(pk=membership.pk)
    if locked.ended_at is not None:
        raise Conflict(_("This membership has already ended."), code="membership_ended")
    return locked


@transaction.atomic
def membership_revoke(*, actor: Any, membership: Membership) -> Membership:
    """End the membership now (it is kept as history, never deleted)."""
    _require_admin(actor, membership.organization)
    locked = _lock_active(membership)
    locked.ended_at = timezone.now()
    locked.save(update_fields=["ended_at"])
    membership.ended_at = locked.ended_at
    audit_log(
        actor=actor,
        action="membership.revoked",
        target=locked,
        summary={"user_id": locked.user_id, "organization": locked.organization.code, "role": locked.role},
    )
    return locked


@transaction.atomic
def membership_change_role(*, actor: Any, membership: Membership, role: str) -> Membership:
    """Replace the role: the old membership ends and a new one starts, so the history shows both.

    Returns the new membership."""
    _require_admin(actor, membership.organization)
    _validate_role(role)
    locked = _lock_active(membership)
    if locked.role == role:
        return locked
    if Membership.objects.active().filter(user_id=locked.user_id, organization=locked.organization, role=role).exists():
        raise Conflict(_("This person already holds this role in this organization."), code="membership_exists")
    now = timezone.now()
    locked.ended_at = now
    locked.save(update_fields=["ended_at"])
    membership.ended_at = now
    new = Membership(
        user_id=locked.user_id,
        organization=locked.organization,
        role=role,
        granted_by=_actor_or_none(actor),
        created_at=now,
    )
    _full_clean(new, validate_constraints=False)
    new.save(force_insert=True)
    audit_log(
        actor=actor,
        action="membership.role_changed",
        target=new,
        summary={
            "user_id": locked.user_id,
            "organization": locked.organization.code,
            "role": [locked.role, role],
            "previous_membership_id": locked.pk,
        },
    )
    return new
