"""``/api/v1/payments``: the signed-in payer's bills, the public look-up of a bill by its payment code (amount
only), payment instructions (VA number or QRIS code), the providers' callback endpoint, and the revenue report
for the revenue agency's staff."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.db.models import Prefetch
from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Query, Router, Schema

from balai.api.auth import require_scope
from balai.api.errors import responses
from balai.api.pagination import PageOut, PageQuery, paginate
from balai.api.scopes import register_scope
from balai.core.exceptions import NotFound, PermissionDenied, RateLimited, ValidationFailed
from balai.core.middleware import client_ip
from balai.payments.codes import is_well_formed, normalize_payment_code
from balai.payments.conf import callback_max_bytes
from balai.payments.models import Bill, Payment, PaymentInstruction, PaymentStatus
from balai.payments.pricing import amount_due
from balai.payments.ratelimit import rate_limited
from balai.payments.reports import MAX_RANGE_DAYS, may_see_revenue, revenue_report, today
from balai.payments.selectors import bill_by_payment_code, bills_for_payer

router = Router(tags=["payments"])
REPORTS_SCOPE = "payments:reports"
register_scope(REPORTS_SCOPE, gettext_lazy("Read the revenue reports of your agencies (revenue staff)"))


class AmountDueOut(Schema):
    base: int = Field(description="The bill's amount in whole rupiah.")
    discount: int = Field(description="Online-payment discount today (before the due date).")
    penalty: int = Field(description="Penalty today (per started month after the due date, capped).")
    total: int = Field(description="What paying online costs today: base - discount + penalty.")


class PublicBillOut(Schema):
    payment_code: str
    kind: Literal["service_fee", "tax_assessment", "tax_return", "levy"]
    status: Literal["unpaid", "paid", "expired", "cancelled", "refunded"]
    organization: str = Field(description="The billing agency.")
    amount_due: AmountDueOut
    due_at: dt.datetime
    expires_at: dt.datetime | None
    payable: bool = Field(description="Whether a payment instruction can be made now.")


class BillOut(PublicBillOut):
    description: str
    reference: str = Field(description="E.g. the case number or the tax object of the bill.")
    amount: int
    paid_at: dt.datetime | None
    paid_amount: int
    refunded_amount: int
    pay_url: str = Field(description="Path of the pay page.")
    receipt_url: str | None = Field(None, description="Path that downloads the signed payment receipt.")


class BillPage(PageOut):
    results: list[BillOut]


class InstructionIn(Schema):
    channel: Literal["virtual_account", "qris"]
    provider: str | None = Field(None, max_length=32, description="Default: the first enabled provider.")


class InstructionOut(Schema):
    payment_code: str
    provider: str
    channel: Literal["virtual_account", "qris"]
    reference: str = Field(description="The provider's reference of this instruction.")
    va_number: str = Field("", description="Virtual account number (channel virtual_account).")
    qr_payload: str = Field("", description="QRIS payload to render as a QR code (channel qris).")
    amount: int = Field(description="Exact amount to pay, in whole rupiah.")
    amount_due: AmountDueOut
    expires_at: dt.datetime
    status: Literal["active", "used", "superseded", "expired"]


class RevenueRowOut(Schema):
    revenue_code: str
    channel: str
    payments: int
    gross: int = Field(description="Received, whole rupiah.")
    refunds: int = Field(description="Refunded, whole rupiah (positive).")
    net: int


class RevenueOut(Schema):
    start: dt.date
    end: dt.date
    rows: list[RevenueRowOut]
    payments: int
    gross: int
    refunds: int
    net: int


class RevenueQuery(Schema):
    start: dt.date | None = Field(None, description="First day (local date); today by default.")
    end: dt.date | None = Field(None, description="Last day (inclusive); the start by default.")


class CallbackAck(Schema):
    status: Literal["credited", "duplicate", "flagged", "ignored"]
    message: str
    payment_status: str | None = None


def _amounts(bill: Any) -> dict[str, int]:
    due = amount_due(bill, at=timezone.now(), online=True)
    return {"base": due.base, "discount": due.discount, "penalty": due.penalty, "total": due.total}


def _bill(bill: Bill) -> dict[str, Any]:
    receipts = [p.receipt for p in getattr(bill, "credited", []) if p.receipt_id]
    return {
        "payment_code": bill.payment_code,
        "kind": bill.kind,
        "status": bill.effective_status,
        "organization": bill.organization.display_name,
        "amount_due": _amounts(bill),
        "due_at": bill.due_at,
        "expires_at": bill.expires_at,
        "payable": bill.is_payable,
        "description": bill.description,
        "reference": bill.reference,
        "amount": bill.amount,
        "paid_at": bill.paid_at,
        "paid_amount": bill.paid_amount,
        "refunded_amount": bill.refunded_amount,
        "pay_url": reverse("pay:bill", args=[bill.payment_code]),
        "receipt_url": reverse("my_documents:download", args=[receipts[0].public_id]) if receipts else None,
    }


@router.get("/bills", response=responses(BillPage, 401, 403, 422), url_name="payments_my_bills", summary="Your bills")
def my_bills(request: HttpRequest, page: Query[PageQuery]) -> dict[str, Any]:
    """The signed-in person's bills: unpaid first (earliest due first), then the others, newest first; amounts
    as paying online costs today."""
    credited = Prefetch(
        "payments",
        queryset=Payment.objects.filter(status=PaymentStatus.CREDITED).select_related("receipt"),
        to_attr="credited",
    )
    result = paginate(bills_for_payer(request.auth).prefetch_related(credited), page)  # type: ignore[attr-defined]
    result["results"] = [_bill(bill) for bill in result["results"]]
    return result


@router.get(
    "/bills/{code}",
    response=responses(PublicBillOut, 404, 429),
    url_name="payments_bill",
    summary="A bill by its payment code",
    auth=None,
)
def public_bill(request: HttpRequest, code: str) -> dict[str, Any]:
    """What anyone holding the 16-digit payment code may see: amount due today, due date, status and the
    billing agency — no name, no description. Unknown or malformed codes are 404."""
    if rate_limited(request, scope="api-bill"):
        raise RateLimited()
    bill = bill_by_payment_code(code)
    if bill is None:
        raise NotFound(_("No bill has this payment code."), code="unknown_payment_code")
    return {
        "payment_code": bill.payment_code,
        "kind": bill.kind,
        "status": bill.status,
        "organization": bill.organization,
        "amount_due": {"base": bill.base, "discount": bill.discount, "penalty": bill.penalty, "total": bill.total},
        "due_at": bill.due_at,
        "expires_at": bill.expires_at,
        "payable": bill.is_payable,
    }


def _instruction(instruction: PaymentInstruction) -> dict[str, Any]:
    return {
        "payment_code": instruction.bill.payment_code,
        "provider": instruction.provider,
        "channel": instruction.channel,
        "reference": instruction.provider_reference,
        "va_number": instruction.va_number,
        "qr_payload": instruction.qr_payload,
        "amount": instruction.amount,
        "amount_due": {
            "base": instruction.base_amount,
            "discount": instruction.discount,
            "penalty": instruction.penalty,
            "total": instruction.amount,
        },
        "expires_at": instruction.expires_at,
        "status": instruction.status,
    }


@router.post(
    "/bills/{code}/instructions",
    response=responses(InstructionOut, 404, 409, 422, 429, 502),
    url_name="payments_instruction_create",
    summary="Get a VA number or a QRIS code for a bill",
    auth=None,
)
def create_instruction(request: HttpRequest, code: str, body: InstructionIn) -> dict[str, Any]:
    """A payment instruction for the bill's amount today, valid until ``expires_at``. Anyone holding the payment
    code may ask (paying for someone else is ordinary); a still-valid instruction of the same channel is returned
    again. A paid, cancelled, expired or refunded bill is 409; the provider unreachable is 502."""
    from balai.payments.services import instruction_create

    if rate_limited(request, scope="api-instruction"):
        raise RateLimited()
    normalized = normalize_payment_code(code)
    bill = Bill.objects.filter(payment_code=normalized).first() if is_well_formed(normalized) else None
    if bill is None:
        raise NotFound(_("No bill has this payment code."), code="unknown_payment_code")
    user = request.user if getattr(request.user, "is_authenticated", False) else None
    instruction = instruction_create(actor=user, bill=bill, channel=body.channel, provider=body.provider)
    instruction.bill = bill
    return _instruction(instruction)


_CALLBACK_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["event", "transaction_id", "amount", "currency", "channel", "paid_at"],
                    "properties": {
                        "event": {"type": "string", "enum": ["payment.paid"]},
                        "transaction_id": {"type": "string", "maxLength": 64, "pattern": "^[A-Za-z0-9._:-]+$"},
                        "payment_code": {"type": "string", "pattern": "^[0-9]{16}$"},
                        "reference": {"type": "string", "maxLength": 64},
                        "amount": {"type": "integer", "minimum": 1},
                        "currency": {"type": "string", "pattern": "^[A-Z]{3}$"},
                        "channel": {"type": "string", "enum": ["virtual_account", "qris"]},
                        "paid_at": {"type": "string", "format": "date-time"},
                    },
                }
            }
        },
    },
    "parameters": [
        {
            "name": "X-Balai-Timestamp",
            "in": "header",
            "required": True,
            "schema": {"type": "string"},
            "description": "Unix seconds when the provider signed; accepted within the window (5 minutes).",
        },
        {
            "name": "X-Balai-Signature",
            "in": "header",
            "required": True,
            "schema": {"type": "string"},
            "description": "sha256=<hex HMAC-SHA256 of '<timestamp>.' + raw body, keyed with the provider's secret>",
        },
    ],
}


@router.post(
    "/callbacks/{provider}",
    response=responses(CallbackAck, 400, 401, 404, 413, 422),
    url_name="payments_callback",
    summary="Payment notification from a provider",
    auth=None,
    openapi_extra=_CALLBACK_BODY,
)
def provider_callback(request: HttpRequest, provider: str) -> JsonResponse:
    """Called by the payment provider (not by people). The signature and timestamp headers authenticate it;
    a bad signature or an old timestamp is 401. The same transaction delivered again answers 200 with status
    ``duplicate`` and credits nothing; a transfer whose amount or currency does not match, or that reaches a
    bill that cannot be paid, is recorded and answered ``flagged``."""
    from balai.payments.services import callback_receive

    limit = callback_max_bytes()
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    # A declared length above the limit is refused without reading the body at all.
    body = b"" if declared > limit else request.body[: limit + 1]
    result = callback_receive(
        provider_name=provider,
        body=body,
        headers=request.headers,
        remote_ip=client_ip(request),
        declared_length=declared,
    )
    response = JsonResponse(result.body, status=result.status, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "no-store"
    return response


@router.get(
    "/reports/revenue",
    response=responses(RevenueOut, 401, 403, 422),
    url_name="payments_revenue",
    summary="Revenue by revenue code and channel",
)
def revenue(request: HttpRequest, query: Query[RevenueQuery]) -> dict[str, Any]:
    """Money booked in the ledger per revenue code and channel between ``start`` and ``end`` (local dates,
    inclusive; at most a year). Tax officers and heads of the revenue agency see all agencies, those of another
    agency their own; API keys need the ``payments:reports`` scope."""
    user = request.auth  # type: ignore[attr-defined]
    if not getattr(user, "is_staff_member", False) or not may_see_revenue(user):
        raise PermissionDenied()
    require_scope(request, REPORTS_SCOPE)
    start = query.start or today()
    end = query.end or start
    if end < start:
        raise ValidationFailed(fields={"end": [_("The end date is before the start date.")]})
    if (end - start).days >= MAX_RANGE_DAYS:
        raise ValidationFailed(fields={"end": [_("Choose at most %(days)d days.") % {"days": MAX_RANGE_DAYS}]})
    report = revenue_report(user, start=start, end=end)
    return {
        "start": report.start,
        "end": report.end,
        "rows": [row.__dict__ for row in report.rows],
        "payments": report.payments,
        "gross": report.gross,
        "refunds": report.refunds,
        "net": report.net,
    }
