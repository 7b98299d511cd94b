"""Payment providers behind one registry: ``simulator`` (built in, for the demo and the tests) and ``gateway``
(a generic bank VA/QRIS gateway adapter). ``get_provider(name)`` returns an enabled one."""

from . import gateway, simulator  # noqa: F401  (register the providers)
from .base import (
    InstructionData,
    PaymentProvider,
    ProviderError,
    TransferReport,
    get_provider,
    offered_channels,
    provider_for_channel,
    register,
    registered,
)

__all__ = [
    "InstructionData",
    "PaymentProvider",
    "ProviderError",
    "TransferReport",
    "get_provider",
    "offered_channels",
    "provider_for_channel",
    "register",
    "registered",
]
