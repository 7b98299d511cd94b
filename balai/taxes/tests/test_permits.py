"""Reklame tax from a granted permit, the waste-collection levy subscription and its monthly charges, and the
bill.paid / bill.refunded consumers."""

from __future__ import annotations

import datetime as dt

import pytest

from balai.accounts.tests.factories import UserFactory
from balai.core.exceptions import PermissionDenied
from balai.payments.models import Bill
from balai.taxes.models import LevyCharge, LevyType, PermitTax, Subscription
from balai.taxes.services import levy_charges_generate, levy_type_save, mark_paid, mark_refunded

from .conftest import pay, travel

pytestmark = pytest.mark.django_db
JAKARTA = dt.timezone(dt.timedelta(hours=7))
REKLAME_ANSWERS = {"ad_type": "papan", "size_m2": "12.5", "duration_months": 6, "location": "-6.2,106.8"}


def test_a_granted_billboard_permit_is_taxed_from_its_answers(granted_case):
    applicant = UserFactory(citizen=True, full_name="Made Wirawan")
    case = granted_case("REKLAME", REKLAME_ANSWERS, applicant=applicant, extra={"creates_tax": "REKLAME"})
    tax = PermitTax.objects.get(case=case)
    # NSR 50,000 per m² per month × 12.5 m² × 6 months = 3,750,000; 25 % of it = 937,500
    assert tax.base_amount == 3_750_000 and tax.amount == 937_500
    assert tax.details == {"ad_type": "papan", "size_m2": "12.5", "months": 6, "nsr_per_m2_month": 50000}
    bill = tax.bill
    assert bill.kind == "tax_assessment" and bill.amount == 937_500 and bill.case_id == case.pk
    assert bill.payer == applicant and bill.revenue_code == "REKLAME" and bill.organization.code == "BAPENDA"
    from balai.taxes.services import permit_tax_from_case

    assert permit_tax_from_case(case_id=case.pk) == "already_assessed"
    assert Bill.objects.count() == 1


def test_a_rejected_permit_or_one_without_creates_tax_is_not_taxed(granted_case):
    granted_case("REKLAME", REKLAME_ANSWERS, grant=False, extra={"creates_tax": "REKLAME"})
    granted_case("IZIN-LAIN", REKLAME_ANSWERS)
    assert not PermitTax.objects.exists() and not Bill.objects.exists()


@pytest.mark.parametrize(
    "answers",
    [
        {**REKLAME_ANSWERS, "ad_type": "balon"},
        {**REKLAME_ANSWERS, "size_m2": "-3"},
        {**REKLAME_ANSWERS, "size_m2": "abc"},
        {**REKLAME_ANSWERS, "duration_months": "1.5"},
    ],
)
def test_answers_that_cannot_be_taxed_store_nothing(granted_case, answers):
    from balai.taxes.services import permit_tax_from_case

    case = granted_case("REKLAME", answers, extra={"creates_tax": "REKLAME"})
    assert permit_tax_from_case(case_id=case.pk).startswith("failed:")
    assert not PermitTax.objects.exists() and not Bill.objects.exists()


def test_a_granted_waste_collection_application_starts_a_subscription_charged_monthly(granted_case):
    applicant = UserFactory(citizen=True, full_name="Budi Santoso")
    with travel(dt.datetime(2026, 3, 14, 9, tzinfo=JAKARTA)):
        case = granted_case(
            "SAMPAH",
            {"customer_type": "usaha_kecil", "location": "-6.2,106.8"},
            applicant=applicant,
            extra={"creates_levy": "RETRIBUSI-SAMPAH"},
        )
    subscription = Subscription.objects.get(case=case)
    assert subscription.tariff == "usaha_kecil" and subscription.starts_on == dt.date(2026, 3, 1)
    assert subscription.organization_id == case.organization_id and subscription.subscriber == applicant
    first = subscription.charges.get()
    assert (first.period_year, first.period_month, first.amount) == (2026, 3, 50_000)
    assert first.due_date == dt.date(2026, 4, 10) and first.bill.kind == "levy" and first.bill.payer == applicant

    result = levy_charges_generate(year=2026, month=4)
    assert result.created == 1 and result.failed == []
    assert levy_charges_generate(year=2026, month=4).created == 0  # idempotent
    assert levy_charges_generate(year=2026, month=2).created == 0  # before the subscription started
    assert LevyCharge.objects.count() == 2 and Bill.objects.filter(kind="levy").count() == 2


def test_a_tariff_removed_by_an_administrator_is_reported_not_charged(granted_case):
    with travel(dt.datetime(2026, 3, 14, 9, tzinfo=JAKARTA)):
        granted_case("SAMPAH", {"customer_type": "rumah_tangga"}, extra={"creates_levy": "RETRIBUSI-SAMPAH"})
    levy = LevyType.objects.get(code="RETRIBUSI-SAMPAH")
    levy.tariffs = {"tariff": {"usaha_besar": 250000}}
    levy_type_save(actor=None, levy_type=levy)
    result = levy_charges_generate(year=2026, month=4)
    assert result.created == 0 and len(result.failed) == 1 and "rumah_tangga" in result.failed[0]


def test_only_tax_staff_run_the_levy_charges_by_hand(setup, owner, tax_officer):
    with pytest.raises(PermissionDenied):
        levy_charges_generate(actor=owner, year=2026, month=4)
    assert levy_charges_generate(actor=tax_officer, year=2026, month=4).created == 0


# --- Paid and refunded ----------------------------------------------------------------------------------


def test_paying_an_sppt_marks_it_paid_once(taxpayer, make_object, tax_officer):
    from balai.taxes.services import assessment_issue

    sppt = assessment_issue(actor=tax_officer, tax_object=make_object(taxpayer, 31), year=2026)
    assert pay(sppt.bill).outcome == "credited"
    sppt.refresh_from_db()
    assert sppt.status == "paid" and sppt.paid_at is not None
    assert mark_paid(bill_id=sppt.bill_id) == "already_paid"


def test_the_paid_consumer_ignores_what_is_not_a_tax(setup):
    assert mark_paid(bill_id="abc") == "no_bill"
    assert mark_paid(bill_id=987654) == "no_bill"
    assert mark_refunded(bill_id=None) == "no_bill"


def test_a_refunded_bill_marks_its_liability_refunded(taxpayer, make_object, tax_officer):
    from balai.taxes.services import assessment_issue

    sppt = assessment_issue(actor=tax_officer, tax_object=make_object(taxpayer, 32), year=2026)
    pay(sppt.bill)
    assert mark_refunded(bill_id=sppt.bill_id) == "not_refunded"  # the bill itself is still paid
    Bill.objects.filter(pk=sppt.bill_id).update(status="refunded", refunded_amount=sppt.bill.amount)
    assert mark_refunded(bill_id=sppt.bill_id) == "refunded"
    sppt.refresh_from_db()
    assert sppt.status == "refunded"
