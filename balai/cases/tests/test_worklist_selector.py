"""worklist_for_staff pages exactly the cases cases_for_staff returns, in the same order, on both sides of
the scope (responsible and assessing), and state_counts counts open cases only."""

import pytest
from django.core.paginator import Paginator

from balai.cases.models import Case
from balai.cases.selectors import cases_for_staff, state_counts, worklist_for_staff
from balai.cases.services import case_transition
from balai.cases.tests.factories import published_service, staff_with_role, submitted_case
from balai.organizations.models import Role
from balai.organizations.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("order", ["due_at", "-due_at", "submitted_at", "-submitted_at", "number", "bogus"])
def test_worklist_matches_cases_for_staff_in_every_order(order):
    pbg = published_service(workflow="technical_review")
    dpupr = OrganizationFactory()
    verifier = staff_with_role(pbg.owner, Role.VERIFIER)
    assessor = staff_with_role(dpupr, Role.VERIFIER)
    cases = [submitted_case(service=pbg) for _ in range(5)]
    for case in cases[:2]:
        case_transition(actor=verifier, case=case, transition="start_verification")
        case_transition(actor=verifier, case=case, transition="request_assessment", assessing_organization=dpupr)
    own = published_service(owner=dpupr)
    submitted_case(service=own)
    submitted_case(service=published_service())  # nobody's here
    for user in (verifier, assessor):
        expected = list(cases_for_staff(user, order=order))
        worklist = worklist_for_staff(user, order=order)
        assert worklist.count() == len(expected)
        assert worklist[0 : len(expected) + 5] == expected
        assert worklist[1:3] == expected[1:3]
        page = Paginator(worklist_for_staff(user, order=order), 2).get_page(2)
        assert list(page) == expected[2:4]
    assert worklist_for_staff(assessor).count() == 3  # two assessed + its own


def test_worklist_state_filter_and_empty_scope():
    service = published_service(code="SKTM")
    verifier = staff_with_role(service.owner, Role.VERIFIER)
    cases = [submitted_case(service=service) for _ in range(3)]
    case_transition(actor=verifier, case=cases[0], transition="start_verification")
    assert worklist_for_staff(verifier, state="verification")[0:10] == [cases[0]]
    assert worklist_for_staff(verifier, state="no-such-state").count() == 0
    outsider = staff_with_role(OrganizationFactory(), Role.VERIFIER)
    assert worklist_for_staff(outsider).count() == 0
    assert worklist_for_staff(outsider)[0:25] == []


def test_state_counts_leave_out_closed_cases():
    service = published_service(code="SKTM")
    verifier = staff_with_role(service.owner, Role.VERIFIER)
    cases = [submitted_case(service=service) for _ in range(3)]
    assert state_counts(verifier) == {"submitted": 3}
    Case.objects.filter(pk=cases[0].pk).update(closed_at=cases[0].submitted_at)
    assert state_counts(verifier) == {"submitted": 2}
