"""Which organizations — and so which records — may a person see and act on.

Rules: anonymous users and citizens: none. Staff: the organizations of their active memberships
(optionally only those with given roles) and every unit below them. Platform administrators
(active superusers): all. Each helper costs at most two queries (memberships, then the hierarchy as
one list of (id, parent_id) pairs walked in Python), whatever the depth of the hierarchy.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from balai.organizations.models import Membership, Organization


def is_platform_admin(user: Any) -> bool:
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and getattr(user, "is_active", False)
        and getattr(user, "is_superuser", False)
    )


def is_scoped_staff(user: Any) -> bool:
    """An active, signed-in staff member whose reach comes from memberships (not anonymised)."""
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and getattr(user, "is_active", False)
        and getattr(user, "is_staff_member", False)
        and getattr(user, "anonymised_at", None) is None
    )


def organization_parent_map() -> dict[int, int | None]:
    """Every organization id with its parent id, in one query; pass it to descendants_of."""
    return dict(Organization.objects.values_list("id", "parent_id"))


def descendants_of(roots: Iterable[int], parents: dict[int, int | None]) -> set[int]:
    """The given organizations and all their units, at any depth."""
    children: dict[int | None, list[int]] = defaultdict(list)
    for org_id, parent_id in parents.items():
        children[parent_id].append(org_id)
    seen: set[int] = set()
    stack = [r for r in roots if r in parents]
    while stack:
        org_id = stack.pop()
        if org_id in seen:
            continue  # a cycle would loop forever; the model refuses them, this is a second guard
        seen.add(org_id)
        stack.extend(children.get(org_id, ()))
    return seen


def _ancestors_including(org_id: int, parents: dict[int, int | None]) -> list[int]:
    chain: list[int] = []
    current: int | None = org_id
    while current is not None and current not in chain:
        chain.append(current)
        current = parents.get(current)
    return chain


def ancestor_ids(org_id: int) -> set[int]:
    """``org_id`` and every organization above it (one query)."""
    return set(_ancestors_including(org_id, organization_parent_map()))


def _memberships(user: Any, roles: Iterable[str] | None) -> QuerySet[Membership]:
    memberships = Membership.objects.active().filter(user=user, organization__is_active=True)
    if roles is not None:
        memberships = memberships.filter(role__in=list(roles))
    return memberships


def organization_ids_for(user: Any, *, roles: Iterable[str] | None = None) -> set[int]:
    """Ids of the organizations ``user`` may see and act on (with one of ``roles``, when given)."""
    if is_platform_admin(user):
        return set(Organization.objects.values_list("id", flat=True))
    if not is_scoped_staff(user):
        return set()
    direct = set(_memberships(user, roles).values_list("organization_id", flat=True))
    if not direct:
        return set()
    return descendants_of(direct, organization_parent_map())


def organizations_for(user: Any, *, roles: Iterable[str] | None = None) -> QuerySet[Organization]:
    if is_platform_admin(user):
        return Organization.objects.all()
    ids = organization_ids_for(user, roles=roles)
    if not ids:
        return Organization.objects.none()
    return Organization.objects.filter(id__in=ids)


def roles_in(user: Any, organization: Organization | int) -> set[str]:
    """Roles ``user`` holds in ``organization``, directly or through a parent organization.

    Platform administrators hold no roles by virtue of being administrators (check
    ``is_platform_admin`` or use ``can_act_on``, which lets them act everywhere).
    """
    if not is_scoped_staff(user):
        return set()
    org_id = organization if isinstance(organization, int) else organization.pk
    held = list(_memberships(user, None).values_list("organization_id", "role"))
    if not held:
        return set()
    chain = set(_ancestors_including(org_id, organization_parent_map()))
    return {role for held_org, role in held if held_org in chain}


def can_act_on(user: Any, organization: Organization | int, *, roles: Iterable[str] | None = None) -> bool:
    """True when ``user`` may act on records of ``organization`` (holding one of ``roles``, if given)."""
    if is_platform_admin(user):
        return True
    held = roles_in(user, organization)
    if roles is None:
        return bool(held)
    return bool(held & set(roles))
