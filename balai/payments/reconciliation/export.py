"""The CSV of a batch's discrepancies, for Bapenda to follow up with the bank. Every text cell that a
spreadsheet would run as a formula (starting with =, +, -, @, a tab or a carriage return) gets a leading
apostrophe: the bank's reference is whatever the bank's file said, and a file can be hostile."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from typing import Any

from django.utils.translation import gettext as _

from balai.payments.models import PaymentStatus, SettlementLine, SettlementOutcome

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: Any) -> Any:
    """``value`` as a spreadsheet should show it: text that would start a formula is prefixed with ``'``;
    numbers (whole rupiah, never negative here) and empty cells pass unchanged."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int):
        value = str(value)
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


class _Echo:
    """A file-like object whose write returns the line, for streaming csv.writer rows."""

    def write(self, value: str) -> str:
        return value


def header() -> list[str]:
    return [
        _("Line"),
        _("Date"),
        _("Payment code"),
        _("Amount in the bank file (Rp)"),
        _("Amount credited in the platform (Rp)"),
        _("Difference (Rp)"),
        _("Reference"),
        _("Outcome"),
        _("Platform payment"),
        _("Bill status"),
    ]


def row(line: SettlementLine) -> list[Any]:
    payment = line.payment
    if line.outcome == SettlementOutcome.MISSING_IN_BANK:
        bank_amount, platform_amount = None, line.amount
    else:
        bank_amount = line.amount
        platform_amount = payment.amount if payment is not None and payment.status == PaymentStatus.CREDITED else None
    difference = bank_amount - platform_amount if bank_amount is not None and platform_amount is not None else None
    if payment is None:
        payment_text = ""
    elif payment.status == PaymentStatus.CREDITED:
        payment_text = _("credited (%(transaction)s)") % {"transaction": payment.provider_transaction_id}
    else:
        payment_text = _("not credited: %(reason)s (%(transaction)s)") % {
            "reason": payment.get_flag_reason_display(),
            "transaction": payment.provider_transaction_id,
        }
    bill_status = payment.bill.get_status_display() if payment is not None else ""
    cells = [
        line.line_number,
        line.date.isoformat() if line.date else "",
        line.payment_code,
        bank_amount,
        platform_amount,
        difference,
        line.reference,
        line.get_outcome_display(),
        payment_text,
        bill_status,
    ]
    # The difference may be negative: a number, not text, so it is not a formula either.
    return [cell if isinstance(cell, int) and not isinstance(cell, bool) else spreadsheet_safe(cell) for cell in cells]


def csv_lines(lines: Iterable[SettlementLine]) -> Iterator[str]:
    """The CSV text, one row at a time (UTF-8 with a byte-order mark first, so Excel reads it right)."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([spreadsheet_safe(cell) for cell in header()])
    for line in lines:
        yield writer.writerow(row(line))
