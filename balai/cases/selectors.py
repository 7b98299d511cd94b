"""Reads of the case engine, always scoped to the asking person: staff see the cases of the agencies they
belong to (as responsible or assessing agency), citizens their own, anyone with number and code one
case's public status. Anything outside a person's scope is NotFound, never a 403 that reveals it exists."""

from __future__ import annotations

import datetime as dt
import hmac
from typing import Any

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from balai.cases.models import Attachment, Case, TimelineEntry, WorkflowTransition
from balai.cases.services import VERIFICATION_ALPHABET, VERIFICATION_CODE_LENGTH, actor_may_take
from balai.core.calendar import CALENDAR_TZ
from balai.core.exceptions import NotFound
from balai.organizations.scoping import is_platform_admin, organization_ids_for

ORDERINGS = {
    "due_at": (F("due_at").asc(nulls_last=True), "id"),
    "-due_at": (F("due_at").desc(nulls_last=True), "-id"),
    "submitted_at": ("submitted_at", "id"),
    "-submitted_at": ("-submitted_at", "-id"),
    "number": ("number",),
}
_DUMMY_CODE = "X" * VERIFICATION_CODE_LENGTH


def _base() -> QuerySet[Case]:
    return Case.objects.select_related(
        "state", "service_version__service", "organization", "assessing_organization", "assigned_to", "applicant"
    )


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=CALENDAR_TZ)


def cases_for_staff(
    user: Any,
    *,
    state: Any = None,
    service: Any = None,
    overdue: bool | None = None,
    assigned_to: Any = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    order: str = "due_at",
) -> QuerySet[Case]:
    """Cases of the agencies ``user`` works for (responsible or assessing), filtered and ordered.

    ``state``: a state code (or list of codes); ``service``: a Service, its id or its code;
    ``assigned_to``: a user, a user id, or "none" for unassigned cases; dates are submission days
    (Asia/Jakarta), both inclusive."""
    if is_platform_admin(user):
        qs = _base()
    else:
        ids = organization_ids_for(user)
        if not ids:
            return Case.objects.none()
        qs = _base().filter(Q(organization_id__in=ids) | Q(assessing_organization_id__in=ids))
    if state:
        codes = [state] if isinstance(state, str) else [getattr(s, "code", s) for s in state]
        qs = qs.filter(state__code__in=codes)
    if service:
        if isinstance(service, str) and not service.isdigit():
            qs = qs.filter(service_version__service__code=service)
        else:
            qs = qs.filter(service_version__service_id=getattr(service, "pk", service))
    if overdue is not None:
        late = Q(closed_at__isnull=True, sla_paused_at__isnull=True, due_at__lt=timezone.now())
        qs = qs.filter(late) if overdue else qs.exclude(late)
    if assigned_to == "none":
        qs = qs.filter(assigned_to__isnull=True)
    elif assigned_to is not None:
        qs = qs.filter(assigned_to_id=getattr(assigned_to, "pk", assigned_to))
    if date_from:
        qs = qs.filter(submitted_at__gte=_day_start(date_from))
    if date_to:
        qs = qs.filter(submitted_at__lt=_day_start(date_to + dt.timedelta(days=1)))
    return qs.order_by(*ORDERINGS.get(order, ORDERINGS["due_at"]))


def cases_for_citizen(user: Any) -> QuerySet[Case]:
    if user is None or not getattr(user, "is_authenticated", False):
        return Case.objects.none()
    return _base().filter(applicant_id=user.pk).order_by("-submitted_at", "-id")


def _lookup(qs: QuerySet[Case], case_id: Any) -> Case:
    try:
        pk = int(str(case_id))
    except (TypeError, ValueError):
        raise NotFound() from None
    case = qs.filter(pk=pk).first()
    if case is None:
        raise NotFound()
    return case


def case_for_staff(user: Any, case_id: Any) -> Case:
    return _lookup(cases_for_staff(user), case_id)


def case_for_citizen(user: Any, case_id: Any) -> Case:
    return _lookup(cases_for_citizen(user), case_id)


def normalize_tracking(number: str | None, code: str | None) -> tuple[str, str]:
    clean_number = "".join(str(number or "").split()).upper()[:64]
    clean_code = "".join(ch for ch in str(code or "").upper() if ch.isalnum())[:32]
    return clean_number, clean_code


def case_for_tracking(number: str | None, verification_code: str | None) -> Case | None:
    """The case with this number if the code matches (compared in constant time), else None."""
    clean_number, clean_code = normalize_tracking(number, verification_code)
    if any(ch not in VERIFICATION_ALPHABET for ch in clean_code):
        clean_code = ""  # cannot match, but the comparison below still runs so timing says nothing
    case = (
        Case.objects.select_related("state", "service_version__service", "organization")
        .filter(number=clean_number)
        .first()
        if clean_number
        else None
    )
    expected = case.verification_code if case is not None else _DUMMY_CODE
    matches = hmac.compare_digest(clean_code.encode(), expected.encode())
    return case if case is not None and clean_code and matches else None


def allowed_transitions(user: Any, case: Case) -> list[WorkflowTransition]:
    """The transitions ``user`` may take on ``case`` now (from its current state), in workflow order."""
    if case.closed_at is not None:
        return []
    roles_cache: dict = {}
    steps = WorkflowTransition.objects.filter(workflow_id=case.workflow_id, from_state_id=case.state_id).select_related(
        "to_state"
    )
    return [t for t in steps if actor_may_take(user, case, t, _roles=roles_cache)]


def public_timeline(case: Case) -> QuerySet[TimelineEntry]:
    """What the applicant (and the tracking page) may see of the case's history."""
    return (
        case.timeline.filter(is_public=True)
        .select_related("from_state", "to_state", "attachment")
        .order_by("created_at", "id")
    )


def staff_timeline(case: Case) -> QuerySet[TimelineEntry]:
    return case.timeline.select_related("from_state", "to_state", "attachment", "actor").order_by("created_at", "id")


def attachment_for(user: Any, attachment_id: Any) -> Attachment:
    """An attachment ``user`` may download: staff of the case's agencies any; the applicant the public
    ones and those they uploaded themselves. Anything else is NotFound."""
    try:
        pk = int(str(attachment_id))
    except (TypeError, ValueError):
        raise NotFound() from None
    attachment = Attachment.objects.select_related("case").filter(pk=pk).first()
    if attachment is None or user is None or not getattr(user, "is_authenticated", False):
        raise NotFound()
    case = attachment.case
    if is_platform_admin(user):
        return attachment
    ids = organization_ids_for(user)
    if case.organization_id in ids or (case.assessing_organization_id in ids and case.assessing_organization_id):
        return attachment
    if case.applicant_id == user.pk and (attachment.is_public or attachment.uploaded_by_id == user.pk):
        return attachment
    raise NotFound()


def state_counts(user: Any, **filters: Any) -> dict[str, int]:
    """Number of cases per state code in ``user``'s worklist (with the same filters)."""
    from django.db.models import Count

    qs = cases_for_staff(user, **filters).order_by()
    return dict(qs.values_list("state__code").annotate(n=Count("id")).values_list("state__code", "n"))
