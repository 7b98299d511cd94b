"""Reading organizations: the public directory (active agencies only) and a person's memberships."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from balai.organizations.models import Membership, Organization, OrganizationKind


def public_organizations(*, query: str = "") -> QuerySet[Organization]:
    """Active organizations for the public directory, optionally those whose name or code matches."""
    organizations = Organization.objects.active().select_related("parent")
    query = query.strip()
    if query:
        organizations = organizations.filter(
            Q(name__icontains=query) | Q(name_en__icontains=query) | Q(code__icontains=query)
        )
    return organizations.order_by("name")


def public_directory(*, query: str = "") -> list[tuple[str, list[Organization]]]:
    """(kind label, organizations) groups in the order of OrganizationKind, empty groups left out."""
    by_kind: dict[str, list[Organization]] = {}
    for organization in public_organizations(query=query):
        by_kind.setdefault(organization.kind, []).append(organization)
    return [(label, by_kind[value]) for value, label in OrganizationKind.choices if value in by_kind]


def public_organization(code: str) -> Organization | None:
    """One active organization by its code (any letter case), with its parent; None when unknown."""
    code = (code or "").strip().upper()
    if not code or len(code) > 32:
        return None
    return Organization.objects.active().select_related("parent").filter(code=code).first()


def public_units(organization: Organization) -> QuerySet[Organization]:
    return organization.units.filter(is_active=True).order_by("name")


def active_memberships_of(user: Any) -> QuerySet[Membership]:
    """A person's current memberships, for their own pages and the user admin."""
    return Membership.objects.active().filter(user=user).select_related("organization").order_by("organization__name")
