"""The revenue agency's reports: the day's (or a date range's) revenue by revenue code and channel from the
ledger, flagged payments, refused callbacks and refunds — scoped to who asks — and their CSV/XLSX exports.

Scope: platform administrators and the revenue agency's tax officers and heads see every agency; a tax officer
or head of another agency sees that agency (and its units); everyone else sees nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from balai.core.calendar import CALENDAR_TZ
from balai.organizations.scoping import is_platform_admin, organization_ids_for, roles_in
from balai.payments.models import (
    Bill,
    CallbackEvent,
    CallbackOutcome,
    Channel,
    LedgerEntry,
    LedgerKind,
    Payment,
    PaymentStatus,
    Refund,
)
from balai.payments.services.common import REVENUE_ROLES, revenue_agency

MAX_RANGE_DAYS = 366
PROBLEM_OUTCOMES = (
    CallbackOutcome.UNKNOWN_BILL,
    CallbackOutcome.BAD_SIGNATURE,
    CallbackOutcome.STALE_TIMESTAMP,
    CallbackOutcome.INVALID,
    CallbackOutcome.TOO_LARGE,
)


def revenue_scope(user: Any) -> set[int] | None:
    """None: every agency; otherwise the ids of the agencies whose revenue ``user`` may see (maybe none)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return set()
    if is_platform_admin(user):
        return None
    agency = revenue_agency()
    if agency is not None and roles_in(user, agency.pk) & REVENUE_ROLES:
        return None
    return organization_ids_for(user, roles=REVENUE_ROLES)


def may_see_revenue(user: Any, *, scope: Any = None) -> bool:
    """Whether ``user`` sees any revenue (``scope``: from ``scope_for``, when already known)."""
    scope = scope_for(user) if scope is None else scope
    return scope is ALL or bool(scope)


class _All:
    """Stands for "every agency" where a scope is passed on (None means "not computed yet")."""


ALL = _All()


def scope_for(user: Any) -> Any:
    """``revenue_scope`` once per request, to pass to the report functions: ALL or a set of agency ids."""
    scope = revenue_scope(user)
    return ALL if scope is None else scope


def _resolve(user: Any, scope: Any) -> set[int] | None:
    if scope is None:
        return revenue_scope(user)
    return None if scope is ALL else scope


def day_bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """From the start of ``start`` to the start of the day after ``end``, where the regional government is."""
    return (
        dt.datetime.combine(start, dt.time.min, tzinfo=CALENDAR_TZ),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=CALENDAR_TZ),
    )


def today() -> dt.date:
    return timezone.localtime(timezone.now(), CALENDAR_TZ).date()


def _scoped(queryset: QuerySet[Any], scope: set[int] | None, field: str) -> QuerySet[Any]:
    if scope is None:
        return queryset
    return queryset.filter(**{f"{field}__in": scope}) if scope else queryset.none()


@dataclass(frozen=True)
class RevenueRow:
    revenue_code: str
    channel: str
    payments: int
    gross: int
    refunds: int
    net: int

    @property
    def channel_label(self) -> str:
        return str(Channel(self.channel).label) if self.channel in Channel.values else self.channel


@dataclass(frozen=True)
class RevenueReport:
    start: dt.date
    end: dt.date
    rows: list[RevenueRow]
    payments: int
    gross: int
    refunds: int
    net: int


def revenue_report(user: Any, *, start: dt.date, end: dt.date, scope: Any = None) -> RevenueReport:
    """Money booked from ``start`` to ``end`` (inclusive, local dates) by revenue code and channel."""
    begin, finish = day_bounds(start, end)
    entries = _scoped(LedgerEntry.objects.all(), _resolve(user, scope), "organization_id").filter(
        booked_at__gte=begin, booked_at__lt=finish
    )
    grouped = (
        entries.values("revenue_code", "channel")
        .annotate(
            payments=Count("id", filter=Q(kind=LedgerKind.PAYMENT)),
            gross=Sum("amount", filter=Q(kind=LedgerKind.PAYMENT)),
            refunds=Sum("amount", filter=Q(kind=LedgerKind.REFUND)),
            net=Sum("amount"),
        )
        .order_by("revenue_code", "channel")
    )
    rows = [
        RevenueRow(
            revenue_code=row["revenue_code"],
            channel=row["channel"],
            payments=row["payments"] or 0,
            gross=row["gross"] or 0,
            refunds=-(row["refunds"] or 0),
            net=row["net"] or 0,
        )
        for row in grouped
    ]
    return RevenueReport(
        start=start,
        end=end,
        rows=rows,
        payments=sum(r.payments for r in rows),
        gross=sum(r.gross for r in rows),
        refunds=sum(r.refunds for r in rows),
        net=sum(r.net for r in rows),
    )


def flagged_payments(user: Any, *, start: dt.date, end: dt.date, scope: Any = None) -> QuerySet[Payment]:
    begin, finish = day_bounds(start, end)
    return (
        _scoped(Payment.objects.all(), _resolve(user, scope), "bill__organization_id")
        .filter(status=PaymentStatus.FLAGGED, received_at__gte=begin, received_at__lt=finish)
        .select_related("bill")
        .order_by("-received_at", "-id")
    )


def callback_problems(user: Any, *, start: dt.date, end: dt.date, scope: Any = None) -> QuerySet[CallbackEvent]:
    """Refused or unmatched notifications: not tied to one agency, so only for those who see every agency."""
    if _resolve(user, scope) is not None:
        return CallbackEvent.objects.none()
    begin, finish = day_bounds(start, end)
    return (
        CallbackEvent.objects.filter(outcome__in=PROBLEM_OUTCOMES, received_at__gte=begin, received_at__lt=finish)
        .defer("body")
        .order_by("-received_at", "-id")
    )


def refunds_between(user: Any, *, start: dt.date, end: dt.date, scope: Any = None) -> QuerySet[Refund]:
    begin, finish = day_bounds(start, end)
    return (
        _scoped(Refund.objects.all(), _resolve(user, scope), "bill__organization_id")
        .filter(created_at__gte=begin, created_at__lt=finish)
        .select_related("bill", "created_by")
        .order_by("-created_at", "-id")
    )


def bill_for_staff(user: Any, code: str) -> Bill | None:
    """A bill of an agency whose revenue ``user`` sees, by payment code (None otherwise)."""
    from balai.payments.codes import is_well_formed, normalize_payment_code

    normalized = normalize_payment_code(code)
    if not is_well_formed(normalized):
        return None
    return (
        _scoped(Bill.objects.all(), revenue_scope(user), "organization_id")
        .select_related("organization", "case", "payer")
        .filter(payment_code=normalized)
        .first()
    )


# --- exports ------------------------------------------------------------------------------------------


def _safe_cell(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula (=, +, -, @ at the start) is prefixed with an apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def report_table(report: RevenueReport) -> tuple[list[str], list[list[Any]]]:
    header = [
        _("Revenue code"),
        _("Channel"),
        _("Payments"),
        _("Received (Rp)"),
        _("Refunded (Rp)"),
        _("Net (Rp)"),
    ]
    rows: list[list[Any]] = [
        [row.revenue_code, row.channel_label, row.payments, row.gross, row.refunds, row.net] for row in report.rows
    ]
    rows.append([_("Total"), "", report.payments, report.gross, report.refunds, report.net])
    return header, rows


def to_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow([_safe_cell(str(cell)) for cell in header])
    for row in rows:
        writer.writerow([_safe_cell(cell) for cell in row])
    # With the byte-order mark, spreadsheet programs read the file as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(header: Sequence[str], rows: Iterable[Sequence[Any]], *, title: str) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    sheet = workbook.add_worksheet(title[:31])
    bold = workbook.add_format({"bold": True})
    money = workbook.add_format({"num_format": "#,##0"})
    for column, name in enumerate(header):
        sheet.write_string(0, column, str(name), bold)
    for index, row in enumerate(rows, start=1):
        for column, cell in enumerate(row):
            if isinstance(cell, int) and not isinstance(cell, bool):
                sheet.write_number(index, column, cell, money)
            else:
                sheet.write_string(index, column, str(cell))
    sheet.set_column(0, 0, 24)
    sheet.set_column(1, len(header) - 1, 18)
    workbook.close()
    return buffer.getvalue()
