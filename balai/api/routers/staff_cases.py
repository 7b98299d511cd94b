"""``/api/v1/staff/cases``: the staff worklist, one case, and its state changes through the one transition
service. Government staff only (a citizen gets 403); a case outside the person's agencies is 404; API keys
need the ``cases:staff`` scope."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext_lazy
from ninja import Field, Query, Router, Schema

from balai.api.auth import require_scope
from balai.api.errors import responses
from balai.api.pagination import PageOut, PageQuery, paginate
from balai.api.scopes import register_scope
from balai.cases.models import Case, CaseType
from balai.cases.selectors import allowed_transitions, cases_for_staff, staff_timeline, worklist_for_staff
from balai.cases.services import MAX_FEE_AMOUNT, MAX_TEXT_LENGTH, case_transition
from balai.cases.services.deadline import case_extend_deadline
from balai.core.exceptions import NotFound, PermissionDenied
from balai.organizations.models import Organization
from balai.services.formdefs import display_answer, field_specs

router = Router(tags=["staff"])
SCOPE = "cases:staff"
register_scope(SCOPE, gettext_lazy("Read and process the cases of your agencies (government staff)"))


def _staff(request: HttpRequest) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    if not getattr(user, "is_staff_member", False):
        raise PermissionDenied()
    require_scope(request, SCOPE)
    return user


def _case(user: Any, number: str) -> Case:
    # Complaints are answered through /api/v1/complaints (their reporters may be anonymous to the agency).
    found = cases_for_staff(user).filter(number=number[:64]).exclude(case_type=CaseType.COMPLAINT)
    case = found.first() if number else None
    if case is None:
        raise NotFound()
    return case


class CaseFilter(PageQuery):
    service: str | None = Field(None, max_length=40, description="Service code, e.g. AKTA-LAHIR.")
    state: str | None = Field(None, max_length=50, description="State code, e.g. verification.")
    overdue: bool | None = Field(None, description="true: only overdue cases; false: only cases on time.")
    assigned_to_me: bool = Field(False, description="Only cases assigned to the caller.")
    unassigned: bool = Field(False, description="Only cases assigned to nobody.")
    date_from: date | None = Field(None, description="Submitted on or after this day (Asia/Jakarta).")
    date_to: date | None = Field(None, description="Submitted on or before this day (Asia/Jakarta).")
    order: Literal["due_at", "submitted_at", "-submitted_at"] = Field(
        "due_at", description="due_at (default, earliest first), submitted_at or -submitted_at."
    )


class StateOut(Schema):
    code: str
    name: str
    kind: str = Field(description="open, waiting (for the applicant; the clock is paused) or final.")


class CaseOut(Schema):
    number: str
    service: str | None = Field(None, description="Service code.")
    state: StateOut
    organization: str = Field(description="Code of the responsible agency.")
    assessing_organization: str | None = None
    applicant_name: str
    channel: str
    priority: str
    submitted_at: datetime
    due_at: datetime | None
    overdue: bool
    clock_paused: bool
    closed_at: datetime | None
    assigned_to: int | None = Field(None, description="User id of the assigned officer.")
    fee_amount: int | None = Field(None, description="Whole rupiah.")
    version: int = Field(description="Send it back as expected_version when changing the case.")

    @staticmethod
    def resolve_service(obj: Case) -> str | None:
        return obj.service_version.service.code if obj.service_version_id else None

    @staticmethod
    def resolve_state(obj: Case) -> dict[str, str]:
        return {"code": obj.state.code, "name": obj.state.display_name, "kind": obj.state.kind}

    @staticmethod
    def resolve_organization(obj: Case) -> str:
        return obj.organization.code

    @staticmethod
    def resolve_assessing_organization(obj: Case) -> str | None:
        return obj.assessing_organization.code if obj.assessing_organization_id else None

    @staticmethod
    def resolve_overdue(obj: Case) -> bool:
        return obj.is_overdue

    @staticmethod
    def resolve_clock_paused(obj: Case) -> bool:
        return obj.sla_paused_at is not None

    @staticmethod
    def resolve_assigned_to(obj: Case) -> int | None:
        return obj.assigned_to_id


class CasePage(PageOut):
    results: list[CaseOut]


class TransitionOut(Schema):
    code: str
    name: str
    to_state: str
    requires_comment: bool
    requires_document: bool = Field(description="Documents cannot be sent as JSON: take such steps on the web.")
    requires_fee_amount: bool
    requires_assessing_organization: bool


class TimelineOut(Schema):
    kind: str
    created_at: datetime
    actor: str = ""
    from_state: str | None = None
    to_state: str | None = None
    transition: str = ""
    body: str = ""
    is_public: bool


class CaseDetailOut(CaseOut):
    answers: dict[str, Any] = Field(description="Form answers; NIK and phone answers masked.")
    allowed_transitions: list[TransitionOut] = Field(description="The steps the caller may take now.")
    timeline: list[TimelineOut] = Field(description="Every entry, internal notes included.")

    @staticmethod
    def resolve_answers(obj: Case) -> dict[str, Any]:
        return obj.api_answers  # type: ignore[attr-defined]

    @staticmethod
    def resolve_allowed_transitions(obj: Case) -> list[dict[str, Any]]:
        return [
            {
                "code": t.code,
                "name": t.display_name,
                "to_state": t.to_state.code,
                "requires_comment": t.requires_comment,
                "requires_document": t.requires_document,
                "requires_fee_amount": t.requires_fee_amount,
                "requires_assessing_organization": t.requires_assessing_organization,
            }
            for t in obj.api_transitions  # type: ignore[attr-defined]
        ]

    @staticmethod
    def resolve_timeline(obj: Case) -> list[dict[str, Any]]:
        return [
            {
                "kind": e.kind,
                "created_at": e.created_at,
                "actor": e.actor.full_name if e.actor_id else "",
                "from_state": e.from_state.code if e.from_state_id else None,
                "to_state": e.to_state.code if e.to_state_id else None,
                "transition": e.transition_code,
                "body": e.body,
                "is_public": e.is_public,
            }
            for e in obj.api_timeline  # type: ignore[attr-defined]
        ]


class TransitionIn(Schema):
    transition: str = Field(max_length=50, description="Code of the step, from allowed_transitions.")
    comment: str = Field("", max_length=MAX_TEXT_LENGTH)
    fee_amount: int | None = Field(None, ge=1, le=MAX_FEE_AMOUNT, description="Whole rupiah, when the step sets a fee.")
    assessing_organization: str | None = Field(
        None, max_length=50, description="Code of the agency that assesses, when the step asks for it."
    )
    expected_version: int | None = Field(
        None, ge=1, description="The case's version you saw; a different current version answers 409."
    )


class ExtendIn(Schema):
    reason: str = Field(max_length=MAX_TEXT_LENGTH, description="Why more time is needed; the applicant sees it.")
    expected_version: int | None = Field(
        None, ge=1, description="The case's version you saw; a different current version answers 409."
    )


def _masked_answers(case: Case) -> dict[str, Any]:
    definition = case.service_version.form_definition if case.service_version_id else {}
    answers = dict(case.answers or {})
    for spec in field_specs(definition or {}):
        if spec.get("type") in {"nik", "phone"} and answers.get(spec["code"]):
            answers[spec["code"]] = display_answer(spec, answers[spec["code"]])
    return answers


def _detail(user: Any, case: Case) -> Case:
    """The case with what CaseDetailOut reads: masked answers, the caller's steps and the full timeline."""
    case.api_answers = _masked_answers(case)  # type: ignore[attr-defined]
    case.api_transitions = allowed_transitions(user, case)  # type: ignore[attr-defined]
    case.api_timeline = list(staff_timeline(case))  # type: ignore[attr-defined]
    return case


@router.get(
    "/cases",
    response=responses(CasePage, 401, 403, 422),
    url_name="staff-cases",
    summary="The worklist: cases of the caller's agencies, filtered, earliest due first",
)
def staff_cases(request: HttpRequest, filters: Query[CaseFilter]) -> dict[str, Any]:
    user = _staff(request)
    assigned: Any = None
    if filters.assigned_to_me:
        assigned = user
    elif filters.unassigned:
        assigned = "none"
    cases = worklist_for_staff(
        user,
        with_organizations=True,
        case_types=[CaseType.SERVICE_APPLICATION],
        service=filters.service.upper() if filters.service else None,
        state=filters.state or None,
        overdue=filters.overdue,
        assigned_to=assigned,
        date_from=filters.date_from,
        date_to=filters.date_to,
        order=filters.order,
    )
    return paginate(cases, filters)


@router.get(
    "/cases/{number}",
    response=responses(CaseDetailOut, 401, 403, 404),
    url_name="staff-case",
    summary="One case of the caller's agencies: answers, timeline and the steps allowed now",
)
def staff_case(request: HttpRequest, number: str) -> Case:
    user = _staff(request)
    return _detail(user, _case(user, number))


@router.post(
    "/cases/{number}/transitions",
    response=responses(CaseDetailOut, 401, 403, 404, 409, 422),
    url_name="staff-case-transition",
    summary="Take a step on a case (the same rules as the web: role, state, required inputs, version)",
)
def staff_case_transition(request: HttpRequest, number: str, payload: TransitionIn) -> Case:
    user = _staff(request)
    case = _case(user, number)
    assessing = None
    if payload.assessing_organization:
        assessing = Organization.objects.active().filter(code=payload.assessing_organization).first()
    case = case_transition(
        actor=user,
        case=case,
        transition=payload.transition,
        comment=payload.comment,
        fee_amount=payload.fee_amount,
        expected_version=payload.expected_version,
        assessing_organization=assessing,
    )
    return _detail(user, _case(user, case.number))


@router.post(
    "/cases/{number}/extend",
    response=responses(CaseDetailOut, 401, 403, 404, 409, 422),
    url_name="staff-case-extend",
    summary="Extend the time limit once by the service's extension (with a reason the applicant sees)",
)
def staff_case_extend(request: HttpRequest, number: str, payload: ExtendIn) -> Case:
    user = _staff(request)
    case = case_extend_deadline(
        actor=user, case=_case(user, number), reason=payload.reason, expected_version=payload.expected_version
    )
    return _detail(user, _case(user, case.number))


__all__ = ["router"]
