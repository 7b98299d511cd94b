"""The one entry point every module uses to send a message (a later issue puts channels, templates and
retries behind it)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from balai.accounts.phone import mask_phone, normalize_phone
from balai.core.exceptions import ValidationFailed
from balai.core.masking import mask_email
from balai.notifications.models import Channel, OutboundMessage


def mask_address(channel: str, to: str) -> str:
    return mask_email(to) if channel == Channel.EMAIL else mask_phone(to)


def send_message(
    *, channel: str, to: str, subject: str, body: str, recipient: Any = None, kind: str = "account"
) -> OutboundMessage:
    """Store the message and enqueue its delivery in the caller's transaction (the database task backend
    writes the task row in the same transaction, so a rolled-back change sends nothing)."""
    from balai.notifications.tasks import deliver_message

    to = (to or "").strip()
    try:
        if channel == Channel.EMAIL:
            validate_email(to)
            to = to.lower()
        elif channel == Channel.SMS:
            to = normalize_phone(to)
        else:
            raise ValidationFailed(_("Unknown channel."), code="unknown_channel")
    except ValidationError as exc:
        raise ValidationFailed(_("The address of the message is not valid."), code="invalid_address") from exc
    with transaction.atomic():
        message = OutboundMessage(
            channel=channel,
            to_encrypted=to,
            to_masked=mask_address(channel, to),
            subject=subject[:200],
            body=body,
            kind=kind,
            recipient=recipient,
        )
        message.full_clean()
        message.save()
        deliver_message.enqueue(message.pk)
    message.refresh_from_db()
    return message


def messages_erase_for_account(*, user_id: int) -> int:
    """Erase the personal data in the messages sent to a deleted account (UU 27/2022): the address and the
    text go; the row stays as the record that a message was sent, when, and through which channel."""
    with transaction.atomic():
        return OutboundMessage.objects.filter(recipient_id=user_id).update(
            to_encrypted="", to_masked="", subject="", body=""
        )
