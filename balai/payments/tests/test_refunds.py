"""Refunds: only tax officers and heads of the bill's agency or of the revenue agency (or platform
administrators), with a reason, never above paid minus refunded; negative ledger entries; a bill refunded in
full becomes refunded; audited; bill.refunded published."""

from __future__ import annotations

import pytest
from django.db.models import Sum

from balai.accounts.tests.factories import UserFactory
from balai.audit.models import AuditEvent
from balai.cases.tests.factories import staff_with_role
from balai.core.exceptions import Conflict, PermissionDenied, ValidationFailed
from balai.organizations.models import Role
from balai.organizations.tests.factories import OrganizationFactory
from balai.payments.models import BillStatus, LedgerEntry, LedgerKind, Refund
from balai.payments.services import refund_create

from .factories import make_bill, paid_bill

pytestmark = pytest.mark.django_db
REASON = "Wajib pajak membayar dua kali, surat nomor 12/2026"


def balance(bill):
    return LedgerEntry.objects.filter(bill=bill).aggregate(total=Sum("amount"))["total"] or 0


@pytest.mark.parametrize("role", [Role.TAX_OFFICER, Role.HEAD])
def test_revenue_staff_of_the_bills_agency_may_refund(role):
    bill = paid_bill()
    officer = staff_with_role(bill.organization, role)
    refund = refund_create(actor=officer, bill=bill, amount=50_000, reason=REASON)
    bill.refresh_from_db()
    assert bill.status == BillStatus.PAID and bill.refunded_amount == 50_000
    entry = LedgerEntry.objects.get(kind=LedgerKind.REFUND)
    assert entry.amount == -50_000 and entry.refund == refund
    assert balance(bill) == 100_000 == bill.paid_amount - bill.refunded_amount
    assert AuditEvent.objects.filter(action="bill.refunded", object_id=str(bill.pk)).exists()


def test_revenue_agency_and_platform_admin_may_refund_any_bill():
    bapenda = OrganizationFactory(code="BAPENDA")
    bill = paid_bill()
    refund_create(actor=staff_with_role(bapenda, Role.TAX_OFFICER), bill=bill, amount=1, reason=REASON)
    refund_create(actor=UserFactory(superuser=True), bill=bill, amount=1, reason=REASON)
    assert Refund.objects.count() == 2


@pytest.mark.parametrize("who", ["citizen", "payer", "verifier", "other_agency_officer", "anonymous"])
def test_others_are_refused(who):
    bill = paid_bill()
    actor = {
        "citizen": lambda: UserFactory(citizen=True),
        "payer": lambda: bill.payer,
        "verifier": lambda: staff_with_role(bill.organization, Role.VERIFIER),
        "other_agency_officer": lambda: staff_with_role(OrganizationFactory(), Role.TAX_OFFICER),
        "anonymous": lambda: None,
    }[who]()
    with pytest.raises(PermissionDenied):
        refund_create(actor=actor, bill=bill, amount=1_000, reason=REASON)
    assert not Refund.objects.exists() and balance(bill) == bill.paid_amount


@pytest.mark.parametrize(
    ("amount", "reason", "field"),
    [
        (0, REASON, "amount"),
        (-1, REASON, "amount"),
        (10.5, REASON, "amount"),
        ("1000", REASON, "amount"),
        (1000, "", "reason"),
        (1000, "terlalu", "reason"),
        (1000, "x" * 2001, "reason"),
        (150_001, REASON, "amount"),
    ],
)
def test_bad_refunds_are_refused(amount, reason, field):
    bill = paid_bill()
    head = staff_with_role(bill.organization, Role.HEAD)
    with pytest.raises(ValidationFailed) as caught:
        refund_create(actor=head, bill=bill, amount=amount, reason=reason)
    assert field in caught.value.fields
    assert not Refund.objects.exists() and balance(bill) == 150_000


def test_never_above_paid_minus_refunded_and_full_refund_ends_the_bill():
    bill = paid_bill()
    head = staff_with_role(bill.organization, Role.HEAD)
    refund_create(actor=head, bill=bill, amount=100_000, reason=REASON)
    with pytest.raises(ValidationFailed):
        refund_create(actor=head, bill=bill, amount=50_001, reason=REASON)
    refund_create(actor=head, bill=bill, amount=50_000, reason=REASON)
    bill.refresh_from_db()
    assert bill.status == BillStatus.REFUNDED and bill.refunded_amount == bill.paid_amount
    assert balance(bill) == 0
    with pytest.raises(Conflict):
        refund_create(actor=head, bill=bill, amount=1, reason=REASON)


def test_an_unpaid_bill_has_nothing_to_refund():
    bill = make_bill()
    with pytest.raises(Conflict):
        refund_create(actor=staff_with_role(bill.organization, Role.HEAD), bill=bill, amount=1, reason=REASON)


def test_refund_publishes_bill_refunded(monkeypatch):
    published = []
    monkeypatch.setattr(
        "balai.payments.services.refunds.publish", lambda name, payload: published.append((name, payload))
    )
    bill = paid_bill()
    refund_create(actor=staff_with_role(bill.organization, Role.HEAD), bill=bill, amount=150_000, reason=REASON)
    ((name, payload),) = published
    assert name == "bill.refunded" and payload["bill_id"] == bill.pk and payload["fully_refunded"] is True
