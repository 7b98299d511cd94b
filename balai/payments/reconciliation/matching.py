"""Matching a read settlement file against the payments the platform recorded. Reads only: it never credits,
never changes a bill or a payment; it says, line by line, what the bank and the platform agree and disagree on.

Outcomes (``SettlementOutcome``):
- ``matched``: the bank's line is the bill's credited payment, same amount.
- ``amount_mismatch``: the bank's line is the bill's credited payment, but the amounts differ.
- ``missing_in_platform``: the bank took money for a payment code that is unknown, or whose bill has no
  credited payment left to match (the notification never arrived, or the transfer was recorded but flagged,
  or it is a second transfer for an already matched bill). A flagged payment, if any, is linked.
- ``duplicate``: the line repeats an earlier line of the same file (see ``parsing``); linked to what the
  first one was linked to.
- ``missing_in_bank``: a payment credited in the platform on a day the file covers that no line mentions
  (a line of its own, without a line number).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connections, router
from django.utils import timezone

from balai.payments.models import Bill, Payment, PaymentStatus, SettlementOutcome

from .parsing import SettlementFile, SettlementLineIn

QUERY_CHUNK = 900  # values per IN list: SQLite takes at most 999 parameters


@dataclass(frozen=True, slots=True)
class MatchedLine:
    line_number: int | None
    date: dt.date | None
    payment_code: str
    amount: int | None
    reference: str
    outcome: str
    payment_id: int | None


@dataclass(slots=True)
class _PaymentRow:
    id: int
    bill_id: int
    status: str
    amount: int
    provider_transaction_id: str


def _chunks(items: list[Any], size: int = QUERY_CHUNK) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _bills_by_code(codes: Iterable[str]) -> dict[str, int]:
    wanted = sorted(set(codes))
    connection = connections[router.db_for_read(Bill)]
    if connection.vendor == "postgresql":
        # One array parameter instead of thousands of bound ones; the unique index on the code serves = ANY.
        quote = connection.ops.quote_name
        sql = "SELECT {code}, {id} FROM {table} WHERE {code} = ANY(%s)".format(  # noqa: S608 - model names
            code=quote(Bill._meta.get_field("payment_code").column),
            id=quote(Bill._meta.pk.column),
            table=quote(Bill._meta.db_table),
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [wanted])
            return dict(cursor.fetchall())
    found: dict[str, int] = {}
    for chunk in _chunks(wanted):
        found.update(Bill.objects.filter(payment_code__in=chunk).order_by().values_list("payment_code", "id"))
    return found


def _payments_by_bill(bill_ids: Iterable[int]) -> dict[int, list[_PaymentRow]]:
    """Every payment recorded for the bills (credited or flagged), the oldest first."""
    rows: dict[int, list[_PaymentRow]] = {}
    for chunk in _chunks(sorted(set(bill_ids))):
        query = (
            Payment.objects.filter(bill_id__in=chunk)
            .order_by("bill_id", "received_at", "id")
            .values_list("id", "bill_id", "status", "amount", "provider_transaction_id")
        )
        for values in query:
            row = _PaymentRow(*values)
            rows.setdefault(row.bill_id, []).append(row)
    return rows


def _pick(payments: list[_PaymentRow], line: SettlementLineIn, claimed: set[int]) -> _PaymentRow | None:
    """The unclaimed payment of the bill the line is about: the one whose transaction id is the bank's
    reference; else the credited one; else a flagged one of the same amount; else the oldest flagged one."""
    free = [p for p in payments if p.id not in claimed]
    reference = line.reference.casefold()
    if reference:
        for payment in free:
            if payment.provider_transaction_id.casefold() == reference:
                return payment
    for payment in free:
        if payment.status == PaymentStatus.CREDITED:
            return payment
    for payment in free:
        if payment.amount == line.amount:
            return payment
    return free[0] if free else None


def _match_line(
    line: SettlementLineIn, bill_id: int | None, payments: list[_PaymentRow], claimed: set[int]
) -> tuple[str, int | None]:
    if bill_id is None:
        return SettlementOutcome.MISSING_IN_PLATFORM, None
    payment = _pick(payments, line, claimed)
    if payment is None:
        return SettlementOutcome.MISSING_IN_PLATFORM, None
    claimed.add(payment.id)
    if payment.status != PaymentStatus.CREDITED:
        return SettlementOutcome.MISSING_IN_PLATFORM, payment.id
    if payment.amount != line.amount:
        return SettlementOutcome.AMOUNT_MISMATCH, payment.id
    return SettlementOutcome.MATCHED, payment.id


def day_bounds(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start of ``first``, start of the day after ``last``) in the installation's time zone."""
    zone = timezone.get_default_timezone()
    start = dt.datetime.combine(first, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    return start, end


def _missing_in_bank(settlement: SettlementFile, claimed: set[int]) -> Iterator[MatchedLine]:
    start, end = day_bounds(settlement.first_date, settlement.last_date)
    zone = timezone.get_default_timezone()
    query = (
        Payment.objects.filter(status=PaymentStatus.CREDITED, paid_at__gte=start, paid_at__lt=end)
        .order_by("paid_at", "id")
        .values_list("id", "paid_at", "bill__payment_code", "amount", "provider_transaction_id")
    )
    for payment_id, paid_at, code, amount, transaction_id in query.iterator(chunk_size=2000):
        if payment_id in claimed:
            continue
        yield MatchedLine(
            line_number=None,
            date=timezone.localtime(paid_at, zone).date(),
            payment_code=code,
            amount=amount,
            reference=transaction_id,
            outcome=SettlementOutcome.MISSING_IN_BANK,
            payment_id=payment_id,
        )


def match_settlement(settlement: SettlementFile) -> list[MatchedLine]:
    """The file's lines in order with their outcome, then the platform's payments missing from the file.

    Queries: the bills of the file's codes (one on PostgreSQL, one per 900 codes on SQLite), their payments
    (one per 900 bills), and the credited payments of the file's days (streamed)."""
    bills = _bills_by_code(line.payment_code for line in settlement.lines)
    payments = _payments_by_bill(bills.values())
    claimed: set[int] = set()
    linked_by_line: dict[int, int | None] = {}
    result: list[MatchedLine] = []
    for line in settlement.lines:
        if line.duplicate_of is not None:
            outcome, payment_id = SettlementOutcome.DUPLICATE, linked_by_line.get(line.duplicate_of)
        else:
            bill_id = bills.get(line.payment_code)
            outcome, payment_id = _match_line(line, bill_id, payments.get(bill_id or 0, []), claimed)
            linked_by_line[line.line_number] = payment_id
        result.append(
            MatchedLine(
                line_number=line.line_number,
                date=line.date,
                payment_code=line.payment_code,
                amount=line.amount,
                reference=line.reference,
                outcome=outcome,
                payment_id=payment_id,
            )
        )
    result.extend(_missing_in_bank(settlement, claimed))
    return result
