"""Payment instructions: a VA number or a QRIS code for what the bill costs now, valid until the amount would
change (due date, next month of penalty), the bill expires, or ``BALAI_PAYMENTS_INSTRUCTION_TTL_SECONDS`` pass.

Anyone holding the payment code may ask for one (paying someone else's tax at a bank is ordinary); an expired,
cancelled, refunded or paid bill gets none. A still-valid instruction of the same channel is given again
instead of a new one; asking for another channel replaces the older instruction.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from balai.audit.services import audit_log
from balai.core.exceptions import Conflict, ValidationFailed
from balai.payments.conf import instruction_ttl_seconds, receipts_inline
from balai.payments.models import Bill, BillStatus, Channel, InstructionStatus, PaymentInstruction
from balai.payments.pricing import amount_due, price_changes_after
from balai.payments.providers.base import TransferReport, get_provider, provider_for_channel

from .common import lock_bill, settle_expiry
from .crediting import RecordResult, payment_record
from .receipts import issue_receipt_quietly

# An instruction about to run out is not handed out again: the payer needs time to go to the bank.
MIN_REMAINING = dt.timedelta(minutes=10)

NOT_PAYABLE_MESSAGES = {
    BillStatus.PAID: gettext_lazy("This bill has already been paid."),
    BillStatus.CANCELLED: gettext_lazy("This bill has been cancelled and cannot be paid."),
    BillStatus.EXPIRED: gettext_lazy(
        "This bill has expired and cannot be paid any more. Ask the agency for a new bill."
    ),
    BillStatus.REFUNDED: gettext_lazy("This bill has been paid and refunded; it cannot be paid again."),
}


def not_payable_message(status: str) -> str:
    return str(NOT_PAYABLE_MESSAGES.get(status, _("This bill cannot be paid.")))


def _expiry(bill: Bill, now: dt.datetime) -> dt.datetime:
    candidates = [now + dt.timedelta(seconds=instruction_ttl_seconds())]
    if bill.expires_at is not None:
        candidates.append(bill.expires_at)
    change = price_changes_after(bill, now)
    if change is not None:
        candidates.append(change)
    return min(candidates)


def instruction_create(*, actor: Any, bill: Bill, channel: str, provider: str | None = None) -> PaymentInstruction:
    """A VA number or QRIS code for ``bill`` through ``provider`` (by default the first enabled one offering
    ``channel``). ``actor`` may be anonymous: the payment code is what entitles.

    Raises ValidationFailed (unknown channel), NotFound (provider not enabled), Conflict (the bill cannot be
    paid) or ProviderError (the gateway cannot be reached; nothing is stored then)."""
    if channel not in Channel.values:
        raise ValidationFailed(fields={"channel": [_("Choose virtual account or QRIS.")]})
    chosen = get_provider(provider) if provider else provider_for_channel(channel)
    if channel not in chosen.channels:
        raise ValidationFailed(fields={"channel": [_("This provider does not offer this channel.")]})
    with transaction.atomic():  # the expiry is recorded even though the request is then refused
        status = settle_expiry(lock_bill(bill)).status
    if status != BillStatus.UNPAID:
        raise Conflict(not_payable_message(status), code=f"bill_{status}")
    with transaction.atomic():
        locked = settle_expiry(lock_bill(bill))
        if locked.status != BillStatus.UNPAID:
            raise Conflict(not_payable_message(locked.status), code=f"bill_{locked.status}")
        now = timezone.now()
        due = amount_due(locked, at=now, online=True)
        reusable = (
            PaymentInstruction.objects.filter(
                bill=locked,
                provider=chosen.name,
                channel=channel,
                status=InstructionStatus.ACTIVE,
                amount=due.total,
                expires_at__gt=now + MIN_REMAINING,
            )
            .order_by("-created_at", "-id")
            .first()
        )
        if reusable is not None:
            return reusable
        expires_at = _expiry(locked, now)
        locked = Bill.objects.select_related("organization").get(pk=locked.pk)
        data = chosen.create_instruction(
            bill=locked,
            channel=channel,
            amount=due.total,
            expires_at=expires_at,
            instruction_key=secrets.token_hex(16),
        )
        PaymentInstruction.objects.filter(bill=locked, status=InstructionStatus.ACTIVE).update(
            status=InstructionStatus.SUPERSEDED
        )
        instruction = PaymentInstruction.objects.create(
            bill=locked,
            provider=chosen.name,
            channel=channel,
            provider_reference=data.provider_reference,
            va_number=data.va_number,
            qr_payload=data.qr_payload,
            amount=due.total,
            base_amount=due.base,
            discount=due.discount,
            penalty=due.penalty,
            expires_at=data.expires_at or expires_at,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
            created_at=now,
        )
        audit_log(
            actor=actor,
            action="payment.instruction_created",
            target=instruction,
            summary={
                "payment_code": locked.payment_code,
                "provider": chosen.name,
                "channel": channel,
                "amount": due.total,
                "expires_at": instruction.expires_at,
            },
        )
    return instruction


def instruction_refresh(*, instruction: PaymentInstruction) -> RecordResult | None:
    """Ask the provider whether ``instruction`` was paid (the payer's "check status" button, for when the
    callback is late); a payment it reports is recorded and credited exactly as from a callback."""
    if instruction.status != InstructionStatus.ACTIVE:
        return None
    provider = get_provider(instruction.provider)
    report: TransferReport | None = provider.query_status(instruction)
    if report is None:
        return None
    after_credit = issue_receipt_quietly if receipts_inline() else None
    return payment_record(provider=instruction.provider, report=report, after_credit=after_credit)


def active_instruction(bill: Bill) -> PaymentInstruction | None:
    now = timezone.now()
    return (
        PaymentInstruction.objects.filter(bill=bill, status=InstructionStatus.ACTIVE, expires_at__gt=now)
        .order_by("-created_at", "-id")
        .first()
    )
