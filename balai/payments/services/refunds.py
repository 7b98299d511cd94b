"""Refunds: authorised revenue staff give back part or all of what a bill received, with a reason. Never more
than paid minus already refunded; the ledger gets a negative entry; a bill refunded in full becomes
``refunded``."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from balai.audit.services import audit_log
from balai.core.events import publish
from balai.core.exceptions import Conflict, PermissionDenied, ValidationFailed
from balai.payments.models import (
    Bill,
    BillStatus,
    LedgerEntry,
    LedgerKind,
    Payment,
    PaymentStatus,
    Refund,
)

from .common import bill_payload, lock_bill, may_refund

MIN_REASON_LENGTH = 10
MAX_REASON_LENGTH = 2000


def _rupiah(amount: int) -> str:
    return f"Rp{amount:,}".replace(",", ".")


def refund_create(*, actor: Any, bill: Bill, amount: Any, reason: str) -> Refund:
    """Refund ``amount`` rupiah of ``bill``'s credited payment.

    Raises PermissionDenied (not a tax officer or head of the bill's agency or of the revenue agency, nor a
    platform administrator), ValidationFailed (amount not a whole positive number or above what can be refunded,
    reason missing) or Conflict (the bill has nothing to refund)."""
    if not may_refund(actor, bill):
        raise PermissionDenied(_("Only a tax officer or the head of the agency can refund payments."))
    reason = str(reason or "").replace("\x00", "").strip()
    errors: dict[str, list[str]] = {}
    if len(reason) < MIN_REASON_LENGTH:
        errors["reason"] = [
            _("Write why the payment is refunded (at least %(min)d characters).") % {"min": MIN_REASON_LENGTH}
        ]
    elif len(reason) > MAX_REASON_LENGTH:
        errors["reason"] = [_("The reason is too long (at most %(max)d characters).") % {"max": MAX_REASON_LENGTH}]
    if isinstance(amount, bool) or not isinstance(amount, int):
        errors["amount"] = [_("Enter the amount as a whole number of rupiah, without dots, commas or decimals.")]
    elif amount <= 0:
        errors["amount"] = [_("The amount must be more than 0 rupiah.")]
    if errors:
        raise ValidationFailed(fields=errors)
    with transaction.atomic():
        locked = lock_bill(bill)
        if locked.status != BillStatus.PAID or locked.refundable_amount <= 0:
            raise Conflict(_("This bill has no payment left to refund."), code="nothing_to_refund")
        if amount > locked.refundable_amount:
            raise ValidationFailed(
                fields={
                    "amount": [
                        _("At most %(amount)s can be refunded (paid minus already refunded).")
                        % {"amount": _rupiah(locked.refundable_amount)}
                    ]
                }
            )
        payment = Payment.objects.get(bill=locked, status=PaymentStatus.CREDITED)
        now = timezone.now()
        refund = Refund.objects.create(
            bill=locked, payment=payment, amount=amount, reason=reason, created_by=actor, created_at=now
        )
        LedgerEntry.objects.create(
            bill=locked,
            kind=LedgerKind.REFUND,
            refund=refund,
            payment=payment,
            amount=-amount,
            organization_id=locked.organization_id,
            revenue_code=locked.revenue_code,
            channel=payment.channel,
            provider=payment.provider,
            booked_at=now,
            created_at=now,
        )
        locked.refunded_amount += amount
        fully = locked.refunded_amount == locked.paid_amount
        if fully:
            locked.status = BillStatus.REFUNDED
        locked.updated_at = now
        locked.save(update_fields=["refunded_amount", "status", "updated_at"])
        audit_log(
            actor=actor,
            action="bill.refunded",
            target=locked,
            summary={
                "payment_code": locked.payment_code,
                "amount": amount,
                "refunded_total": locked.refunded_amount,
                "paid": locked.paid_amount,
                "fully_refunded": fully,
                "reason": reason,
            },
        )
        publish(
            "bill.refunded", bill_payload(locked, refund_id=refund.pk, amount_refunded=amount, fully_refunded=fully)
        )
    return refund
