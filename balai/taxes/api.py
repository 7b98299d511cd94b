"""``/api/v1/taxes``: the signed-in person's taxes (``GET /mine``), filing a monthly return (``POST /returns``), and the
revenue agency's arrears (``GET /arrears``, tax staff). Same rules as the pages: the services check permission and
input; errors are the API's error body with a 4xx status."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Query, Router, Schema, Status

from balai.api.auth import require_scope
from balai.api.errors import responses
from balai.api.pagination import PageOut, PageQuery, paginate
from balai.api.scopes import register_scope
from balai.core.exceptions import NotFound, PermissionDenied
from balai.taxes import selectors
from balai.taxes.access import is_tax_staff
from balai.taxes.models import Taxpayer
from balai.taxes.nop import format_nop
from balai.taxes.services import tax_return_file

router = Router(tags=["taxes"])
FILE_SCOPE = "taxes:file"
STAFF_SCOPE = "taxes:staff"
register_scope(FILE_SCOPE, gettext_lazy("File monthly tax returns (SPTPD) for your taxpayer numbers"))
register_scope(STAFF_SCOPE, gettext_lazy("Read the revenue agency's tax reports (tax staff)"))
MAX_MINE = 200


class AmountDueOut(Schema):
    base: int = Field(description="The bill's amount, whole rupiah.")
    discount: int = Field(description="Online discount when paid online today (before the due date).")
    penalty: int = Field(description="Late-payment interest as of now (per started month after the due date).")
    total: int = Field(description="What paying online now costs.")


class TaxpayerOut(Schema):
    npwpd: str = Field(description="Regional taxpayer number, e.g. P.1.0000001.99.01.")
    name: str
    kind: str = Field(description="individual or business.")
    files_returns_for: list[str] = Field(description="Codes of the monthly self-assessed taxes it files.")


class TaxObjectOut(Schema):
    nop: str = Field(description="18 digits.")
    nop_formatted: str = Field(description="32.01.010.001.001.0001.0 style.")
    npwpd: str
    location: str
    land_area_m2: int
    building_area_m2: int
    njop: int = Field(description="Whole rupiah.")


class AssessmentOut(Schema):
    year: int
    nop: str
    npwpd: str
    njop: int
    njoptkp: int = Field(description="The non-taxable part deducted on this SPPT (once per taxpayer and year).")
    amount: int = Field(description="The tax, whole rupiah.")
    due_date: dt.date
    status: str = Field(description="unpaid, paid, cancelled or refunded.")
    payment_code: str | None
    amount_today: AmountDueOut | None = Field(None, description="Present while the bill is unpaid.")


class ReturnOut(Schema):
    id: int
    npwpd: str
    tax: str = Field(description="Tax code, e.g. PBJT-MAKAN.")
    year: int
    month: int
    turnover: int
    amount: int = Field(description="rate × turnover, whole rupiah (0 for a nil return).")
    due_date: dt.date
    filed_at: dt.datetime
    filed_late: bool
    status: str = Field(description="unpaid, paid, nil (nothing to pay), cancelled or refunded.")
    payment_code: str | None
    amount_today: AmountDueOut | None = None


class MineOut(Schema):
    taxpayers: list[TaxpayerOut]
    objects: list[TaxObjectOut]
    assessments: list[AssessmentOut]
    returns: list[ReturnOut]


class ReturnIn(Schema):
    npwpd: str = Field(max_length=17, description="One of your taxpayer numbers.")
    tax: str = Field(max_length=40, description="Tax code, e.g. PBJT-MAKAN.")
    year: int = Field(description="Year of the month filed.")
    month: int = Field(description="1–12; only a month that has ended.")
    turnover: int = Field(description="Whole rupiah, zero or more (0 files a nil return).")


class ArrearOut(Schema):
    payment_code: str
    tax: str = Field(description="Revenue code of the tax.")
    description: str
    payer_name: str
    due_at: dt.datetime
    months_late: int = Field(description="Started months since the due date (capped by the tax's maximum).")
    amount: int
    penalty: int = Field(description="Interest as of now.")
    total: int = Field(description="What is due now (paid at the counter).")


class ArrearsPage(PageOut):
    results: list[ArrearOut]


class ArrearsQuery(PageQuery):
    tax: str = Field("", max_length=40, description="Only this tax (revenue code).")
    due_before: dt.date | None = Field(None, description="Only bills due on or before this date.")


def _due(value: Any) -> dict[str, int] | None:
    if value is None:
        return None
    return {"base": value.base, "discount": value.discount, "penalty": value.penalty, "total": value.total}


def _assessment(row: Any, now: dt.datetime) -> dict[str, Any]:
    return {
        "year": row.year,
        "nop": row.tax_object.nop,
        "npwpd": row.taxpayer.npwpd,
        "njop": row.njop,
        "njoptkp": row.njoptkp,
        "amount": row.amount,
        "due_date": row.due_date,
        "status": row.status,
        "payment_code": row.bill.payment_code if row.bill_id else None,
        "amount_today": _due(selectors.amount_today(row, at=now)),
    }


def _return(row: Any, now: dt.datetime) -> dict[str, Any]:
    return {
        "id": row.pk,
        "npwpd": row.taxpayer.npwpd,
        "tax": row.tax_type.code,
        "year": row.period_year,
        "month": row.period_month,
        "turnover": row.turnover,
        "amount": row.amount,
        "due_date": row.due_date,
        "filed_at": row.filed_at,
        "filed_late": row.filed_late,
        "status": row.status,
        "payment_code": row.bill.payment_code if row.bill_id else None,
        "amount_today": _due(selectors.amount_today(row, at=now)),
    }


@router.get("/mine", response=responses(MineOut, 401, 403), url_name="taxes_mine", summary="Your taxes")
def my_taxes(request: HttpRequest) -> dict[str, Any]:
    """The taxpayers linked to your account, their PBB-P2 objects and SPPT, and their monthly returns (at most 200
    of each, newest first), with what paying online costs now."""
    from balai.taxes.services import self_assessed_types

    user = request.auth  # type: ignore[attr-defined]
    now = timezone.now()
    taxpayers = list(selectors.taxpayers_of(user))
    return {
        "taxpayers": [
            {
                "npwpd": t.npwpd,
                "name": t.name,
                "kind": t.kind,
                "files_returns_for": [tax.code for tax in self_assessed_types(t)],
            }
            for t in taxpayers
        ],
        "objects": [
            {
                "nop": o.nop,
                "nop_formatted": format_nop(o.nop),
                "npwpd": o.taxpayer.npwpd,
                "location": o.location,
                "land_area_m2": o.land_area_m2,
                "building_area_m2": o.building_area_m2,
                "njop": o.njop,
            }
            for o in selectors.my_objects(user)[:MAX_MINE]
        ],
        "assessments": [_assessment(a, now) for a in selectors.my_assessments(user)[:MAX_MINE]],
        "returns": [_return(r, now) for r in selectors.my_returns(user)[:MAX_MINE]],
    }


@router.post(
    "/returns",
    response={201: ReturnOut, **responses(None, 401, 403, 404, 409, 422)},
    url_name="taxes_file_return",
    summary="File a monthly return (SPTPD)",
)
def file_return(request: HttpRequest, body: ReturnIn) -> Status:
    """File the turnover of a month that has ended for one of your taxpayer numbers and a monthly self-assessed tax
    it is registered for. The tax is rate × turnover; a bill (kind ``tax_return``) with a payment code is made at
    once unless the turnover is 0. A return filed after the tax's due rule is marked ``filed_late``. One return
    per month: a second one is 409 (corrections are made at the revenue agency). API keys need ``taxes:file``."""
    user = request.auth  # type: ignore[attr-defined]
    require_scope(request, FILE_SCOPE)
    npwpd = body.npwpd.strip().upper()
    taxpayer = selectors.taxpayers_of(user).filter(npwpd=npwpd).first()
    if taxpayer is None and is_tax_staff(user):
        taxpayer = Taxpayer.objects.filter(npwpd=npwpd).first()
    if taxpayer is None:
        raise NotFound(_("None of your taxpayer numbers is %(npwpd)s.") % {"npwpd": npwpd}, code="unknown_npwpd")
    filed = tax_return_file(
        actor=user, taxpayer=taxpayer, tax_type=body.tax, year=body.year, month=body.month, turnover=body.turnover
    )
    filed = selectors.my_returns(user).filter(pk=filed.pk).first() or filed
    return Status(201, _return(filed, timezone.now()))


@router.get(
    "/arrears",
    response=responses(ArrearsPage, 401, 403, 422),
    url_name="taxes_arrears",
    summary="Arrears (tax staff)",
)
def arrears(request: HttpRequest, query: Query[ArrearsQuery]) -> dict[str, Any]:
    """Unpaid tax bills of the revenue agency past their due date, the longest overdue first, with the interest as
    of now. Tax officers and heads of the revenue agency only; API keys need ``taxes:staff``."""
    user = request.auth  # type: ignore[attr-defined]
    if not is_tax_staff(user):
        raise PermissionDenied(_("Only tax officers and heads of the revenue agency may do this."))
    require_scope(request, STAFF_SCOPE)
    now = timezone.now()
    rows = selectors.staff_arrears(user, revenue_code=query.tax.strip().upper(), due_before=query.due_before, at=now)
    result = paginate(rows, query)
    results = []
    for bill in result["results"]:
        due = selectors.amount_due_at(bill, now, online=False)
        results.append(
            {
                "payment_code": bill.payment_code,
                "tax": bill.revenue_code,
                "description": bill.description,
                "payer_name": bill.payer_name,
                "due_at": bill.due_at,
                "months_late": due.penalty_months,
                "amount": bill.amount,
                "penalty": due.penalty,
                "total": due.total,
            }
        )
    result["results"] = results
    return result
