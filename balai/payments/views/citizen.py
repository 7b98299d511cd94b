"""/saya/tagihan/: the signed-in person's bills — unpaid first with today's amount (discount, penalty) — and one
bill with its items, payments and receipt. Another person's bill is a 404."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from balai.payments.models import Payment, PaymentStatus
from balai.payments.pricing import amount_due
from balai.payments.selectors import bill_for_payer, bills_for_payer

from .common import amounts_today, credited_payment, valid_receipt

PAGE_SIZE = 20


@never_cache
@login_required
@require_safe
def my_bills(request: HttpRequest) -> HttpResponse:
    credited = Prefetch(
        "payments",
        queryset=Payment.objects.filter(status=PaymentStatus.CREDITED).select_related("receipt"),
        to_attr="credited",
    )
    page = Paginator(bills_for_payer(request.user).prefetch_related(credited), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    now = timezone.now()
    rows = []
    for bill in page.object_list:
        payment = bill.credited[0] if bill.credited else None
        rows.append({"bill": bill, "due": amount_due(bill, at=now, online=True), "receipt": valid_receipt(payment)})
    return render(request, "payments/my_bills.html", {"page_obj": page, "rows": rows})


@never_cache
@login_required
@require_safe
def my_bill(request: HttpRequest, code: str) -> HttpResponse:
    bill = bill_for_payer(request.user, code)
    if bill is None:
        raise Http404
    payment = credited_payment(bill)
    return render(
        request,
        "payments/my_bill.html",
        {
            "bill": bill,
            "items": list(bill.items.all()),
            "due": amounts_today(bill),
            "payment": payment,
            "receipt": valid_receipt(payment),
            "refunds": list(bill.refunds.order_by("created_at", "id")),
        },
    )
