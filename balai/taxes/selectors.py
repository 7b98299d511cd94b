"""Reads of the taxes app, scoped to who asks.

- ``unpaid_by_nop(nop)``: the public "Cek Tagihan" answer: per unpaid SPPT its year, the amount due today and the
  due date; nothing else (no name, no address, no payment code). An unknown NOP and a NOP with nothing unpaid get
  the same (empty) answer, so the page does not tell whether a NOP exists.
- ``taxpayers_of(user)`` and ``my_*``: what a person's linked taxpayers owe and filed.
- ``staff_*``: the revenue agency's lists; empty for anyone who is not tax staff (``is_tax_staff``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from balai.taxes.access import is_tax_staff, tax_agency_code
from balai.taxes.models import (
    Assessment,
    GenerationRun,
    LevyCharge,
    LiabilityStatus,
    PermitTax,
    TaxObject,
    Taxpayer,
    TaxReturn,
)

TAX_BILL_KINDS = ("tax_assessment", "tax_return")


@dataclass(frozen=True)
class PublicSppt:
    year: int
    amount_due: int
    due_date: dt.date


def amount_due_at(bill: Any, at: dt.datetime, *, online: bool) -> Any:
    from balai.payments.pricing import amount_due

    return amount_due(bill, at=at, online=online)


def unpaid_by_nop(nop_digits: str, *, at: dt.datetime | None = None) -> list[PublicSppt]:
    """Unpaid SPPT of the object with this NOP (18 digits, already validated), oldest year first. One query."""
    moment = at or timezone.now()
    rows = (
        Assessment.objects.filter(tax_object__nop=nop_digits, status=LiabilityStatus.UNPAID, bill__status="unpaid")
        .select_related("bill")
        .only(
            "year",
            "due_date",
            "bill__amount",
            "bill__due_at",
            "bill__penalty_percent_per_month",
            "bill__penalty_max_months",
            "bill__online_discount_percent",
            "bill__status",
        )
        .order_by("year")
    )
    return [
        PublicSppt(year=row.year, amount_due=amount_due_at(row.bill, moment, online=True).total, due_date=row.due_date)
        for row in rows
    ]


# --- The taxpayer's own ---------------------------------------------------------------------------------


def taxpayers_of(user: Any) -> QuerySet[Taxpayer]:
    if user is None or not getattr(user, "is_authenticated", False):
        return Taxpayer.objects.none()
    return Taxpayer.objects.filter(links__user=user).order_by("npwpd").distinct()


def my_objects(user: Any) -> QuerySet[TaxObject]:
    return TaxObject.objects.filter(taxpayer__in=taxpayers_of(user)).select_related("taxpayer").order_by("nop")


def my_assessments(user: Any) -> QuerySet[Assessment]:
    return (
        Assessment.objects.filter(taxpayer__in=taxpayers_of(user))
        .select_related("tax_object", "bill", "taxpayer")
        .order_by("-year", "tax_object__nop")
    )


def my_returns(user: Any) -> QuerySet[TaxReturn]:
    return (
        TaxReturn.objects.filter(taxpayer__in=taxpayers_of(user))
        .select_related("tax_type", "bill", "taxpayer")
        .order_by("-period_year", "-period_month", "tax_type__code")
    )


def my_permit_taxes(user: Any) -> QuerySet[PermitTax]:
    if user is None or not getattr(user, "is_authenticated", False):
        return PermitTax.objects.none()
    return PermitTax.objects.filter(payer=user).select_related("tax_type", "bill", "case").order_by("-created_at")


def my_levy_charges(user: Any) -> QuerySet[LevyCharge]:
    if user is None or not getattr(user, "is_authenticated", False):
        return LevyCharge.objects.none()
    return (
        LevyCharge.objects.filter(subscription__subscriber=user)
        .select_related("subscription__levy_type", "bill")
        .order_by("-period_year", "-period_month")
    )


def amount_today(liability: Any, *, at: dt.datetime | None = None, online: bool = True) -> Any:
    """What paying the liability's bill costs now (None when it has no unpaid bill)."""
    bill = getattr(liability, "bill", None)
    if bill is None or bill.status != "unpaid":
        return None
    return amount_due_at(bill, at or timezone.now(), online=online)


# --- The revenue agency's lists ----------------------------------------------------------------------------


def _staff(user: Any) -> bool:
    return is_tax_staff(user)


def staff_taxpayers(user: Any, *, q: str = "", kind: str = "", active: str = "") -> QuerySet[Taxpayer]:
    if not _staff(user):
        return Taxpayer.objects.none()
    rows = Taxpayer.objects.all().order_by("npwpd")
    if q:
        rows = rows.filter(Q(npwpd__icontains=q) | Q(name__icontains=q))
    if kind:
        rows = rows.filter(kind=kind)
    if active in {"yes", "no"}:
        rows = rows.filter(is_active=active == "yes")
    return rows


def staff_taxpayer(user: Any, npwpd: str) -> Taxpayer | None:
    if not _staff(user):
        return None
    return Taxpayer.objects.filter(npwpd=npwpd).first()


def staff_objects(user: Any, *, nop: str = "", npwpd: str = "", active: str = "") -> QuerySet[TaxObject]:
    if not _staff(user):
        return TaxObject.objects.none()
    rows = TaxObject.objects.select_related("taxpayer").order_by("nop")
    if nop:
        rows = rows.filter(nop__startswith=nop)
    if npwpd:
        rows = rows.filter(taxpayer__npwpd=npwpd)
    if active in {"yes", "no"}:
        rows = rows.filter(is_active=active == "yes")
    return rows


def staff_object(user: Any, nop: str) -> TaxObject | None:
    if not _staff(user):
        return None
    return TaxObject.objects.select_related("taxpayer").filter(nop=nop).first()


def staff_assessments(user: Any, *, year: int | None = None, status: str = "", nop: str = "") -> QuerySet[Assessment]:
    if not _staff(user):
        return Assessment.objects.none()
    rows = Assessment.objects.select_related("tax_object", "taxpayer", "bill").order_by("-year", "tax_object__nop")
    if year:
        rows = rows.filter(year=year)
    if status:
        rows = rows.filter(status=status)
    if nop:
        rows = rows.filter(tax_object__nop__startswith=nop)
    return rows


def latest_sppt_year(user: Any) -> int | None:
    if not _staff(user):
        return None
    return Assessment.objects.order_by("-year").values_list("year", flat=True).first()


def staff_runs(user: Any) -> QuerySet[GenerationRun]:
    if not _staff(user):
        return GenerationRun.objects.none()
    return GenerationRun.objects.select_related("tax_type", "requested_by").order_by("-created_at", "-id")


def staff_returns(
    user: Any,
    *,
    tax_type: str = "",
    year: int | None = None,
    month: int | None = None,
    status: str = "",
    late: str = "",
) -> QuerySet[TaxReturn]:
    if not _staff(user):
        return TaxReturn.objects.none()
    rows = TaxReturn.objects.select_related("taxpayer", "tax_type", "bill").order_by(
        "-period_year", "-period_month", "-id"
    )
    if tax_type:
        rows = rows.filter(tax_type__code=tax_type)
    if year:
        rows = rows.filter(period_year=year)
    if month:
        rows = rows.filter(period_month=month)
    if status:
        rows = rows.filter(status=status)
    if late in {"yes", "no"}:
        rows = rows.filter(filed_late=late == "yes")
    return rows


def staff_arrears(
    user: Any, *, revenue_code: str = "", due_before: dt.date | None = None, at: dt.datetime | None = None
) -> Any:
    """Unpaid tax bills of the revenue agency past their due date, the longest overdue first."""
    from balai.payments.models import Bill

    if not _staff(user):
        return Bill.objects.none()
    moment = at or timezone.now()
    rows = (
        Bill.objects.filter(
            organization__code=tax_agency_code(), status="unpaid", due_at__lt=moment, kind__in=TAX_BILL_KINDS
        )
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=moment))
        .order_by("due_at", "id")
    )
    if revenue_code:
        rows = rows.filter(revenue_code=revenue_code)
    if due_before:
        from balai.taxes.due import end_of_day

        rows = rows.filter(due_at__lte=end_of_day(due_before))
    return rows
