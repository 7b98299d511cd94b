"""Reads of reconciliation, scoped to who asks: settlement batches are seen by revenue staff only (see
``services.may_reconcile``); for anyone else every selector answers nothing."""

from __future__ import annotations

from typing import Any

from django.db.models import F, Q, QuerySet

from balai.payments.models import Bill, SettlementBatch, SettlementLine, SettlementOutcome

from .services import may_reconcile

DISCREPANCIES = (
    SettlementOutcome.MISSING_IN_PLATFORM,
    SettlementOutcome.MISSING_IN_BANK,
    SettlementOutcome.AMOUNT_MISMATCH,
    SettlementOutcome.DUPLICATE,
)
MAX_SEARCH_LENGTH = 100


def batches_for(user: Any) -> QuerySet[SettlementBatch]:
    """Every settlement batch, newest first, for revenue staff; none for anyone else."""
    if not may_reconcile(user):
        return SettlementBatch.objects.none()
    return SettlementBatch.objects.select_related("uploaded_by").order_by("-uploaded_at", "-id")


def batch_for(user: Any, batch_id: Any) -> SettlementBatch | None:
    try:
        pk = int(batch_id)
    except (TypeError, ValueError):
        return None
    if pk <= 0 or pk > 2**63 - 1:
        return None
    return batches_for(user).filter(pk=pk).first()


def batch_lines(batch: SettlementBatch, *, outcome: str = "", search: str = "") -> QuerySet[SettlementLine]:
    """The batch's lines in file order, the platform's payments missing from the file last.

    ``outcome``: one ``SettlementOutcome``, or ``discrepancies`` for every outcome but matched. ``search``: a
    payment code (as typed, spaces ignored) or part of the bank's reference."""
    lines = SettlementLine.objects.filter(batch=batch)
    if outcome == "discrepancies":
        lines = lines.filter(outcome__in=DISCREPANCIES)
    elif outcome in SettlementOutcome.values:
        lines = lines.filter(outcome=outcome)
    text = " ".join(str(search or "").split())[:MAX_SEARCH_LENGTH]
    if text:
        code = "".join(ch for ch in text if ch not in " .-").upper()
        condition = Q(reference__icontains=text)
        if code:
            condition |= Q(payment_code=code)
        lines = lines.filter(condition)
    return lines.select_related("payment", "payment__bill").order_by(
        F("line_number").asc(nulls_last=True), "date", "id"
    )


def earlier_matches(batch: SettlementBatch, payment_ids: list[int]) -> dict[int, int]:
    """For payments of ``batch``'s lines, the id of an earlier batch that already matched the same payment
    (overlapping files): shown so Bapenda knows a line was reconciled before, not that money came twice."""
    ids = [pk for pk in payment_ids if pk]
    if not ids:
        return {}
    rows = (
        SettlementLine.objects.filter(
            payment_id__in=ids,
            outcome__in=(SettlementOutcome.MATCHED, SettlementOutcome.AMOUNT_MISMATCH),
            batch__uploaded_at__lt=batch.uploaded_at,
        )
        .exclude(batch_id=batch.pk)
        .order_by("payment_id", "batch__uploaded_at", "batch_id")
        .values_list("payment_id", "batch_id")
    )
    found: dict[int, int] = {}
    for payment_id, batch_id in rows:
        found.setdefault(payment_id, batch_id)
    return found


def bills_by_code(codes: list[str]) -> dict[str, Bill]:
    """The bills of the lines no payment is linked to (the bank took money for an unpaid or expired bill),
    so the page can say in what state the platform has them. Callers are revenue staff (all bills)."""
    wanted = sorted({code for code in codes if code})
    if not wanted:
        return {}
    return {
        bill.payment_code: bill
        for bill in Bill.objects.filter(payment_code__in=wanted).only(
            "id", "payment_code", "status", "description", "expires_at"
        )
    }
