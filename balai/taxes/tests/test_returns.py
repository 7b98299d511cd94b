"""PBJT SPTPD: turnover in, tax out, a bill of kind tax_return; late filing shown; one return per month."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from balai.accounts.tests.factories import UserFactory
from balai.audit.models import AuditEvent
from balai.core.exceptions import Conflict, PermissionDenied, ValidationFailed
from balai.payments.models import Bill
from balai.taxes.models import TaxReturn
from balai.taxes.services import tax_return_file

from .conftest import pay, travel

pytestmark = pytest.mark.django_db

JAKARTA = dt.timezone(dt.timedelta(hours=7))


def at(year, month, day, hour=10):
    return dt.datetime(year, month, day, hour, tzinfo=JAKARTA)


def test_a_business_files_its_month_and_gets_the_bill(business, owner):
    with travel(at(2026, 5, 10)):
        filed = tax_return_file(
            actor=owner, taxpayer=business, tax_type="PBJT-MAKAN", year=2026, month=4, turnover="15000000"
        )
    assert filed.turnover == 15_000_000 and filed.rate_percent == Decimal("10") and filed.amount == 1_500_000
    assert filed.due_date == dt.date(2026, 5, 15) and not filed.filed_late and filed.status == "unpaid"
    bill = filed.bill
    assert bill.kind == "tax_return" and bill.amount == 1_500_000 and bill.payer == owner
    assert bill.revenue_code == "PBJT-MAKAN" and bill.organization.code == "BAPENDA"
    assert bill.reference == f"SPTPD-PBJT-MAKAN-2026-04-{business.npwpd}"
    event = AuditEvent.objects.get(action="tax.return_filed")
    assert event.summary["turnover"] == 15_000_000 and event.summary["late"] is False


def test_a_return_filed_after_the_due_rule_is_late_and_its_bill_keeps_the_due_date(business, owner):
    with travel(at(2026, 6, 20)):
        filed = tax_return_file(actor=owner, taxpayer=business, tax_type="PBJT-MAKAN", year=2026, month=4, turnover=100)
    assert filed.filed_late and filed.due_date == dt.date(2026, 5, 15)
    assert filed.bill.due_at.astimezone(JAKARTA).date() == dt.date(2026, 5, 15)


def test_a_nil_return_needs_no_bill(business, owner):
    with travel(at(2026, 5, 2)):
        filed = tax_return_file(actor=owner, taxpayer=business, tax_type="PBJT-PARKIR", year=2026, month=4, turnover=0)
    assert filed.amount == 0 and filed.status == "nil" and filed.bill is None
    assert not Bill.objects.exists()


def test_a_second_filing_for_the_month_is_refused_with_the_way_to_correct_it(business, owner):
    with travel(at(2026, 5, 10)):
        tax_return_file(actor=owner, taxpayer=business, tax_type="PBJT-MAKAN", year=2026, month=4, turnover=10)
        with pytest.raises(Conflict) as caught:
            tax_return_file(actor=owner, taxpayer=business, tax_type="PBJT-MAKAN", year=2026, month=4, turnover=20)
    assert caught.value.code == "already_filed" and "pembetulan" in str(caught.value.message)
    assert TaxReturn.objects.count() == 1 and Bill.objects.count() == 1


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"turnover": -1}, "turnover"),
        ({"turnover": "15000000.5"}, "turnover"),
        ({"turnover": "15.000.000"}, "turnover"),
        ({"turnover": 10**16}, "turnover"),
        ({"turnover": ""}, "turnover"),
        ({"month": 13}, "month"),
        ({"month": 0}, "month"),
        ({"month": "x"}, "month"),
        ({"month": 5}, "month"),  # the current month has not ended
        ({"year": 2027, "month": 1}, "month"),  # the future
        ({"year": "abc"}, "year"),
        ({"year": 1990}, "year"),
        ({"tax_type": "PBJT-HOTEL"}, "tax_type"),  # not registered for it
        ({"tax_type": "PBB-P2"}, "tax_type"),  # not a self-assessed monthly tax
        ({"tax_type": "NOPE"}, "tax_type"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_stored(business, owner, values, field):
    data = {"tax_type": "PBJT-MAKAN", "year": 2026, "month": 4, "turnover": 1000, **values}
    with travel(at(2026, 5, 10)), pytest.raises(ValidationFailed) as caught:
        tax_return_file(actor=owner, taxpayer=business, **data)
    assert field in caught.value.fields
    assert not TaxReturn.objects.exists() and not Bill.objects.exists()


def test_only_the_taxpayers_accounts_and_tax_staff_file(business, tax_officer, other_staff):
    stranger = UserFactory(citizen=True)
    with travel(at(2026, 5, 10)):
        for actor in (stranger, other_staff, None):
            with pytest.raises(PermissionDenied):
                tax_return_file(actor=actor, taxpayer=business, tax_type="PBJT-MAKAN", year=2026, month=4, turnover=5)
        filed = tax_return_file(
            actor=tax_officer, taxpayer=business, tax_type="PBJT-MAKAN", year=2026, month=4, turnover=50
        )
    assert filed.filed_by == tax_officer and filed.bill.payer is None and filed.amount == 5


def test_paying_the_bill_marks_the_return_paid(business, owner):
    with travel(at(2026, 5, 10)):
        filed = tax_return_file(actor=owner, taxpayer=business, tax_type="PBJT-MAKAN", year=2026, month=4, turnover=10)
        result = pay(filed.bill)
    assert result.outcome == "credited"
    filed.refresh_from_db()
    assert filed.status == "paid" and filed.paid_at is not None
