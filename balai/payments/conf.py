"""The settings the payments app reads, each from Django settings first and then the environment, with the
development default. Secrets (the providers' HMAC keys, the gateway's API key) are never in code: outside
production the simulator's key is derived from ``SECRET_KEY``; the gateway has no default at all.

| name | default | what |
| --- | --- | --- |
| ``BALAI_PAYMENT_CODE_PREFIX`` | the first 4 digits of ``BALAI_REGION_CODE`` | institution prefix of payment codes |
| ``BALAI_PAYMENTS_PROVIDERS`` | ``simulator`` (plus ``gateway`` when its URL is set) | providers offered |
| ``BALAI_PAYMENTS_SIMULATOR_SECRET`` | derived from ``SECRET_KEY`` (not in production) | simulator's HMAC key |
| ``BALAI_PAYMENTS_SIMULATOR_DELIVERY`` | ``http`` | ``http`` (task posts to ``BALAI_PUBLIC_URL``) or ``inprocess`` |
| ``BALAI_PAYMENTS_GATEWAY_URL`` | empty | base URL of the VA/QRIS gateway |
| ``BALAI_PAYMENTS_GATEWAY_SECRET`` | empty | HMAC key of the gateway's callbacks |
| ``BALAI_PAYMENTS_GATEWAY_API_KEY`` | empty | bearer token for calls to the gateway |
| ``BALAI_PAYMENTS_GATEWAY_TIMEOUT`` | ``10`` | seconds per call to the gateway |
| ``BALAI_PAYMENTS_CALLBACK_WINDOW_SECONDS`` | ``300`` | accepted age of a callback's timestamp |
| ``BALAI_PAYMENTS_CALLBACK_MAX_BYTES`` | ``16384`` | largest callback body accepted |
| ``BALAI_PAYMENTS_INSTRUCTION_TTL_SECONDS`` | ``86400`` | longest life of a VA number or QRIS code |
| ``BALAI_PAYMENTS_SERVICE_FEE_DAYS`` | ``14`` | days a service-fee bill stays payable |
| ``BALAI_PAYMENTS_REVENUE_AGENCY`` | ``BAPENDA`` | code of the revenue agency (sees all revenue) |
| ``BALAI_PAYMENTS_RECEIPTS`` | ``inline`` | ``inline``: receipt signed while crediting; ``worker``: by the task |
| ``BALAI_PAYMENTS_RATE_LIMIT`` / ``_WINDOW`` | ``60`` / ``600`` | public pay pages: requests per address and window |
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DEFAULT_CALLBACK_WINDOW_SECONDS = 300
DEFAULT_CALLBACK_MAX_BYTES = 16 * 1024
DEFAULT_INSTRUCTION_TTL_SECONDS = 24 * 60 * 60
DEFAULT_SERVICE_FEE_DAYS = 14
DEFAULT_GATEWAY_TIMEOUT = 10.0


def setting(name: str, default: Any = None) -> Any:
    """``settings.NAME`` when set, else the environment variable ``NAME``, else ``default``."""
    value = getattr(settings, name, None)
    if value is not None and value != "":
        return value
    value = os.environ.get(name)
    if value is not None and value.strip() != "":
        return value.strip()
    return default


def _int(name: str, default: int, *, minimum: int = 1) -> int:
    value = setting(name, default)
    try:
        number = int(value)
    except (TypeError, ValueError) as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from exc
    if number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}")
    return number


def payment_code_prefix() -> str:
    """Four digits that start every payment code of this installation (the institution's number at the bank)."""
    value = setting("BALAI_PAYMENT_CODE_PREFIX")
    if value is None:
        digits = re.sub(r"\D", "", str(getattr(settings, "BALAI_REGION_CODE", "")))
        value = (digits + "0000")[:4]
    value = str(value).strip()
    if not re.fullmatch(r"\d{4}", value):
        raise ImproperlyConfigured("BALAI_PAYMENT_CODE_PREFIX must be exactly four digits")
    return value


def enabled_providers() -> list[str]:
    value = setting("BALAI_PAYMENTS_PROVIDERS")
    if value is None:
        names = [] if getattr(settings, "PRODUCTION", False) else ["simulator"]
        if setting("BALAI_PAYMENTS_GATEWAY_URL"):
            names.append("gateway")
        return names
    if isinstance(value, (list, tuple)):
        return [str(v).strip() for v in value if str(v).strip()]
    return [part.strip() for part in str(value).split(",") if part.strip()]


def provider_secret(provider: str) -> bytes:
    """The HMAC key of ``provider``'s callbacks (``BALAI_PAYMENTS_<PROVIDER>_SECRET``). Outside production the
    simulator's key is derived from ``SECRET_KEY``, so a development install works without configuration."""
    name = f"BALAI_PAYMENTS_{provider.upper()}_SECRET"
    value = setting(name)
    if value:
        return str(value).encode()
    if provider == "simulator" and not getattr(settings, "PRODUCTION", False):
        return hmac.new(settings.SECRET_KEY.encode(), b"balai.payments.simulator", hashlib.sha256).hexdigest().encode()
    raise ImproperlyConfigured(f"{name} is not set")


def simulator_delivery() -> str:
    value = str(setting("BALAI_PAYMENTS_SIMULATOR_DELIVERY", "http")).lower()
    if value not in {"http", "inprocess"}:
        raise ImproperlyConfigured("BALAI_PAYMENTS_SIMULATOR_DELIVERY must be http or inprocess")
    return value


def gateway_url() -> str:
    return str(setting("BALAI_PAYMENTS_GATEWAY_URL", "")).rstrip("/")


def gateway_api_key() -> str:
    return str(setting("BALAI_PAYMENTS_GATEWAY_API_KEY", ""))


def gateway_timeout() -> float:
    value = setting("BALAI_PAYMENTS_GATEWAY_TIMEOUT", DEFAULT_GATEWAY_TIMEOUT)
    try:
        return max(0.5, float(value))
    except (TypeError, ValueError) as exc:
        raise ImproperlyConfigured("BALAI_PAYMENTS_GATEWAY_TIMEOUT must be a number of seconds") from exc


def callback_window_seconds() -> int:
    return _int("BALAI_PAYMENTS_CALLBACK_WINDOW_SECONDS", DEFAULT_CALLBACK_WINDOW_SECONDS)


def callback_max_bytes() -> int:
    return _int("BALAI_PAYMENTS_CALLBACK_MAX_BYTES", DEFAULT_CALLBACK_MAX_BYTES, minimum=256)


def instruction_ttl_seconds() -> int:
    return _int("BALAI_PAYMENTS_INSTRUCTION_TTL_SECONDS", DEFAULT_INSTRUCTION_TTL_SECONDS, minimum=60)


def service_fee_days() -> int:
    return _int("BALAI_PAYMENTS_SERVICE_FEE_DAYS", DEFAULT_SERVICE_FEE_DAYS)


def revenue_agency_code() -> str:
    return str(setting("BALAI_PAYMENTS_REVENUE_AGENCY", "BAPENDA")).strip().upper()


def public_url() -> str:
    return str(getattr(settings, "BALAI_PUBLIC_URL", "http://127.0.0.1:8000")).rstrip("/")


def receipts_inline() -> bool:
    """Whether the signed receipt is made while crediting (``inline``, the default: the payer has it at once) or
    by the ``bill.paid`` task (``worker``: callbacks stay fast when signing is the bottleneck)."""
    value = str(setting("BALAI_PAYMENTS_RECEIPTS", "inline")).lower()
    if value not in {"inline", "worker"}:
        raise ImproperlyConfigured("BALAI_PAYMENTS_RECEIPTS must be inline or worker")
    return value == "inline"
