"""What the Open311 endpoints read, built on the public selectors of the complaints app.

Rows are read with ``values()`` and the small lookup tables (categories, agencies, workflow states) come from
the cached reference (``public.reference``), so a page of 1,000 service requests is one indexed range query
and one query for photos, not 1,000 model instances with four joins each. Only public and anonymous
complaints that count (a reporter's contact verified) are ever read here: ``public_complaints()`` decides
that; confidential ones never appear, and no row carries a reporter's name, e-mail, phone or account."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import BooleanField, Case, ExpressionWrapper, F, FloatField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Cast, Coalesce, Greatest

from balai.cases.models import StateKind, TimelineEntry, TimelineKind
from balai.complaints.masking import mask_personal_data
from balai.complaints.models import ComplaintPhoto
from balai.complaints.open311.sql import W3Jakarta
from balai.complaints.public.reference import CategoryRef, english, localised, reference
from balai.complaints.selectors import public_complaints

MAX_REQUESTS = 1000
MAX_UPDATES = 1000

_REQUEST_COLUMNS = (
    "case_id",
    "case__number",
    "case__state_id",
    "case__organization_id",
    "category_id",
    "title",
    "public_description",
    "address",
)


_ANNOTATED = ("is_closed", "requested", "updated", "expected", "lat", "long", "photo_id")


def _request_annotations() -> dict[str, Any]:
    """What a row needs besides plain columns, computed by the database: the times as W3C text, the
    coordinates as floats, whether the case is closed, and the first public photo."""
    closed = Q(case__closed_at__isnull=False)
    first_photo = (
        ComplaintPhoto.objects.filter(complaint_id=OuterRef("pk"), is_public=True)
        .order_by("created_at", "id")
        .values("id")[:1]
    )
    return {
        "is_closed": ExpressionWrapper(closed, output_field=BooleanField()),
        "requested": W3Jakarta("created_at"),
        "updated": W3Jakarta(Coalesce("case__closed_at", Greatest("updated_at", "case__updated_at", "created_at"))),
        # The deadline of the step the government is in (verification, then the agency's response): the
        # case's due date, which the complaint services keep; none while the reporter is to react, nor once closed.
        "expected": W3Jakarta(Case(When(closed, then=Value(None)), default=F("case__due_at"))),
        "lat": Cast("latitude", FloatField()),
        "long": Cast("longitude", FloatField()),
        "photo_id": Subquery(first_photo),
    }


@contextmanager
def serial_plan() -> Iterator[None]:
    """Run the queries inside without parallel workers (PostgreSQL). A page of at most 1,000 rows from an index
    range is a few milliseconds of work; the planner, estimating the whole 90-day range, starts two workers,
    and starting them cost 60 ms of the 90 ms measured on 1M complaints."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        yield


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


@dataclass(frozen=True)
class RequestFilter:
    numbers: list[str] | None = None
    service_codes: list[str] | None = None
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    statuses: list[str] | None = None


def request_rows(criteria: RequestFilter, *, limit: int | None = None) -> tuple[list[dict[str, Any]], Lookups]:
    """Public service requests, newest first, at most ``limit``; ``numbers`` overrides the other criteria."""
    if criteria.numbers is not None:
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
    # Newest first by time alone: with the id as a tie-break (ties of a microsecond never happen in practice,
    # and this list has no pages) PostgreSQL left the index order and merged 14,000 rows with the cases to
    # fill 1,000 (110 ms instead of 6 ms on 1M complaints).
    qs = qs.annotate(**_request_annotations()).order_by("-created_at")
    with serial_plan():
        rows = list(qs.values(*_REQUEST_COLUMNS, *_ANNOTATED)[: limit or MAX_REQUESTS])
    return rows, Lookups.load()


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


@dataclass(frozen=True)
class UpdateRow:
    update_id: str
    number: str
    status: str
    at: dt.datetime
    description: str


UPDATES_CACHE_SECONDS = 60


def cached_update_rows(start: dt.datetime, end: dt.datetime) -> list[UpdateRow]:
    """``update_rows`` kept a minute per window and language: clients poll this list, and on large data
    (millions of timeline entries, no index on their time) one reading costs about a second."""
    key = "complaints:open311-updates:v1:%s:%s:%s" % (  # noqa: UP031 - a cache key, not a message
        start.timestamp(),
        end.timestamp(),
        "en" if english() else "id",
    )
    rows = cache.get(key)
    if rows is None:
        rows = update_rows(start, end)
        cache.set(key, rows, UPDATES_CACHE_SECONDS)
    return rows


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
