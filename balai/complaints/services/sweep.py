"""The periodic sweep (``manage.py complaints_sweep``, run by the scheduler or cron every few minutes):
escalates overdue complaints to the agency head and the coordinator, closes complaints the reporter did not
react to within ``auto_close_days`` working days, and cancels complaints whose contact was never confirmed.
Each complaint is handled in its own transaction, so one failure stops nothing else; running it twice at
once or again later does nothing twice (each step re-checks the state under the row lock)."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from balai.audit.services import audit_log
from balai.cases.models import Priority, TimelineEntry, TimelineKind
from balai.cases.services import case_transition
from balai.complaints.models import Complaint
from balai.complaints.services.common import (
    COORDINATOR_ROLES,
    ESCALATION_ROLES,
    coordinator_agency,
    lock,
    publish_update,
    set_case_deadline,
)
from balai.complaints.workflows import CONTACT_CHECK, IN_PROGRESS, MORE_INFO, RESPONDED, VERIFICATION
from balai.core.exceptions import BalaiError
from balai.organizations.models import Membership

logger = logging.getLogger(__name__)
# A complaint whose contact is not confirmed within this many hours is cancelled.
UNCONFIRMED_HOURS = 72


@dataclass
class SweepResult:
    escalated: int = 0
    closed: int = 0
    cancelled: int = 0
    failed: list[str] = field(default_factory=list)


def _system_entry(case: Any, body: str) -> None:
    TimelineEntry.objects.create(case=case, kind=TimelineKind.NOTE, body=body, is_public=False)


def _escalation_recipients(complaint: Complaint) -> list[Any]:
    organization_ids = [complaint.case.organization_id]
    coordinator = coordinator_agency()
    people = list(
        Membership.objects.active()
        .filter(organization_id=complaint.case.organization_id, role__in=list(ESCALATION_ROLES))
        .select_related("user")
    )
    if coordinator is not None:
        organization_ids.append(coordinator.pk)
        people += list(
            Membership.objects.active()
            .filter(organization=coordinator, role__in=list(COORDINATOR_ROLES))
            .select_related("user")
        )
    seen: dict[int, Any] = {}
    for membership in people:
        user = membership.user
        if user.is_active and user.pk not in seen:
            seen[user.pk] = user
    return list(seen.values())


def _notify_escalation(complaint: Complaint, step: str, due: dt.datetime) -> int:
    from balai.notifications.services import send_message

    case = complaint.case
    url = settings.BALAI_PUBLIC_URL.rstrip("/") + reverse("complaints_staff:detail", args=[case.number])
    sent = 0
    for user in _escalation_recipients(complaint):
        with translation.override(getattr(user, "language", None) or settings.LANGUAGE_CODE):
            subject = _("Overdue complaint %(number)s") % {"number": case.number}
            body = _(
                "Complaint %(number)s (%(category)s) at %(agency)s is overdue: the %(step)s was due on %(due)s. "
                "Open it at %(url)s."
            ) % {
                "number": case.number,
                "category": complaint.category.display_name,
                "agency": case.organization.display_name,
                "step": step,
                "due": timezone.localtime(due).strftime("%d-%m-%Y %H:%M"),
                "url": url,
            }
        if user.email:
            send_message(channel="email", to=user.email, subject=subject, body=body, recipient=user, kind="complaint")
            sent += 1
        elif getattr(user, "phone", None):
            send_message(channel="sms", to=user.phone, subject=subject, body=body, recipient=user, kind="complaint")
            sent += 1
    return sent


def complaint_escalate(*, complaint: Complaint, now: dt.datetime | None = None) -> bool:
    """Escalate one overdue complaint (verification or response) once per step; False when not due."""
    now = now or timezone.now()
    with transaction.atomic():
        case, locked = lock(complaint)
        if locked.escalated_at is not None or case.closed_at is not None:
            return False
        if case.state.code == VERIFICATION and locked.verification_due_at and locked.verification_due_at < now:
            step, due = _("verification"), locked.verification_due_at
        elif case.state.code == IN_PROGRESS and locked.response_due_at and locked.response_due_at < now:
            step, due = _("response"), locked.response_due_at
        else:
            return False
        locked.escalated_at = now
        locked.save(update_fields=["escalated_at"])
        set_case_deadline(case, case.due_at, priority=Priority.URGENT)
        with translation.override(settings.LANGUAGE_CODE):
            _system_entry(case, _("Escalated: the %(step)s is overdue.") % {"step": step})
        recipients = _notify_escalation(locked, step, due)
        audit_log(
            action="complaint.escalated",
            target=case,
            summary={"number": case.number, "state": case.state.code, "due": due.isoformat(), "told": recipients},
            actor_label="system",
        )
        publish_update(locked, "escalated")
    return True


def _close(complaint: Complaint, transition: str, expected_state: str, now: dt.datetime) -> bool:
    with transaction.atomic():
        case, locked = lock(complaint)
        if case.state.code != expected_state:
            return False
        if expected_state == CONTACT_CHECK:
            comment = ""
        else:
            if locked.reaction_due_at is None or locked.reaction_due_at >= now:
                return False
            with translation.override(settings.LANGUAGE_CODE):
                comment = _("Closed automatically: no reaction from the reporter in time.")
        case = case_transition(actor=None, case=case, transition=transition, comment=comment)
        locked.reaction_due_at = None
        locked.updated_at = now
        locked.save(update_fields=["reaction_due_at", "updated_at"])
        set_case_deadline(case, None)
        locked.case = case
        if expected_state != CONTACT_CHECK:
            publish_update(locked, "closed")
    return True


def complaints_sweep(*, now: dt.datetime | None = None, limit: int = 1000) -> SweepResult:
    """One pass over the complaints that are due (at most ``limit`` of each kind)."""
    now = now or timezone.now()
    result = SweepResult()
    base = Complaint.objects.select_related("case__state", "category").order_by("pk")
    jobs: list[tuple[str, Any]] = [
        (
            "escalate",
            base.filter(
                case__state__code=VERIFICATION,
                is_published=True,
                escalated_at__isnull=True,
                verification_due_at__lt=now,
            ),
        ),
        (
            "escalate",
            base.filter(case__state__code=IN_PROGRESS, escalated_at__isnull=True, response_due_at__lt=now),
        ),
        ("auto_close", base.filter(case__state__code=RESPONDED, reaction_due_at__lt=now)),
        ("close_without_info", base.filter(case__state__code=MORE_INFO, reaction_due_at__lt=now)),
        (
            "expire_unconfirmed",
            base.filter(case__state__code=CONTACT_CHECK, created_at__lt=now - dt.timedelta(hours=UNCONFIRMED_HOURS)),
        ),
    ]
    for job, queryset in jobs:
        for complaint in queryset[:limit]:
            try:
                if job == "escalate":
                    result.escalated += complaint_escalate(complaint=complaint, now=now)
                elif job == "auto_close":
                    result.closed += _close(complaint, job, RESPONDED, now)
                elif job == "close_without_info":
                    result.closed += _close(complaint, job, MORE_INFO, now)
                else:
                    result.cancelled += _close(complaint, job, CONTACT_CHECK, now)
            except BalaiError as exc:
                result.failed.append(complaint.case.number)
                logger.warning(
                    "complaint sweep step failed", extra={"case_id": complaint.pk, "job": job, "error": exc.code}
                )
    return result
