"""What the complaints services share: roles, the agencies that handle a complaint, locking, the reporter's
proof, the step deadlines kept on the case, and the update event that notifies the reporter and followers."""

from __future__ import annotations

import datetime as dt
import hmac
from typing import Any

from django.utils.translation import gettext as _

from balai.cases.models import Case
from balai.cases.services import event_payload
from balai.cases.totals import mark_changed
from balai.complaints.models import Complaint, ComplaintCategory, ComplaintSettings
from balai.core.calendar import add_working_days
from balai.core.events import publish
from balai.core.exceptions import NotFound, ValidationFailed
from balai.organizations.models import Organization, Role
from balai.organizations.scoping import is_platform_admin, roles_in

NUMBER_PREFIX = "ADU"
# Who may file a complaint for someone else (a walk-in person, a phone call).
COUNTER_ROLES = {Role.FRONT_OFFICE, Role.COMPLAINT_ADMIN}
COORDINATOR_ROLES = {Role.COMPLAINT_ADMIN, Role.HEAD, Role.ADMINISTRATOR}
AGENCY_ROLES = {Role.RESPONDER, Role.COMPLAINT_ADMIN, Role.VERIFIER, Role.APPROVER, Role.HEAD, Role.ADMINISTRATOR}
# Who hears of an overdue complaint.
ESCALATION_ROLES = {Role.HEAD}
MAX_TITLE_LENGTH = 200
MAX_ADDRESS_LENGTH = 500
MAX_NAME_LENGTH = 200
MAX_REASON_LENGTH = 4000


def clean_text(value: Any) -> str:
    """Text as typed, without control characters (a NUL would break PostgreSQL); newlines and tabs stay.
    HTML is kept as text: templates and API clients escape it on output."""
    text = str(value or "")
    return "".join(ch for ch in text if ch in "\n\t" or (ch >= " " and ch != "\x7f")).strip()


def current_settings() -> ComplaintSettings:
    return ComplaintSettings.current()


def district_office(district: Any) -> Organization | None:
    """The active kecamatan office of ``district``: its code is the district code with dots as hyphens
    (``99-01-01``), or, failing that, it carries the district's exact name."""
    if district is None:
        return None
    offices = Organization.objects.active().filter(kind="kecamatan")
    return (
        offices.filter(code=district.code.replace(".", "-")).first()
        or offices.filter(name__iexact=district.name).order_by("id").first()
    )


def answering_agency(category: ComplaintCategory, district: Any = None) -> Organization | None:
    """The agency that answers a complaint of ``category``: the district office where the category says so
    and one exists, else the category's agency (None when neither is set up or active)."""
    if category.by_district:
        office = district_office(district)
        if office is not None:
            return office
    agency = category.routes_to
    return agency if agency is not None and agency.is_active else None


def coordinator_agency(settings_row: ComplaintSettings | None = None) -> Organization | None:
    row = settings_row or current_settings()
    coordinator = row.coordinator if row.coordinator_id else None
    return coordinator if coordinator is not None and coordinator.is_active else None


def is_coordinator_staff(user: Any, settings_row: ComplaintSettings | None = None) -> bool:
    """Staff of the coordinating agency with a coordinating role (or a platform administrator)."""
    if is_platform_admin(user):
        return True
    coordinator = coordinator_agency(settings_row)
    return coordinator is not None and bool(roles_in(user, coordinator) & COORDINATOR_ROLES)


def lock(complaint: Complaint) -> tuple[Case, Complaint]:
    """Lock the case, then the complaint (always in this order), and return both fresh."""
    try:
        case = Case.objects.select_for_update().get(pk=complaint.pk)
        locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
    except (Case.DoesNotExist, Complaint.DoesNotExist) as exc:
        raise NotFound() from exc
    case = Case.objects.select_related("state", "organization").get(pk=case.pk)
    locked.case = case
    return case, locked


def reporter_matches(complaint: Complaint, actor: Any, tracking_code: str | None) -> Any:
    """Who acts as the reporter: the account (returned) when ``actor`` is the case's applicant; None when the
    complaint has no account and ``tracking_code`` is its verification code. Anyone else: NotFound."""
    case = complaint.case
    if getattr(actor, "is_authenticated", False) and case.applicant_id is not None and case.applicant_id == actor.pk:
        return actor
    code = "".join(ch for ch in str(tracking_code or "").upper() if ch.isalnum())[:32]
    if case.applicant_id is None and code and hmac.compare_digest(code.encode(), case.verification_code.encode()):
        return None
    raise NotFound()


def set_case_deadline(case: Case, due_at: dt.datetime | None, **changes: Any) -> None:
    """Keep the case's due date on the deadline of the complaint's current step (the worklists sort and flag
    overdue cases by it), with other case columns the complaint step changes (``organization``, ...)."""
    fields = {"due_at": due_at, **changes}
    Case.objects.filter(pk=case.pk).update(**fields)
    for name, value in fields.items():
        setattr(case, name, value)
    mark_changed(case.organization_id, *(getattr(v, "pk", None) for v in changes.values()))


def working_deadline(now: dt.datetime, days: int) -> dt.datetime:
    return add_working_days(now, max(int(days), 0))


def publish_update(complaint: Complaint, event: str, *, entry_id: int | None = None, **extra: Any) -> None:
    """Tell the reporter and the followers (consumer in ``tasks.py``) and other listeners what changed."""
    payload = event_payload(complaint.case, complaint_event=event, entry_id=entry_id, **extra)
    publish(f"complaint.{event}", payload)
    publish("complaint.updated", payload)


def require_reason(value: Any, field: str = "comment") -> str:
    text = clean_text(value)
    if not text:
        raise ValidationFailed(fields={field: [_("Write the reason.")]})
    if len(text) > MAX_REASON_LENGTH:
        raise ValidationFailed(
            fields={field: [_("The text is too long (at most %(max)d characters).") % {"max": MAX_REASON_LENGTH}]}
        )
    return text
