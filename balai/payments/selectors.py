"""Reads of the payments app, scoped to who asks.

- ``bills_for_payer(user)``: the signed-in person's bills, unpaid first.
- ``bill_by_payment_code(code)``: the public look-up (amount only: no name, no description).
- ``amount_due(bill, *, at, online)``: what paying costs at a moment (see ``balai.payments.pricing``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.utils import timezone

from balai.payments.codes import is_well_formed, normalize_payment_code
from balai.payments.models import Bill, BillStatus
from balai.payments.pricing import AmountDue, amount_due

__all__ = [
    "AmountDue",
    "PublicBill",
    "amount_due",
    "bill_by_payment_code",
    "bill_for_payer",
    "bills_for_payer",
]

# Ten digits and a check digit that never fails, to spend the same indexed query on a malformed code.
_DUMMY_CODE = "0" * 16


def bills_for_payer(user: Any) -> QuerySet[Bill]:
    """The person's own bills: open ones first (earliest due first), then the rest newest first."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Bill.objects.none()
    open_first = Case(When(status=BillStatus.UNPAID, then=Value(0)), default=Value(1), output_field=IntegerField())
    return (
        Bill.objects.filter(payer_id=user.pk)
        .select_related("organization")
        .annotate(open_rank=open_first)
        .order_by("open_rank", "due_at", "-created_at", "-id")
    )


def bill_for_payer(user: Any, code: Any) -> Bill | None:
    """One of the person's own bills by its payment code, or None (another person's bill is None too)."""
    normalized = normalize_payment_code(code)
    if not is_well_formed(normalized):
        return None
    return bills_for_payer(user).filter(payment_code=normalized).first()


@dataclass(frozen=True)
class PublicBill:
    """What anyone holding a payment code may learn: what to pay, until when, to which agency."""

    payment_code: str
    kind: str
    status: str
    organization: str
    base: int
    discount: int
    penalty: int
    total: int
    due_at: dt.datetime
    expires_at: dt.datetime | None
    is_payable: bool


def bill_by_payment_code(code: Any, *, at: dt.datetime | None = None) -> PublicBill | None:
    """The public facts of the bill with this code, or None (unknown or malformed: one indexed query either way)."""
    normalized = normalize_payment_code(code)
    well_formed = is_well_formed(normalized)
    bill = (
        Bill.objects.select_related("organization")
        .filter(payment_code=normalized if well_formed else _DUMMY_CODE)
        .order_by()
        .first()
    )
    if bill is None or not well_formed:
        return None
    moment = at or timezone.now()
    due = amount_due(bill, at=moment, online=True)
    return PublicBill(
        payment_code=bill.payment_code,
        kind=bill.kind,
        status=bill.effective_status,
        organization=bill.organization.display_name,
        base=due.base,
        discount=due.discount,
        penalty=due.penalty,
        total=due.total,
        due_at=bill.due_at,
        expires_at=bill.expires_at,
        is_payable=bill.is_payable,
    )
