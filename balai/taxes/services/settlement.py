"""Keeping what is owed in step with its bill: the ``bill.paid`` and ``bill.refunded`` consumers call these.
Idempotent (a second delivery finds nothing left to change); a bill that is not a tax liability is ignored."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from balai.audit.services import audit_log
from balai.taxes.models import Assessment, LevyCharge, LiabilityStatus, PermitTax, TaxReturn

LIABILITY_MODELS = (Assessment, TaxReturn, PermitTax, LevyCharge)


def _bill_id(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def liability_for_bill(bill_id: int) -> Any:
    for model in LIABILITY_MODELS:
        found = model.objects.filter(bill_id=bill_id).first()
        if found is not None:
            return found
    return None


def mark_paid(*, bill_id: Any) -> str:
    """The bill was paid: its SPPT, return, permit tax or levy charge becomes paid (at the bill's time of payment)."""
    from balai.payments.models import Bill

    pk = _bill_id(bill_id)
    if pk is None:
        return "no_bill"
    with transaction.atomic():
        bill = Bill.objects.filter(pk=pk).only("id", "status", "paid_at").first()
        if bill is None:
            return "no_bill"
        liability = liability_for_bill(pk)
        if liability is None:
            return "not_a_tax"
        if bill.status != "paid":
            return "bill_not_paid"
        changed = (
            type(liability)
            .objects.filter(pk=liability.pk, status=LiabilityStatus.UNPAID)
            .update(status=LiabilityStatus.PAID, paid_at=bill.paid_at or timezone.now())
        )
        if not changed:
            return "already_paid"
        audit_log(
            actor=None,
            action="tax.liability_paid",
            target=liability,
            actor_label="system",
            summary={"bill": pk, "amount": liability.amount},
        )
    return "paid"


def mark_refunded(*, bill_id: Any) -> str:
    """The payment was refunded in full: the liability is owed again in the books, shown as refunded."""
    from balai.payments.models import Bill

    pk = _bill_id(bill_id)
    if pk is None:
        return "no_bill"
    with transaction.atomic():
        bill = Bill.objects.filter(pk=pk).only("id", "status").first()
        liability = liability_for_bill(pk) if bill is not None else None
        if liability is None:
            return "not_a_tax"
        if bill.status != "refunded":
            return "not_refunded"
        changed = (
            type(liability)
            .objects.filter(pk=liability.pk, status=LiabilityStatus.PAID)
            .update(status=LiabilityStatus.REFUNDED)
        )
        if changed:
            audit_log(
                actor=None,
                action="tax.liability_refunded",
                target=liability,
                actor_label="system",
                summary={"bill": pk},
            )
    return "refunded" if changed else "unchanged"
