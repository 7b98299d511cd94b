"""Payments tests: the simulator notifies in-process, known provider secrets, the documents app's test PKI for
signed receipts (``signing_profile_for``), and helpers to sign callbacks like a provider."""

from __future__ import annotations

import json
from typing import Any

import pytest

from balai.documents.tests.conftest import demo_pki, signing_profile_for  # noqa: F401  (fixtures)
from balai.payments.providers.signing import signed_headers

SIMULATOR_SECRET = "rahasia-simulator-uji"
GATEWAY_SECRET = "rahasia-gateway-uji"


@pytest.fixture(autouse=True)
def _payments_settings(settings):
    settings.BALAI_PAYMENTS_SIMULATOR_DELIVERY = "inprocess"
    settings.BALAI_PAYMENTS_SIMULATOR_SECRET = SIMULATOR_SECRET
    settings.BALAI_PAYMENTS_GATEWAY_SECRET = GATEWAY_SECRET
    settings.BALAI_PAYMENTS_PROVIDERS = "simulator,gateway"
    settings.BALAI_PAYMENT_CODE_PREFIX = "9901"


def sign(body: bytes, *, secret: str = SIMULATOR_SECRET, timestamp: int | None = None) -> dict[str, str]:
    return signed_headers(secret.encode(), body, timestamp=timestamp)


def notification(**fields: Any) -> bytes:
    return json.dumps({"event": "payment.paid", **fields}, separators=(",", ":")).encode()
