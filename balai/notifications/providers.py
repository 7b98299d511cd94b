"""Providers that deliver an outbound message, behind a small registry (as Open Forms does for payments).

``settings.NOTIFICATION_PROVIDERS`` maps a channel to a provider name; the defaults are Django's e-mail
backend for e-mail and the demo SMS provider, which only logs and keeps the message so that people running
``make run`` can read SMS codes (in the worker's log and in /admin/ → Outbound messages).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.core.mail import EmailMessage

if TYPE_CHECKING:
    from balai.notifications.models import OutboundMessage

logger = logging.getLogger(__name__)

DEFAULT_PROVIDERS = {"email": "email", "sms": "demo_sms"}


class DeliveryFailed(Exception):
    """A provider could not deliver the message; the text is stored on the message (no secrets in it)."""


class Provider:
    name: ClassVar[str] = ""
    channel: ClassVar[str] = ""
    # A demo provider keeps the whole message readable (logs and admin); real ones never log the body.
    is_demo: ClassVar[bool] = False

    def send(self, message: OutboundMessage, to: str) -> None:
        raise NotImplementedError


_registry: dict[str, type[Provider]] = {}


def register(cls: type[Provider]) -> type[Provider]:
    _registry[cls.name] = cls
    return cls


def provider_for(channel: str) -> Provider:
    configured = {**DEFAULT_PROVIDERS, **getattr(settings, "NOTIFICATION_PROVIDERS", {})}
    name = configured.get(channel)
    if name not in _registry:
        raise DeliveryFailed(f"no provider configured for channel {channel!r}")
    return _registry[name]()


def registered() -> dict[str, type[Provider]]:
    return dict(_registry)


@register
class EmailProvider(Provider):
    name = "email"
    channel = "email"

    def send(self, message: OutboundMessage, to: str) -> None:
        EmailMessage(subject=message.subject, body=message.body, to=[to]).send(fail_silently=False)


@register
class DemoSmsProvider(Provider):
    """Sends nothing: writes the SMS to the log (the only place a code may be logged) and keeps it."""

    name = "demo_sms"
    channel = "sms"
    is_demo = True

    def send(self, message: OutboundMessage, to: str) -> None:
        logger.info(
            "demo SMS to %s: %s",
            message.to_masked,
            message.body,
            extra={"outbound_message_id": message.pk, "provider": self.name},
        )
