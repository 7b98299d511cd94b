"""/saya/pajak/: a person's taxes — the taxpayers linked to the account (NPWPD), their PBB-P2 objects and SPPT, their
returns, and the taxes and levies billed from their permits and subscriptions — and /saya/pajak/sptpd/, filing a
monthly return (SPTPD) online."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from balai.core.exceptions import BalaiError
from balai.taxes import selectors
from balai.taxes.forms import FilingForm, put_errors
from balai.taxes.services import self_assessed_types, tax_return_file
from balai.taxes.templatetags.taxes import format_rupiah

from .common import bill_url

MAX_ROWS = 100


def _lateness(row: Any, now: Any) -> str:
    """``paid_late`` when the bill was paid after its due date, ``overdue`` when it is unpaid past it."""
    bill = getattr(row, "bill", None)
    if bill is None:
        return ""
    if bill.paid_at is not None and bill.paid_at > bill.due_at:
        return "paid_late"
    if bill.status == "unpaid" and bill.due_at < now:
        return "overdue"
    return ""


def _with_due(rows: list, now: Any) -> list[dict]:
    return [
        {
            "row": row,
            "due": selectors.amount_today(row, at=now),
            "bill_url": bill_url(row.bill),
            "late": _lateness(row, now),
        }
        for row in rows
    ]


@never_cache
@require_safe
@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    now = timezone.now()
    taxpayers = list(selectors.taxpayers_of(user))
    filers = [t for t in taxpayers if self_assessed_types(t)]
    return render(
        request,
        "taxes/self/home.html",
        {
            "taxpayers": taxpayers,
            "objects": list(selectors.my_objects(user)[:MAX_ROWS]),
            "assessments": _with_due(list(selectors.my_assessments(user)[:MAX_ROWS]), now),
            "returns": _with_due(list(selectors.my_returns(user)[:MAX_ROWS]), now),
            "permit_taxes": _with_due(list(selectors.my_permit_taxes(user)[:MAX_ROWS]), now),
            "levy_charges": _with_due(list(selectors.my_levy_charges(user)[:MAX_ROWS]), now),
            "can_file": bool(filers),
        },
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def file_return(request: HttpRequest) -> HttpResponse:
    taxpayers = [t for t in selectors.taxpayers_of(request.user) if self_assessed_types(t)]
    if not taxpayers:
        return render(request, "taxes/self/no_filing.html", status=403)
    types = {tax.code: tax for taxpayer in taxpayers for tax in self_assessed_types(taxpayer)}
    form = FilingForm(request.POST or None, taxpayers=taxpayers, tax_types=sorted(types.values(), key=lambda t: t.code))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            taxpayer = next(t for t in taxpayers if t.npwpd == data["taxpayer"])
            try:
                filed = tax_return_file(
                    actor=request.user,
                    taxpayer=taxpayer,
                    tax_type=data["tax_type"],
                    year=data["year"],
                    month=data["month"],
                    turnover=data["turnover"],
                )
            except BalaiError as exc:
                put_errors(form, exc)
                status = 409 if exc.status == 409 else 400
            else:
                if filed.bill_id:
                    messages.success(
                        request,
                        _("Your return is filed. Pay %(amount)s by %(date)s with payment code %(code)s.")
                        % {
                            "amount": format_rupiah(filed.amount),
                            "date": filed.due_date.strftime("%d-%m-%Y"),
                            "code": filed.bill.payment_code,
                        },
                    )
                else:
                    messages.success(request, _("Your nil return is filed. There is nothing to pay."))
                return redirect("my_taxes:home")
    return render(request, "taxes/self/file.html", {"form": form}, status=status)
