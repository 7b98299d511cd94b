"""What a bill costs on a given day: its amount, less the online discount when paid through an online channel
on or before the due date, plus the penalty (interest) per started month after the due date, capped.

Every number comes from the bill (snapshotted from the configuration when it was made); money is whole rupiah,
computed with ``Decimal`` and rounded half up. The discount is applied before the penalty and never makes the
amount negative (a discount applies only before the due date, a penalty only after it, so they never meet).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from balai.core.calendar import CALENDAR_TZ
from balai.services.fees import to_rupiah

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class AmountDue:
    base: int
    discount: int
    penalty: int
    total: int
    penalty_months: int = 0


def _add_months(moment: dt.datetime, months: int) -> dt.datetime:
    """The same local day and time ``months`` later (the last day of a shorter month when needed)."""
    local = moment.astimezone(CALENDAR_TZ)
    month_index = local.month - 1 + months
    year, month = local.year + month_index // 12, month_index % 12 + 1
    for day in (local.day, 30, 29, 28):
        try:
            return local.replace(year=year, month=month, day=min(day, local.day))
        except ValueError:
            continue
    raise ValueError("no such day")  # pragma: no cover - day 28 exists in every month


def started_months_after(due_at: dt.datetime, at: dt.datetime) -> int:
    """Months begun since ``due_at``: 0 on or before it, 1 for the first month after it (even one minute), ..."""
    if at <= due_at:
        return 0
    local_due, local_at = due_at.astimezone(CALENDAR_TZ), at.astimezone(CALENDAR_TZ)
    months = (local_at.year - local_due.year) * 12 + (local_at.month - local_due.month)
    months = max(months, 0)
    while months > 0 and _add_months(due_at, months) >= at:
        months -= 1
    while _add_months(due_at, months) < at:
        months += 1
    return months


def penalty_months(bill: Any, at: dt.datetime) -> int:
    months = started_months_after(bill.due_at, at)
    if bill.penalty_max_months:
        months = min(months, int(bill.penalty_max_months))
    return months


def amount_due(bill: Any, *, at: dt.datetime, online: bool) -> AmountDue:
    """What paying ``bill`` at ``at`` costs (``online``: through an online channel such as a VA or QRIS)."""
    base = int(bill.amount)
    discount = 0
    percent = Decimal(bill.online_discount_percent or 0)
    if online and percent > 0 and at <= bill.due_at:
        discount = min(base, to_rupiah(Decimal(base) * percent / HUNDRED))
    penalty = 0
    months = 0
    rate = Decimal(bill.penalty_percent_per_month or 0)
    if rate > 0:
        months = penalty_months(bill, at)
        penalty = to_rupiah(Decimal(base) * rate / HUNDRED * months)
    return AmountDue(
        base=base, discount=discount, penalty=penalty, total=base - discount + penalty, penalty_months=months
    )


def price_changes_after(bill: Any, at: dt.datetime) -> dt.datetime | None:
    """The next moment after ``at`` when ``amount_due`` changes (the due date passes, or another month of
    penalty begins); None when it never changes again."""
    has_discount = Decimal(bill.online_discount_percent or 0) > 0
    has_penalty = Decimal(bill.penalty_percent_per_month or 0) > 0
    if at <= bill.due_at:
        return bill.due_at if (has_discount or has_penalty) else None
    if not has_penalty:
        return None
    months = started_months_after(bill.due_at, at)
    if bill.penalty_max_months and months >= int(bill.penalty_max_months):
        return None
    return _add_months(bill.due_at, months)
