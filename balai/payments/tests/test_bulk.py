"""bills_create_bulk: many bills in one go (the SPPT run) with the same checks as bill_create, unique checkable
codes, one item each, one audit event, nothing stored when any row is wrong."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from balai.accounts.tests.factories import UserFactory
from balai.audit.models import AuditEvent
from balai.cases.tests.factories import staff_with_role
from balai.core.exceptions import PermissionDenied, ValidationFailed
from balai.organizations.models import Role
from balai.organizations.tests.factories import OrganizationFactory
from balai.payments.codes import is_well_formed
from balai.payments.models import Bill, BillItem, BillKind, BillStatus
from balai.payments.pricing import amount_due
from balai.payments.services import BulkBillIn, bills_create_bulk

pytestmark = pytest.mark.django_db


def rows(count: int, **overrides):
    payer = UserFactory(citizen=True)
    due = timezone.now() + dt.timedelta(days=60)
    values = {"payer_id": payer.pk, "payer_name": "Wajib Pajak", "amount": 20_000, "due_at": due}
    values.update(overrides)
    return [
        BulkBillIn(description=f"PBB-P2 2026 NOP 32010100100100{n:04d}", reference=f"SPPT-2026-{n:06d}", **values)
        for n in range(count)
    ]


def test_many_bills_in_one_go():
    organization = OrganizationFactory()
    with transaction.atomic():
        made = bills_create_bulk(
            actor=None,
            kind=BillKind.TAX_ASSESSMENT,
            organization=organization,
            revenue_code="pbb-p2",
            bills=rows(25),
            penalty_percent_per_month=1,
            penalty_max_months=24,
            online_discount_percent=5,
        )
    assert len(made) == 25 and len({b.payment_code for b in made}) == 25
    assert all(is_well_formed(b.payment_code) for b in made)
    bills = Bill.objects.in_bulk([b.pk for b in made])
    first = bills[made[0].pk]
    assert first.payment_code == made[0].payment_code and first.reference == "SPPT-2026-000000"
    assert (first.status, first.kind, first.revenue_code, first.amount) == (
        "unpaid",
        "tax_assessment",
        "PBB-P2",
        20_000,
    )
    assert first.penalty_max_months == 24
    assert amount_due(first, at=timezone.now(), online=True).total == 19_000
    assert BillItem.objects.filter(bill_id__in=bills).count() == 25
    assert AuditEvent.objects.filter(action="bill.created").count() == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"amount": 0}, "bills.3.amount"),
        ({"amount": 10.5}, "bills.3.amount"),
        ({"payer_name": ""}, "bills.3.payer_name"),
        ({"due_at": dt.datetime(2030, 1, 1)}, "bills.3.due_at"),  # noqa: DTZ001 - the naive time is the bad input
        ({"payer_id": 987654321}, "bills.3.payer_id"),
    ],
)
def test_one_bad_row_stores_nothing(overrides, field):
    good = rows(3)
    bad = rows(1, **overrides)
    with pytest.raises(ValidationFailed) as caught:
        bills_create_bulk(
            actor=None, kind=BillKind.TAX_ASSESSMENT, organization=OrganizationFactory(), revenue_code="PBB-P2",
            bills=good + bad,
        )  # fmt: skip
    assert field in caught.value.fields
    assert not Bill.objects.exists()


def test_shared_parameters_are_checked_once():
    with pytest.raises(ValidationFailed) as caught:
        bills_create_bulk(
            actor=None, kind="gift", organization=OrganizationFactory(), revenue_code="", bills=rows(2),
            penalty_percent_per_month=2,
        )  # fmt: skip
    assert {"kind", "revenue_code", "penalty_max_months"} <= set(caught.value.fields)


def test_permissions_as_bill_create():
    organization = OrganizationFactory()
    with pytest.raises(PermissionDenied):
        bills_create_bulk(
            actor=UserFactory(citizen=True), kind=BillKind.LEVY, organization=organization, revenue_code="R",
            bills=rows(1),
        )  # fmt: skip
    officer = staff_with_role(organization, Role.TAX_OFFICER)
    made = bills_create_bulk(
        actor=officer, kind=BillKind.LEVY, organization=organization, revenue_code="R", bills=rows(1)
    )
    assert Bill.objects.get(pk=made[0].pk).created_by == officer


def test_codes_continue_after_bill_create():
    from .factories import make_bill

    before = make_bill()
    made = bills_create_bulk(
        actor=None, kind=BillKind.LEVY, organization=OrganizationFactory(), revenue_code="R", bills=rows(3)
    )
    after = make_bill()
    codes = [before.payment_code, *(b.payment_code for b in made), after.payment_code]
    assert codes == sorted(codes) and len(set(codes)) == 5
    assert Bill.objects.filter(status=BillStatus.UNPAID).count() == 5
