"""``case_transition``, the one function that changes a case's state: it checks the actor's role and the
current state, locks the row, validates the required inputs, records the timeline and audit events,
recomputes the SLA clock and publishes the domain events."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from balai.audit.services import audit_log
from balai.cases.models import (
    APPLICANT,
    SYSTEM,
    Case,
    StateKind,
    TimelineEntry,
    TimelineKind,
    WorkflowTransition,
)
from balai.cases.services.common import (
    MAX_FEE_AMOUNT,
    MAX_TEXT_LENGTH,
    add_attachment,
    event_payload,
    may_see_case,
    recompute_clock,
)
from balai.cases.totals import mark_changed
from balai.cases.uploads import store_document
from balai.core.events import publish
from balai.core.exceptions import Conflict, NotFound, PermissionDenied, ValidationFailed
from balai.organizations.models import Organization
from balai.organizations.scoping import is_platform_admin, roles_in


def actor_may_take(actor: Any, case: Case, transition: WorkflowTransition, *, _roles: dict | None = None) -> bool:
    """True when ``actor`` (None for the system) may take ``transition`` on ``case`` (state not checked)."""
    allowed = set(transition.allowed_roles or [])
    if actor is None:
        return SYSTEM in allowed
    if not getattr(actor, "is_authenticated", False) or not getattr(actor, "is_active", False):
        return False
    if APPLICANT in allowed and case.applicant_id is not None and case.applicant_id == actor.pk:
        return True
    staff_roles = allowed - {APPLICANT, SYSTEM}
    if not staff_roles:
        return False
    org_id = case.assessing_organization_id if transition.assessing_organization_role else case.organization_id
    if org_id is None:
        return False
    if is_platform_admin(actor):
        return True
    cache = _roles if _roles is not None else {}
    if org_id not in cache:
        cache[org_id] = roles_in(actor, org_id)
    return bool(cache[org_id] & staff_roles)


def _check_fee(value: Any) -> list[str]:
    if value is None or value == "":
        return [_("Enter the fee in whole rupiah.")]
    if isinstance(value, bool):
        return [_("Enter the fee as a whole number of rupiah, without dots or commas.")]
    if isinstance(value, str):
        if not value.strip().isdigit():
            return [_("Enter the fee as a whole number of rupiah, without dots or commas.")]
        value = int(value.strip())
    if isinstance(value, float) or not isinstance(value, int):
        return [_("Enter the fee as a whole number of rupiah, without dots or commas.")]
    if value <= 0:
        return [_("The fee must be more than 0 rupiah.")]
    if value > MAX_FEE_AMOUNT:
        return [_("The fee is too large.")]
    return []


def case_transition(
    *,
    actor: Any,
    case: Case,
    transition: str,
    comment: str = "",
    document: Any = None,
    fee_amount: int | None = None,
    expected_version: int | None = None,
    assessing_organization: Organization | None = None,
) -> Case:
    """Move ``case`` along ``transition`` (a code of its workflow); ``actor`` None means the system
    (only for transitions that allow "system", e.g. ``payment_received``).

    Raises NotFound (the actor may not see the case), PermissionDenied (wrong role or agency), Conflict
    (stale ``expected_version`` or the case is no longer in the transition's start state) or
    ValidationFailed (missing comment, document, fee or assessing agency)."""
    comment = str(comment or "").strip()
    with transaction.atomic():
        try:
            # No joins in the locking query: PostgreSQL re-checks a joined row against the old snapshot
            # after waiting for the lock, and would drop the case when the other writer changed its state.
            locked = Case.objects.select_for_update().get(pk=case.pk)
        except Case.DoesNotExist as exc:
            raise NotFound() from exc
        if actor is not None and not may_see_case(actor, locked):
            raise NotFound()
        step = (
            WorkflowTransition.objects.select_related("from_state", "to_state")
            .filter(workflow_id=locked.workflow_id, code=str(transition or "")[:50])
            .first()
        )
        if step is None:
            raise ValidationFailed(_("This step does not exist in the case's workflow."), code="unknown_transition")
        if expected_version is not None and locked.version != expected_version:
            raise Conflict(
                _("Someone else changed this case a moment ago. Reload the page to see its current state."),
                code="stale_version",
            )
        if not actor_may_take(actor, locked, step):
            raise PermissionDenied(_("Your role does not allow this step on this case."), code="role_not_allowed")
        if step.from_state_id != locked.state_id:
            raise Conflict(
                _("This step is not possible now: the case is in the state “%(state)s”.")
                % {"state": locked.state.display_name},
                code="invalid_state",
            )

        errors: dict[str, list[str]] = {}
        if step.requires_comment and not comment:
            errors["comment"] = [_("Write a comment: it is required for this step.")]
        if len(comment) > MAX_TEXT_LENGTH:
            errors["comment"] = [_("The comment is too long (at most %(max)d characters).") % {"max": MAX_TEXT_LENGTH}]
        if step.requires_document and document is None:
            errors["document"] = [_("Attach the document required for this step.")]
        if step.requires_fee_amount:
            fee_errors = _check_fee(fee_amount)
            if fee_errors:
                errors["fee_amount"] = fee_errors
        if step.requires_assessing_organization:
            if not isinstance(assessing_organization, Organization) or not assessing_organization.is_active:
                errors["assessing_organization"] = [_("Choose the agency that should assess this case.")]
            elif assessing_organization.pk == locked.organization_id:
                errors["assessing_organization"] = [_("Choose another agency than the responsible one.")]
        if errors:
            raise ValidationFailed(fields=errors)

        now = timezone.now()
        from_state = locked.state
        stored = None
        if document is not None:
            stored = store_document(document, folder=f"cases/{locked.pk}")
        locked.state = step.to_state
        update = ["state", "due_at", "state_due_at", "sla_paused_at", "sla_paused_days", "closed_at", "version"]
        if step.requires_fee_amount:
            locked.fee_amount = int(fee_amount)  # type: ignore[arg-type]
            update.append("fee_amount")
        previous_assessing = locked.assessing_organization_id
        if step.requires_assessing_organization:
            locked.assessing_organization = assessing_organization
            update.append("assessing_organization")
        recompute_clock(locked, now)
        locked.version += 1
        locked.save(update_fields=[*update, "updated_at"])

        attachment = None
        if stored is not None:
            attachment = add_attachment(locked, stored, actor=actor, is_public=step.is_public, timeline=False)
        TimelineEntry.objects.create(
            case=locked,
            kind=TimelineKind.TRANSITION,
            actor=actor,
            from_state=from_state,
            to_state=step.to_state,
            transition_code=step.code,
            body=comment,
            attachment=attachment,
            is_public=step.is_public,
            created_at=now,
        )
        summary: dict[str, Any] = {
            "number": locked.number,
            "transition": step.code,
            "from": from_state.code,
            "to": step.to_state.code,
        }
        if step.requires_fee_amount:
            summary["fee_amount"] = locked.fee_amount
        if step.requires_assessing_organization:
            summary["assessing_organization"] = assessing_organization.code  # type: ignore[union-attr]
        audit_log(
            actor=actor,
            action="case.transitioned",
            target=locked,
            summary=summary,
            actor_label="" if actor else "system",
        )
        mark_changed(locked.organization_id, locked.assessing_organization_id, previous_assessing)
        publish(
            "case.transitioned",
            event_payload(locked, transition=step.code, from_state=from_state.code, to_state=step.to_state.code),
        )
        if step.to_state.kind == StateKind.FINAL:
            publish("case.closed", event_payload(locked, outcome=step.to_state.code))
    return locked
