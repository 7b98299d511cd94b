"""Under real concurrency (PostgreSQL): the same notification delivered by several threads at once, or two
different transfers for one bill racing, credit the bill exactly once; payment codes stay unique when many
bills are made at once; the ledger still balances."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections
from django.db.models import Sum
from django.utils import timezone

from balai.payments.models import Bill, BillStatus, LedgerEntry, Payment, PaymentStatus
from balai.payments.services import callback_receive

from .conftest import notification, sign
from .factories import make_bill

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _needs_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")


def _run_together(workers):
    barrier = threading.Barrier(len(workers))
    results, errors = [], []

    def run(fn):
        try:
            barrier.wait()
            results.append(fn())
        except Exception as exc:  # noqa: BLE001 - collected and asserted on
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(fn,)) for fn in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results, errors


def _deliver(body: bytes):
    return lambda: callback_receive(provider_name="simulator", body=body, headers=sign(body)).body["status"]


def _body(bill: Bill, transaction_id: str) -> bytes:
    return notification(
        transaction_id=transaction_id,
        payment_code=bill.payment_code,
        amount=bill.amount,
        currency="IDR",
        channel="virtual_account",
        paid_at=timezone.now().isoformat(),
    )


def test_the_same_notification_from_eight_threads_credits_once():
    _needs_postgres()
    bill = make_bill()
    body = _body(bill, "RACE-1")
    results, errors = _run_together([_deliver(body) for _ in range(8)])
    assert errors == []
    assert sorted(results) == ["credited"] + ["duplicate"] * 7
    bill.refresh_from_db()
    assert bill.status == BillStatus.PAID and bill.paid_amount == bill.amount
    assert Payment.objects.count() == 1 and LedgerEntry.objects.count() == 1


def test_two_transfers_racing_for_one_bill_credit_one_and_flag_the_other():
    _needs_postgres()
    bill = make_bill()
    results, errors = _run_together([_deliver(_body(bill, "A")), _deliver(_body(bill, "B"))])
    assert errors == []
    assert sorted(results) == ["credited", "flagged"]
    assert Payment.objects.filter(status=PaymentStatus.CREDITED).count() == 1
    assert LedgerEntry.objects.aggregate(total=Sum("amount"))["total"] == bill.amount


def test_bills_made_at_once_get_unique_codes():
    _needs_postgres()
    results, errors = _run_together([lambda: make_bill().payment_code for _ in range(20)])
    assert errors == []
    assert len(set(results)) == 20
