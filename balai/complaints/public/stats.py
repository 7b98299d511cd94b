"""Statistics per agency for the public: complaints received, still open and closed; the share answered within
the response deadline; the median time from dispatch to the first response; the average rating.

Every complaint that counts (its reporter's contact confirmed) is included, confidential ones too: they are
only counted, never shown, and leaving them out would let an agency improve its figures by hiding complaints.
The figures are computed in the database (the median with ``percentile_cont`` on PostgreSQL, in Python on
SQLite) and cached for ten minutes, since they change slowly and cost a scan of the period; an expired copy
is served while one process computes the next."""

from __future__ import annotations

import datetime as dt
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.models import Avg, Count, F, Min, Q
from django.utils import timezone

from balai.complaints.models import Complaint
from balai.core.calendar import CALENDAR_TZ
from balai.organizations.models import Organization

CACHE_SECONDS = 600
STALE_SECONDS = 24 * 3600
LOCK_SECONDS = 120
CACHE_KEY = "complaints:public-stats:v3:%s"


@dataclass(frozen=True)
class AgencyFigures:
    agency_id: int
    agency_name: str
    agency_code: str
    received: int
    open: int
    closed: int
    responded: int
    due: int
    on_time: int
    median_hours: float | None
    rating: float | None
    rated: int

    @property
    def on_time_share(self) -> float | None:
        return self.on_time / self.due if self.due else None

    @property
    def on_time_percent(self) -> int | None:
        share = self.on_time_share
        return None if share is None else round(share * 100)

    @property
    def median_days(self) -> float | None:
        return None if self.median_hours is None else round(self.median_hours / 24, 1)


def period_bounds(year: int | None) -> tuple[dt.datetime | None, dt.datetime | None]:
    if year is None:
        return None, None
    start = dt.datetime(year, 1, 1, tzinfo=CALENDAR_TZ)
    return start, dt.datetime(year + 1, 1, 1, tzinfo=CALENDAR_TZ)


def _counted(year: int | None) -> Any:
    qs = Complaint.objects.filter(is_published=True)
    start, end = period_bounds(year)
    if start is not None:
        qs = qs.filter(created_at__gte=start, created_at__lt=end)
    return qs


_MEDIAN_SQL = """
SELECT c.organization_id,
       percentile_cont(0.5) WITHIN GROUP (
           ORDER BY EXTRACT(EPOCH FROM (p.responded_at - COALESCE(p.dispatched_at, p.created_at))) / 3600.0)
FROM complaints_complaint p JOIN cases_case c ON c.id = p.case_id
WHERE p.is_published AND p.responded_at IS NOT NULL {period}
GROUP BY c.organization_id
"""


def _medians(year: int | None) -> dict[int, float]:
    start, end = period_bounds(year)
    if connection.vendor == "postgresql":
        period = "AND p.created_at >= %s AND p.created_at < %s" if start is not None else ""
        with connection.cursor() as cursor:
            cursor.execute(_MEDIAN_SQL.format(period=period), [start, end] if start is not None else [])
            return {org: float(value) for org, value in cursor.fetchall() if value is not None}
    durations: dict[int, list[float]] = {}
    rows = (
        _counted(year)
        .filter(responded_at__isnull=False)
        .values_list("case__organization_id", "responded_at", "dispatched_at", "created_at")
    )
    for org, responded, dispatched, created in rows.iterator():
        hours = (responded - (dispatched or created)).total_seconds() / 3600
        durations.setdefault(org, []).append(hours)
    return {org: statistics.median(values) for org, values in durations.items()}


def _compute(year: int | None) -> list[dict[str, Any]]:
    now = timezone.now()
    responded = Q(responded_at__isnull=False)
    rows = (
        _counted(year)
        .values("case__organization_id")
        .annotate(
            received=Count("pk"),
            open=Count("pk", filter=Q(case__closed_at__isnull=True)),
            responded=Count("pk", filter=responded),
            due=Count("pk", filter=Q(response_due_at__isnull=False) & (responded | Q(response_due_at__lt=now))),
            on_time=Count("pk", filter=responded & Q(responded_at__lte=F("response_due_at"))),
            average_rating=Avg("rating"),
            rated=Count("rating"),
        )
        .order_by()
    )
    medians = _medians(year)
    figures = []
    for row in rows:
        agency_id = row.pop("case__organization_id")
        figures.append({**row, "agency_id": agency_id, "median_hours": medians.get(agency_id)})
    return figures


def _cached(key: str, compute: Callable[[], Any]) -> Any:
    """``compute()``'s value, kept ``CACHE_SECONDS``. After that the old value is still served (for up to a
    day) while one process, holding a short lock, computes the new one: on 1M complaints a computation takes
    seconds, and every visitor of an expired page must not start one at the same time."""
    entry = cache.get(key)
    now = time.time()
    if entry is not None and now - entry[0] < CACHE_SECONDS:
        return entry[1]
    if entry is not None and not cache.add(f"{key}:lock", 1, LOCK_SECONDS):
        return entry[1]  # someone else is computing it; the figures of a few minutes ago meanwhile
    try:
        value = compute()
        cache.set(key, (time.time(), value), STALE_SECONDS)
    finally:
        cache.delete(f"{key}:lock")
    return value


def agency_figures(year: int | None) -> list[AgencyFigures]:
    """One row per agency with complaints in the period, the most complaints first (cached)."""
    raw = _cached(CACHE_KEY % (year or "all"), lambda: _compute(year))
    agencies = {org.pk: org for org in Organization.objects.filter(pk__in=[r["agency_id"] for r in raw])}
    figures = []
    for row in raw:
        org = agencies.get(row["agency_id"])
        if org is None:
            continue
        figures.append(
            AgencyFigures(
                agency_id=org.pk,
                agency_name=org.display_name,
                agency_code=org.code,
                received=row["received"],
                open=row["open"],
                closed=row["received"] - row["open"],
                responded=row["responded"],
                due=row["due"],
                on_time=row["on_time"],
                median_hours=row["median_hours"],
                rating=round(float(row["average_rating"]), 1) if row["average_rating"] is not None else None,
                rated=row["rated"],
            )
        )
    return sorted(figures, key=lambda f: (-f.received, f.agency_name))


def _oldest_year() -> int | None:
    oldest = Complaint.objects.aggregate(first=Min("created_at"))["first"]
    return oldest.astimezone(CALENDAR_TZ).year if oldest is not None else None


def years_with_complaints() -> list[int]:
    """This year back to the year of the oldest complaint (cached like the figures)."""
    this_year = timezone.now().astimezone(CALENDAR_TZ).year
    oldest = _cached(CACHE_KEY % "oldest-year", _oldest_year)
    return list(range(this_year, min(oldest or this_year, this_year) - 1, -1))
