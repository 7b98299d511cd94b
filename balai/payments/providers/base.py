"""The provider registry (as Open Forms' ``payments/registry.py``): each provider is a class with a name,
the channels it offers and three operations — create a payment instruction, parse its callback, query the
status of an instruction. The callback endpoint, the signature check and the crediting are the same for all.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, ClassVar

from django.utils.translation import gettext_lazy as _

from balai.core.exceptions import BalaiError, NotFound
from balai.payments.conf import enabled_providers, provider_secret


class ProviderError(BalaiError):
    """The provider could not be reached or answered something we cannot use."""

    status = 502
    default_code = "provider_unavailable"
    default_message = _("The payment provider cannot be reached right now. Please try again in a few minutes.")


@dataclass(frozen=True)
class InstructionData:
    provider_reference: str
    va_number: str = ""
    qr_payload: str = ""
    expires_at: dt.datetime | None = None


@dataclass(frozen=True)
class TransferReport:
    """A payment the provider says happened (from a callback or a status query)."""

    transaction_id: str
    amount: int
    currency: str
    channel: str
    paid_at: dt.datetime
    payment_code: str = ""
    reference: str = ""


class PaymentProvider:
    name: ClassVar[str] = ""
    label: ClassVar[Any] = ""
    channels: ClassVar[tuple[str, ...]] = ()

    def secret(self) -> bytes:
        return provider_secret(self.name)

    def create_instruction(
        self, *, bill: Any, channel: str, amount: int, expires_at: dt.datetime, instruction_key: str
    ) -> InstructionData:
        raise NotImplementedError

    def query_status(self, instruction: Any) -> TransferReport | None:
        """The payment made against ``instruction``, or None when the provider has none (yet)."""
        raise NotImplementedError


_registry: dict[str, type[PaymentProvider]] = {}


def register(provider: type[PaymentProvider]) -> type[PaymentProvider]:
    _registry[provider.name] = provider
    return provider


def registered() -> dict[str, type[PaymentProvider]]:
    return dict(_registry)


def get_provider(name: str) -> PaymentProvider:
    """The enabled provider called ``name``; NotFound for an unknown or switched-off one."""
    provider = _registry.get(str(name or ""))
    if provider is None or provider.name not in enabled_providers():
        raise NotFound(_("Unknown payment provider."), code="unknown_provider")
    return provider()


def provider_for_channel(channel: str) -> PaymentProvider:
    """The first enabled provider offering ``channel`` (the order of ``BALAI_PAYMENTS_PROVIDERS``)."""
    for name in enabled_providers():
        provider = _registry.get(name)
        if provider is not None and channel in provider.channels:
            return provider()
    raise NotFound(_("This payment channel is not offered."), code="unknown_channel")


def offered_channels() -> list[str]:
    channels: list[str] = []
    for name in enabled_providers():
        provider = _registry.get(name)
        for channel in provider.channels if provider is not None else ():
            if channel not in channels:
                channels.append(channel)
    return channels
