"""What the Open311 endpoints read, built on the public selectors of the complaints app.

Rows are read with ``values()`` and the small lookup tables (categories, agencies, workflow states) are read
once per request, so a page of 1,000 service requests is one indexed range query and one query for photos,
not 1,000 model instances with four joins each. Only public and anonymous complaints that count (a
reporter's contact verified) are ever read here: ``public_complaints()`` decides that; confidential ones
never appear, and no row carries a reporter's name, e-mail, phone or account."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Q
from django.utils import translation

from balai.cases.models import StateKind, TimelineEntry, TimelineKind, WorkflowState
from balai.complaints.masking import mask_personal_data
from balai.complaints.models import ComplaintCategory, ComplaintPhoto
from balai.complaints.selectors import public_complaints
from balai.organizations.models import Organization

MAX_REQUESTS = 1000
MAX_UPDATES = 1000

_REQUEST_COLUMNS = (
    "case_id",
    "case__number",
    "case__state_id",
    "case__organization_id",
    "case__closed_at",
    "case__updated_at",
    "case__due_at",
    "category_id",
    "title",
    "public_description",
    "address",
    "latitude",
    "longitude",
    "created_at",
    "updated_at",
    "response_due_at",
)


def english() -> bool:
    return (translation.get_language() or "").startswith("en")


def _localised(name: str, name_en: str) -> str:
    return name_en if name_en and english() else name


@dataclass(frozen=True)
class Lookups:
    """The small tables every row refers to, read once per request."""

    categories: dict[int, ComplaintCategory]
    agencies: dict[int, str]
    states: dict[int, tuple[str, str]]  # id -> (public name, kind)

    @classmethod
    def load(cls, *, agency_ids: set[int] | None = None, state_ids: set[int] | None = None) -> Lookups:
        categories = {c.pk: c for c in ComplaintCategory.objects.all()}
        orgs = Organization.objects.all() if agency_ids is None else Organization.objects.filter(pk__in=agency_ids)
        agencies = {pk: _localised(name, name_en) for pk, name, name_en in orgs.values_list("pk", "name", "name_en")}
        states_qs = WorkflowState.objects.all() if state_ids is None else WorkflowState.objects.filter(pk__in=state_ids)
        states = {state.pk: (state.display_public_name, state.kind) for state in states_qs}
        return cls(categories=categories, agencies=agencies, states=states)


def category_name(category: ComplaintCategory) -> str:
    return _localised(category.name, category.name_en)


def public_text(title: str, description: str) -> str:
    """The public description (NIK, phone numbers and e-mail addresses already masked), with the title."""
    body = description or ""
    title = mask_personal_data(title or "")
    return f"{title}\n\n{body}" if title and body else title or body


def _photo_ids(case_ids: list[int]) -> dict[int, int]:
    """The first public photo of each complaint."""
    first: dict[int, int] = {}
    rows = (
        ComplaintPhoto.objects.filter(complaint_id__in=case_ids, is_public=True)
        .order_by("complaint_id", "created_at", "id")
        .values_list("complaint_id", "id")
    )
    for complaint_id, photo_id in rows:
        first.setdefault(complaint_id, photo_id)
    return first


@dataclass(frozen=True)
class RequestFilter:
    numbers: list[str] | None = None
    service_codes: list[str] | None = None
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    statuses: list[str] | None = None
    token: str | None = None


def request_rows(criteria: RequestFilter, *, limit: int | None = None) -> tuple[list[dict[str, Any]], Lookups]:
    """Public service requests, newest first, at most ``limit``; ``numbers`` overrides the other criteria."""
    if criteria.token is not None:
        qs = public_complaints().filter(open311_token=criteria.token)
    elif criteria.numbers is not None:
        qs = public_complaints(numbers=criteria.numbers)
    else:
        statuses = set(criteria.statuses or ())
        qs = public_complaints(
            since=criteria.start,
            until=criteria.end,
            status=statuses.pop() if len(statuses) == 1 else None,
        )
        if criteria.service_codes:
            category_ids = list(
                ComplaintCategory.objects.filter(open311_code__in=criteria.service_codes).values_list("pk", flat=True)
            )
            qs = qs.filter(category_id__in=category_ids)
    rows = list(qs.order_by("-created_at", "-case_id").values(*_REQUEST_COLUMNS)[: limit or MAX_REQUESTS])
    lookups = Lookups.load(
        agency_ids={row["case__organization_id"] for row in rows},
        state_ids={row["case__state_id"] for row in rows},
    )
    photos = _photo_ids([row["case_id"] for row in rows])
    for row in rows:
        row["photo_id"] = photos.get(row["case_id"])
    return rows, lookups


def is_public(complaint: Any) -> bool:
    return public_complaints().filter(pk=complaint.pk).exists()


def request_number_for_token(token: str) -> tuple[bool, str | None]:
    """(known, number): the token of a POST; its number once the complaint is public, else None."""
    from balai.complaints.models import Complaint

    known = Complaint.objects.filter(open311_token=token).exists() if token else False
    if not known:
        return False, None
    number = public_complaints().filter(open311_token=token).values_list("case__number", flat=True).first()
    return True, number


def status_of(closed_at: dt.datetime | None) -> str:
    return "closed" if closed_at is not None else "open"


@dataclass(frozen=True)
class UpdateRow:
    update_id: str
    number: str
    status: str
    at: dt.datetime
    description: str


def update_rows(start: dt.datetime, end: dt.datetime, *, limit: int = MAX_UPDATES) -> list[UpdateRow]:
    """Public updates (state changes and the agency's public replies) of public complaints in [start, end],
    newest first. The reporter's own replies are left out: they are the reporter's words, not updates."""
    public_ids = public_complaints().values("case_id")
    entries = (
        TimelineEntry.objects.filter(
            case_id__in=public_ids,
            is_public=True,
            kind__in=[TimelineKind.TRANSITION, TimelineKind.PUBLIC_REPLY],
            created_at__gte=start,
            created_at__lte=end,
        )
        .exclude(Q(kind=TimelineKind.PUBLIC_REPLY) & Q(actor_id=F("case__applicant_id")))
        .order_by("-created_at", "-id")
        .values("id", "kind", "body", "created_at", "to_state_id", "case__number", "case__closed_at")[:limit]
    )
    entries = list(entries)
    states = {
        state.pk: (state.display_public_name, state.kind)
        for state in WorkflowState.objects.filter(pk__in={e["to_state_id"] for e in entries if e["to_state_id"]})
    }
    updates = []
    for entry in entries:
        state = states.get(entry["to_state_id"])
        if entry["kind"] == TimelineKind.TRANSITION and state is not None:
            status = "closed" if state[1] == StateKind.FINAL else "open"
        else:
            closed_at = entry["case__closed_at"]
            status = "closed" if closed_at is not None and entry["created_at"] >= closed_at else "open"
        text = mask_personal_data(entry["body"] or "") or (state[0] if state else "")
        updates.append(
            UpdateRow(
                update_id=str(entry["id"]),
                number=entry["case__number"],
                status=status,
                at=entry["created_at"],
                description=text,
            )
        )
    return updates
