"""What the staff pages share: limits, looking up a case in the person's scope, SLA tags."""

from __future__ import annotations

from typing import Any

from django.http import Http404, QueryDict
from django.urls import reverse

from balai.accounts.models import User
from balai.cases.models import Case, CaseType, StateKind, WorkflowState
from balai.cases.selectors import (
    cases_for_staff,
)
from balai.cases.services import ASSIGNING_ROLES
from balai.core.exceptions import BalaiError
from balai.organizations.models import Membership
from balai.organizations.scoping import is_platform_admin

PAGE_SIZE = 25
COUNTER_TOKEN_MAX_AGE = 2 * 60 * 60  # seconds a counter session (person found or registered) stays valid


def form_error(form: Any, exc: BalaiError) -> None:
    """A service error on the form: per-field messages on their fields, the rest at the top."""
    if exc.fields:
        for name, msgs in exc.fields.items():
            for msg in msgs:
                form.add_error(name if name in form.fields else None, msg)
    else:
        form.add_error(None, str(exc.message))


def staff_case_or_404(user: Any, number: str) -> Case:
    """A service application in the person's scope. Complaints have their own pages (/kantor/pengaduan/),
    which keep an anonymous reporter's identity from the agency and move the case between agencies."""
    number = str(number or "")[:64]
    case = cases_for_staff(user).filter(number=number).exclude(case_type=CaseType.COMPLAINT).first() if number else None
    if case is None:
        raise Http404
    return case


def complaint_number_for_staff(user: Any, number: str) -> str | None:
    """The number when it names a complaint this person may see (the generic page then sends them on)."""
    number = str(number or "")[:64]
    found = cases_for_staff(user).filter(number=number, case_type=CaseType.COMPLAINT).exists() if number else False
    return number if found else None


def supervises(user: Any) -> bool:
    """May assign cases to other people (the engine checks this again per case)."""
    if is_platform_admin(user):
        return True
    return Membership.objects.active().filter(user=user, role__in=list(ASSIGNING_ROLES)).exists()


def colleagues_in(org_ids: set[int]) -> list[tuple[str, str]]:
    if not org_ids:
        return []
    users = (
        User.objects.filter(
            memberships__organization_id__in=org_ids,
            memberships__ended_at__isnull=True,
            is_active=True,
            anonymised_at__isnull=True,
        )
        .distinct()
        .order_by("full_name", "id")
        .values_list("id", "full_name")
    )
    return [(str(pk), name) for pk, name in users]


def sla_status(case: Case, now: Any, soon: Any) -> str:
    if case.closed_at is not None:
        return "closed"
    if case.sla_paused_at is not None:
        return "paused"
    if case.due_at is None:
        return ""
    if case.due_at < now:
        return "overdue"
    if case.due_at <= soon:
        return "due_soon"
    return "on_time"


def state_tag(state: WorkflowState) -> str:
    if state.kind == StateKind.WAITING:
        return "menunggu"
    if state.kind == StateKind.FINAL:
        return "ditolak" if "reject" in state.code else "selesai"
    if state.is_initial:
        return "diajukan"
    return "diproses"


def worklist_url(query: str = "") -> str:
    """The worklist with the filters the person came from (re-encoded: nothing raw reaches the header)."""
    url = reverse("worklist:list")
    clean = QueryDict(query[:2000]).urlencode() if query else ""
    return f"{url}?{clean}" if clean else url


def parse_int(value: Any) -> int | None:
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**63 else None
