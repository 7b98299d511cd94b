"""Delivery of outbound messages in the task worker."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from balai.core.events import consumer
from balai.notifications.models import MessageStatus, OutboundMessage
from balai.notifications.providers import DeliveryFailed, provider_for

logger = logging.getLogger(__name__)


@task()
def deliver_message(message_id: int) -> str:
    """Deliver one queued message; idempotent (a message that is no longer queued is left alone)."""
    with transaction.atomic():
        message = OutboundMessage.objects.select_for_update().filter(pk=message_id).first()
        if message is None or message.status != MessageStatus.QUEUED:
            return "skipped"
        try:
            provider = provider_for(message.channel)
            message.provider = provider.name
            provider.send(message, message.to_encrypted)
        except (DeliveryFailed, OSError) as exc:
            message.status = MessageStatus.FAILED
            message.error = str(exc)[:2000]
            message.save(update_fields=["status", "error", "provider"])
            # Only the id and the error class: never the address or the body (it may hold a code).
            logger.warning(
                "message delivery failed", extra={"outbound_message_id": message.pk, "error": type(exc).__name__}
            )
            return message.status
        message.status = MessageStatus.SENT
        message.sent_at = timezone.now()
        message.save(update_fields=["status", "sent_at", "provider"])
    logger.info("message sent", extra={"outbound_message_id": message.pk, "channel": message.channel})
    return message.status


@consumer("account.deleted")
@task()
def erase_messages_of_deleted_account(name: str, payload: dict) -> int:
    from balai.notifications.services import messages_erase_for_account

    return messages_erase_for_account(user_id=int(payload["user_id"]))
