"""/kantor/pajak/: SPPT (with the yearly generation and its progress), returns (SPTPD) and arrears. Tax staff only."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from balai.core.exceptions import BalaiError
from balai.taxes import selectors
from balai.taxes.exports import Column
from balai.taxes.forms import ArrearsFilter, AssessmentFilter, ReturnFilter, YearForm, put_errors
from balai.taxes.nop import format_nop
from balai.taxes.services import generation_request

from .common import bill_url, render_list, tax_staff_required
from .staff_register import crumbs, object_url, taxpayer_url

RUNS_SHOWN = 5


def _payment_code(liability: Any) -> str:
    return liability.bill.payment_code if liability.bill_id else ""


def _bill_link(liability: Any) -> str | None:
    return bill_url(liability.bill, staff=True) if liability.bill_id else None


ASSESSMENT_COLUMNS = [
    Column(gettext_lazy("Year"), lambda a: a.year),
    Column(gettext_lazy("NOP"), lambda a: format_nop(a.tax_object.nop), link=lambda a: object_url(a.tax_object)),
    Column(gettext_lazy("NPWPD"), lambda a: a.taxpayer.npwpd, link=lambda a: taxpayer_url(a.taxpayer)),
    Column(gettext_lazy("Taxpayer"), lambda a: a.taxpayer.name),
    Column(gettext_lazy("NJOP"), lambda a: a.njop, money=True),
    Column(gettext_lazy("NJOPTKP"), lambda a: a.njoptkp, money=True),
    Column(gettext_lazy("Tax due"), lambda a: a.amount, money=True),
    Column(gettext_lazy("Due date"), lambda a: a.due_date.isoformat()),
    Column(gettext_lazy("Status"), lambda a: a.get_status_display()),
    Column(gettext_lazy("Payment code"), _payment_code, link=_bill_link),
]


@never_cache
@require_safe
@tax_staff_required
def assessments(request: HttpRequest) -> HttpResponse:
    data = request.GET
    if "year" not in data:
        # The latest year by default: one year's SPPT are what staff work on (and all years at once is a sort of
        # millions of rows); an empty year field lists every year.
        data = data.copy()
        data["year"] = str(selectors.latest_sppt_year(request.user) or "")
    form = AssessmentFilter(data)
    filters = form.cleaned_data if form.is_valid() else {}
    runs = list(selectors.staff_runs(request.user)[:RUNS_SHOWN])
    return render_list(
        request,
        template="taxes/staff/assessments.html",
        queryset=selectors.staff_assessments(
            request.user, year=filters.get("year"), status=filters.get("status", ""), nop=filters.get("nop", "")
        ),
        columns=ASSESSMENT_COLUMNS,
        filter_form=form,
        export_name="sppt-pbb",
        context={
            "title": _("SPPT (PBB-P2 assessments)"),
            "list_title": _("SPPT"),
            "crumbs": crumbs((_("SPPT"), "")),
            "runs": runs,
            "generate_form": YearForm(prefix="generate", initial={"year": timezone.localdate().year}),
        },
    )


@never_cache
@require_POST
@tax_staff_required
def generate(request: HttpRequest) -> HttpResponse:
    """Queue the generation of every SPPT of a year; the page of the run shows its progress."""
    form = YearForm(request.POST, prefix="generate")
    status = 400
    if form.is_valid():
        try:
            run = generation_request(actor=request.user, year=form.cleaned_data["year"])
        except BalaiError as exc:
            put_errors(form, exc)
            status = 400 if exc.status == 422 else exc.status
        else:
            messages.success(request, _("The SPPT of %(year)s are being generated.") % {"year": run.year})
            return redirect("tax_office:run", run_id=run.pk)
    return render(
        request,
        "taxes/staff/form.html",
        {
            "form": form,
            "title": _("Generate the SPPT of a year"),
            "submit_label": _("Generate"),
            "action": reverse("tax_office:generate"),
            "crumbs": crumbs((_("SPPT"), reverse("tax_office:assessments")), (_("Generate"), "")),
        },
        status=status,
    )


@never_cache
@require_safe
@tax_staff_required
def run_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    run = selectors.staff_runs(request.user).filter(pk=run_id).first()
    if run is None:
        raise Http404
    return render(
        request,
        "taxes/staff/run.html",
        {
            "run": run,
            "refresh_seconds": 5 if run.is_active else None,
            "crumbs": crumbs(
                (_("SPPT"), reverse("tax_office:assessments")), (_("Generation %(year)s") % {"year": run.year}, "")
            ),
        },
    )


RETURN_COLUMNS = [
    Column(gettext_lazy("Period"), lambda r: f"{r.period_year}-{r.period_month:02d}"),
    Column(gettext_lazy("Tax"), lambda r: r.tax_type.code),
    Column(gettext_lazy("NPWPD"), lambda r: r.taxpayer.npwpd, link=lambda r: taxpayer_url(r.taxpayer)),
    Column(gettext_lazy("Taxpayer"), lambda r: r.taxpayer.name),
    Column(gettext_lazy("Turnover"), lambda r: r.turnover, money=True),
    Column(gettext_lazy("Tax due"), lambda r: r.amount, money=True),
    Column(gettext_lazy("Filed"), lambda r: timezone.localtime(r.filed_at).strftime("%Y-%m-%d %H:%M")),
    Column(gettext_lazy("Filed late"), lambda r: _("Yes") if r.filed_late else _("No")),
    Column(gettext_lazy("Due date"), lambda r: r.due_date.isoformat()),
    Column(gettext_lazy("Status"), lambda r: r.get_status_display()),
    Column(gettext_lazy("Paid late"), lambda r: _paid_late(r)),
    Column(gettext_lazy("Payment code"), _payment_code, link=_bill_link),
]


def _paid_late(tax_return: Any) -> str:
    bill = tax_return.bill
    if bill is None:
        return ""
    if bill.paid_at is not None:
        return _("Yes") if bill.paid_at > bill.due_at else _("No")
    return _("Overdue") if bill.status == "unpaid" and bill.due_at < timezone.now() else ""


@never_cache
@require_safe
@tax_staff_required
def returns(request: HttpRequest) -> HttpResponse:
    form = ReturnFilter(request.GET)
    filters = form.cleaned_data if form.is_valid() else {}
    return render_list(
        request,
        template="taxes/staff/returns.html",
        queryset=selectors.staff_returns(
            request.user,
            tax_type=filters.get("tax_type", ""),
            year=filters.get("year"),
            month=int(filters["month"]) if filters.get("month") else None,
            status=filters.get("status", ""),
            late=filters.get("late", ""),
        ),
        columns=RETURN_COLUMNS,
        filter_form=form,
        export_name="sptpd",
        context={
            "title": _("Tax returns (SPTPD)"),
            "list_title": _("Returns"),
            "lead": _("Monthly returns of self-assessed taxes, with late filing and late payment."),
            "crumbs": crumbs((_("Returns"), "")),
        },
    )


def arrears_columns(at: Any) -> list[Column]:
    def due(bill: Any) -> Any:
        cache = bill.__dict__.setdefault("_due", {})
        if "value" not in cache:
            cache["value"] = selectors.amount_due_at(bill, at, online=False)
        return cache["value"]

    return [
        Column(gettext_lazy("Payment code"), lambda b: b.payment_code, link=lambda b: bill_url(b, staff=True)),
        Column(gettext_lazy("Tax"), lambda b: b.revenue_code),
        Column(gettext_lazy("What for"), lambda b: b.description),
        Column(gettext_lazy("Payer"), lambda b: b.payer_name),
        Column(gettext_lazy("Due date"), lambda b: timezone.localtime(b.due_at).date().isoformat()),
        Column(gettext_lazy("Months late"), lambda b: due(b).penalty_months, numeric=True),
        Column(gettext_lazy("Tax due"), lambda b: b.amount, money=True),
        Column(gettext_lazy("Penalty today"), lambda b: due(b).penalty, money=True),
        Column(gettext_lazy("Total today"), lambda b: due(b).total, money=True),
    ]


@never_cache
@require_safe
@tax_staff_required
def arrears(request: HttpRequest) -> HttpResponse:
    form = ArrearsFilter(request.GET)
    filters = form.cleaned_data if form.is_valid() else {}
    now = timezone.now()
    return render_list(
        request,
        template="taxes/staff/_list.html",
        queryset=selectors.staff_arrears(request.user, at=now, **filters),
        columns=arrears_columns(now),
        filter_form=form,
        export_name="tunggakan",
        context={
            "title": _("Arrears"),
            "list_title": _("Unpaid tax bills past their due date"),
            "lead": _("The penalty is the interest per started month after the due date, as it stands today."),
            "crumbs": crumbs((_("Arrears"), "")),
        },
    )
