"""The provider callback: ``POST /api/v1/payments/callbacks/<provider>``.

In order: the provider must be known and enabled; the body at most ``BALAI_PAYMENTS_CALLBACK_MAX_BYTES``
(413); the signature over ``<timestamp>.<raw body>`` must match the provider's secret, compared in constant
time (401, audited); the timestamp within ``BALAI_PAYMENTS_CALLBACK_WINDOW_SECONDS`` of now (401, audited: a
replay); the body one JSON object of the expected shape (400/422). Then the payment is recorded and credited
once (``payment_record``). Every request is logged as a ``CallbackEvent``, whatever came of it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from balai.audit.services import audit_log
from balai.core import request_context
from balai.core.exceptions import NotFound
from balai.payments.codes import is_well_formed
from balai.payments.conf import callback_max_bytes, callback_window_seconds, receipts_inline
from balai.payments.models import CallbackEvent, CallbackOutcome, Channel
from balai.payments.providers.base import TransferReport, get_provider
from balai.payments.providers.signing import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    header,
    signature_matches,
    timestamp_fresh,
)

from .common import AuditBatch
from .crediting import payment_record
from .receipts import issue_receipt_quietly

PAID_EVENT = "payment.paid"
MAX_CALLBACK_AMOUNT = 10**15
TRANSACTION_RE = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
REFERENCE_RE = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
# A provider may date a payment a little after our clock; further in the future is an error.
CLOCK_SKEW = dt.timedelta(minutes=5)


@dataclass
class CallbackResult:
    status: int
    outcome: str
    body: dict[str, Any] = field(default_factory=dict)
    event: CallbackEvent | None = None


class _Invalid(Exception):
    def __init__(self, message: str, fields: dict[str, list[str]] | None = None, status: int = 422) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        self.status = status


def _error(code: str, message: str, fields: dict[str, list[str]] | None = None) -> dict[str, Any]:
    return {
        "error": {
            "code": code,
            "message": str(message),
            "fields": fields or {},
            "request_id": request_context.current().request_id,
        }
    }


def _reject_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = value
    return result


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not a number")


def parse_body(raw: bytes) -> dict[str, Any]:
    """The JSON object of a callback; _Invalid (400) when it is not one."""
    try:
        data = json.loads(raw.decode("utf-8"), object_pairs_hook=_reject_duplicate_keys, parse_constant=_no_constants)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise _Invalid(_("The body is not valid JSON."), status=400) from None
    if not isinstance(data, dict):
        raise _Invalid(_("The body must be a JSON object."), status=400)
    return data


def _text(data: Mapping[str, Any], name: str, pattern: re.Pattern[str], errors: dict[str, list[str]]) -> str:
    value = data.get(name, "")
    if value in ("", None):
        return ""
    if not isinstance(value, str) or not pattern.match(value):
        errors[name] = [_("The value has the wrong format.")]
        return ""
    return value


def report_from(data: Mapping[str, Any], *, now: dt.datetime) -> TransferReport:
    """Check the shape of a ``payment.paid`` notification; _Invalid (422) with per-field messages otherwise."""
    errors: dict[str, list[str]] = {}
    transaction_id = _text(data, "transaction_id", TRANSACTION_RE, errors)
    if not transaction_id and "transaction_id" not in errors:
        errors["transaction_id"] = [_("This field is required.")]
    reference = _text(data, "reference", REFERENCE_RE, errors)
    payment_code = data.get("payment_code", "")
    if payment_code not in ("", None) and (not isinstance(payment_code, str) or not is_well_formed(payment_code)):
        errors["payment_code"] = [_("The payment code must be 16 digits with a valid check digit.")]
        payment_code = ""
    payment_code = payment_code or ""
    if not payment_code and not reference and "reference" not in errors and "payment_code" not in errors:
        errors["payment_code"] = [_("Give the payment code or the provider's reference.")]
    amount = data.get("amount")
    if isinstance(amount, bool) or not isinstance(amount, int):
        errors["amount"] = [_("Enter the amount as a whole number of rupiah.")]
    elif amount <= 0:
        errors["amount"] = [_("The amount must be more than 0 rupiah.")]
    elif amount > MAX_CALLBACK_AMOUNT:
        errors["amount"] = [_("The amount is too large.")]
    currency = data.get("currency")
    if not isinstance(currency, str) or not re.fullmatch(r"[A-Z]{3}", currency):
        errors["currency"] = [_("Give the currency as three capital letters (IDR).")]
    channel = data.get("channel")
    if channel not in Channel.values:
        errors["channel"] = [_("Select one of the allowed values.")]
    paid_at = parse_datetime(data["paid_at"]) if isinstance(data.get("paid_at"), str) else None
    if paid_at is None or paid_at.tzinfo is None:
        errors["paid_at"] = [_("Enter a valid date and time with its time zone (ISO 8601).")]
    elif paid_at > now + CLOCK_SKEW:
        errors["paid_at"] = [_("The payment time is in the future.")]
    if errors:
        raise _Invalid(_("Some of the data is not valid."), errors)
    return TransferReport(
        transaction_id=transaction_id,
        amount=int(amount),  # type: ignore[arg-type]
        currency=str(currency),
        channel=str(channel),
        paid_at=paid_at,  # type: ignore[arg-type]
        payment_code=payment_code,
        reference=reference,
    )


def _clean(value: Any, limit: int) -> str:
    """Text as the database can keep it: PostgreSQL refuses NUL characters, which a hostile sender may send."""
    return str(value or "").replace("\x00", "\ufffd")[:limit]


def _log(
    *,
    provider: str,
    raw: bytes,
    headers: Mapping[str, str],
    remote_ip: str | None,
    outcome: str,
    status: int,
    message: str = "",
    signature_valid: bool = False,
    data: Mapping[str, Any] | None = None,
    bill: Any = None,
    payment: Any = None,
    keep_body: bool = True,
) -> CallbackEvent:
    data = data or {}
    amount = data.get("amount")
    return CallbackEvent.objects.create(
        provider=_clean(provider, 32),
        remote_ip=remote_ip or None,
        request_id=_clean(request_context.current().request_id, 64),
        timestamp_header=_clean(header(headers, TIMESTAMP_HEADER), 32),
        body=_clean(raw.decode("utf-8", "replace"), len(raw) + 1) if keep_body else "",
        body_sha256=hashlib.sha256(raw).hexdigest(),
        size=len(raw),
        signature_valid=signature_valid,
        outcome=outcome,
        http_status=status,
        message=_clean(message, 500),
        provider_transaction_id=_clean(data.get("transaction_id"), 64),
        payment_code=_clean(data.get("payment_code"), 32),
        amount=amount if isinstance(amount, int) and not isinstance(amount, bool) and abs(amount) < 2**62 else None,
        bill=bill,
        payment=payment,
    )


def _refuse_auth(
    provider: str, raw: bytes, headers: Mapping[str, str], remote_ip: str | None, outcome: str, message: str
) -> CallbackResult:
    with transaction.atomic():
        event = _log(
            provider=provider,
            raw=raw,
            headers=headers,
            remote_ip=remote_ip,
            outcome=outcome,
            status=401,
            message=message,
        )
        audit_log(
            actor=None,
            action="payment.callback_rejected",
            target=event,
            actor_label=provider[:32],
            ip=remote_ip,
            summary={"provider": provider[:32], "reason": outcome, "size": len(raw), "sha256": event.body_sha256},
        )
    return CallbackResult(401, outcome, _error("invalid_signature", message), event)


def callback_receive(
    *,
    provider_name: str,
    body: bytes,
    headers: Mapping[str, str],
    remote_ip: str | None = None,
    declared_length: int | None = None,
) -> CallbackResult:
    """Check, record and act on one provider notification; returns the HTTP status and body to answer."""
    provider_name = str(provider_name or "")[:32]
    try:
        provider = get_provider(provider_name)
    except NotFound as exc:
        event = _log(
            provider=provider_name,
            raw=body[:2048],
            headers=headers,
            remote_ip=remote_ip,
            outcome=CallbackOutcome.UNKNOWN_PROVIDER,
            status=404,
            keep_body=False,
        )
        return CallbackResult(404, CallbackOutcome.UNKNOWN_PROVIDER, _error("unknown_provider", exc.message), event)

    limit = callback_max_bytes()
    if len(body) > limit or (declared_length or 0) > limit:
        message = _("The notification is too large (at most %(max)d bytes).") % {"max": limit}
        event = _log(
            provider=provider_name,
            raw=body[:limit],
            headers=headers,
            remote_ip=remote_ip,
            outcome=CallbackOutcome.TOO_LARGE,
            status=413,
            message=message,
            keep_body=False,
        )
        return CallbackResult(413, CallbackOutcome.TOO_LARGE, _error("too_large", message), event)

    timestamp = header(headers, TIMESTAMP_HEADER)
    sent = header(headers, SIGNATURE_HEADER)
    if not signature_matches(provider.secret(), body, timestamp, sent):
        message = _("The notification is not signed, or its signature is wrong.")
        return _refuse_auth(provider_name, body, headers, remote_ip, CallbackOutcome.BAD_SIGNATURE, message)
    if not timestamp_fresh(timestamp, now=time.time(), window=callback_window_seconds()):
        message = _("The notification's timestamp is outside the allowed window (a replay or a wrong clock).")
        return _refuse_auth(provider_name, body, headers, remote_ip, CallbackOutcome.STALE_TIMESTAMP, message)

    now = timezone.now()
    data: dict[str, Any] = {}
    try:
        data = parse_body(body)
        if data.get("event") != PAID_EVENT:
            if not isinstance(data.get("event"), str):
                raise _Invalid(_("Some of the data is not valid."), {"event": [_("This field is required.")]})
            event = _log(
                provider=provider_name,
                raw=body,
                headers=headers,
                remote_ip=remote_ip,
                outcome=CallbackOutcome.IGNORED,
                status=200,
                signature_valid=True,
                data=data,
            )
            return CallbackResult(200, CallbackOutcome.IGNORED, {"status": CallbackOutcome.IGNORED}, event)
        report = report_from(data, now=now)
    except _Invalid as exc:
        event = _log(
            provider=provider_name,
            raw=body,
            headers=headers,
            remote_ip=remote_ip,
            outcome=CallbackOutcome.INVALID,
            status=exc.status,
            message=exc.message,
            signature_valid=True,
            data=data,
        )
        code = "invalid_json" if exc.status == 400 else "validation_failed"
        return CallbackResult(exc.status, CallbackOutcome.INVALID, _error(code, exc.message, exc.fields), event)

    audits = AuditBatch()
    with transaction.atomic():
        result = payment_record(
            provider=provider_name,
            report=report,
            after_credit=issue_receipt_quietly if receipts_inline() else None,
            audits=audits,
        )
        status = 404 if result.outcome == CallbackOutcome.UNKNOWN_BILL else 200
        message = {
            CallbackOutcome.UNKNOWN_BILL: _("No bill has this payment code or reference."),
            CallbackOutcome.FLAGGED: _("Recorded but not credited: the revenue agency will check it."),
            CallbackOutcome.DUPLICATE: _("Already recorded."),
            CallbackOutcome.CREDITED: _("Credited."),
        }.get(result.outcome, "")
        event = _log(
            provider=provider_name,
            raw=body,
            headers=headers,
            remote_ip=remote_ip,
            outcome=result.outcome,
            status=status,
            message=" ".join(part for part in (str(message), result.detail) if part),
            signature_valid=True,
            data=data,
            bill=result.bill if result.bill is not None and result.bill.pk else None,
            payment=result.payment,
        )
        audits.write()  # last: the audit chain's lock is then held only until the commit
    if status == 404:
        return CallbackResult(404, result.outcome, _error("unknown_bill", message), event)
    body_out: dict[str, Any] = {"status": result.outcome, "message": str(message)}
    if result.payment is not None:
        body_out["payment_status"] = result.payment.status
    return CallbackResult(200, result.outcome, body_out, event)
