"""Counter (assisted) filing: front-office staff find a person by NIK (blind index, audited) or take a
walk-in person's name, NIK and phone, and file an application on their behalf with channel "counter".

Who may file: front-office staff (Role.FRONT_OFFICE) of the organization the case is routed to — the
service's owner, or for ``by_applicant_village`` services the applicant's village office — exactly the
check ``case_create`` makes. The service list offers the services a person can plausibly file: those
owned by an organization where they are front office, and every village-routed service when they are
front office anywhere (a kelurahan counter serves the regency's civil-registry services)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from balai.accounts.models import User
from balai.accounts.models.profile import CitizenProfile, nik_blind_index
from balai.audit.registry import register
from balai.audit.services import audit_log
from balai.cases.models import Case, Channel
from balai.cases.services import FILING_ROLES, case_create
from balai.core.exceptions import PermissionDenied, ValidationFailed
from balai.organizations.scoping import is_platform_admin, organization_ids_for
from balai.services.formdefs import clean_original_name, store_upload
from balai.services.models import Service

register("case.counter_lookup", gettext_lazy("Person looked up by NIK at the counter"))


def counter_organization_ids(actor: Any) -> set[int]:
    return organization_ids_for(actor, roles=FILING_ROLES)


def may_file_at_counter(actor: Any) -> bool:
    return is_platform_admin(actor) or bool(counter_organization_ids(actor))


def counter_services(actor: Any) -> QuerySet[Service]:
    """Published services with a current version that ``actor`` may file at the counter."""
    services = Service.objects.filter(is_published=True, current_version__isnull=False).select_related(
        "owner", "current_version__workflow"
    )
    if is_platform_admin(actor):
        return services.order_by("name")
    ids = counter_organization_ids(actor)
    if not ids:
        return Service.objects.none()
    return services.filter(Q(owner_id__in=ids) | Q(routing="by_applicant_village")).order_by("name")


def counter_service(actor: Any, code: str) -> Service | None:
    if not code or len(code) > 40:
        return None
    return counter_services(actor).filter(code=code.upper()).first()


def citizen_by_nik(*, actor: Any, nik: str) -> User | None:
    """The active account whose profile holds ``nik`` (an already validated NIK), or None. Only counter
    staff may ask, and every lookup is audited (whether found or not; the NIK itself is never logged)."""
    if not may_file_at_counter(actor):
        raise PermissionDenied(_("Only front-office staff can look people up at the counter."))
    index = nik_blind_index(nik)
    if not index:
        raise ValidationFailed(fields={"nik": [_("Enter the NIK (16 digits).")]})
    profile = (
        CitizenProfile.objects.select_related("user")
        .filter(nik_index=index, user__is_active=True, user__anonymised_at__isnull=True)
        .first()
    )
    with transaction.atomic():
        audit_log(
            actor=actor,
            action="case.counter_lookup",
            target=profile.user if profile else None,
            summary={"found": profile is not None},
        )
    return profile.user if profile else None


def counter_file(
    *,
    actor: Any,
    service: Service,
    answers: dict,
    uploads: Mapping[str, Any] | None = None,
    applicant: User | None = None,
    walk_in: Mapping[str, str] | None = None,
) -> Case:
    """File ``answers`` (already cleaned by the form engine) for ``applicant`` or ``walk_in`` = {name, nik,
    phone}; ``uploads`` are checked files (from the definition form) keyed by requirement code."""
    if not may_file_at_counter(actor):
        raise PermissionDenied(_("Only front-office staff can file at the counter."))
    if (applicant is None) == (walk_in is None):
        raise ValidationFailed(_("Find the person by NIK or register them as a walk-in person first."))
    version = service.current_version
    if version is None:
        raise ValidationFailed(_("This service does not accept applications at the moment."), code="not_published")
    attachments = []
    for code, uploaded in (uploads or {}).items():
        stored = store_upload(uploaded, folder="cases/counter")
        attachments.append(
            {
                "requirement_code": code,
                "storage_name": str(stored),
                "original_name": clean_original_name(getattr(uploaded, "name", "")) or "document",
                "content_type": stored.content_type,
                "size": stored.size,
                "sha256": stored.sha256,
            }
        )
    return case_create(
        actor=actor,
        service_version=version,
        answers=answers,
        channel=Channel.COUNTER,
        applicant=applicant,
        walk_in=dict(walk_in) if walk_in is not None else None,
        attachments=attachments,
    )
