"""/simulasi-bank/: the payment simulator's own screens, standing in for a bank — the VA screen (enter the VA
number, see the amount, press "Bayar") and the QRIS screen — for the demo. They only exist while the simulator
provider is enabled; in production it is not."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from balai.core.exceptions import BalaiError
from balai.payments.conf import enabled_providers
from balai.payments.forms import VaNumberForm
from balai.payments.models import InstructionStatus, SimulatedTransfer
from balai.payments.providers.qris import qr_svg
from balai.payments.providers.simulator import (
    instruction_for_reference,
    instruction_for_va,
    simulator_notify,
    simulator_pay,
)
from balai.payments.ratelimit import rate_limited


def _enabled() -> None:
    if "simulator" not in enabled_providers():
        raise Http404


def _pay(request: HttpRequest, instruction) -> HttpResponse:  # noqa: ANN001
    try:
        transfer = simulator_pay(instruction=instruction)
    except BalaiError as exc:
        messages.error(request, str(exc.message))
        return None  # type: ignore[return-value]
    return redirect("bank_simulator:done", transaction_id=transfer.transaction_id)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def va_screen(request: HttpRequest) -> HttpResponse:
    _enabled()
    if rate_limited(request, scope="simulator"):
        return render(request, "payments/too_many.html", status=429)
    form = VaNumberForm(request.POST or request.GET or None)
    instruction = None
    status = 200
    if form.is_bound:
        if form.is_valid():
            instruction = instruction_for_va(form.cleaned_data["va_number"])
            if instruction is None:
                form.add_error("va_number", _("The bank knows no virtual account with this number."))
            elif request.method == "POST" and "pay" in request.POST:
                response = _pay(request, instruction)
                if response is not None:
                    return response
        if form.errors:
            status = 400
    return render(request, "payments/simulator/va.html", {"form": form, "instruction": instruction}, status=status)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def qris_screen(request: HttpRequest, reference: str) -> HttpResponse:
    _enabled()
    if rate_limited(request, scope="simulator"):
        return render(request, "payments/too_many.html", status=429)
    instruction = instruction_for_reference(reference)
    if instruction is None or not instruction.qr_payload:
        raise Http404
    if request.method == "POST":
        response = _pay(request, instruction)
        if response is not None:
            return response
    return render(
        request,
        "payments/simulator/qris.html",
        {
            "instruction": instruction,
            "qr_svg": qr_svg(instruction.qr_payload, title=_("QRIS code to pay this bill")),
            "active": instruction.status == InstructionStatus.ACTIVE,
        },
    )


@never_cache
@require_http_methods(["GET", "HEAD"])
def done(request: HttpRequest, transaction_id: str) -> HttpResponse:
    _enabled()
    transfer = (
        SimulatedTransfer.objects.select_related("instruction__bill")
        .filter(transaction_id=str(transaction_id)[:64])
        .first()
    )
    if transfer is None:
        raise Http404
    return render(request, "payments/simulator/done.html", {"transfer": transfer, "bill": transfer.instruction.bill})


@require_POST
def resend(request: HttpRequest, transaction_id: str) -> HttpResponse:
    """Send the notification again (as a bank retries): the platform credits once whatever happens."""
    _enabled()
    if rate_limited(request, scope="simulator"):
        return render(request, "payments/too_many.html", status=429)
    transfer = SimulatedTransfer.objects.filter(transaction_id=str(transaction_id)[:64]).first()
    if transfer is None:
        raise Http404
    simulator_notify(transfer.pk)
    messages.info(request, _("The bank has sent the payment notification again."))
    return redirect("bank_simulator:done", transaction_id=transfer.transaction_id)
