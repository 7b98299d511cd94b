"""Security review of the provider callback endpoint, from an attacker's side: forged signatures (other
algorithms, other secrets, the body without the timestamp, the signature of another body), captured requests
replayed (again, later, to another provider, with a fresh timestamp header), bodies truncated or extended
after signing, oversized and pathological bodies, and duplicate deliveries racing over HTTP.

Every refused request answers 4xx JSON (never 500), credits nothing, is logged as a callback event, and the
refused signatures are audited; after each attack the ledger still balances against the bills."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from typing import Any

import pytest
from django.db import connection, connections
from django.db.models import Sum
from django.test import Client
from django.utils import timezone

from balai.audit.models import AuditEvent
from balai.payments.models import (
    Bill,
    BillStatus,
    CallbackEvent,
    CallbackOutcome,
    LedgerEntry,
    Payment,
    PaymentStatus,
)
from balai.payments.providers import signing

from .conftest import GATEWAY_SECRET, SIMULATOR_SECRET, notification, sign
from .factories import make_bill

pytestmark = pytest.mark.django_db


def post(body: bytes, headers: dict[str, str] | None = None, *, provider: str = "simulator", **extra: Any) -> Any:
    wsgi = {"HTTP_" + k.upper().replace("-", "_"): v for k, v in (headers or {}).items()}
    return Client().post(
        f"/api/v1/payments/callbacks/{provider}", data=body, content_type="application/json", **wsgi, **extra
    )


def paid_body(bill: Bill, transaction_id: str = "TRX-ATTACK-1", **overrides: Any) -> bytes:
    fields = {
        "transaction_id": transaction_id,
        "payment_code": bill.payment_code,
        "amount": bill.amount,
        "currency": "IDR",
        "channel": "virtual_account",
        "paid_at": timezone.now().isoformat(),
    }
    fields.update(overrides)
    return notification(**fields)


def assert_nothing_credited(bill: Bill) -> None:
    bill.refresh_from_db()
    assert bill.status == BillStatus.UNPAID and bill.paid_amount == 0
    assert not LedgerEntry.objects.filter(bill=bill).exists()
    assert not Payment.objects.filter(bill=bill, status=PaymentStatus.CREDITED).exists()


def assert_ledger_balances() -> None:
    """The books of every bill: the ledger sums to what the bill says it received net, and a paid bill has
    exactly one credited payment (an unpaid one none)."""
    for bill in Bill.objects.all():
        total = LedgerEntry.objects.filter(bill=bill).aggregate(total=Sum("amount"))["total"] or 0
        assert total == bill.paid_amount - bill.refunded_amount, bill.payment_code
        credited = Payment.objects.filter(bill=bill, status=PaymentStatus.CREDITED).count()
        assert credited == (1 if bill.status in (BillStatus.PAID, BillStatus.REFUNDED) else 0), bill.payment_code


def assert_refused_and_audited(response: Any, *, status: int = 401) -> CallbackEvent:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert error["code"] and error["message"]
    event = CallbackEvent.objects.order_by("-id").first()
    assert event is not None and event.http_status == status
    if status == 401:
        assert not event.signature_valid
        assert AuditEvent.objects.filter(action="payment.callback_rejected", object_id=str(event.pk)).exists()
    return event


# --- Forged --------------------------------------------------------------------------------------------------


def _hex(secret: str, message: bytes, digest: Any = hashlib.sha256) -> str:
    return hmac.new(secret.encode(), message, digest).hexdigest()


FORGERIES = {
    # HMAC of the body alone, as many gateways do: the timestamp must be part of what is signed.
    "body-only": lambda body, ts: {
        "X-Balai-Timestamp": ts,
        "X-Balai-Signature": "sha256=" + _hex(SIMULATOR_SECRET, body),
    },
    "sha1": lambda body, ts: {
        "X-Balai-Timestamp": ts,
        "X-Balai-Signature": "sha256=" + _hex(SIMULATOR_SECRET, ts.encode() + b"." + body, hashlib.sha1),
    },
    "plain-sha256-no-key": lambda body, ts: {
        "X-Balai-Timestamp": ts,
        "X-Balai-Signature": "sha256=" + hashlib.sha256(ts.encode() + b"." + body).hexdigest(),
    },
    "empty-secret": lambda body, ts: {"X-Balai-Timestamp": ts, "X-Balai-Signature": signing.signature(b"", body, ts)},
    "gateway-secret": lambda body, ts: {
        "X-Balai-Timestamp": ts,
        "X-Balai-Signature": signing.signature(GATEWAY_SECRET.encode(), body, ts),
    },
    "truncated-signature": lambda body, ts: {
        "X-Balai-Timestamp": ts,
        "X-Balai-Signature": signing.signature(SIMULATOR_SECRET.encode(), body, ts)[:-1],
    },
    "signature-prefix-only": lambda body, ts: {"X-Balai-Timestamp": ts, "X-Balai-Signature": "sha256="},
    "non-ascii-signature": lambda body, ts: {"X-Balai-Timestamp": ts, "X-Balai-Signature": "sha256=ä" + "0" * 63},
    # The timestamp is part of the signed text: the same digits written differently are another message.
    "timestamp-leading-zero": lambda body, ts: {
        "X-Balai-Timestamp": "0" + ts,
        "X-Balai-Signature": signing.signature(SIMULATOR_SECRET.encode(), body, ts),
    },
    "timestamp-with-plus": lambda body, ts: {
        "X-Balai-Timestamp": "+" + ts,
        "X-Balai-Signature": signing.signature(SIMULATOR_SECRET.encode(), body, "+" + ts),
    },
    "negative-timestamp": lambda body, ts: {
        "X-Balai-Timestamp": "-1",
        "X-Balai-Signature": signing.signature(SIMULATOR_SECRET.encode(), body, "-1"),
    },
    "huge-timestamp": lambda body, ts: {"X-Balai-Timestamp": "9" * 40, "X-Balai-Signature": "sha256=" + "0" * 64},
}


@pytest.mark.parametrize("forge", list(FORGERIES), ids=list(FORGERIES))
def test_forged_signatures_are_refused_audited_and_credit_nothing(forge):
    bill = make_bill()
    body = paid_body(bill)
    response = post(body, FORGERIES[forge](body, str(int(time.time()))))
    event = assert_refused_and_audited(response)
    assert event.outcome in (CallbackOutcome.BAD_SIGNATURE, CallbackOutcome.STALE_TIMESTAMP)
    assert_nothing_credited(bill)
    assert_ledger_balances()


def test_the_signature_of_another_body_does_not_carry_over():
    """A genuine signed notification for a small bill does not authorise a changed body (amount, code)."""
    cheap, dear = make_bill(amount=1_000), make_bill(amount=5_000_000)
    genuine = paid_body(cheap)
    headers = sign(genuine)
    for tampered in (
        paid_body(dear, amount=1_000),
        genuine.replace(cheap.payment_code.encode(), dear.payment_code.encode()),
        genuine.replace(b'"amount":1000', b'"amount":1000 '),
    ):
        assert_refused_and_audited(post(tampered, headers))
    assert_nothing_credited(cheap)
    assert_nothing_credited(dear)


def test_signatures_are_compared_in_constant_time(monkeypatch):
    """A regression to ``==`` would leak the signature byte by byte through timing."""
    calls: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(signing.hmac, "compare_digest", spy)
    bill = make_bill()
    body = paid_body(bill)
    post(body, {"X-Balai-Timestamp": str(int(time.time())), "X-Balai-Signature": "sha256=" + "a" * 64})
    assert calls, "the signature check must use hmac.compare_digest"


def test_a_refusal_reveals_neither_the_expected_signature_nor_the_secret():
    bill = make_bill()
    body = paid_body(bill)
    timestamp = str(int(time.time()))
    response = post(body, {"X-Balai-Timestamp": timestamp, "X-Balai-Signature": "sha256=" + "0" * 64})
    expected = signing.signature(SIMULATOR_SECRET.encode(), body, timestamp)
    text = response.content.decode()
    assert expected[7:] not in text and SIMULATOR_SECRET not in text
    event = CallbackEvent.objects.get()
    stored = json.dumps([event.body, event.message, event.timestamp_header])
    assert expected[7:] not in stored and SIMULATOR_SECRET not in stored
    audit = AuditEvent.objects.get(action="payment.callback_rejected")
    assert expected[7:] not in json.dumps(audit.summary)


@pytest.mark.parametrize(
    "provider", ["gateway2", "SIMULATOR", "simulator%00", "..%2F..%2Fadmin", "x" * 300, "%F0%9F%92%B0"]
)
def test_unknown_or_disguised_provider_names_are_404_not_500(provider):
    bill = make_bill()
    body = paid_body(bill)
    response = post(body, sign(body), provider=provider)
    assert response.status_code == 404
    assert_nothing_credited(bill)


def test_an_unsigned_body_with_nul_bytes_is_still_a_clean_401():
    """PostgreSQL refuses NUL in text: logging a hostile body must not turn a refusal into a 500 (and lose the
    audit event of the attempt)."""
    bill = make_bill()
    body = paid_body(bill).replace(b"TRX-ATTACK-1", b"TRX\x00\x00")
    response = post(body, {"X-Balai-Timestamp": str(int(time.time())), "X-Balai-Signature": "sha256=" + "0" * 64})
    assert_refused_and_audited(response)
    assert_nothing_credited(bill)


def test_a_signed_body_with_an_escaped_nul_is_a_clean_422():
    bill = make_bill()
    body = paid_body(bill, transaction_id="TRX\u0000", payment_code=bill.payment_code + "\u0000")
    response = post(body, sign(body))
    assert response.status_code == 422
    assert {"transaction_id", "payment_code"} <= set(response.json()["error"]["fields"])
    assert_nothing_credited(bill)


# --- Replayed ------------------------------------------------------------------------------------------------


def test_a_captured_notification_replayed_at_once_is_a_duplicate_and_credits_once():
    bill = make_bill()
    body = paid_body(bill)
    headers = sign(body)
    first = post(body, headers)
    assert first.status_code == 200 and first.json()["status"] == CallbackOutcome.CREDITED
    for _ in range(3):
        again = post(body, headers)
        assert again.status_code == 200 and again.json()["status"] == CallbackOutcome.DUPLICATE
    assert LedgerEntry.objects.filter(bill=bill).count() == 1
    assert Payment.objects.filter(bill=bill).count() == 1
    assert_ledger_balances()


def test_a_captured_notification_replayed_later_or_elsewhere_is_refused():
    bill = make_bill()
    body = paid_body(bill)
    captured = sign(body, timestamp=int(time.time()) - 3600)  # captured an hour ago
    event = assert_refused_and_audited(post(body, captured))
    assert event.outcome == CallbackOutcome.STALE_TIMESTAMP
    # A fresh timestamp header on the captured signature is another message: refused as forged.
    refreshed = dict(captured, **{"X-Balai-Timestamp": str(int(time.time()))})
    assert assert_refused_and_audited(post(body, refreshed)).outcome == CallbackOutcome.BAD_SIGNATURE
    # Replayed to another provider's endpoint within the window: that provider's secret does not match.
    assert_refused_and_audited(post(body, sign(body), provider="gateway"))
    assert_nothing_credited(bill)


def test_the_same_transaction_replayed_with_another_amount_is_not_credited_again():
    """A provider (or someone holding its key) re-sends a transaction id with a changed amount: the first
    recording stands."""
    bill = make_bill()
    first = paid_body(bill)
    assert post(first, sign(first)).json()["status"] == CallbackOutcome.CREDITED
    changed = paid_body(bill, amount=bill.amount * 10)
    response = post(changed, sign(changed))
    assert response.status_code == 200 and response.json()["status"] == CallbackOutcome.DUPLICATE
    bill.refresh_from_db()
    assert bill.paid_amount == bill.amount
    assert_ledger_balances()


# --- Truncated and extended ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "mangle",
    [
        lambda body: body[:-1],
        lambda body: body[: len(body) // 2],
        lambda body: b"",
        lambda body: body + b" ",
        lambda body: body + b"\n",
        lambda body: b"\xef\xbb\xbf" + body,
        lambda body: body.replace(b"}", b',"amount":1}'),
    ],
    ids=["last-byte", "half", "empty", "trailing-space", "trailing-newline", "bom", "appended-field"],
)
def test_a_body_changed_after_signing_fails_the_signature(mangle):
    bill = make_bill()
    body = paid_body(bill)
    assert_refused_and_audited(post(mangle(body), sign(body)))
    assert_nothing_credited(bill)


def test_a_body_cut_short_by_its_declared_length_fails_the_signature():
    """A proxy (or attacker) that declares fewer bytes than were signed: only the declared bytes are read."""
    bill = make_bill()
    body = paid_body(bill)
    assert_refused_and_audited(post(body, sign(body), CONTENT_LENGTH=str(len(body) - 20)))
    assert_nothing_credited(bill)


# --- Oversized and pathological --------------------------------------------------------------------------------


def test_a_huge_declared_length_is_refused_without_reading_the_body(settings):
    settings.BALAI_PAYMENTS_CALLBACK_MAX_BYTES = 4096
    bill = make_bill()
    body = paid_body(bill)
    response = post(body, sign(body), CONTENT_LENGTH=str(50 * 1024 * 1024))
    assert response.status_code == 413
    event = CallbackEvent.objects.get()
    assert event.outcome == CallbackOutcome.TOO_LARGE and event.body == ""
    assert_nothing_credited(bill)


def test_an_oversized_signed_body_is_refused_and_not_kept(settings):
    settings.BALAI_PAYMENTS_CALLBACK_MAX_BYTES = 4096
    bill = make_bill()
    body = paid_body(bill, note="A" * 10_000)
    response = post(body, sign(body))
    assert response.status_code == 413 and response.json()["error"]["code"] == "too_large"
    event = CallbackEvent.objects.get()
    assert event.body == "" and event.size <= 4097
    assert_nothing_credited(bill)


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"[" * 8_000 + b"]" * 8_000, 400),  # nesting deep enough to exhaust a recursive parser
        (b'{"event":"payment.paid","amount":' + b"9" * 5000 + b"}", 400),  # past Python's int digit limit
        (b'{"event":"payment.paid","amount":1e999}', 422),  # read as infinity: not a whole number
        (b'{"event":"payment.paid","amount":NaN}', 400),
        (b'{"event":"payment.paid","x":"\\ud800"}', 422),  # a lone surrogate, then missing fields
        (b"\xff\xfe\x00\x00", 400),  # not UTF-8
        (b"null", 400),
    ],
    ids=["deep-nesting", "huge-integer", "infinity", "nan", "lone-surrogate", "not-utf8", "null"],
)
def test_pathological_signed_bodies_are_4xx_not_500(body, status):
    bill = make_bill()
    response = post(body, sign(body))
    assert response.status_code == status, response.content
    assert response.json()["error"]["code"] in ("invalid_json", "validation_failed")
    assert_nothing_credited(bill)


@pytest.mark.parametrize(
    "amount",
    [0, -150_000, 150_000.0, "150000", True, None, 10**16, [150_000], {"value": 150_000}],
    ids=["zero", "negative", "float", "string", "bool", "null", "huge", "list", "object"],
)
def test_signed_notifications_with_impossible_amounts_are_422(amount):
    bill = make_bill()
    body = paid_body(bill, amount=amount)
    response = post(body, sign(body))
    assert response.status_code == 422
    assert "amount" in response.json()["error"]["fields"]
    assert_nothing_credited(bill)


# --- Racing duplicates ---------------------------------------------------------------------------------------


def _race(requests: list[tuple[bytes, dict[str, str]]]) -> list[Any]:
    barrier = threading.Barrier(len(requests))
    results: list[Any] = []
    errors: list[BaseException] = []

    def send(body: bytes, headers: dict[str, str]) -> None:
        try:
            barrier.wait(timeout=10)
            results.append(post(body, headers))
        except BaseException as exc:  # noqa: BLE001 - asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=request) for request in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert len(results) == len(requests)
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_notification_racing_over_http_credits_once():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so deliveries cannot race")
    bill = make_bill()
    body = paid_body(bill)
    headers = sign(body)
    responses = _race([(body, headers)] * 10)
    assert all(r.status_code == 200 for r in responses), [r.content for r in responses]
    outcomes = sorted(r.json()["status"] for r in responses)
    assert outcomes.count(CallbackOutcome.CREDITED) == 1
    assert outcomes.count(CallbackOutcome.DUPLICATE) == 9
    assert Payment.objects.filter(bill=bill).count() == 1
    assert LedgerEntry.objects.filter(bill=bill).count() == 1
    assert_ledger_balances()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_different_transfers_racing_for_one_bill_credit_one_and_flag_the_rest():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so deliveries cannot race")
    bill = make_bill()
    requests = []
    for n in range(6):
        body = paid_body(bill, transaction_id=f"TRX-RACE-{n}")
        requests.append((body, sign(body)))
    requests += requests[:4]  # and some of them delivered twice
    responses = _race(requests)
    outcomes = [r.json()["status"] for r in responses]
    assert outcomes.count(CallbackOutcome.CREDITED) == 1
    assert Payment.objects.filter(bill=bill).count() == 6
    assert Payment.objects.filter(bill=bill, status=PaymentStatus.CREDITED).count() == 1
    assert Payment.objects.filter(bill=bill, status=PaymentStatus.FLAGGED).count() == 5
    bill.refresh_from_db()
    assert bill.status == BillStatus.PAID and bill.paid_amount == bill.amount
    assert_ledger_balances()


def test_an_attack_campaign_leaves_the_books_balanced():
    """Many hostile requests against several bills, interleaved with genuine ones: only the genuine
    notifications credit, once each."""
    bills = [make_bill(amount=10_000 * (n + 1)) for n in range(4)]
    genuine = {bills[0].pk, bills[2].pk}
    for n, bill in enumerate(bills):
        body = paid_body(bill, transaction_id=f"TRX-C-{n}")
        post(body, {"X-Balai-Timestamp": str(int(time.time())), "X-Balai-Signature": "sha256=" + "f" * 64})
        post(body, sign(body, timestamp=int(time.time()) - 10_000))
        post(body[:-2], sign(body))
        post(body, sign(body, secret=GATEWAY_SECRET))
        if bill.pk in genuine:
            post(body, sign(body))
            post(body, sign(body))
    assert {b.pk for b in Bill.objects.filter(status=BillStatus.PAID)} == genuine
    assert LedgerEntry.objects.count() == 2
    assert AuditEvent.objects.filter(action="payment.callback_rejected").count() == 4 * 4
    assert_ledger_balances()
