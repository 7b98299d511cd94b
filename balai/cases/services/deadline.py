"""Extending a case's time limit once, where the service allows it (e.g. a public-information request:
ten working days plus seven with written notice, UU 14/2008 Pasal 22). The applicant sees the reason."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from balai.audit.services import audit_log
from balai.cases.models import Case, TimelineEntry, TimelineKind
from balai.cases.services.common import MAX_TEXT_LENGTH, event_payload, recompute_clock, staff_may_see_case
from balai.cases.totals import mark_changed
from balai.core.events import publish
from balai.core.exceptions import Conflict, NotFound, PermissionDenied, ValidationFailed
from balai.organizations.models import Role
from balai.organizations.scoping import can_act_on

EXTENDING_ROLES = {Role.HEAD, Role.APPROVER, Role.ADMINISTRATOR}
MIN_REASON_LENGTH = 10


def extension_days(case: Case) -> int:
    """The working days this case's service allows adding (0: no extension)."""
    version = case.service_version
    service = version.service if version is not None else None
    return int(getattr(service, "sla_extension_days", None) or 0)


def may_extend_deadline(user: Any, case: Case) -> bool:
    """Whether to offer the step: open, not extended yet, allowed by the service, and the person's role."""
    return (
        case.closed_at is None
        and case.sla_extended_at is None
        and case.sla_days is not None
        and extension_days(case) > 0
        and can_act_on(user, case.organization_id, roles=EXTENDING_ROLES)
        and staff_may_see_case(user, case)
    )


def case_extend_deadline(*, actor: Any, case: Case, reason: str, expected_version: int | None = None) -> Case:
    """Add the service's extension to the time limit, once, with a reason the applicant is told."""
    text = str(reason or "").strip()
    if len(text) < MIN_REASON_LENGTH:
        raise ValidationFailed(
            fields={"reason": [_("Explain to the applicant why more time is needed (at least 10 characters).")]}
        )
    if len(text) > MAX_TEXT_LENGTH:
        raise ValidationFailed(
            fields={"reason": [_("The text is too long (at most %(max)d characters).") % {"max": MAX_TEXT_LENGTH}]}
        )
    with transaction.atomic():
        try:
            locked = (
                Case.objects.select_for_update(of=("self",))
                .select_related("state", "service_version__service")
                .get(pk=case.pk)
            )
        except Case.DoesNotExist as exc:
            raise NotFound() from exc
        if not staff_may_see_case(actor, locked):
            raise NotFound()
        if not can_act_on(actor, locked.organization_id, roles=EXTENDING_ROLES):
            raise PermissionDenied(
                _("Only the head of the agency or an approver may extend the time limit."), code="role_not_allowed"
            )
        if expected_version is not None and locked.version != expected_version:
            raise Conflict(
                _("Someone else changed this case a moment ago. Reload the page to see its current state."),
                code="stale_version",
            )
        if locked.closed_at is not None:
            raise Conflict(_("The case is closed."), code="closed")
        days = extension_days(locked)
        if days <= 0 or locked.sla_days is None:
            raise Conflict(_("This service does not allow extending the time limit."), code="no_extension")
        if locked.sla_extended_at is not None:
            raise Conflict(_("The time limit of this case was already extended once."), code="already_extended")
        now = timezone.now()
        previous_due = locked.due_at
        locked.sla_extended_days = days
        locked.sla_extended_at = now
        recompute_clock(locked, now)
        locked.version += 1
        locked.save(
            update_fields=[
                "sla_extended_days",
                "sla_extended_at",
                "due_at",
                "state_due_at",
                "sla_paused_at",
                "sla_paused_days",
                "closed_at",
                "version",
                "updated_at",
            ]
        )
        entry = TimelineEntry.objects.create(
            case=locked, kind=TimelineKind.DEADLINE_EXTENDED, actor=actor, body=text, is_public=True, created_at=now
        )
        audit_log(
            actor=actor,
            action="case.deadline_extended",
            target=locked,
            summary={
                "number": locked.number,
                "days": days,
                "due_before": previous_due.isoformat() if previous_due else None,
                "due_after": locked.due_at.isoformat() if locked.due_at else None,
            },
        )
        mark_changed(locked.organization_id, locked.assessing_organization_id)
        publish("case.deadline_extended", event_payload(locked, entry_id=entry.pk, days=days))
    return locked
