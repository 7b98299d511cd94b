"""Reconciling a settlement file against the platform's payments: every outcome, never a credit, the same file
stored once (also when two uploads race), overlapping files, refused files that store nothing, the limits,
and who may reconcile at all."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from balai.accounts.tests.factories import UserFactory
from balai.audit.models import AuditEvent
from balai.cases.tests.factories import staff_with_role
from balai.core.exceptions import PermissionDenied
from balai.organizations.models import Role
from balai.organizations.tests.factories import OrganizationFactory
from balai.payments.models import (
    Bill,
    BillStatus,
    LedgerEntry,
    Payment,
    PaymentStatus,
    SettlementBatch,
    SettlementLine,
    SettlementOutcome,
)
from balai.payments.providers.base import TransferReport
from balai.payments.reconciliation.parsing import SettlementFileRefused
from balai.payments.reconciliation.selectors import batch_lines, batches_for, earlier_matches
from balai.payments.reconciliation.services import may_reconcile, settlement_upload
from balai.payments.services.crediting import payment_record
from balai.payments.tests.factories import make_bill

pytestmark = pytest.mark.django_db
HEADER = "date,payment_code,amount,reference\n"
ZONE = dt.timezone(dt.timedelta(hours=7))  # Asia/Jakarta, the test settings' time zone


# --- Helpers (imported by the view tests too) ----------------------------------------------------------------


def revenue_agency() -> Any:
    from balai.organizations.models import Organization

    agency = Organization.objects.filter(code="BAPENDA").first()
    return agency or OrganizationFactory(code="BAPENDA", name="Badan Pendapatan Daerah")


def tax_officer() -> Any:
    return staff_with_role(revenue_agency(), Role.TAX_OFFICER)


def yesterday_at(hour: int, minute: int = 0) -> dt.datetime:
    day = timezone.localdate() - dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=ZONE)


def credit(
    bill: Bill, *, transaction_id: str, amount: int | None = None, paid_at: dt.datetime | None = None
) -> Payment:
    """Record a transfer for ``bill`` as the simulator's callback would (credited, or flagged when it does not
    match the bill)."""
    result = payment_record(
        provider="simulator",
        report=TransferReport(
            transaction_id=transaction_id,
            amount=bill.amount if amount is None else amount,
            currency="IDR",
            channel="virtual_account",
            paid_at=paid_at or yesterday_at(10),
            payment_code=bill.payment_code,
        ),
    )
    assert result.payment is not None, result
    return result.payment


def csv_file(*lines: str) -> bytes:
    return (HEADER + "".join(line + "\n" for line in lines)).encode()


def day(moment: dt.datetime) -> str:
    return moment.astimezone(ZONE).date().isoformat()


def money_state() -> tuple[Any, ...]:
    """Everything a credit would change: the ledger, the bills' money and states, the payments."""
    return (
        LedgerEntry.objects.aggregate(total=Sum("amount"))["total"],
        LedgerEntry.objects.count(),
        sorted(Bill.objects.values_list("id", "status", "paid_amount", "paid_at")),
        sorted(Payment.objects.values_list("id", "status", "amount")),
    )


def lines_of(batch: SettlementBatch) -> list[tuple[Any, ...]]:
    return [
        (line.line_number, line.payment_code, line.amount, line.outcome, line.payment_id) for line in batch_lines(batch)
    ]


# --- Outcomes ------------------------------------------------------------------------------------------------


def test_every_outcome_of_a_days_file():
    officer = tax_officer()
    paid, short, unpaid, other_day = make_bill(), make_bill(), make_bill(), make_bill()
    not_in_file, flagged_bill = make_bill(), make_bill(amount=90_000)
    p_paid = credit(paid, transaction_id="VA-1")
    p_short = credit(short, transaction_id="VA-2")
    p_missing = credit(not_in_file, transaction_id="VA-3", paid_at=yesterday_at(23, 30))
    credit(other_day, transaction_id="VA-4", paid_at=yesterday_at(10) - dt.timedelta(days=3))
    p_flagged = credit(flagged_bill, transaction_id="VA-5", amount=50_000)  # wrong amount: flagged, not credited
    assert p_flagged.status == PaymentStatus.FLAGGED
    date = day(yesterday_at(10))
    data = csv_file(
        f"{date},{paid.payment_code},150000,VA-1",
        f"{date},{short.payment_code},140000,VA-2",  # the bank says less than the platform credited
        f"{date},{unpaid.payment_code},150000,BANK-7",  # the bank took money the platform never heard of
        f"{date},9901999999999999,25000,BANK-8",  # a code the platform never issued
        f"{date},{paid.payment_code},150000,VA-1",  # the bank listed the first line twice
        f"{date},{flagged_bill.payment_code},50000,VA-5",
    )
    before = money_state()

    outcome = settlement_upload(actor=officer, file_name="settlement.csv", data=data)

    assert outcome.created
    batch = outcome.batch
    assert lines_of(batch) == [
        (2, paid.payment_code, 150000, SettlementOutcome.MATCHED, p_paid.pk),
        (3, short.payment_code, 140000, SettlementOutcome.AMOUNT_MISMATCH, p_short.pk),
        (4, unpaid.payment_code, 150000, SettlementOutcome.MISSING_IN_PLATFORM, None),
        (5, "9901999999999999", 25000, SettlementOutcome.MISSING_IN_PLATFORM, None),
        (6, paid.payment_code, 150000, SettlementOutcome.DUPLICATE, p_paid.pk),
        (7, flagged_bill.payment_code, 50000, SettlementOutcome.MISSING_IN_PLATFORM, p_flagged.pk),
        (None, not_in_file.payment_code, 150000, SettlementOutcome.MISSING_IN_BANK, p_missing.pk),
    ]
    missing = batch_lines(batch, outcome=SettlementOutcome.MISSING_IN_BANK).get()
    assert missing.reference == "VA-3" and missing.date == yesterday_at(23, 30).date()
    assert (batch.line_count, batch.matched_count, batch.amount_mismatch_count) == (6, 1, 1)
    assert (batch.missing_in_platform_count, batch.missing_in_bank_count, batch.duplicate_count) == (3, 1, 1)
    assert (batch.period_start, batch.period_end) == (yesterday_at(10).date(),) * 2
    assert (batch.encoding, batch.delimiter, batch.size, batch.file_name) == ("utf-8", ",", len(data), "settlement.csv")
    assert batch.uploaded_by == officer
    # Reconciliation reports and never credits: the unpaid bill is still unpaid, the ledger untouched.
    assert money_state() == before
    unpaid.refresh_from_db()
    assert unpaid.status == BillStatus.UNPAID
    event = AuditEvent.objects.get(action="settlement.uploaded")
    assert event.actor == officer and event.object_id == str(batch.pk)
    assert event.summary["missing_in_platform"] == 3 and event.summary["lines"] == 6


def test_a_second_transfer_for_a_matched_bill_is_money_the_platform_did_not_credit():
    bill = make_bill()
    payment = credit(bill, transaction_id="VA-1")
    second = credit(bill, transaction_id="VA-1B")  # the payer paid twice: recorded, flagged
    assert second.status == PaymentStatus.FLAGGED
    date = day(yesterday_at(10))
    batch = settlement_upload(
        actor=tax_officer(),
        file_name="a.csv",
        data=csv_file(f"{date},{bill.payment_code},150000,VA-1B", f"{date},{bill.payment_code},150000,VA-1"),
    ).batch
    # The reference says which transfer each line is; the credited one matches, the other is flagged money.
    assert [(line.outcome, line.payment_id) for line in batch_lines(batch)] == [
        (SettlementOutcome.MISSING_IN_PLATFORM, second.pk),
        (SettlementOutcome.MATCHED, payment.pk),
    ]


def test_the_files_days_bound_what_is_missing_in_the_bank_in_local_time():
    first, last, outside = make_bill(), make_bill(), make_bill()
    credit(first, transaction_id="A", paid_at=yesterday_at(0, 1))
    credit(last, transaction_id="B", paid_at=yesterday_at(23, 59))
    credit(outside, transaction_id="C", paid_at=yesterday_at(0, 0) - dt.timedelta(minutes=1))
    other = make_bill()
    batch = settlement_upload(
        actor=tax_officer(),
        file_name="a.csv",
        data=csv_file(f"{day(yesterday_at(10))},{other.payment_code},150000,X"),
    ).batch
    missing = {line.payment_code for line in batch_lines(batch, outcome=SettlementOutcome.MISSING_IN_BANK)}
    assert missing == {first.payment_code, last.payment_code}


# --- Idempotency ---------------------------------------------------------------------------------------------


def test_the_same_file_twice_is_stored_once_and_credits_nothing():
    officer = tax_officer()
    bill, unpaid = make_bill(), make_bill()
    credit(bill, transaction_id="VA-1")
    date = day(yesterday_at(10))
    data = csv_file(f"{date},{bill.payment_code},150000,VA-1", f"{date},{unpaid.payment_code},150000,B-2")
    first = settlement_upload(actor=officer, file_name="a.csv", data=data)
    before = (money_state(), SettlementLine.objects.count())

    again = settlement_upload(actor=tax_officer(), file_name="renamed.csv", data=data)

    assert not again.created and again.batch.pk == first.batch.pk
    assert (money_state(), SettlementLine.objects.count()) == before
    assert SettlementBatch.objects.count() == 1
    repeated = AuditEvent.objects.get(action="settlement.upload_repeated")
    assert repeated.summary["file_name"] == "renamed.csv" and repeated.object_id == str(first.batch.pk)


def test_overlapping_files_each_report_and_point_at_the_earlier_match():
    officer = tax_officer()
    a, b = make_bill(), make_bill()
    pa = credit(a, transaction_id="VA-A")
    credit(b, transaction_id="VA-B")
    date = day(yesterday_at(10))
    first = settlement_upload(
        actor=officer, file_name="1.csv", data=csv_file(f"{date},{a.payment_code},150000,VA-A")
    ).batch
    before = money_state()
    second = settlement_upload(
        actor=officer,
        file_name="2.csv",
        data=csv_file(f"{date},{a.payment_code},150000,VA-A", f"{date},{b.payment_code},150000,VA-B"),
    ).batch
    assert second.pk != first.pk and second.matched_count == 2 and second.missing_in_bank_count == 0
    assert money_state() == before
    assert earlier_matches(second, [pa.pk]) == {pa.pk: first.pk}
    assert earlier_matches(first, [pa.pk]) == {}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_uploads_of_one_file_racing_store_one_batch():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so uploads cannot race")
    officer = tax_officer()
    bill = make_bill()
    credit(bill, transaction_id="VA-1")
    data = csv_file(*(f"{day(yesterday_at(10))},{bill.payment_code},150000,R{n}" for n in range(300)))
    barrier = threading.Barrier(4)
    results: list[Any] = []
    errors: list[BaseException] = []

    def upload() -> None:
        try:
            barrier.wait(timeout=10)
            results.append(settlement_upload(actor=officer, file_name="a.csv", data=data))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=upload) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert SettlementBatch.objects.count() == 1
    assert sum(1 for r in results if r.created) == 1 and {r.batch.pk for r in results} == {
        SettlementBatch.objects.get().pk
    }
    assert SettlementLine.objects.count() == 300


# --- Refusals and limits -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        b"date,payment_code,amount\n2026-01-01,1,1\n",
        b"date,payment_code,amount,reference\n2026-01-01,99,-1,x\n",
        b"\xff\xfe" + "date,payment_code,amount,reference\n".encode("utf-16-le"),
        b"",
    ],
)
def test_a_refused_file_stores_nothing_and_is_audited(data):
    officer = tax_officer()
    before = money_state()
    with pytest.raises(SettlementFileRefused):
        settlement_upload(actor=officer, file_name="../../etc/passwd\x00.csv", data=data)
    assert SettlementBatch.objects.count() == 0 and SettlementLine.objects.count() == 0
    assert money_state() == before
    event = AuditEvent.objects.get(action="settlement.refused")
    assert event.actor == officer and event.summary["file_name"] == "passwd.csv"
    assert event.summary["code"].startswith("settlement_")


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(settings):
    settings.BALAI_PAYMENTS_SETTLEMENT_MAX_BYTES = 100
    with translation.override("en"), pytest.raises(SettlementFileRefused) as info:
        settlement_upload(actor=tax_officer(), file_name="big.csv", data=b"x" * 101)
    assert info.value.code == "settlement_too_large" and "100" in str(info.value.message)
    assert SettlementBatch.objects.count() == 0


def test_the_line_limit_comes_from_the_settings(settings):
    settings.BALAI_PAYMENTS_SETTLEMENT_MAX_LINES = 2
    bill = make_bill()
    date = day(yesterday_at(10))
    with pytest.raises(SettlementFileRefused) as info:
        settlement_upload(
            actor=tax_officer(),
            file_name="a.csv",
            data=csv_file(*(f"{date},{bill.payment_code},150000,R{n}" for n in range(3))),
        )
    assert info.value.code == "settlement_too_many_lines"


def test_a_large_file_is_matched_with_a_bounded_number_of_queries():
    officer = tax_officer()
    bills = [make_bill() for _ in range(3)]
    for n, bill in enumerate(bills):
        credit(bill, transaction_id=f"VA-{n}")
    date = day(yesterday_at(10))
    rows = [f"{date},{bills[n % 3].payment_code},150000,R{n}" for n in range(3000)]
    rows += [f"{date},{9901000000000000 + n},1000,U{n}" for n in range(1200)]
    with CaptureQueriesContext(connection) as queries:
        batch = settlement_upload(actor=officer, file_name="big.csv", data=csv_file(*rows)).batch
    inserts = [q for q in queries.captured_queries if q["sql"].startswith('INSERT INTO "payments_settlementline"')]
    # The lines go in multi-row statements (SQLite: ~124 rows each; PostgreSQL streams them with one COPY), the
    # bills are looked up by chunks of codes; the rest is constant.
    assert len(inserts) <= 4200 // 100 + 1
    assert len(queries.captured_queries) - len(inserts) <= 20
    assert batch.line_count == 4200 and batch.matched_count == 3
    assert batch.missing_in_platform_count == 4197 and SettlementLine.objects.filter(batch=batch).count() == 4200


# --- Who may -------------------------------------------------------------------------------------------------


def test_only_tax_officers_and_heads_of_the_revenue_agency_and_administrators_reconcile():
    agency = revenue_agency()
    other = OrganizationFactory()
    allowed = [
        staff_with_role(agency, Role.TAX_OFFICER),
        staff_with_role(agency, Role.HEAD),
        UserFactory(superuser=True),
    ]
    refused = [
        None,
        UserFactory(citizen=True),
        staff_with_role(agency, Role.VERIFIER),
        staff_with_role(agency, Role.FRONT_OFFICE),
        staff_with_role(other, Role.HEAD),
        staff_with_role(other, Role.TAX_OFFICER),
    ]
    data = csv_file(f"{day(yesterday_at(10))},9901000000000019,1000,R")
    for user in allowed:
        assert may_reconcile(user)
        assert batches_for(user).model is SettlementBatch
    for user in refused:
        assert not may_reconcile(user)
        assert not batches_for(user).exists()
        with pytest.raises(PermissionDenied):
            settlement_upload(actor=user, file_name="a.csv", data=data)
    assert SettlementBatch.objects.count() == 0


def test_an_ended_membership_no_longer_reconciles():
    officer = tax_officer()
    officer.memberships.update(ended_at=timezone.now())
    assert not may_reconcile(officer)


def test_every_audit_action_of_reconciliation_has_a_readable_name():
    from balai.audit.registry import is_registered, label_for
    from balai.payments.reconciliation import RECONCILIATION_ACTIONS, register_reconciliation_actions

    register_reconciliation_actions()
    for action in RECONCILIATION_ACTIONS:
        assert is_registered(action) and label_for(action) != action
    assert set(RECONCILIATION_ACTIONS) == {
        "settlement.uploaded",
        "settlement.upload_repeated",
        "settlement.refused",
        "settlement.exported",
    }
