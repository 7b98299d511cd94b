"""Reads of the complaints app, always scoped to who asks: the public sees published complaints that are not
confidential (anonymous ones without any reporter field); the reporter their own; staff the complaints of
their agencies and the coordinator all of them (confidential ones only for the roles that may see them).
Anything outside a person's scope is NotFound, never a 403 that reveals it exists."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from balai.cases.models import Confidentiality, TimelineEntry, TimelineKind
from balai.cases.services import CONFIDENTIAL_ROLES
from balai.complaints.masking import mask_personal_data
from balai.complaints.models import Complaint, ComplaintCategory, ComplaintPhoto, Privacy
from balai.complaints.services.common import COORDINATOR_ROLES, coordinator_agency, reporter_matches
from balai.complaints.workflows import CONTACT_CHECK, UNCONFIRMED
from balai.core.calendar import CALENDAR_TZ
from balai.core.exceptions import NotFound
from balai.organizations.models import District, Organization
from balai.organizations.scoping import is_platform_admin, organization_ids_for, roles_in

PUBLIC_PRIVACY = (Privacy.PUBLIC, Privacy.ANONYMOUS)
EARTH_RADIUS_M = 6_371_000
NEARBY_LIMIT = 10
# Steps the reporter takes: their text is theirs to share with the agency, not with the public.
REPORTER_TRANSITIONS = {"provide_info", "reopen", "accept", "confirm_contact"}
_LIST_RELATED = ("case__state", "case__organization", "category", "district")


def _clean_number(number: Any) -> str:
    return "".join(str(number or "").split()).upper()[:64]


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=CALENDAR_TZ)


def _filter(
    qs: QuerySet[Complaint],
    *,
    category: Any = None,
    agency: Any = None,
    district: Any = None,
    state: Any = None,
    status: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    numbers: list[str] | None = None,
) -> QuerySet[Complaint]:
    """Filters shared by the public and the staff lists. ``category``, ``agency`` and ``district`` take an
    object, its code or a list of codes; ``state`` a state code or list; ``status`` "open" or "closed";
    ``date_from``/``date_to`` are days (Asia/Jakarta, inclusive), ``since``/``until`` moments."""

    def codes(value: Any) -> list[str]:
        items = value if isinstance(value, list | tuple | set) else [value]
        return [str(getattr(v, "code", v)) for v in items if v not in (None, "")]

    if category not in (None, ""):
        if isinstance(category, ComplaintCategory):
            qs = qs.filter(category_id=category.pk)
        else:
            qs = qs.filter(category__code__in=codes(category))
    if agency not in (None, ""):
        if isinstance(agency, Organization):
            qs = qs.filter(case__organization_id=agency.pk)
        else:
            qs = qs.filter(case__organization__code__in=codes(agency))
    if district not in (None, ""):
        if isinstance(district, District):
            qs = qs.filter(district_id=district.pk)
        else:
            qs = qs.filter(district__code__in=codes(district))
    if state not in (None, ""):
        qs = qs.filter(case__state__code__in=codes(state))
    if status == "open":
        qs = qs.filter(case__closed_at__isnull=True)
    elif status == "closed":
        qs = qs.filter(case__closed_at__isnull=False)
    if date_from:
        qs = qs.filter(created_at__gte=_day_start(date_from))
    if date_to:
        qs = qs.filter(created_at__lt=_day_start(date_to + dt.timedelta(days=1)))
    if since:
        qs = qs.filter(created_at__gte=since)
    if until:
        qs = qs.filter(created_at__lte=until)
    if numbers is not None:
        qs = qs.filter(case__number__in=[_clean_number(n) for n in numbers])
    return qs


def public_complaints(**filters: Any) -> QuerySet[Complaint]:
    """Published, non-confidential complaints, newest first (filters: see ``_filter``). Pages that show them
    must use ``public_description`` and never the reporter fields."""
    qs = Complaint.objects.filter(is_published=True, privacy__in=PUBLIC_PRIVACY).exclude(
        case__confidentiality=Confidentiality.CONFIDENTIAL
    )
    return _filter(qs, **filters).select_related(*_LIST_RELATED).order_by("-created_at", "-case_id")


def public_complaint(case_number: Any) -> Complaint | None:
    number = _clean_number(case_number)
    if not number:
        return None
    return public_complaints().filter(case__number=number).first()


@dataclass(frozen=True)
class NearbyComplaint:
    complaint: Complaint
    distance_m: int


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def nearby_open_complaints(
    category: Any, lat: Any, lon: Any, radius_m: int | None = None, *, limit: int = NEARBY_LIMIT
) -> list[NearbyComplaint]:
    """Open public complaints of ``category`` within ``radius_m`` metres (default: the settings' radius) of the
    point, nearest first: a bounding box on the indexed (category, latitude, longitude) columns, then the exact
    distance. Empty for a point out of range."""
    from balai.complaints.models import ComplaintSettings

    try:
        lat_f, lon_f = float(lat), float(lon)
    except (TypeError, ValueError):
        return []
    if not (-90 <= lat_f <= 90 and -180 <= lon_f <= 180) or math.isnan(lat_f) or math.isnan(lon_f):
        return []
    radius = float(radius_m if radius_m is not None else ComplaintSettings.current().duplicate_radius_m)
    radius = min(max(radius, 1.0), 50_000.0)
    dlat = math.degrees(radius / EARTH_RADIUS_M)
    dlon = dlat / max(math.cos(math.radians(lat_f)), 0.01)
    category_id = category.pk if isinstance(category, ComplaintCategory) else None
    if category_id is None:
        category_id = ComplaintCategory.objects.filter(code=str(category)).values_list("pk", flat=True).first()
        if category_id is None:
            return []
    candidates = (
        Complaint.objects.filter(
            category_id=category_id,
            latitude__gte=Decimal(str(round(lat_f - dlat, 6))),
            latitude__lte=Decimal(str(round(lat_f + dlat, 6))),
            longitude__gte=Decimal(str(round(lon_f - dlon, 6))),
            longitude__lte=Decimal(str(round(lon_f + dlon, 6))),
            is_published=True,
            privacy__in=PUBLIC_PRIVACY,
            case__closed_at__isnull=True,
        )
        .exclude(case__confidentiality=Confidentiality.CONFIDENTIAL)
        .select_related("case__state", "category")
        .order_by("-created_at")[:200]
    )
    found = []
    for complaint in candidates:
        meters = distance_m(lat_f, lon_f, float(complaint.latitude), float(complaint.longitude))
        if meters <= radius:
            found.append(NearbyComplaint(complaint=complaint, distance_m=round(meters)))
    found.sort(key=lambda item: item.distance_m)
    return found[:limit]


def coordinates_staff(user: Any) -> bool:
    """Staff of the coordinating agency with a coordinating role (or a platform administrator)."""
    if is_platform_admin(user):
        return True
    coordinator = coordinator_agency()
    return coordinator is not None and bool(roles_in(user, coordinator) & COORDINATOR_ROLES)


def complaints_for_staff(user: Any, **filters: Any) -> QuerySet[Complaint]:
    """Counted complaints ``user`` may see: those their agencies handle, and every one for the coordinator's
    staff; a confidential complaint only where the person holds a confidential role (head, approver,
    administrator) or when it is assigned to them. Filters: see ``_filter``; ``overdue`` and ``assigned_to``
    as in the worklist."""
    overdue = filters.pop("overdue", None)
    assigned_to = filters.pop("assigned_to", None)
    base = Complaint.objects.filter(is_published=True)
    if not is_platform_admin(user):
        ids = organization_ids_for(user)
        if not ids:
            return Complaint.objects.none()
        full = organization_ids_for(user, roles=CONFIDENTIAL_ROLES)
        coordinator = coordinator_agency()
        sees_all = coordinator is not None and bool(roles_in(user, coordinator) & COORDINATOR_ROLES)
        if not sees_all:
            base = base.filter(case__organization_id__in=ids)
        confidential_everywhere = sees_all and coordinator.pk in full
        if not confidential_everywhere:
            base = base.filter(
                ~Q(case__confidentiality=Confidentiality.CONFIDENTIAL)
                | Q(case__assigned_to_id=user.pk)
                | Q(case__organization_id__in=full)
            )
    qs = _filter(base, **filters)
    if overdue is not None:
        late = Q(case__closed_at__isnull=True, case__sla_paused_at__isnull=True, case__due_at__lt=timezone.now())
        qs = qs.filter(late) if overdue else qs.exclude(late)
    if assigned_to == "none":
        qs = qs.filter(case__assigned_to__isnull=True)
    elif assigned_to is not None:
        qs = qs.filter(case__assigned_to_id=getattr(assigned_to, "pk", assigned_to))
    return qs.select_related(*_LIST_RELATED, "case__assigned_to").order_by("case__due_at", "-created_at")


def complaint_for_staff(user: Any, number: Any) -> Complaint:
    complaint = complaints_for_staff(user).filter(case__number=_clean_number(number)).first() if number else None
    if complaint is None:
        raise NotFound()
    return complaint


def complaints_for_reporter(user: Any) -> QuerySet[Complaint]:
    """The complaints a signed-in person filed (all of them, whatever their privacy), newest first."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Complaint.objects.none()
    return (
        Complaint.objects.filter(case__applicant_id=user.pk)
        .select_related("case__state", "category")
        .order_by("-created_at", "-case_id")
    )


def complaint_for_reporter(user: Any, number: Any) -> Complaint:
    """The signed-in reporter's own complaint; anyone else's (confidential or not) is NotFound."""
    complaint = complaints_for_reporter(user).filter(case__number=_clean_number(number)).first() if number else None
    if complaint is None:
        raise NotFound()
    return complaint


def complaint_for_tracking(number: Any, tracking_code: Any) -> Complaint:
    """A complaint filed without an account, for the reporter proving themself with the number and code."""
    complaint = (
        Complaint.objects.select_related("case__state", "category", "case__organization")
        .filter(case__number=_clean_number(number), case__applicant__isnull=True)
        .exclude(case__state__code__in=[CONTACT_CHECK, UNCONFIRMED])
        .first()
        if number
        else None
    )
    if complaint is None:
        raise NotFound()
    reporter_matches(complaint, None, tracking_code)
    return complaint


def may_see_reporter(user: Any, complaint: Complaint) -> bool:
    """Whether staff may see who reported: never the agency for an anonymous complaint (only the coordinator's
    staff, who verify it); otherwise everyone who sees the complaint."""
    if complaint.privacy != Privacy.ANONYMOUS:
        return True
    return coordinates_staff(user)


@dataclass(frozen=True)
class PublicStep:
    at: dt.datetime
    kind: str
    state_name: str | None
    title: str
    body: str


def public_timeline(complaint: Complaint) -> list[PublicStep]:
    """What anyone may read of a public complaint's history: its submission, the public status changes and the
    agency's public messages, with personal data masked; never internal notes nor the reporter's own messages."""
    entries = (
        TimelineEntry.objects.filter(case_id=complaint.pk, is_public=True)
        .filter(
            Q(kind__in=[TimelineKind.SUBMISSION, TimelineKind.TRANSITION])
            | Q(kind=TimelineKind.PUBLIC_REPLY, actor__isnull=False)
        )
        .exclude(kind=TimelineKind.PUBLIC_REPLY, actor_id=complaint.case.applicant_id)
        .select_related("to_state")
        .order_by("created_at", "id")
    )
    steps = []
    for entry in entries:
        state_name = entry.to_state.display_public_name if entry.to_state_id else None
        steps.append(
            PublicStep(
                at=entry.created_at,
                kind=entry.kind,
                state_name=state_name,
                title=state_name or entry.get_kind_display(),
                body=""
                if entry.kind == TimelineKind.SUBMISSION or entry.transition_code in REPORTER_TRANSITIONS
                else mask_personal_data(entry.body),
            )
        )
    return steps


def entry_author(entry: TimelineEntry, applicant_id: int | None) -> str:
    """Who wrote a timeline entry, as "agency", "reporter" or "system" — never the reporter's name (the agency
    must not learn who filed an anonymous complaint)."""
    if entry.actor_id is not None and entry.actor_id != applicant_id:
        return "agency"
    if entry.actor_id is not None or entry.kind in (TimelineKind.SUBMISSION, TimelineKind.PUBLIC_REPLY):
        return "reporter"
    return "reporter" if entry.transition_code in REPORTER_TRANSITIONS - {"confirm_contact"} else "system"


def reporter_timeline(complaint: Complaint) -> QuerySet[TimelineEntry]:
    return (
        TimelineEntry.objects.filter(case_id=complaint.pk, is_public=True)
        .select_related("from_state", "to_state", "actor")
        .order_by("created_at", "id")
    )


def staff_timeline(complaint: Complaint) -> QuerySet[TimelineEntry]:
    return (
        TimelineEntry.objects.filter(case_id=complaint.pk)
        .select_related("from_state", "to_state", "actor")
        .order_by("created_at", "id")
    )


def public_photos(complaint: Complaint) -> QuerySet[ComplaintPhoto]:
    if complaint.privacy == Privacy.CONFIDENTIAL or not complaint.is_published:
        return ComplaintPhoto.objects.none()
    return complaint.photos.filter(is_public=True)


def photo_for(user: Any, photo_id: Any, *, tracking: tuple[str, str] | None = None) -> ComplaintPhoto:
    """A photo ``user`` may see: a public photo of a public complaint for anyone; every photo for the staff who
    see the complaint and for its reporter (an account, or ``tracking`` = (number, code))."""
    try:
        pk = int(str(photo_id))
    except (TypeError, ValueError):
        raise NotFound() from None
    photo = ComplaintPhoto.objects.select_related("complaint__case__state").filter(pk=pk).first()
    if photo is None:
        raise NotFound()
    complaint = photo.complaint
    if photo.is_public and public_complaint(complaint.case.number) is not None:
        return photo
    if getattr(user, "is_authenticated", False):
        if complaint.case.applicant_id == user.pk:
            return photo
        if complaints_for_staff(user).filter(pk=complaint.pk).exists():
            return photo
    if tracking is not None and _clean_number(tracking[0]) == complaint.case.number:
        try:
            complaint_for_tracking(tracking[0], tracking[1])
        except NotFound:
            pass
        else:
            return photo
    raise NotFound()


def category_choices() -> QuerySet[ComplaintCategory]:
    return ComplaintCategory.objects.filter(is_active=True).select_related("routes_to").order_by("position", "name")
