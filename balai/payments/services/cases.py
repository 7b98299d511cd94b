"""Service fees of cases: the bill is made when a case starts waiting for its payment, and paying it moves the
case on through the case engine.

Workflows are data, so the waiting-for-payment state is recognised by its shape, not its name: a *waiting*
state with a step out of it that only the system takes (``payment_received`` in the shipped
``technical_review`` workflow, entered after the fee assessment step ``assess_fee`` has set ``case.fee_amount``).
A service with a fixed fee whose workflow has such a state gets its bill at submission already, so the applicant
can pay early; the case moves on as soon as it reaches the state with the fee paid.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from balai.cases.models import SYSTEM, Case, StateKind, WorkflowState, WorkflowTransition
from balai.core.calendar import CALENDAR_TZ
from balai.core.exceptions import BalaiError
from balai.payments.conf import service_fee_days
from balai.payments.models import Bill, BillKind, BillStatus
from balai.services.models import FeeKind

from .bills import BillItemIn, bill_cancel, bill_create

logger = logging.getLogger("balai.payments")


def payment_step(state: WorkflowState | None) -> WorkflowTransition | None:
    """The system-only step out of ``state`` when it is a waiting-for-payment state, else None."""
    if state is None or state.kind != StateKind.WAITING:
        return None
    for step in WorkflowTransition.objects.filter(from_state=state).order_by("position", "id"):
        if list(step.allowed_roles or []) == [SYSTEM]:
            return step
    return None


def workflow_waits_for_payment(workflow_id: int) -> bool:
    states = WorkflowState.objects.filter(workflow_id=workflow_id, kind=StateKind.WAITING)
    return any(payment_step(state) is not None for state in states)


def revenue_code_for(service: Any) -> str:
    """The service's own revenue code (``extra.revenue_code``), else ``RETRIBUSI-<service code>``."""
    if service is None:
        return "RETRIBUSI"
    code = str((service.extra or {}).get("revenue_code") or "").strip()
    return code or f"RETRIBUSI-{service.code}"


def _due_at() -> dt.datetime:
    day = timezone.localtime(timezone.now(), CALENDAR_TZ).date() + dt.timedelta(days=service_fee_days())
    return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=CALENDAR_TZ)


def _fee_bill(case: Case) -> Bill | None:
    return (
        Bill.objects.filter(case=case, kind=BillKind.SERVICE_FEE)
        .exclude(status__in=[BillStatus.CANCELLED, BillStatus.EXPIRED])
        .order_by("-created_at", "-id")
        .first()
    )


def ensure_service_fee_bill(*, case_id: Any) -> str:
    """Make (once) the service-fee bill of a case that waits for payment or will; returns what happened."""
    try:
        pk = int(case_id)
    except (TypeError, ValueError):
        return "no_case"
    with transaction.atomic():
        case = Case.objects.select_for_update().filter(pk=pk).first()
        if case is None:
            return "no_case"
        case = Case.objects.select_related("state", "organization", "service_version__service", "applicant").get(pk=pk)
        if not case.fee_amount:
            return "no_fee"
        waiting = payment_step(case.state) is not None
        service = case.service_version.service if case.service_version_id else None
        if not waiting and not (
            service is not None and service.fee_kind == FeeKind.FIXED and workflow_waits_for_payment(case.workflow_id)
        ):
            return "not_waiting"
        bill = _fee_bill(case)
        if bill is not None and bill.status in (BillStatus.PAID, BillStatus.REFUNDED):
            if waiting and bill.status == BillStatus.PAID and bill.amount == case.fee_amount:
                advance_after_payment(bill_id=bill.pk)
                return "already_paid"
            if bill.amount == case.fee_amount:
                return "already_paid"
        if bill is not None and bill.status == BillStatus.UNPAID:
            if bill.amount == case.fee_amount and not bill.is_expired:
                return "exists"
            bill_cancel(actor=None, bill=bill, reason=_("The fee was set again for this case."))
        name = service.name if service is not None else _("Service fee")
        bill_create(
            actor=None,
            kind=BillKind.SERVICE_FEE,
            organization=case.organization,
            revenue_code=revenue_code_for(service),
            items=[BillItemIn(description=f"Retribusi {name} ({case.number})"[:300], amount=int(case.fee_amount))],
            payer=case.applicant,
            payer_name=case.applicant_name or "-",
            due_at=_due_at(),
            expires_at=_due_at(),
            case=case,
            reference=case.number,
        )
    return "created"


def advance_after_payment(*, bill_id: Any) -> str:
    """Take the waiting case of a paid service-fee bill one step on (``payment_received``) as the system."""
    from balai.cases.services import case_transition

    bill = Bill.objects.filter(pk=bill_id, kind=BillKind.SERVICE_FEE, case__isnull=False).first()
    if bill is None:
        return "no_case"
    if bill.status != BillStatus.PAID:
        return "not_paid"
    case = Case.objects.select_related("state").get(pk=bill.case_id)
    step = payment_step(case.state)
    if step is None:
        return "not_waiting"
    if case.fee_amount and bill.paid_amount < case.fee_amount and bill.amount != case.fee_amount:
        return "fee_changed"
    try:
        case_transition(
            actor=None,
            case=case,
            transition=step.code,
            comment=_("Payment received: payment code %(code)s.") % {"code": bill.payment_code},
        )
    except BalaiError as exc:  # the case moved meanwhile (another delivery, staff): nothing to do
        logger.info("case not moved after payment", extra={"case_id": case.pk, "error_code": exc.code})
        return f"skipped:{exc.code}"
    return "moved"
