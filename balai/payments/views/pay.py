"""/bayar/: pay a bill by its payment code — no sign-in needed, the code is what entitles (only the amount,
the agency and the dates are shown; never the payer's name). Choose a channel, get a VA number or a QRIS code,
check the status with a button (no JavaScript), and download the receipt when signed in as the payer."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from balai.core.exceptions import BalaiError
from balai.payments.codes import is_well_formed, normalize_payment_code
from balai.payments.forms import ChannelForm, PaymentCodeForm
from balai.payments.models import Bill, BillStatus, Channel
from balai.payments.providers import offered_channels
from balai.payments.providers.qris import qr_svg
from balai.payments.ratelimit import rate_limited
from balai.payments.services import active_instruction, instruction_create, instruction_refresh, not_payable_message

from .common import amounts_today, credited_payment, valid_receipt


def _bill(code: str) -> Bill:
    normalized = normalize_payment_code(code)
    if not is_well_formed(normalized):
        raise Http404
    bill = Bill.objects.select_related("organization").filter(payment_code=normalized).first()
    if bill is None:
        raise Http404
    return bill


def _too_many(request: HttpRequest) -> HttpResponse:
    return render(request, "payments/too_many.html", status=429)


@never_cache
@require_http_methods(["GET", "HEAD"])
def start(request: HttpRequest) -> HttpResponse:
    form = PaymentCodeForm(request.GET or None)
    if request.GET:
        if rate_limited(request, scope="pay-lookup"):
            return _too_many(request)
        if form.is_valid():
            code = form.cleaned_data["code"]
            if Bill.objects.filter(payment_code=code).exists():
                return redirect("pay:bill", code=code)
            form.add_error("code", _("No bill has this payment code. Check the digits against the bill."))
    return render(request, "payments/pay_start.html", {"form": form}, status=400 if form.errors else 200)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def bill_page(request: HttpRequest, code: str) -> HttpResponse:
    if rate_limited(request, scope="pay-bill"):
        return _too_many(request)
    bill = _bill(code)
    channels = offered_channels()
    form = ChannelForm(request.POST or None, channels=channels)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                instruction_create(
                    actor=request.user if request.user.is_authenticated else None,
                    bill=bill,
                    channel=form.cleaned_data["channel"],
                )
            except BalaiError as exc:
                form.add_error(None, str(exc.message))
                status = 409 if exc.status == 409 else 400 if exc.status < 500 else 503
            else:
                return redirect("pay:bill", code=bill.payment_code)
        else:
            status = 400
        bill.refresh_from_db()
    instruction = active_instruction(bill) if bill.is_payable else None
    payment = credited_payment(bill) if bill.status in (BillStatus.PAID, BillStatus.REFUNDED) else None
    receipt = valid_receipt(payment)
    is_payer = request.user.is_authenticated and bill.payer_id == request.user.pk
    context = {
        "bill": bill,
        "due": amounts_today(bill),
        "form": form,
        "channels": channels,
        "instruction": instruction,
        "qr_svg": qr_svg(instruction.qr_payload, title=_("QRIS code to pay this bill"))
        if instruction is not None and instruction.channel == Channel.QRIS
        else "",
        "not_payable": "" if bill.is_payable else not_payable_message(bill.effective_status),
        "payment": payment,
        "receipt": receipt if is_payer else None,
        "is_payer": is_payer,
        "simulator": instruction is not None and instruction.provider == "simulator",
    }
    return render(request, "payments/pay.html", context, status=status)


@require_POST
def check_status(request: HttpRequest, code: str) -> HttpResponse:
    """The "check payment status" button: asks the provider when the notification has not come yet."""
    if rate_limited(request, scope="pay-check"):
        return _too_many(request)
    bill = _bill(code)
    instruction = active_instruction(bill) if bill.is_payable else None
    if instruction is not None:
        try:
            instruction_refresh(instruction=instruction)
        except BalaiError as exc:
            messages.error(request, str(exc.message))
    bill.refresh_from_db()
    if bill.status == BillStatus.PAID:
        messages.success(request, _("Payment received. Thank you."))
    elif bill.is_payable:
        messages.info(request, _("No payment has arrived yet. It can take a few minutes after you pay."))
    return redirect(reverse("pay:bill", args=[bill.payment_code]) + "#status")
