"""PBB-P2 SPPT: the amount, the NJOPTKP once per taxpayer and year, the bill with PBB-P2's pricing, and the bulk
generation (batched, resumable, idempotent, one run per year at a time)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from balai.accounts.tests.factories import UserFactory
from balai.audit.models import AuditEvent
from balai.core.exceptions import Conflict, PermissionDenied, ValidationFailed
from balai.payments.models import Bill
from balai.taxes.models import Assessment, GenerationRun, RunStatus, TaxType
from balai.taxes.services import (
    assessment_issue,
    generation_execute,
    generation_request,
    tax_type_save,
    taxpayer_register,
)

pytestmark = pytest.mark.django_db


def test_an_sppt_is_rate_times_taxable_njop_billed_with_the_pbb_pricing(taxpayer, make_object, tax_officer, owner):
    obj = make_object(taxpayer, 1)  # 200 m² × 1,000,000 + 100 m² × 2,000,000 = 400,000,000
    sppt = assessment_issue(actor=tax_officer, tax_object=obj, year=2026)
    assert sppt.njop == 400_000_000 and sppt.njoptkp == 10_000_000 and sppt.taxable == 390_000_000
    assert sppt.amount == 1_170_000 and sppt.rate_percent == Decimal("0.3")
    assert sppt.due_date == dt.date(2026, 8, 31) and sppt.status == "unpaid"
    bill = sppt.bill
    assert bill.kind == "tax_assessment" and bill.amount == 1_170_000 and bill.revenue_code == "PBB-P2"
    assert bill.organization.code == "BAPENDA" and bill.payer == owner and bill.payer_name == "Siti Rahmawati"
    assert bill.online_discount_percent == Decimal("5")
    assert bill.penalty_percent_per_month == Decimal("1") and bill.penalty_max_months == 24
    assert bill.reference == f"SPPT-2026-{obj.nop}"
    assert bill.due_at.astimezone(dt.timezone(dt.timedelta(hours=7))).date() == dt.date(2026, 8, 31)
    assert AuditEvent.objects.filter(action="tax.sppt_issued", object_id=str(sppt.pk)).exists()


def test_the_configuration_decides_every_number(taxpayer, make_object, tax_officer):
    pbb = TaxType.objects.get(code="PBB-P2")
    pbb.rate_percent, pbb.njoptkp, pbb.online_discount_percent = Decimal("0.5"), 0, Decimal("2.5")
    tax_type_save(actor=None, tax_type=pbb)
    sppt = assessment_issue(actor=tax_officer, tax_object=make_object(taxpayer, 2), year=2026)
    assert sppt.amount == 2_000_000 and sppt.njoptkp == 0
    assert sppt.bill.online_discount_percent == Decimal("2.5")


def test_njoptkp_goes_once_to_the_taxpayers_object_with_the_highest_njop(taxpayer, make_object, tax_officer):
    small = make_object(taxpayer, 3, land_area_m2=50, building_area_m2=0)  # 50,000,000
    large = make_object(taxpayer, 4, land_area_m2=500, building_area_m2=0)  # 500,000,000
    first = assessment_issue(actor=tax_officer, tax_object=small, year=2026)
    second = assessment_issue(actor=tax_officer, tax_object=large, year=2026)
    assert first.njoptkp == 0 and first.amount == 150_000
    assert second.njoptkp == 10_000_000 and second.amount == 1_470_000


def test_njoptkp_is_at_most_the_njop_and_the_minimum_applies(taxpayer, make_object, tax_officer):
    tiny = make_object(taxpayer, 5, land_area_m2=5, building_area_m2=0)  # 5,000,000 < NJOPTKP
    sppt = assessment_issue(actor=tax_officer, tax_object=tiny, year=2026)
    assert sppt.njoptkp == 5_000_000 and sppt.taxable == 0 and sppt.amount == 20_000


def test_one_sppt_per_object_and_year(taxpayer, make_object, tax_officer):
    obj = make_object(taxpayer, 6)
    assessment_issue(actor=tax_officer, tax_object=obj, year=2026)
    with pytest.raises(Conflict):
        assessment_issue(actor=tax_officer, tax_object=obj, year=2026)
    assert assessment_issue(actor=tax_officer, tax_object=obj, year=2027).year == 2027
    assert Bill.objects.count() == 2


@pytest.mark.parametrize("year", [1999, 2101, "2026", None, True])
def test_bad_years_are_refused(taxpayer, make_object, tax_officer, year):
    with pytest.raises(ValidationFailed) as caught:
        assessment_issue(actor=tax_officer, tax_object=make_object(taxpayer), year=year)
    assert "year" in caught.value.fields


def test_only_tax_staff_issue_and_generate(taxpayer, make_object, other_staff, owner):
    obj = make_object(taxpayer, 7)
    for actor in (other_staff, owner, UserFactory(staff=True)):
        with pytest.raises(PermissionDenied):
            assessment_issue(actor=actor, tax_object=obj, year=2026)
        with pytest.raises(PermissionDenied):
            generation_request(actor=actor, year=2026)
    assert not Assessment.objects.exists() and not GenerationRun.objects.exists()


# --- Bulk generation ----------------------------------------------------------------------------------------


@pytest.fixture
def many_objects(setup, make_object, owner):
    """Seven objects of three taxpayers; only the first has a linked account."""
    a = taxpayer_register(actor=None, name="Budi", kind="individual", accounts=[owner])
    b = taxpayer_register(actor=None, name="Made", kind="individual")
    c = taxpayer_register(actor=None, name="CV Maju", kind="business")
    objects = [
        make_object(a, 11, land_area_m2=100, building_area_m2=0),
        make_object(a, 12, land_area_m2=300, building_area_m2=0),
        make_object(b, 13),
        make_object(c, 14, land_area_m2=5, building_area_m2=0),
        make_object(c, 15, land_area_m2=1000, building_area_m2=500),
        make_object(b, 16, land_area_m2=400, building_area_m2=0),
        make_object(a, 17),
    ]
    return a, b, c, objects


def test_generation_assesses_every_active_object_in_batches(many_objects, tax_officer):
    a, b, c, objects = many_objects
    run = generation_request(actor=tax_officer, year=2026, enqueue=False)
    assert run.status == RunStatus.QUEUED and run.total == 7
    seen = []
    run = generation_execute(run_id=run.pk, batch_size=3, on_progress=lambda r: seen.append((r.done, r.percent)))
    assert run.status == RunStatus.COMPLETED and run.created_count == 7 and run.done == 7
    assert seen[:3] == [(3, 42), (6, 85), (7, 100)]
    assert Assessment.objects.filter(year=2026).count() == 7 == Bill.objects.count()
    # NJOPTKP once per taxpayer, on the object with the highest NJOP.
    with_njoptkp = dict(Assessment.objects.filter(njoptkp__gt=0).values_list("taxpayer_id", "tax_object_id"))
    assert with_njoptkp == {a.pk: objects[6].pk, b.pk: objects[2].pk, c.pk: objects[4].pk}
    assert {s.bill.payer_id for s in Assessment.objects.filter(taxpayer=b)} == {None}
    assert AuditEvent.objects.filter(action="tax.sppt_generation_completed").count() == 1


def test_a_second_run_skips_what_exists_and_creates_nothing(many_objects, tax_officer):
    first = generation_execute(run_id=generation_request(actor=tax_officer, year=2026, enqueue=False).pk)
    second = generation_execute(run_id=generation_request(actor=tax_officer, year=2026, enqueue=False).pk)
    assert first.created_count == 7 and second.created_count == 0 and second.skipped_count == 7
    assert Bill.objects.count() == 7


def test_one_run_per_year_at_a_time(many_objects, tax_officer):
    generation_request(actor=tax_officer, year=2026, enqueue=False)
    with pytest.raises(Conflict):
        generation_request(actor=tax_officer, year=2026, enqueue=False)
    assert generation_request(actor=tax_officer, year=2027, enqueue=False).year == 2027


def test_a_stopped_run_resumes_at_its_cursor(many_objects, tax_officer):
    run = generation_request(actor=tax_officer, year=2026, enqueue=False)

    class Stop(Exception):
        pass

    def stop_after_first_batch(progress):
        raise Stop

    with pytest.raises(Stop):
        generation_execute(run_id=run.pk, batch_size=4, on_progress=stop_after_first_batch)
    run.refresh_from_db()
    assert run.status == RunStatus.RUNNING and run.done == 4 and run.last_object_id > 0
    run = generation_execute(run_id=run.pk, batch_size=4)
    assert run.status == RunStatus.COMPLETED and run.created_count == 7
    assert Assessment.objects.count() == 7


def test_the_task_runs_the_generation(many_objects, tax_officer):
    run = generation_request(actor=tax_officer, year=2026)  # the immediate task backend runs it at once
    run.refresh_from_db()
    assert run.status == RunStatus.COMPLETED and run.created_count == 7


def test_a_failing_batch_fails_the_run_and_stores_nothing_of_it(many_objects, tax_officer, monkeypatch):
    from balai.core.exceptions import ValidationFailed as Refused
    from balai.taxes.services import sppt

    def refuse(**kwargs):
        raise Refused("The bill could not be made.")

    monkeypatch.setattr(sppt, "create_bills", refuse)
    run = generation_execute(run_id=generation_request(actor=tax_officer, year=2026, enqueue=False).pk)
    assert run.status == RunStatus.FAILED and run.error_count == 1
    assert run.errors[-1]["message"] == "The bill could not be made."
    assert not Assessment.objects.exists() and not Bill.objects.exists()
    # A new run for the year may start and completes the work.
    monkeypatch.undo()
    again = generation_execute(run_id=generation_request(actor=tax_officer, year=2026, enqueue=False).pk)
    assert again.status == RunStatus.COMPLETED and again.created_count == 7


def test_the_bills_are_made_in_one_bulk_call_per_batch(many_objects, tax_officer, monkeypatch):
    from balai.payments import services as payment_services

    calls = []
    real = payment_services.bills_create_bulk

    def counting(**kwargs):
        calls.append(len(kwargs["bills"]))
        return real(**kwargs)

    monkeypatch.setattr(payment_services, "bills_create_bulk", counting)
    run = generation_execute(run_id=generation_request(actor=tax_officer, year=2026, enqueue=False).pk, batch_size=5)
    assert run.created_count == 7 and calls == [5, 2]
    assert all(s.bill.penalty_max_months == 24 for s in Assessment.objects.select_related("bill"))


def test_without_the_bulk_interface_the_bills_are_made_one_by_one(many_objects, tax_officer, monkeypatch):
    from balai.payments import services as payment_services

    monkeypatch.delattr(payment_services, "bills_create_bulk")
    run = generation_execute(run_id=generation_request(actor=tax_officer, year=2026, enqueue=False).pk, batch_size=5)
    assert run.created_count == 7 and Bill.objects.count() == 7
    sppt = Assessment.objects.select_related("bill", "tax_object").get(tax_object__nop__endswith="00120")
    assert sppt.bill.reference == f"SPPT-2026-{sppt.tax_object.nop}" and sppt.bill.online_discount_percent == 5


def test_inactive_objects_are_not_assessed(taxpayer, make_object, tax_officer):
    obj = make_object(taxpayer, 22)
    from balai.taxes.models import TaxObject

    TaxObject.objects.filter(pk=obj.pk).update(is_active=False)
    run = generation_execute(run_id=generation_request(actor=tax_officer, year=2026, enqueue=False).pk)
    assert run.created_count == 0 and not Assessment.objects.exists()
    with pytest.raises(ValidationFailed):
        assessment_issue(actor=tax_officer, tax_object=TaxObject.objects.get(pk=obj.pk), year=2026)
