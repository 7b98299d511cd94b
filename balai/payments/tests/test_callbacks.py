"""The callback endpoint: only signed, fresh, well-formed notifications count; the same transaction credits
once; a transfer that does not fit the bill is recorded and flagged, never credited; every request is logged
without secrets; refused signatures are audited. Each case leaves the ledger balanced."""

from __future__ import annotations

import datetime as dt
import json
import time

import pytest
from django.db.models import Sum
from django.test import Client
from django.utils import timezone

from balai.audit.models import AuditEvent
from balai.payments.codes import luhn_check_digit
from balai.payments.models import (
    Bill,
    BillStatus,
    CallbackEvent,
    CallbackOutcome,
    FlagReason,
    LedgerEntry,
    Payment,
    PaymentStatus,
)
from balai.payments.services import bill_cancel, bills_expire, instruction_create

from .conftest import GATEWAY_SECRET, SIMULATOR_SECRET, notification, sign
from .factories import make_bill

pytestmark = pytest.mark.django_db
URL = "/api/v1/payments/callbacks/simulator"


def post(body: bytes, headers: dict[str, str] | None = None, *, provider: str = "simulator", **extra):
    client = Client()
    wsgi = {"HTTP_" + k.upper().replace("-", "_"): v for k, v in (headers or {}).items()}
    return client.post(
        f"/api/v1/payments/callbacks/{provider}", data=body, content_type="application/json", **wsgi, **extra
    )


def paid_body(bill: Bill, **overrides) -> bytes:
    fields = {
        "transaction_id": "TRX-0001",
        "payment_code": bill.payment_code,
        "amount": bill.amount,
        "currency": "IDR",
        "channel": "virtual_account",
        "paid_at": timezone.now().isoformat(),
    }
    fields.update(overrides)
    return notification(**{k: v for k, v in fields.items() if v is not None})


def assert_ledger_balances() -> None:
    for bill in Bill.objects.all():
        total = LedgerEntry.objects.filter(bill=bill).aggregate(total=Sum("amount"))["total"] or 0
        assert total == bill.paid_amount - bill.refunded_amount, bill.payment_code
        credited = Payment.objects.filter(bill=bill, status=PaymentStatus.CREDITED).count()
        assert credited == (1 if bill.status in (BillStatus.PAID, BillStatus.REFUNDED) else 0)


def test_a_signed_notification_credits_the_bill_once():
    bill = make_bill()
    body = paid_body(bill)
    first = post(body, sign(body))
    assert first.status_code == 200, first.content
    assert first.json()["status"] == "credited"
    again = post(body, sign(body))
    assert again.status_code == 200 and again.json()["status"] == "duplicate"
    bill.refresh_from_db()
    assert bill.status == BillStatus.PAID and bill.paid_amount == 150_000
    assert Payment.objects.count() == 1 and LedgerEntry.objects.count() == 1
    assert list(CallbackEvent.objects.order_by("id").values_list("outcome", flat=True)) == ["credited", "duplicate"]
    assert_ledger_balances()


def test_paying_publishes_bill_paid_with_the_interface_fields(monkeypatch):
    from balai.core import events

    seen = []
    monkeypatch.setattr(events, "consumers_of", lambda name: [])
    original = events.publish

    def spy(name, payload):
        seen.append((name, payload))
        return original(name, payload)

    monkeypatch.setattr("balai.payments.services.crediting.publish", spy)
    bill = make_bill(reference="SPPT-2026-1")
    body = paid_body(bill)
    post(body, sign(body))
    (name, payload) = next(item for item in seen if item[0] == "bill.paid")
    assert {"bill_id", "payment_id", "case_id", "reference", "revenue_code", "kind"} <= set(payload)
    assert payload["bill_id"] == bill.pk and payload["reference"] == "SPPT-2026-1"


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"X-Balai-Timestamp": str(int(time.time()))},
        {"X-Balai-Timestamp": str(int(time.time())), "X-Balai-Signature": "sha256=" + "0" * 64},
        {"X-Balai-Timestamp": "abc", "X-Balai-Signature": "sha256=" + "0" * 64},
        {"X-Balai-Timestamp": str(int(time.time())), "X-Balai-Signature": "x" * 500},
    ],
    ids=["unsigned", "no-signature", "wrong-signature", "bad-timestamp", "garbage"],
)
def test_unsigned_or_forged_notifications_are_401_audited_and_credit_nothing(headers):
    bill = make_bill()
    response = post(paid_body(bill), headers)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_signature"
    assert not Payment.objects.exists()
    event = CallbackEvent.objects.get()
    assert event.outcome == CallbackOutcome.BAD_SIGNATURE and event.http_status == 401
    assert AuditEvent.objects.filter(action="payment.callback_rejected", object_id=str(event.pk)).exists()
    bill.refresh_from_db()
    assert bill.status == BillStatus.UNPAID


def test_a_notification_signed_with_another_providers_secret_is_refused():
    bill = make_bill()
    body = paid_body(bill)
    assert post(body, sign(body, secret=GATEWAY_SECRET)).status_code == 401
    assert not Payment.objects.exists()


def test_a_replayed_notification_outside_the_window_is_refused():
    bill = make_bill()
    body = paid_body(bill)
    old = int(time.time()) - 301
    response = post(body, sign(body, timestamp=old))
    assert response.status_code == 401
    assert CallbackEvent.objects.get().outcome == CallbackOutcome.STALE_TIMESTAMP
    assert AuditEvent.objects.filter(action="payment.callback_rejected").exists()
    # Re-signing the same body with a fresh timestamp needs the secret: changing the header alone fails.
    headers = sign(body, timestamp=old)
    headers["X-Balai-Timestamp"] = str(int(time.time()))
    assert post(body, headers).status_code == 401
    assert not Payment.objects.exists()


def test_a_notification_from_the_future_beyond_the_window_is_refused():
    bill = make_bill()
    body = paid_body(bill)
    assert post(body, sign(body, timestamp=int(time.time()) + 600)).status_code == 401


def test_a_truncated_body_fails_the_signature():
    bill = make_bill()
    body = paid_body(bill)
    headers = sign(body)
    assert post(body[:-10], headers).status_code == 401
    assert not Payment.objects.exists()


def test_a_signed_but_truncated_json_is_400():
    bill = make_bill()
    body = paid_body(bill)[:-10]
    response = post(body, sign(body))
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_json"
    assert CallbackEvent.objects.get().outcome == CallbackOutcome.INVALID


def test_an_oversized_body_is_413_and_not_stored(settings):
    settings.BALAI_PAYMENTS_CALLBACK_MAX_BYTES = 1024
    bill = make_bill()
    body = paid_body(bill, padding="x" * 2000)
    response = post(body, sign(body))
    assert response.status_code == 413
    event = CallbackEvent.objects.get()
    assert event.outcome == CallbackOutcome.TOO_LARGE and event.body == ""
    assert not Payment.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"amount": -150000}, "amount"),
        ({"amount": 0}, "amount"),
        ({"amount": 150000.5}, "amount"),
        ({"amount": "150000"}, "amount"),
        ({"amount": 10**16}, "amount"),
        ({"amount": True}, "amount"),
        ({"currency": "idr"}, "currency"),
        ({"channel": "cash"}, "channel"),
        ({"paid_at": "kemarin"}, "paid_at"),
        ({"paid_at": "2026-01-01T10:00:00"}, "paid_at"),
        ({"transaction_id": None}, "transaction_id"),
        ({"transaction_id": "a b<script>"}, "transaction_id"),
        ({"payment_code": "1234567890123456"}, "payment_code"),
        ({"payment_code": None}, "payment_code"),
    ],
)
def test_malformed_notifications_are_422_with_the_field_and_credit_nothing(overrides, field):
    bill = make_bill()
    body = paid_body(bill, **overrides)
    response = post(body, sign(body))
    assert response.status_code == 422, response.content
    assert field in response.json()["error"]["fields"]
    assert not Payment.objects.exists()
    assert CallbackEvent.objects.get().outcome == CallbackOutcome.INVALID
    assert_ledger_balances()


def test_a_payment_time_in_the_future_is_refused():
    bill = make_bill()
    body = paid_body(bill, paid_at=(timezone.now() + dt.timedelta(hours=1)).isoformat())
    assert post(body, sign(body)).status_code == 422


def test_json_with_duplicate_keys_or_not_an_object_is_400():
    bill = make_bill()
    body = (
        b'{"event":"payment.paid","transaction_id":"T1","amount":1,"amount":150000,"payment_code":"'
        + bill.payment_code.encode()
        + b'","currency":"IDR","channel":"qris","paid_at":"2026-01-01T10:00:00+07:00"}'
    )
    assert post(body, sign(body)).status_code == 400
    listed = b"[1, 2]"
    assert post(listed, sign(listed)).status_code == 400
    nan = b'{"event":"payment.paid","amount":NaN}'
    assert post(nan, sign(nan)).status_code == 400
    assert not Payment.objects.exists()


def test_other_events_are_acknowledged_and_ignored():
    body = json.dumps({"event": "instruction.expired", "reference": "X"}).encode()
    response = post(body, sign(body))
    assert response.status_code == 200 and response.json()["status"] == "ignored"
    assert CallbackEvent.objects.get().outcome == CallbackOutcome.IGNORED


def test_an_unknown_payment_code_is_404_and_logged():
    code = "990199999999999"
    code = code + luhn_check_digit(code)
    body = notification(
        transaction_id="T-404", payment_code=code, amount=1000, currency="IDR", channel="qris",
        paid_at=timezone.now().isoformat(),
    )  # fmt: skip
    response = post(body, sign(body))
    assert response.status_code == 404
    assert CallbackEvent.objects.get().outcome == CallbackOutcome.UNKNOWN_BILL


def test_an_unknown_reference_is_404():
    bill = make_bill()
    body = paid_body(bill, reference="SIMNOTHING")
    assert post(body, sign(body)).status_code == 404
    assert not Payment.objects.exists()


def test_reference_and_code_of_different_bills_credit_nothing():
    bill, other = make_bill(), make_bill()
    instruction = instruction_create(actor=None, bill=bill, channel="virtual_account")
    body = paid_body(other, reference=instruction.provider_reference)
    assert post(body, sign(body)).status_code == 404
    assert not Payment.objects.exists()


def test_an_unknown_provider_is_404():
    bill = make_bill()
    body = paid_body(bill)
    assert post(body, sign(body), provider="paypal").status_code == 404
    assert not Payment.objects.exists()


def test_a_disabled_provider_is_404(settings):
    settings.BALAI_PAYMENTS_PROVIDERS = "gateway"
    bill = make_bill()
    body = paid_body(bill)
    assert post(body, sign(body)).status_code == 404


def test_a_wrong_amount_is_recorded_and_flagged_not_credited():
    bill = make_bill()
    body = paid_body(bill, amount=149_999)
    response = post(body, sign(body))
    assert response.status_code == 200 and response.json()["status"] == "flagged"
    payment = Payment.objects.get()
    assert payment.status == PaymentStatus.FLAGGED and payment.flag_reason == FlagReason.AMOUNT_MISMATCH
    assert payment.expected_amount == 150_000
    bill.refresh_from_db()
    assert bill.status == BillStatus.UNPAID and not LedgerEntry.objects.exists()
    assert AuditEvent.objects.filter(action="payment.flagged").exists()
    assert_ledger_balances()


def test_a_foreign_currency_is_flagged():
    bill = make_bill()
    body = paid_body(bill, currency="USD")
    assert post(body, sign(body)).json()["status"] == "flagged"
    assert Payment.objects.get().flag_reason == FlagReason.CURRENCY_MISMATCH
    bill.refresh_from_db()
    assert bill.status == BillStatus.UNPAID


def test_paying_a_cancelled_bill_is_flagged():
    bill = make_bill()
    bill_cancel(actor=None, bill=bill, reason="Salah tagih")
    body = paid_body(bill)
    assert post(body, sign(body)).json()["status"] == "flagged"
    assert Payment.objects.get().flag_reason == FlagReason.BILL_NOT_PAYABLE
    bill.refresh_from_db()
    assert bill.status == BillStatus.CANCELLED


def test_a_second_transfer_for_a_paid_bill_is_flagged():
    bill = make_bill()
    first = paid_body(bill, transaction_id="T-1")
    second = paid_body(bill, transaction_id="T-2", channel="qris")
    post(first, sign(first))
    assert post(second, sign(second)).json()["status"] == "flagged"
    bill.refresh_from_db()
    assert bill.paid_amount == 150_000
    assert Payment.objects.filter(status=PaymentStatus.FLAGGED).get().flag_reason == FlagReason.BILL_NOT_PAYABLE
    assert_ledger_balances()


def test_a_transfer_after_expiry_is_flagged_one_before_it_is_credited_even_if_late():
    late = make_bill(due_at=timezone.now() + dt.timedelta(hours=1), expires_at=timezone.now() + dt.timedelta(hours=1))
    in_time = make_bill(
        due_at=timezone.now() + dt.timedelta(hours=1), expires_at=timezone.now() + dt.timedelta(hours=1)
    )
    paid_before = (timezone.now() - dt.timedelta(minutes=10)).isoformat()
    Bill.objects.filter(pk__in=[late.pk, in_time.pk]).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    bills_expire()
    body = paid_body(late, transaction_id="LATE")
    assert post(body, sign(body)).json()["status"] == "flagged"
    # A transfer made before the expiry whose notification arrives afterwards still counts.
    body = paid_body(in_time, transaction_id="IN-TIME", paid_at=paid_before)
    assert post(body, sign(body)).json()["status"] == "credited"
    in_time.refresh_from_db()
    assert in_time.status == BillStatus.PAID
    assert_ledger_balances()


def test_the_log_keeps_no_secret():
    bill = make_bill()
    body = paid_body(bill)
    headers = sign(body)
    post(body, headers)
    event = CallbackEvent.objects.get()
    stored = json.dumps(list(CallbackEvent.objects.values()), default=str)
    assert headers["X-Balai-Signature"] not in stored
    assert SIMULATOR_SECRET not in stored
    assert event.signature_valid and event.body_sha256 and event.provider_transaction_id == "TRX-0001"


def test_the_amount_due_with_discount_is_what_counts():
    bill = make_bill(online_discount_percent=5)
    body = paid_body(bill, amount=142_500)
    assert post(body, sign(body)).json()["status"] == "credited"
    payment = Payment.objects.get()
    assert (payment.base_amount, payment.discount, payment.penalty) == (150_000, 7_500, 0)


def test_wrong_method_is_405_json():
    response = Client().get(URL)
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"
