"""A generic adapter for a bank virtual-account / QRIS gateway speaking Balai's JSON protocol
(docs/operators/payments.md). Every call is HTTPS with ``Authorization: Bearer <BALAI_PAYMENTS_GATEWAY_API_KEY>``
and signed like the callbacks (``X-Balai-Timestamp`` / ``X-Balai-Signature`` over the body with
``BALAI_PAYMENTS_GATEWAY_SECRET``); the gateway's answers to status queries are signed the same way and checked.

- ``POST {BALAI_PAYMENTS_GATEWAY_URL}/instructions`` creates a VA number or a QRIS code;
- ``GET  {BALAI_PAYMENTS_GATEWAY_URL}/instructions/{reference}`` tells whether it was paid;
- the gateway posts ``payment.paid`` notifications to ``/api/v1/payments/callbacks/gateway``.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy

from balai.payments.conf import gateway_api_key, gateway_timeout, gateway_url, public_url
from balai.payments.models import Channel

from .base import InstructionData, PaymentProvider, ProviderError, TransferReport, register
from .signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, signature_matches, signed_headers, timestamp_fresh

logger = logging.getLogger("balai.payments")

NAME = "gateway"
MAX_RESPONSE_BYTES = 64 * 1024
REFERENCE_RE = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
VA_RE = re.compile(r"^[0-9]{8,32}$")
TRANSACTION_RE = REFERENCE_RE
RESPONSE_WINDOW_SECONDS = 300


def _aware(value: Any) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    parsed = parse_datetime(value)
    return parsed if parsed is not None and parsed.tzinfo is not None else None


@register
class GatewayProvider(PaymentProvider):
    name = NAME
    label = gettext_lazy("Bank VA/QRIS gateway")
    channels = (Channel.VIRTUAL_ACCOUNT, Channel.QRIS)

    def _call(self, method: str, path: str, payload: dict[str, Any] | None = None) -> dict[str, Any]:
        base = gateway_url()
        if not base:
            raise ProviderError(code="provider_not_configured")
        body = json.dumps(payload, separators=(",", ":")).encode() if payload is not None else b""
        headers = {
            "Accept": "application/json",
            "Authorization": f"Bearer {gateway_api_key()}",
            **signed_headers(self.secret(), body),
        }
        if payload is not None:
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(  # noqa: S310 - the operator's configured gateway address
            base + path, data=body if payload is not None else None, method=method, headers=headers
        )
        try:
            with urllib.request.urlopen(request, timeout=gateway_timeout()) as response:  # noqa: S310
                raw = response.read(MAX_RESPONSE_BYTES + 1)
                answer_headers = dict(response.headers.items())
        except urllib.error.HTTPError as exc:
            logger.warning("gateway refused a call", extra={"path": path, "status": exc.code})
            raise ProviderError() from exc
        except (urllib.error.URLError, OSError, ValueError) as exc:
            logger.warning("gateway unreachable", extra={"path": path, "error": str(exc)})
            raise ProviderError() from exc
        if len(raw) > MAX_RESPONSE_BYTES:
            raise ProviderError(code="provider_bad_answer")
        timestamp = answer_headers.get(TIMESTAMP_HEADER, "") or answer_headers.get(TIMESTAMP_HEADER.lower(), "")
        sent = answer_headers.get(SIGNATURE_HEADER, "") or answer_headers.get(SIGNATURE_HEADER.lower(), "")
        if not signature_matches(self.secret(), raw, timestamp, sent) or not timestamp_fresh(
            timestamp, now=time.time(), window=RESPONSE_WINDOW_SECONDS
        ):
            logger.warning("gateway answer with a bad signature", extra={"path": path})
            raise ProviderError(code="provider_bad_signature")
        try:
            data = json.loads(raw)
        except (ValueError, UnicodeDecodeError) as exc:
            raise ProviderError(code="provider_bad_answer") from exc
        if not isinstance(data, dict):
            raise ProviderError(code="provider_bad_answer")
        return data

    def create_instruction(
        self, *, bill: Any, channel: str, amount: int, expires_at: dt.datetime, instruction_key: str
    ) -> InstructionData:
        data = self._call(
            "POST",
            "/instructions",
            {
                "idempotency_key": instruction_key,
                "merchant_reference": bill.payment_code,
                "channel": channel,
                "amount": amount,
                "currency": "IDR",
                "expires_at": expires_at.isoformat(),
                "customer_name": bill.payer_name[:100],
                "description": bill.description[:100],
                "callback_url": public_url() + "/api/v1/payments/callbacks/" + NAME,
            },
        )
        reference = data.get("reference")
        if not isinstance(reference, str) or not REFERENCE_RE.match(reference):
            raise ProviderError(code="provider_bad_answer")
        va_number = data.get("va_number") or ""
        qr_payload = data.get("qr_payload") or ""
        if channel == Channel.VIRTUAL_ACCOUNT and (not isinstance(va_number, str) or not VA_RE.match(va_number)):
            raise ProviderError(code="provider_bad_answer")
        if channel == Channel.QRIS and (
            not isinstance(qr_payload, str) or not 8 <= len(qr_payload) <= 512 or not qr_payload.isprintable()
        ):
            raise ProviderError(code="provider_bad_answer")
        answered_expiry = _aware(data.get("expires_at"))
        return InstructionData(
            provider_reference=reference,
            va_number=va_number if channel == Channel.VIRTUAL_ACCOUNT else "",
            qr_payload=qr_payload if channel == Channel.QRIS else "",
            expires_at=min(answered_expiry, expires_at) if answered_expiry else expires_at,
        )

    def query_status(self, instruction: Any) -> TransferReport | None:
        data = self._call("GET", "/instructions/" + urllib.parse.quote(instruction.provider_reference, safe=""))
        if data.get("status") != "paid":
            return None
        transaction_id, amount, currency = data.get("transaction_id"), data.get("amount"), data.get("currency")
        paid_at = _aware(data.get("paid_at"))
        if (
            not isinstance(transaction_id, str)
            or not TRANSACTION_RE.match(transaction_id)
            or isinstance(amount, bool)
            or not isinstance(amount, int)
            or not isinstance(currency, str)
            or paid_at is None
        ):
            raise ProviderError(code="provider_bad_answer")
        return TransferReport(
            transaction_id=transaction_id,
            amount=amount,
            currency=currency[:3],
            channel=instruction.channel,
            paid_at=paid_at,
            payment_code=instruction.bill.payment_code,
            reference=instruction.provider_reference,
        )
