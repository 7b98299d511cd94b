"""Creating a case: from an application on the web, through the API, or at the counter."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from balai.accounts.models.profile import NIK_INDEX_PURPOSE
from balai.accounts.nik import normalize_nik, validate_nik
from balai.accounts.phone import normalize_phone
from balai.audit.services import audit_log
from balai.cases.models import (
    Case,
    CaseType,
    Channel,
    Priority,
    TimelineEntry,
    TimelineKind,
)
from balai.cases.services.common import FILING_ROLES, add_attachment, event_payload, recompute_clock
from balai.cases.services.numbering import format_case_number, new_verification_code, next_sequence
from balai.cases.services.routing import route_case
from balai.cases.totals import mark_changed
from balai.cases.uploads import StoredFile
from balai.core.calendar import CALENDAR_TZ
from balai.core.crypto import blind_index
from balai.core.events import publish
from balai.core.exceptions import PermissionDenied, ValidationFailed
from balai.organizations.models import Organization
from balai.organizations.scoping import can_act_on
from balai.services.fees import compute_fee


def _clean_walk_in(walk_in: Mapping[str, Any]) -> dict[str, str]:
    errors: dict[str, list[str]] = {}
    name = str(walk_in.get("name") or "").strip()
    if not name:
        errors["walk_in_name"] = [_("Enter the applicant's full name.")]
    elif len(name) > 200:
        errors["walk_in_name"] = [_("The name is too long (at most 200 characters).")]
    nik = normalize_nik(str(walk_in.get("nik") or ""))
    if nik:
        try:
            validate_nik(nik)
        except ValidationError as exc:
            errors["walk_in_nik"] = [str(m) for m in exc.messages]
    phone = str(walk_in.get("phone") or "").strip()
    if phone:
        try:
            phone = normalize_phone(phone)
        except ValidationError as exc:
            errors["walk_in_phone"] = [str(m) for m in exc.messages]
    if errors:
        raise ValidationFailed(fields=errors)
    return {"name": name, "nik": nik, "phone": phone}


logger = logging.getLogger(__name__)


def _fee_for(service: Any, answers: Mapping[str, Any]) -> int | None:
    """The fee known at submission: a fixed fee, or a fee rule's result from the answers. ``None`` when
    free or not computable yet (a rule without configuration, or answers it cannot use): the workflow's
    fee assessment step sets it then; a citizen is never refused for a rule the agency set up wrongly."""
    try:
        amount = compute_fee(service, answers)
    except ValidationFailed:
        logger.warning("fee rule could not use the answers", extra={"service": service.code})
        return None
    return amount or None


def case_create(
    *,
    actor: Any,
    service_version: Any,
    answers: dict,
    channel: str,
    applicant: Any = None,
    walk_in: Mapping[str, Any] | None = None,
    organization: Organization | None = None,
    attachments: Iterable[StoredFile | Mapping[str, Any]] = (),
    priority: str = Priority.NORMAL,
) -> Case:
    """Register a submitted application.

    ``answers`` must already be cleaned by the form engine (``formdefs.clean_answers``); ``attachments``
    are files already checked and stored (``StoredFile`` or dicts with ``requirement_code``,
    ``storage_name``, ``original_name``, ``content_type``, ``size``, ``sha256``). A citizen files for
    themself on the web or the API; front-office staff file at the counter for an account holder
    (``applicant``) or a walk-in person (``walk_in`` = {name, nik, phone}).
    """
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Sign in to submit an application."))
    if channel not in Channel.values:
        raise ValidationFailed(fields={"channel": [_("Unknown channel.")]})
    if priority not in Priority.values:
        raise ValidationFailed(fields={"priority": [_("Unknown priority.")]})
    if not isinstance(answers, dict):
        raise ValidationFailed(fields={"answers": [_("The answers must be an object.")]})
    service = service_version.service
    if not service.is_published:
        raise ValidationFailed(_("This service does not accept applications at the moment."), code="not_published")

    on_behalf = channel == Channel.COUNTER or walk_in is not None or (applicant is not None and applicant != actor)
    walk_in_data: dict[str, str] | None = None
    if on_behalf:
        if channel != Channel.COUNTER:
            raise ValidationFailed(fields={"channel": [_("Applications on someone's behalf use the counter channel.")]})
        if walk_in is None and applicant is None:
            raise ValidationFailed(fields={"walk_in_name": [_("Choose the applicant or enter the walk-in person.")]})
        if walk_in is not None:
            if applicant is not None:
                raise ValidationFailed(_("Give either an account or a walk-in person, not both."))
            walk_in_data = _clean_walk_in(walk_in)
    else:
        applicant = actor

    target = organization or route_case(service, applicant)
    if on_behalf and not can_act_on(actor, target, roles=FILING_ROLES):
        raise PermissionDenied(_("Only front-office staff of the responsible agency can file at the counter."))
    if organization is not None and not on_behalf:
        raise PermissionDenied(_("Only front-office staff can choose the responsible agency."))

    workflow = service_version.workflow
    state = workflow.initial_state()
    if state is None:
        raise ValidationFailed(_("The service's workflow has no initial state; tell the administrator."))

    fee_amount = _fee_for(service, answers)

    now = timezone.now()
    year = now.astimezone(CALENDAR_TZ).year
    with transaction.atomic():
        sequence = next_sequence(service.code, year)
        case = Case(
            number=format_case_number(service.code, year, sequence),
            year=year,
            sequence=sequence,
            verification_code=new_verification_code(),
            case_type=CaseType.SERVICE_APPLICATION,
            service_version=service_version,
            workflow=workflow,
            state=state,
            organization=target,
            applicant=applicant,
            channel=channel,
            priority=priority,
            answers=answers,
            submitted_at=now,
            sla_days=service.sla_days,
            fee_amount=fee_amount,
        )
        if walk_in_data is not None:
            case.walk_in_name = walk_in_data["name"]
            case.walk_in_nik = walk_in_data["nik"]
            case.walk_in_nik_index = (
                blind_index(walk_in_data["nik"], purpose=NIK_INDEX_PURPOSE) if walk_in_data["nik"] else ""
            )
            case.walk_in_phone = walk_in_data["phone"]
        recompute_clock(case, now)
        try:
            case.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            raise ValidationFailed(fields={k: [str(m) for m in v] for k, v in exc.message_dict.items()}) from exc
        case.save(force_insert=True)
        TimelineEntry.objects.create(
            case=case, kind=TimelineKind.SUBMISSION, actor=actor, to_state=state, is_public=True, created_at=now
        )
        for item in attachments:
            add_attachment(case, item, actor=actor, is_public=True)
        audit_log(
            actor=actor,
            action="case.submitted",
            target=case,
            summary={
                "number": case.number,
                "service": service.code,
                "channel": channel,
                "organization": target.code,
                "on_behalf": on_behalf,
            },
        )
        mark_changed(case.organization_id, case.assessing_organization_id)
        publish("case.submitted", event_payload(case))
    return case
