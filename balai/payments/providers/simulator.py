"""The built-in payment simulator: a pretend bank used by the demo and the tests.

It makes VA numbers and dynamic QRIS codes like a bank would; its own pages (/simulasi-bank/...) are the bank's
VA screen and the QRIS screen where the demo payer presses "Bayar"; it then keeps the transfer in its own book
(``SimulatedTransfer``) and notifies the platform exactly like a real gateway: a signed POST to the callback
endpoint. With ``BALAI_PAYMENTS_SIMULATOR_DELIVERY=http`` (``make run``) a task sends it over HTTP to
``BALAI_PUBLIC_URL``; with ``inprocess`` (tests) the same handler and signature check run in this process.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import secrets
import urllib.error
import urllib.request
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from balai.core.exceptions import Conflict
from balai.payments.conf import payment_code_prefix, public_url, simulator_delivery
from balai.payments.models import Channel, InstructionStatus, PaymentInstruction, SimulatedTransfer

from . import qris
from .base import InstructionData, PaymentProvider, TransferReport, register
from .signing import signed_headers

logger = logging.getLogger("balai.payments")

NAME = "simulator"
VA_PREFIX = "8808"  # the simulated bank's company code in front of the payment code's running number
CALLBACK_PATH = "/api/v1/payments/callbacks/simulator"
HTTP_TIMEOUT = 10


def callback_body(report: TransferReport) -> bytes:
    """The notification every provider of Balai's generic protocol sends (see docs/operators/payments.md)."""
    return json.dumps(
        {
            "event": "payment.paid",
            "transaction_id": report.transaction_id,
            "payment_code": report.payment_code,
            "reference": report.reference,
            "amount": report.amount,
            "currency": report.currency,
            "channel": report.channel,
            "paid_at": report.paid_at.isoformat(),
        },
        separators=(",", ":"),
    ).encode()


@register
class SimulatorProvider(PaymentProvider):
    name = NAME
    label = gettext_lazy("Payment simulator (demo bank)")
    channels = (Channel.VIRTUAL_ACCOUNT, Channel.QRIS)

    def create_instruction(
        self, *, bill: Any, channel: str, amount: int, expires_at: dt.datetime, instruction_key: str
    ) -> InstructionData:
        reference = "SIM" + secrets.token_hex(8).upper()
        if channel == Channel.VIRTUAL_ACCOUNT:
            return InstructionData(provider_reference=reference, va_number=VA_PREFIX + bill.payment_code[4:])
        from balai.documents.services.content import current_region

        region = current_region()
        payload = qris.build_payload(
            merchant_id="ID" + payment_code_prefix() + "0000000001",
            merchant_name=bill.organization.name,
            city=region.capital if region is not None and region.capital else "Indonesia",
            amount=amount,
            bill_number=bill.payment_code,
            reference=reference,
        )
        return InstructionData(provider_reference=reference, qr_payload=payload)

    def query_status(self, instruction: Any) -> TransferReport | None:
        transfer = SimulatedTransfer.objects.filter(instruction=instruction).first()
        return report_of(transfer) if transfer is not None else None


def report_of(transfer: SimulatedTransfer) -> TransferReport:
    instruction = transfer.instruction
    return TransferReport(
        transaction_id=transfer.transaction_id,
        amount=transfer.amount,
        currency="IDR",
        channel=instruction.channel,
        paid_at=transfer.paid_at,
        payment_code=instruction.bill.payment_code,
        reference=instruction.provider_reference,
    )


def instruction_for_va(va_number: str) -> PaymentInstruction | None:
    """The newest instruction of the simulator with this VA number (what the bank's VA screen finds)."""
    digits = "".join(c for c in str(va_number or "")[:40] if c.isdigit())
    if len(digits) != 16:
        return None
    return (
        PaymentInstruction.objects.select_related("bill__organization")
        .filter(provider=NAME, channel=Channel.VIRTUAL_ACCOUNT, va_number=digits)
        .order_by("-created_at", "-id")
        .first()
    )


def instruction_for_reference(reference: str) -> PaymentInstruction | None:
    text = str(reference or "")[:64]
    if not text.isalnum():
        return None
    return (
        PaymentInstruction.objects.select_related("bill__organization")
        .filter(provider=NAME, provider_reference=text)
        .first()
    )


def simulator_pay(*, instruction: PaymentInstruction) -> SimulatedTransfer:
    """The demo payer pressed "Bayar": book the transfer (once per instruction) and notify the platform.

    Raises Conflict when the instruction is no longer payable at the bank (expired, replaced, already used)."""
    now = timezone.now()
    with transaction.atomic():
        existing = SimulatedTransfer.objects.filter(instruction=instruction).first()
        if existing is None:
            if instruction.status != InstructionStatus.ACTIVE or instruction.expires_at <= now:
                raise Conflict(
                    _("The bank refuses this payment: the virtual account or QR code is no longer valid."),
                    code="instruction_not_active",
                )
            try:
                with transaction.atomic():
                    existing = SimulatedTransfer.objects.create(
                        transaction_id="SIMTRX" + secrets.token_hex(10).upper(),
                        instruction=instruction,
                        amount=instruction.amount,
                        paid_at=now,
                    )
            except IntegrityError:  # the same button pressed twice at once
                existing = SimulatedTransfer.objects.get(instruction=instruction)
    # After the booking is stored: the notification may go over HTTP to another process that must see it.
    simulator_notify(existing.pk)
    return existing


def simulator_notify(transfer_id: int) -> None:
    """Send (or send again) the notification of a simulated transfer the configured way."""
    if simulator_delivery() == "inprocess":
        deliver(transfer_id)
        return
    from balai.payments.tasks import deliver_simulator_callback

    deliver_simulator_callback.enqueue(transfer_id)


def deliver(transfer_id: int) -> int | None:
    """Post the signed notification of one transfer and record the answer (in-process or over HTTP)."""
    transfer = SimulatedTransfer.objects.select_related("instruction__bill").filter(pk=transfer_id).first()
    if transfer is None:
        return None
    body = callback_body(report_of(transfer))
    headers = signed_headers(SimulatorProvider().secret(), body)
    status: int | None
    if simulator_delivery() == "inprocess":
        from balai.payments.services.callbacks import callback_receive

        status = callback_receive(provider_name=NAME, body=body, headers=headers, remote_ip="127.0.0.1").status
    else:
        status = _post(public_url() + CALLBACK_PATH, body, headers)
    SimulatedTransfer.objects.filter(pk=transfer.pk).update(
        attempts=transfer.attempts + 1,
        last_status=status,
        delivered_at=timezone.now() if status == 200 else transfer.delivered_at,
    )
    return status


def _post(url: str, body: bytes, headers: dict[str, str]) -> int | None:
    request = urllib.request.Request(  # noqa: S310 - the platform's own configured address
        url, data=body, method="POST", headers={**headers, "Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT) as response:  # noqa: S310
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)
    except (urllib.error.URLError, OSError) as exc:
        logger.warning("simulator could not deliver a callback", extra={"url": url, "error": str(exc)})
        return None
