"""What the Open311 endpoints read, built on the public selectors of the complaints app.

Rows are read with ``values()`` and the small lookup tables (categories, agencies, workflow states) come from
the cached reference (``public.reference``), so a page of 1,000 service requests is one indexed range query
and one query for photos, not 1,000 model instances with four joins each. Only public and anonymous
complaints that count (a reporter's contact verified) are ever read here: ``public_complaints()`` decides
that; confidential ones never appear, and no row carries a reporter's name, e-mail, phone or account."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Q

from balai.cases.models import StateKind, TimelineEntry, TimelineKind
from balai.complaints.masking import mask_personal_data
from balai.complaints.models import ComplaintPhoto
from balai.complaints.public.reference import CategoryRef, localised, reference
from balai.complaints.selectors import public_complaints

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


@dataclass(frozen=True)
class Lookups:
    """The small tables every row refers to, from the cached reference (no query on a warm cache)."""

    categories: dict[int, CategoryRef]
    agencies: dict[int, str]
    states: dict[int, tuple[str, str]]  # id -> (public name, kind)
    districts: dict[int, str]

    @classmethod
    def load(cls) -> Lookups:
        ref = reference()
        return cls(
            categories=ref.categories,
            agencies={pk: agency.display_name for pk, agency in ref.agencies.items()},
            states={pk: (state.display_name, state.kind) for pk, state in ref.states.items()},
            districts={pk: name for pk, (_code, name) in ref.districts.items()},
        )


def category_name(category: Any) -> str:
    """A category's name in the page's language (a ComplaintCategory or its cached reference)."""
    return localised(category.name, category.name_en)


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
            codes = set(criteria.service_codes)
            qs = qs.filter(category_id__in=[c.id for c in reference().categories.values() if c.open311_code in codes])
    rows = list(qs.order_by("-created_at", "-case_id").values(*_REQUEST_COLUMNS)[: limit or MAX_REQUESTS])
    lookups = Lookups.load()
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
    states = Lookups.load().states
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
