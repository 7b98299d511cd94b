"""Recording a payment a provider reports, and crediting the bill with it — once.

The bill's row is locked first, so two deliveries of one transaction (or two transactions for one bill) queue
behind each other; the second finds the first's ``Payment`` (duplicate) or a bill that is already paid (the
transfer is recorded and flagged). The unique constraints on the provider's transaction id, on one credited
payment per bill and on one ledger entry per payment hold even if that lock were missing.

A transfer that does not match (amount, currency) or reaches a bill that cannot be paid (cancelled, paid,
expired before the transfer) is recorded as a flagged payment for the revenue agency; it never touches the
ledger or the bill.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from balai.core.events import publish
from balai.payments.models import (
    CURRENCY,
    Bill,
    BillStatus,
    CallbackOutcome,
    FlagReason,
    InstructionStatus,
    LedgerEntry,
    LedgerKind,
    Payment,
    PaymentInstruction,
    PaymentStatus,
)
from balai.payments.pricing import amount_due
from balai.payments.providers.base import TransferReport

from .common import AuditBatch, bill_payload, lock_bill

logger = logging.getLogger("balai.payments")


@dataclass(frozen=True)
class RecordResult:
    outcome: str  # a CallbackOutcome: credited, duplicate, flagged, unknown_bill, invalid
    payment: Payment | None = None
    bill: Bill | None = None
    detail: str = ""


def _find(provider: str, report: TransferReport) -> tuple[Bill | None, PaymentInstruction | None, str]:
    instruction = None
    if report.reference:
        instruction = (
            PaymentInstruction.objects.filter(provider=provider, provider_reference=report.reference).order_by().first()
        )
        if instruction is None:
            return None, None, "unknown_reference"
    bill_id = instruction.bill_id if instruction is not None else None
    if report.payment_code:
        found = Bill.objects.filter(payment_code=report.payment_code).values_list("id", flat=True).first()
        if found is None:
            return None, None, "unknown_payment_code"
        if bill_id is not None and found != bill_id:
            return None, None, "reference_code_disagree"
        bill_id = found
    if bill_id is None:
        return None, None, "no_bill_named"
    return Bill(pk=bill_id), instruction, ""


def _expected(bill: Bill, instruction: PaymentInstruction | None, report: TransferReport) -> tuple[int, Any]:
    """The amount the bank should have taken: the instruction's while it was valid, else what the bill cost
    online at the moment of payment."""
    due = amount_due(bill, at=report.paid_at, online=True)
    if instruction is not None and instruction.bill_id == bill.pk and report.paid_at <= instruction.expires_at:
        return instruction.amount, instruction
    return due.total, due


def _flag_reason(bill: Bill, report: TransferReport, expected: int) -> str:
    payable_then = bill.status == BillStatus.UNPAID or (
        bill.status == BillStatus.EXPIRED and bill.expires_at is not None and report.paid_at < bill.expires_at
    )
    if bill.status == BillStatus.UNPAID and bill.expires_at is not None and report.paid_at >= bill.expires_at:
        payable_then = False
    if not payable_then:
        return FlagReason.BILL_NOT_PAYABLE
    if report.currency != CURRENCY:
        return FlagReason.CURRENCY_MISMATCH
    if report.amount != expected:
        return FlagReason.AMOUNT_MISMATCH
    return ""


def payment_record(
    *, provider: str, report: TransferReport, after_credit: Any = None, audits: AuditBatch | None = None
) -> RecordResult:
    """Record ``report`` of ``provider`` and credit the bill when everything matches (see the module docstring).

    ``after_credit(payment, bill, audits)`` runs inside the transaction after crediting (the receipt is issued
    there). The audit events go to ``audits`` when given (the caller writes them last), else are written at the
    end of this transaction."""
    target, instruction, problem = _find(provider, report)
    if target is None:
        return RecordResult(outcome=CallbackOutcome.UNKNOWN_BILL, detail=problem)
    own_batch = audits is None
    batch = AuditBatch() if audits is None else audits
    try:
        with transaction.atomic():
            result = _record(provider, report, target, instruction, after_credit=after_credit, audits=batch)
            if own_batch:
                batch.write()
            return result
    except IntegrityError:
        # Another delivery of the same transaction won a race the lock did not cover (e.g. it named another bill).
        batch.events.clear()
        existing = Payment.objects.filter(provider=provider, provider_transaction_id=report.transaction_id).first()
        if existing is None:
            raise
        return RecordResult(outcome=CallbackOutcome.DUPLICATE, payment=existing, detail="race")


def _record(
    provider: str,
    report: TransferReport,
    target: Bill,
    instruction: PaymentInstruction | None,
    *,
    after_credit: Any,
    audits: AuditBatch,
) -> RecordResult:
    bill = lock_bill(target.pk)
    existing = (
        Payment.objects.filter(provider=provider, provider_transaction_id=report.transaction_id).order_by().first()
    )
    if existing is not None:
        detail = "" if existing.bill_id == bill.pk and existing.amount == report.amount else "differs_from_first"
        return RecordResult(outcome=CallbackOutcome.DUPLICATE, payment=existing, bill=bill, detail=detail)
    expected, basis = _expected(bill, instruction, report)
    reason = _flag_reason(bill, report, expected)
    due = amount_due(bill, at=report.paid_at, online=True)
    if isinstance(basis, PaymentInstruction):
        components = (basis.base_amount, basis.discount, basis.penalty)
    else:
        components = (due.base, due.discount, due.penalty)
    now = timezone.now()
    payment = Payment(
        bill=bill,
        instruction=instruction if instruction is not None and instruction.bill_id == bill.pk else None,
        provider=provider,
        channel=report.channel,
        provider_transaction_id=report.transaction_id,
        amount=report.amount,
        currency=report.currency,
        expected_amount=expected,
        base_amount=components[0],
        discount=components[1],
        penalty=components[2],
        paid_at=report.paid_at,
        received_at=now,
        status=PaymentStatus.FLAGGED if reason else PaymentStatus.CREDITED,
        flag_reason=reason,
    )
    payment.save(force_insert=True)
    if reason:
        _flag(payment, bill, audits)
        return RecordResult(outcome=CallbackOutcome.FLAGGED, payment=payment, bill=bill, detail=reason)
    _credit(payment, bill, now=now, after_credit=after_credit, audits=audits)
    return RecordResult(outcome=CallbackOutcome.CREDITED, payment=payment, bill=bill)


def _flag(payment: Payment, bill: Bill, audits: AuditBatch) -> None:
    publish("payment.flagged", bill_payload(bill, payment_id=payment.pk, reason=payment.flag_reason))
    audits.add(
        actor=None,
        action="payment.flagged",
        target=payment,
        actor_label=payment.provider,
        summary={
            "payment_code": bill.payment_code,
            "transaction_id": payment.provider_transaction_id,
            "amount": payment.amount,
            "expected": payment.expected_amount,
            "currency": payment.currency,
            "reason": payment.flag_reason,
            "bill_status": bill.status,
        },
    )


def _credit(payment: Payment, bill: Bill, *, now: Any, after_credit: Any, audits: AuditBatch) -> None:
    LedgerEntry.objects.create(
        bill=bill,
        kind=LedgerKind.PAYMENT,
        payment=payment,
        amount=payment.amount,
        organization_id=bill.organization_id,
        revenue_code=bill.revenue_code,
        channel=payment.channel,
        provider=payment.provider,
        booked_at=payment.paid_at,
        created_at=now,
    )
    bill.status = BillStatus.PAID
    bill.paid_at = payment.paid_at
    bill.paid_amount = payment.amount
    bill.updated_at = now
    bill.save(update_fields=["status", "paid_at", "paid_amount", "updated_at"])
    if payment.instruction_id:
        PaymentInstruction.objects.filter(pk=payment.instruction_id).update(status=InstructionStatus.USED)
    PaymentInstruction.objects.filter(bill=bill, status=InstructionStatus.ACTIVE).update(
        status=InstructionStatus.SUPERSEDED
    )
    if after_credit is not None:
        after_credit(payment, bill, audits)
    publish(
        "bill.paid",
        bill_payload(
            bill,
            payment_id=payment.pk,
            amount_paid=payment.amount,
            channel=payment.channel,
            paid_at=payment.paid_at.isoformat(),
        ),
    )
    audits.add(
        actor=None,
        action="payment.credited",
        target=payment,
        actor_label=payment.provider,
        summary={
            "payment_code": bill.payment_code,
            "transaction_id": payment.provider_transaction_id,
            "amount": payment.amount,
            "channel": payment.channel,
            "revenue_code": bill.revenue_code,
            "receipt": payment.receipt.number if payment.receipt_id else None,
        },
    )
