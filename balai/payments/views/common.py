"""What the payment pages share: the amounts shown for a bill today, its receipt, and reading a bill's code."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from balai.documents.models import DocumentStatus, IssuedDocument
from balai.payments.models import Bill, Payment, PaymentStatus
from balai.payments.pricing import amount_due


def amounts_today(bill: Bill) -> Any:
    return amount_due(bill, at=timezone.now(), online=True)


def credited_payment(bill: Bill) -> Payment | None:
    return (
        Payment.objects.filter(bill=bill, status=PaymentStatus.CREDITED)
        .select_related("receipt")
        .order_by("-id")
        .first()
    )


def valid_receipt(payment: Payment | None) -> IssuedDocument | None:
    if payment is None or not payment.receipt_id or payment.receipt.status != DocumentStatus.VALID:
        return None
    return payment.receipt
