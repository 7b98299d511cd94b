"""Reads the API needs that no app selector provides yet. Public data only."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet


def public_organizations(*, kind: str | None = None, q: str | None = None) -> QuerySet[Any]:
    """Active agencies and units for the public directory, ordered by code."""
    from balai.organizations.models import Organization

    organizations = Organization.objects.filter(is_active=True).select_related("parent").order_by("code")
    if kind:
        organizations = organizations.filter(kind=kind)
    if q:
        organizations = organizations.filter(name__icontains=q)
    return organizations


def public_organization(code: str) -> Any:
    """One active organization by code; raises ``Organization.DoesNotExist`` (the API answers 404)."""
    return public_organizations().get(code=code)
