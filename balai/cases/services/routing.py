"""Which agency answers a case: the service's owner, or the applicant's village office."""

from __future__ import annotations

from typing import Any

from balai.organizations.models import Organization


def village_office_for(village: Any) -> Organization | None:
    """The active kelurahan/desa organization serving ``village``: its code is the village code with
    dots as hyphens (``99-01-01-1003``), or, failing that, it carries the village's exact name."""
    if village is None:
        return None
    offices = Organization.objects.active().filter(kind__in=["kelurahan", "desa"])
    return (
        offices.filter(code=village.code.replace(".", "-")).first()
        or offices.filter(name__iexact=village.name).order_by("id").first()
    )


def route_case(service: Any, applicant: Any) -> Organization:
    if service.routing == "by_applicant_village" and applicant is not None:
        profile = applicant.citizen_profile if _has_profile(applicant) else None
        office = village_office_for(getattr(profile, "village", None))
        if office is not None:
            return office
    return service.owner


def _has_profile(user: Any) -> bool:
    try:
        user.citizen_profile  # noqa: B018
    except Exception:  # noqa: BLE001 - RelatedObjectDoesNotExist has no common import
        return False
    return True
