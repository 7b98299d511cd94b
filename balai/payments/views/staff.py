"""/kantor/pendapatan/: the revenue agency's pages — the revenue of a day or a date range by revenue code and
channel, flagged payments, refused callbacks and refunds, with CSV and XLSX exports; a bill looked up by its
payment code, and its refund. Staff without a revenue role get the 403 page; a bill outside their agencies is a
404."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from balai.audit.services import audit_log
from balai.core.exceptions import BalaiError
from balai.payments.forms import DateRangeForm, PaymentCodeForm, RefundForm
from balai.payments.models import Payment
from balai.payments.reports import (
    bill_for_staff,
    callback_problems,
    flagged_payments,
    may_see_revenue,
    refunds_between,
    report_table,
    revenue_report,
    scope_for,
    to_csv,
    to_xlsx,
    today,
)
from balai.payments.services import may_refund, refund_create
from balai.web.views import staff_member_required

from .common import amounts_today, credited_payment, valid_receipt

LIST_LIMIT = 100
EXPORTS = ("revenue", "flagged", "refunds")
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _require_revenue_role(request: HttpRequest) -> Any:
    """The agencies whose revenue the person sees (computed once per request); 403 when none."""
    scope = scope_for(request.user)
    if not may_see_revenue(request.user, scope=scope):
        raise DjangoPermissionDenied
    return scope


def _flagged_table(rows: list[Payment]) -> tuple[list[str], list[list[Any]]]:
    header = [
        _("Received at"),
        _("Payment code"),
        _("Provider"),
        _("Transaction"),
        _("Amount"),
        _("Expected"),
        _("Why"),
    ]
    return header, [
        [
            p.received_at.isoformat(),
            p.bill.payment_code,
            p.provider,
            p.provider_transaction_id,
            p.amount,
            p.expected_amount,
            p.get_flag_reason_display(),
        ]
        for p in rows
    ]


def _refunds_table(rows: list[Any]) -> tuple[list[str], list[list[Any]]]:
    header = [_("Refunded at"), _("Payment code"), _("Revenue code"), _("Amount"), _("Reason"), _("By")]
    return header, [
        [
            r.created_at.isoformat(),
            r.bill.payment_code,
            r.bill.revenue_code,
            r.amount,
            r.reason,
            r.created_by.full_name or r.created_by.email,
        ]
        for r in rows
    ]


def _export(request: HttpRequest, kind: str, fmt: str, start: Any, end: Any, scope: Any) -> HttpResponse:
    user = request.user
    if kind == "revenue":
        header, rows = report_table(revenue_report(user, start=start, end=end, scope=scope))
    elif kind == "flagged":
        header, rows = _flagged_table(list(flagged_payments(user, start=start, end=end, scope=scope)))
    else:
        refunds = refunds_between(user, start=start, end=end, scope=scope)
        header, rows = _refunds_table(list(refunds))
    name = f"pendapatan-{kind}-{start:%Y%m%d}-{end:%Y%m%d}.{fmt}"
    data = to_csv(header, rows) if fmt == "csv" else to_xlsx(header, rows, title=kind)
    audit_log(
        actor=request.user,
        action="payment.report_exported",
        summary={"report": kind, "format": fmt, "start": start, "end": end, "rows": len(rows)},
    )
    response = HttpResponse(data, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@never_cache
@staff_member_required
@require_safe
def revenue_page(request: HttpRequest) -> HttpResponse:
    scope = _require_revenue_role(request)
    form = DateRangeForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        start = end = today()
        status = 400
    else:
        if not form.is_bound:
            form = DateRangeForm({"start": today(), "end": today()})
            form.is_valid()
        start, end = form.dates()
        status = 200
        kind, fmt = request.GET.get("export", ""), request.GET.get("format", "")
        if kind in EXPORTS and fmt in FORMATS:
            return _export(request, kind, fmt, start, end, scope)
    user = request.user
    flagged = list(flagged_payments(user, start=start, end=end, scope=scope)[: LIST_LIMIT + 1])
    problems = list(callback_problems(user, start=start, end=end, scope=scope)[: LIST_LIMIT + 1])
    refunds = list(refunds_between(user, start=start, end=end, scope=scope)[: LIST_LIMIT + 1])
    context = {
        "form": form,
        "lookup_form": PaymentCodeForm(),
        "start": start,
        "end": end,
        "report": revenue_report(user, start=start, end=end, scope=scope),
        "flagged": flagged[:LIST_LIMIT],
        "flagged_more": len(flagged) > LIST_LIMIT,
        "problems": problems[:LIST_LIMIT],
        "problems_more": len(problems) > LIST_LIMIT,
        "refunds": refunds[:LIST_LIMIT],
        "refunds_more": len(refunds) > LIST_LIMIT,
        "limit": LIST_LIMIT,
        "query": f"start={start:%Y-%m-%d}&end={end:%Y-%m-%d}",
    }
    return render(request, "payments/staff/revenue.html", context, status=status)


@never_cache
@staff_member_required
@require_safe
def bill_lookup(request: HttpRequest) -> HttpResponse:
    _require_revenue_role(request)
    form = PaymentCodeForm(request.GET or None)
    if form.is_bound and form.is_valid():
        if bill_for_staff(request.user, form.cleaned_data["code"]) is not None:
            return redirect("revenue:bill", code=form.cleaned_data["code"])
        form.add_error("code", _("None of the bills of your agencies has this payment code."))
    return render(request, "payments/staff/lookup.html", {"form": form}, status=400 if form.errors else 200)


def _bill_page(request: HttpRequest, bill: Any, form: RefundForm | None, *, status: int = 200) -> HttpResponse:
    payment = credited_payment(bill)
    return render(
        request,
        "payments/staff/bill.html",
        {
            "bill": bill,
            "items": list(bill.items.all()),
            "due": amounts_today(bill),
            "payment": payment,
            "receipt": valid_receipt(payment),
            "payments": list(bill.payments.order_by("received_at", "id")),
            "refunds": list(bill.refunds.select_related("created_by").order_by("created_at", "id")),
            "instructions": list(bill.instructions.order_by("-created_at", "-id")[:10]),
            "may_refund": may_refund(request.user, bill) and bill.refundable_amount > 0 and bill.status == "paid",
            "form": form,
        },
        status=status,
    )


@never_cache
@staff_member_required
@require_http_methods(["GET", "HEAD", "POST"])
def bill_page(request: HttpRequest, code: str) -> HttpResponse:
    _require_revenue_role(request)
    bill = bill_for_staff(request.user, code)
    if bill is None:
        raise Http404
    if request.method != "POST":
        return _bill_page(request, bill, RefundForm(initial={"amount": bill.refundable_amount or ""}))
    if not may_refund(request.user, bill):
        raise DjangoPermissionDenied
    form = RefundForm(request.POST)
    if form.is_valid():
        try:
            refund_create(
                actor=request.user, bill=bill, amount=form.cleaned_data["amount"], reason=form.cleaned_data["reason"]
            )
        except BalaiError as exc:
            for name, msgs in (exc.fields or {"__all__": [str(exc.message)]}).items():
                for message in msgs:
                    form.add_error(name if name in form.fields else None, message)
        else:
            messages.success(request, _("The refund has been recorded."))
            return redirect("revenue:bill", code=bill.payment_code)
    bill.refresh_from_db()
    return _bill_page(request, bill, form, status=400)
