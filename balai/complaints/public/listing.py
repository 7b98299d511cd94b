"""What the public pages read: a page of public complaints (filters, newest first), the points for the map,
and one complaint's public timeline. Built on ``public_complaints()`` / ``public_complaint()`` so that
confidential complaints, and complaints whose reporter has not confirmed their contact, never appear.

A page is read as one indexed range (``values()`` plus the small lookup tables), one row more than shown to
know whether a next page exists: counting every public complaint would cost more than the page itself."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse

from balai.cases.models import WorkflowState
from balai.complaints.masking import mask_personal_data
from balai.complaints.models import Complaint, ComplaintPhoto, Privacy
from balai.complaints.open311.reads import Lookups, category_name
from balai.complaints.public.forms import period_start
from balai.complaints.public.mapview import geo_uri
from balai.complaints.public.reference import reference
from balai.complaints.selectors import PublicStep, public_complaints, public_photos, public_timeline

PAGE_SIZE = 20
MAX_PAGE = 250  # deeper pages cost an ever longer scan; filters narrow the list instead
MAP_LIMIT = 200
EXCERPT = 160

_COLUMNS = (
    "case_id",
    "case__number",
    "case__state_id",
    "case__organization_id",
    "case__closed_at",
    "category_id",
    "district_id",
    "title",
    "public_description",
    "address",
    "latitude",
    "longitude",
    "created_at",
)


def filtered(filters: dict[str, Any]) -> QuerySet[Complaint]:
    """Public complaints narrowed by the form's filters (codes, turned into ids through the cached reference so
    the query needs no join to the small tables); an unknown code matches nothing."""
    qs = public_complaints(since=period_start(filters.get("period")))
    ref = reference()
    if filters.get("category"):
        qs = qs.filter(category_id__in=[c.id for c in ref.categories.values() if c.code == filters["category"]])
    if filters.get("agency"):
        qs = qs.filter(case__organization_id__in=[a.id for a in ref.agencies.values() if a.code == filters["agency"]])
    if filters.get("district"):
        qs = qs.filter(
            district_id__in=[pk for pk, (code, _name) in ref.districts.items() if code == filters["district"]]
        )
    if filters.get("state"):
        qs = qs.filter(case__state_id__in=[s.id for s in ref.states.values() if s.code == filters["state"]])
    return qs


def excerpt(text: str, limit: int = EXCERPT) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@dataclass(frozen=True)
class ListItem:
    number: str
    href: str
    heading: str
    summary: str
    category: str
    agency: str
    district: str
    state_name: str
    state_kind: str
    is_closed: bool
    created_at: dt.datetime
    address: str
    latitude: Decimal | None
    longitude: Decimal | None

    @property
    def geo_uri(self) -> str:
        if self.latitude is None or self.longitude is None:
            return ""
        return geo_uri(self.latitude, self.longitude)


def _items(rows: list[dict[str, Any]]) -> list[ListItem]:
    lookups = Lookups.load()
    districts = lookups.districts
    items = []
    for row in rows:
        category = lookups.categories.get(row["category_id"])
        state_name, state_kind = lookups.states.get(row["case__state_id"], ("", ""))
        title = mask_personal_data(row["title"])
        items.append(
            ListItem(
                number=row["case__number"],
                href=reverse("complaints_public:detail", args=[row["case__number"]]),
                heading=title or (category_name(category) if category else row["case__number"]),
                summary=excerpt(row["public_description"]),
                category=category_name(category) if category else "",
                agency=lookups.agencies.get(row["case__organization_id"], ""),
                district=districts.get(row["district_id"], ""),
                state_name=state_name,
                state_kind=state_kind,
                is_closed=row["case__closed_at"] is not None,
                created_at=row["created_at"],
                address=row["address"],
                latitude=row["latitude"],
                longitude=row["longitude"],
            )
        )
    return items


@dataclass(frozen=True)
class ListPage:
    items: list[ListItem]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def start_index(self) -> int:
        return (self.number - 1) * PAGE_SIZE + 1 if self.items else 0

    @property
    def end_index(self) -> int:
        return (self.number - 1) * PAGE_SIZE + len(self.items)


def list_page(filters: dict[str, Any], page: int) -> ListPage:
    page = max(1, min(page, MAX_PAGE))
    offset = (page - 1) * PAGE_SIZE
    rows = list(
        filtered(filters).order_by("-created_at", "-case_id").values(*_COLUMNS)[offset : offset + PAGE_SIZE + 1]
    )
    has_next = len(rows) > PAGE_SIZE and page < MAX_PAGE
    return ListPage(items=_items(rows[:PAGE_SIZE]), number=page, has_next=has_next)


def map_items(filters: dict[str, Any], limit: int = MAP_LIMIT) -> list[ListItem]:
    """The newest complaints with a point on the map, at most ``limit``."""
    qs = filtered(filters).filter(latitude__isnull=False, longitude__isnull=False)
    return _items(list(qs.order_by("-created_at", "-case_id").values(*_COLUMNS)[:limit]))


# --- One complaint ----------------------------------------------------------------------------------


@dataclass
class PublicComplaint:
    complaint: Complaint
    heading: str
    category: str
    agency: str
    state_name: str
    state_kind: str
    reporter: str
    description: str
    answers: list[tuple[str, str]]
    photos: list[ComplaintPhoto]
    timeline: list[PublicStep] = field(default_factory=list)


def short_name(full_name: str) -> str:
    """First name and the initial of the last: enough to recognise, not to find someone (``Siti A.``)."""
    parts = (full_name or "").split()
    if not parts:
        return ""
    return parts[0] if len(parts) == 1 else f"{parts[0]} {parts[-1][0]}."


def _reporter_name(complaint: Complaint) -> str:
    if complaint.privacy != Privacy.PUBLIC:
        return ""
    case = complaint.case
    name = case.applicant.full_name if case.applicant_id else complaint.reporter_name or case.walk_in_name
    return short_name(mask_personal_data(name))


def _answers(complaint: Complaint) -> list[tuple[str, str]]:
    """The answers to the category's questions, with the questions' and options' own words, masked."""
    english = _english()
    rows = []
    for spec in complaint.category.attributes or []:
        if not isinstance(spec, dict) or spec.get("code") not in (complaint.attributes or {}):
            continue
        value = complaint.attributes[spec["code"]]
        options = spec.get("values") if isinstance(spec.get("values"), dict) else {}
        values = value if isinstance(value, list) else [value]
        shown = ", ".join(str(options.get(str(v), v)) for v in values)
        question = spec.get("description_en") if english and spec.get("description_en") else spec.get("description")
        rows.append((str(question or spec["code"]), mask_personal_data(shown)))
    return rows


def _english() -> bool:
    from django.utils import translation

    return (translation.get_language() or "").startswith("en")


def public_detail(complaint: Complaint) -> PublicComplaint:
    case = complaint.case
    state: WorkflowState = case.state
    category = category_name(complaint.category)
    return PublicComplaint(
        complaint=complaint,
        heading=mask_personal_data(complaint.title) or category,
        category=category,
        agency=case.organization.display_name,
        state_name=state.display_public_name,
        state_kind=state.kind,
        reporter=_reporter_name(complaint),
        description=complaint.public_description or mask_personal_data(complaint.description),
        answers=_answers(complaint),
        photos=list(public_photos(complaint).order_by("created_at", "id")),
        timeline=public_timeline(complaint),
    )
