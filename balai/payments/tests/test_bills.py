"""bill_create, bill_cancel and the expiry: amounts in whole rupiah, codes that are unique and checkable,
pricing snapshotted on the bill, permissions, and bad input that stores nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from balai.accounts.tests.factories import UserFactory
from balai.audit.models import AuditEvent
from balai.cases.tests.factories import staff_with_role
from balai.core.exceptions import Conflict, PermissionDenied, ValidationFailed
from balai.organizations.models import Role
from balai.organizations.tests.factories import OrganizationFactory
from balai.payments.codes import is_well_formed, luhn_valid
from balai.payments.models import Bill, BillItem, BillKind, BillStatus
from balai.payments.services import BillItemIn, bill_cancel, bills_expire

from .factories import make_bill

pytestmark = pytest.mark.django_db


def test_bill_gets_a_unique_checkable_code_and_the_sum_of_its_items():
    organization = OrganizationFactory()
    bill = make_bill(
        organization=organization,
        items=[
            BillItemIn(description="Pokok pajak", amount=100_000),
            BillItemIn(description="Biaya administrasi", amount=2_500, revenue_code="adm-1"),
        ],
    )
    other = make_bill(organization=organization)
    assert bill.amount == 102_500
    assert bill.status == BillStatus.UNPAID
    assert len(bill.payment_code) == 16 and bill.payment_code.isdigit() and luhn_valid(bill.payment_code)
    assert is_well_formed(bill.payment_code)
    assert bill.payment_code != other.payment_code
    assert bill.payment_code[:4] == other.payment_code[:4]
    assert [(i.description, i.amount, i.revenue_code) for i in bill.items.all()] == [
        ("Pokok pajak", 100_000, "RETRIBUSI-UJI"),
        ("Biaya administrasi", 2_500, "ADM-1"),
    ]
    assert AuditEvent.objects.filter(action="bill.created", object_id=str(bill.pk)).exists()


def test_pricing_parameters_are_snapshotted():
    bill = make_bill(penalty_percent_per_month="1.5", penalty_max_months=24, online_discount_percent=5)
    bill.refresh_from_db()
    assert bill.penalty_percent_per_month == Decimal("1.50")
    assert bill.penalty_max_months == 24
    assert bill.online_discount_percent == Decimal("5.00")


def test_a_date_as_due_date_means_the_end_of_that_day_in_the_region():
    bill = make_bill(due_at=dt.date(2030, 8, 31))
    local = timezone.localtime(bill.due_at)
    assert (local.date(), local.hour, local.minute) == (dt.date(2030, 8, 31), 23, 59)


@pytest.mark.parametrize(
    ("amount", "field"),
    [
        (0, "items.0.amount"),
        (-5000, "items.0.amount"),
        (1500.5, "items.0.amount"),
        (Decimal("1500.00"), "items.0.amount"),
        ("150000", "items.0.amount"),
        (True, "items.0.amount"),
        (10**13, "items.0.amount"),
        (None, "items.0.amount"),
    ],
)
def test_bad_amounts_are_refused_and_nothing_is_stored(amount, field):
    with pytest.raises(ValidationFailed) as caught:
        make_bill(amount=amount)
    assert field in caught.value.fields
    assert not Bill.objects.exists() and not BillItem.objects.exists()


def test_a_sum_above_the_limit_is_refused():
    items = [BillItemIn(description=f"Item {n}", amount=600_000_000_000) for n in range(2)]
    with pytest.raises(ValidationFailed) as caught:
        make_bill(items=items)
    assert "items" in caught.value.fields
    assert not Bill.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"items": []}, "items"),
        ({"items": [BillItemIn(description="", amount=1000)]}, "items.0.description"),
        ({"items": [BillItemIn(description="x" * 301, amount=1000)]}, "items.0.description"),
        ({"items": ["not an item"]}, "items.0"),
        ({"revenue_code": ""}, "revenue_code"),
        ({"revenue_code": "PAJAK <script>"}, "revenue_code"),
        ({"kind": "gift"}, "kind"),
        ({"payer_name": "", "no_payer": True}, "payer_name"),
        ({"payer_name": "n" * 201}, "payer_name"),
        ({"reference": "r" * 101}, "reference"),
        ({"reference": "SPPT\x00"}, "reference"),
        ({"payer_name": "Budi\x00"}, "payer_name"),
        ({"items": [BillItemIn(description="Pajak\x00", amount=1000)]}, "items.0.description"),
        ({"due_at": None}, "due_at"),
        ({"due_at": dt.datetime(2030, 1, 1, 12, 0)}, "due_at"),  # noqa: DTZ001 - the naive time is the bad input
        ({"due_at": "2030-01-01"}, "due_at"),
        ({"expires_at": timezone.now() - dt.timedelta(minutes=1)}, "expires_at"),
        ({"penalty_percent_per_month": -1}, "penalty_percent_per_month"),
        ({"penalty_percent_per_month": "1.234"}, "penalty_percent_per_month"),
        ({"penalty_percent_per_month": 2.5}, "penalty_percent_per_month"),
        ({"penalty_percent_per_month": 2}, "penalty_max_months"),
        ({"penalty_max_months": 500}, "penalty_max_months"),
        ({"online_discount_percent": 101}, "online_discount_percent"),
        ({"online_discount_percent": "lima"}, "online_discount_percent"),
    ],
)
def test_bad_input_gets_a_message_per_field(overrides, field):
    with pytest.raises(ValidationFailed) as caught:
        make_bill(**overrides)
    assert field in caught.value.fields, caught.value.fields
    assert all(message for messages in caught.value.fields.values() for message in messages)
    assert not Bill.objects.exists()


def test_expiry_before_the_due_date_is_refused():
    with pytest.raises(ValidationFailed) as caught:
        make_bill(due_at=timezone.now() + dt.timedelta(days=10), expires_at=timezone.now() + dt.timedelta(days=1))
    assert "expires_at" in caught.value.fields


def test_inactive_agency_is_refused():
    with pytest.raises(ValidationFailed):
        make_bill(organization=OrganizationFactory(inactive=True))


def test_staff_of_the_agency_may_bill_others_may_not():
    organization = OrganizationFactory()
    officer = staff_with_role(organization, Role.TAX_OFFICER)
    assert make_bill(actor=officer, organization=organization).created_by == officer
    for outsider in (staff_with_role(OrganizationFactory(), Role.TAX_OFFICER), UserFactory(citizen=True)):
        with pytest.raises(PermissionDenied):
            make_bill(actor=outsider, organization=organization)
    assert Bill.objects.count() == 1


def test_a_taxpayer_may_make_the_bill_of_their_own_tax_return_only():
    taxpayer = UserFactory(citizen=True)
    bill = make_bill(actor=taxpayer, payer=taxpayer, kind=BillKind.TAX_RETURN)
    assert bill.payer == taxpayer
    with pytest.raises(PermissionDenied):
        make_bill(actor=taxpayer, payer=taxpayer, kind=BillKind.TAX_ASSESSMENT)
    with pytest.raises(PermissionDenied):
        make_bill(actor=taxpayer, payer=UserFactory(citizen=True), kind=BillKind.TAX_RETURN)


def test_cancel_needs_a_reason_and_an_unpaid_bill():
    organization = OrganizationFactory()
    head = staff_with_role(organization, Role.HEAD)
    bill = make_bill(organization=organization)
    with pytest.raises(ValidationFailed):
        bill_cancel(actor=head, bill=bill, reason="  ")
    with pytest.raises(PermissionDenied):
        bill_cancel(actor=UserFactory(citizen=True), bill=bill, reason="Salah tagih")
    cancelled = bill_cancel(actor=head, bill=bill, reason="Salah tagih")
    assert cancelled.status == BillStatus.CANCELLED and cancelled.cancelled_at is not None
    with pytest.raises(Conflict):
        bill_cancel(actor=head, bill=bill, reason="Lagi")


def test_expiry_job_marks_bills_whose_time_ran_out():
    soon = make_bill(due_at=timezone.now() + dt.timedelta(hours=1), expires_at=timezone.now() + dt.timedelta(hours=1))
    later = make_bill(expires_at=timezone.now() + dt.timedelta(days=30))
    assert soon.is_payable
    assert bills_expire(now=timezone.now() + dt.timedelta(hours=2)) == 1
    soon.refresh_from_db()
    later.refresh_from_db()
    assert soon.status == BillStatus.EXPIRED and later.status == BillStatus.UNPAID
    assert bills_expire(now=timezone.now() + dt.timedelta(hours=2)) == 0


def test_staff_may_bill_with_a_role_of_the_revenue_agency(settings):
    bapenda = OrganizationFactory(code="BAPENDA")
    officer = staff_with_role(bapenda, Role.TAX_OFFICER)
    assert make_bill(actor=officer).created_by == officer
