"""What the case services share: limits, code alphabets, roles, and the event payload."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from balai.cases.models import (
    Attachment,
    Case,
    Confidentiality,
    StateKind,
    TimelineEntry,
    TimelineKind,
)
from balai.cases.uploads import StoredFile
from balai.core.calendar import add_working_days, working_days_between
from balai.organizations.models import Role
from balai.organizations.scoping import is_platform_admin, roles_in

VERIFICATION_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I/L look-alikes
VERIFICATION_CODE_LENGTH = 10
MAX_TEXT_LENGTH = 5000
MAX_FEE_AMOUNT = 1_000_000_000_000  # one trillion rupiah: anything above is a typing error
FILING_ROLES = {Role.FRONT_OFFICE}
ASSIGNING_ROLES = {Role.HEAD, Role.APPROVER, Role.ADMINISTRATOR, Role.FRONT_OFFICE}
# Who sees an agency's confidential cases (e.g. a whistle-blower's complaint) besides the person assigned:
# the people who answer for the agency's decisions. Everyone else in the agency does not see them at all.
CONFIDENTIAL_ROLES = {Role.HEAD, Role.APPROVER, Role.ADMINISTRATOR}


def event_payload(case: Case, **extra: Any) -> dict[str, Any]:
    return {
        "case_id": case.pk,
        "number": case.number,
        "case_type": case.case_type,
        "state": case.state.code,
        "state_kind": case.state.kind,
        "organization_id": case.organization_id,
        "applicant_id": case.applicant_id,
        **extra,
    }


def recompute_clock(case: Case, now: Any) -> None:
    """Due date = end of the (sla_days + extension + paused working days)-th working day after submission;
    while the case waits for the applicant the clock stands still; a state with its own limit gets
    state_due_at."""
    if case.state.kind == StateKind.WAITING:
        if case.sla_paused_at is None:
            case.sla_paused_at = now
    elif case.sla_paused_at is not None:
        case.sla_paused_days += working_days_between(case.sla_paused_at, now)
        case.sla_paused_at = None
    if case.sla_days is not None:
        case.due_at = add_working_days(case.submitted_at, case.sla_days + case.sla_extended_days + case.sla_paused_days)
    if case.state.kind == StateKind.OPEN and case.state.sla_days is not None:
        case.state_due_at = add_working_days(now, case.state.sla_days)
    else:
        case.state_due_at = None
    if case.state.kind == StateKind.FINAL:
        case.closed_at = now


def add_attachment(
    case: Case, item: StoredFile | Mapping[str, Any], *, actor: Any, is_public: bool, timeline: bool = True
) -> Attachment:
    data = item.__dict__ if isinstance(item, StoredFile) else dict(item)
    attachment = Attachment(
        case=case,
        requirement_code=str(data.get("requirement_code") or "")[:64],
        storage_name=data["storage_name"],
        original_name=str(data.get("original_name") or "document")[:255],
        content_type=data["content_type"],
        size=int(data["size"]),
        sha256=data["sha256"],
        uploaded_by=actor,
        is_public=is_public,
    )
    attachment.full_clean(exclude=["case", "uploaded_by"])
    attachment.save()
    if timeline:
        TimelineEntry.objects.create(
            case=case,
            kind=TimelineKind.DOCUMENT,
            actor=actor,
            body=attachment.original_name,
            attachment=attachment,
            is_public=is_public,
        )
    return attachment


def staff_may_see_case(actor: Any, case: Case) -> bool:
    """Staff of the responsible or assessing agency (or a platform administrator); a confidential case only
    for the agency's CONFIDENTIAL_ROLES and the person it is assigned to."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return False
    if is_platform_admin(actor):
        return True
    held = roles_in(actor, case.organization_id)
    if case.assessing_organization_id:
        held |= roles_in(actor, case.assessing_organization_id)
    if not held:
        return False
    if case.confidentiality == Confidentiality.CONFIDENTIAL:
        return bool(held & CONFIDENTIAL_ROLES) or case.assigned_to_id == actor.pk
    return True


def may_see_case(actor: Any, case: Case) -> bool:
    """The applicant, or staff who may see it (``staff_may_see_case``)."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return False
    if case.applicant_id is not None and case.applicant_id == actor.pk:
        return True
    return staff_may_see_case(actor, case)
