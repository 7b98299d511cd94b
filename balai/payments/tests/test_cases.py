"""Service fees of cases: the bill appears when the case starts waiting for payment (technical_review: after
``assess_fee``), or at submission for a fixed fee; paying moves the case on through the case engine as the
system; consumers run twice without making two bills."""

from __future__ import annotations

import pytest

from balai.cases.services import case_transition
from balai.cases.tests.factories import published_service, staff_with_role, submitted_case
from balai.organizations.models import Role
from balai.organizations.tests.factories import OrganizationFactory
from balai.payments.models import Bill, BillKind, BillStatus
from balai.payments.services.cases import advance_after_payment, ensure_service_fee_bill, payment_step

from .factories import pay_with_simulator

pytestmark = pytest.mark.django_db


def waiting_case(fee: int = 2_500_000, **service_fields):
    service = published_service(workflow="technical_review", **service_fields)
    case = submitted_case(service=service)
    verifier = staff_with_role(case.organization, Role.VERIFIER)
    assessing = OrganizationFactory()
    assessor = staff_with_role(assessing, Role.VERIFIER)
    case = case_transition(actor=verifier, case=case, transition="start_verification")
    case = case_transition(actor=verifier, case=case, transition="request_assessment", assessing_organization=assessing)
    case = case_transition(actor=assessor, case=case, transition="complete_assessment", comment="Layak teknis.")
    return case_transition(actor=verifier, case=case, transition="assess_fee", fee_amount=fee)


def test_setting_the_fee_makes_the_bill_and_paying_moves_the_case_on():
    case = waiting_case()
    assert case.state.code == "awaiting_payment"
    bill = Bill.objects.get(case=case)
    assert (bill.kind, bill.status, bill.amount) == (BillKind.SERVICE_FEE, BillStatus.UNPAID, 2_500_000)
    assert bill.payer == case.applicant and bill.organization == case.organization
    assert bill.reference == case.number and bill.revenue_code == f"RETRIBUSI-{case.service_version.service.code}"
    assert bill.expires_at is not None
    pay_with_simulator(bill)
    case.refresh_from_db()
    assert case.state.code == "approval"
    step = case.timeline.filter(transition_code="payment_received").get()
    assert step.actor is None and bill.payment_code in step.body


def test_the_services_own_revenue_code_is_used():
    case = waiting_case(extra={"revenue_code": "4.1.02.01"})
    assert Bill.objects.get(case=case).revenue_code == "4.1.02.01"


def test_the_consumer_is_idempotent():
    case = waiting_case()
    assert ensure_service_fee_bill(case_id=case.pk) == "exists"
    assert Bill.objects.filter(case=case).count() == 1


def test_a_changed_fee_replaces_the_unpaid_bill():
    case = waiting_case(fee=1_000_000)
    first = Bill.objects.get(case=case)
    type(case).objects.filter(pk=case.pk).update(fee_amount=1_200_000)
    assert ensure_service_fee_bill(case_id=case.pk) == "created"
    first.refresh_from_db()
    assert first.status == BillStatus.CANCELLED
    assert Bill.objects.get(case=case, status=BillStatus.UNPAID).amount == 1_200_000


def test_a_fixed_fee_is_billed_at_submission_and_an_early_payment_counts_later():
    service = published_service(workflow="technical_review", fee_kind="fixed", fee_amount=75_000)
    case = submitted_case(service=service)
    bill = Bill.objects.get(case=case)
    assert bill.amount == 75_000 and case.state.code == "submitted"
    pay_with_simulator(bill)
    case.refresh_from_db()
    assert case.state.code == "submitted"  # not waiting yet: nothing to move
    verifier = staff_with_role(case.organization, Role.VERIFIER)
    assessing = OrganizationFactory()
    case = case_transition(actor=verifier, case=case, transition="start_verification")
    case = case_transition(actor=verifier, case=case, transition="request_assessment", assessing_organization=assessing)
    case = case_transition(
        actor=staff_with_role(assessing, Role.VERIFIER), case=case, transition="complete_assessment", comment="Ok."
    )
    case = case_transition(actor=verifier, case=case, transition="assess_fee", fee_amount=75_000)
    case.refresh_from_db()
    assert case.state.code == "approval"
    assert Bill.objects.filter(case=case).count() == 1


def test_a_simple_workflow_gets_no_bill_even_with_a_fee():
    service = published_service(workflow="simple", fee_kind="fixed", fee_amount=10_000)
    case = submitted_case(service=service)
    assert not Bill.objects.filter(case=case).exists()


def test_payment_step_recognises_the_waiting_for_payment_state_by_its_shape():
    case = waiting_case()
    assert payment_step(case.state).code == "payment_received"
    assert payment_step(case.workflow.states.get(code="corrections")) is None  # waiting, but for the applicant


def test_paying_a_bill_of_a_case_that_moved_on_does_nothing():
    case = waiting_case()
    bill = Bill.objects.get(case=case)
    pay_with_simulator(bill)
    assert advance_after_payment(bill_id=bill.pk) == "not_waiting"
    case.refresh_from_db()
    assert case.state.code == "approval"
