"""Reading the public service catalogue: only published services, for everyone (no sign-in)."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from balai.organizations.models import Organization
from balai.services.models import Service, ServiceCategory
from balai.services.search import search

MAX_QUERY_LENGTH = 100


def published_services(*, category: str = "", agency: str = "", query: str = "") -> QuerySet[Service]:
    """Published services, optionally of one category code and one agency code, matching ``query``
    (Indonesian word forms understood; on PostgreSQL best matches first)."""
    services = Service.objects.published().select_related("category", "owner")
    if category:
        services = services.filter(category__code=category)
    if agency:
        services = services.filter(owner__code=agency.upper())
    query = (query or "").strip()[:MAX_QUERY_LENGTH]
    if query:
        services = search(services, query)
    return services


def public_service(code: str) -> Service | None:
    """One published service by code (case-insensitive), with what its public page shows."""
    if not code or len(code) > 40:
        return None
    return (
        Service.objects.published()
        .select_related("category", "owner", "current_version", "current_version__workflow")
        .filter(code=code.upper())
        .first()
    )


def catalogue_categories() -> QuerySet[ServiceCategory]:
    """Categories that hold at least one published service, with their count."""
    return (
        ServiceCategory.objects.annotate(published_count=Count("services", filter=Q(services__is_published=True)))
        .filter(published_count__gt=0)
        .order_by("position", "name")
    )


def catalogue_agencies() -> QuerySet[Organization]:
    """Agencies that own at least one published service."""
    return Organization.objects.filter(services__is_published=True).distinct().order_by("name")
