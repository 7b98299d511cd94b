"""worklist_for_staff pages exactly the cases cases_for_staff returns, in the same order, on both sides of
the scope (responsible and assessing), and state_counts counts open cases only."""

import pytest
from django.core.cache import cache
from django.core.paginator import Paginator

from balai.accounts.tests.factories import UserFactory
from balai.cases.models import Case
from balai.cases.selectors import cases_for_staff, staff_scope, state_counts, worklist_for_staff
from balai.cases.services import ASSIGNING_ROLES, FILING_ROLES, case_transition
from balai.cases.tests.factories import published_service, staff_with_role, submitted_case
from balai.organizations.models import Role
from balai.organizations.scoping import organization_ids_for
from balai.organizations.tests.factories import MembershipFactory, OrganizationFactory

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
    cache.clear()  # a change outside the case services shows when the cached totals expire
    assert state_counts(verifier) == {"submitted": 2}


def test_cached_totals_change_as_soon_as_a_service_changes_a_case():
    service = published_service(code="SKTM")
    verifier = staff_with_role(service.owner, Role.VERIFIER)
    cases = [submitted_case(service=service) for _ in range(3)]
    assert state_counts(verifier) == {"submitted": 3}
    assert worklist_for_staff(verifier, state="submitted").count() == 3
    case_transition(actor=verifier, case=cases[0], transition="start_verification")
    assert state_counts(verifier) == {"submitted": 2, "verification": 1}
    assert worklist_for_staff(verifier, state="submitted").count() == 2
    submitted_case(service=service)
    assert worklist_for_staff(verifier, state="submitted").count() == 3
    other = staff_with_role(service.owner, Role.VERIFIER)  # another person: their own cached totals
    assert state_counts(other) == {"submitted": 3, "verification": 1}


def test_staff_scope_answers_like_the_per_call_lookups():
    parent = OrganizationFactory()
    child = OrganizationFactory(parent=parent)
    closed = OrganizationFactory(is_active=False)
    head = staff_with_role(parent, Role.HEAD)
    front = staff_with_role(child, Role.FRONT_OFFICE)
    MembershipFactory(user=front, organization=parent, role=Role.VERIFIER)
    verifier = staff_with_role(child, Role.VERIFIER)
    inactive_head = staff_with_role(closed, Role.HEAD)  # an assigning role in an inactive agency
    outsider = UserFactory()
    admin = UserFactory(superuser=True)
    for user in (head, front, verifier, inactive_head, outsider, admin):
        scope = staff_scope(user)
        assert set(scope.organization_ids) == organization_ids_for(user)
        assert scope.organization_ids_with(FILING_ROLES) == organization_ids_for(user, roles=FILING_ROLES)
        assert scope.organization_ids_with(ASSIGNING_ROLES) == organization_ids_for(user, roles=ASSIGNING_ROLES)
    assert staff_scope(head).organization_ids == {parent.pk, child.pk}
    assert staff_scope(head).supervises and not staff_scope(verifier).supervises
    assert staff_scope(front).files_at_counter and not staff_scope(head).files_at_counter
    assert staff_scope(inactive_head).organization_ids == frozenset() and staff_scope(inactive_head).supervises
    assert not staff_scope(outsider).supervises and not staff_scope(outsider).files_at_counter
    assert staff_scope(admin).supervises and staff_scope(admin).files_at_counter


def test_worklist_with_a_passed_scope_and_state_ids_reads_the_same_cases(django_assert_num_queries):
    service = published_service(code="SKTM")
    verifier = staff_with_role(service.owner, Role.VERIFIER)
    cases = [submitted_case(service=service) for _ in range(3)]
    case_transition(actor=verifier, case=cases[0], transition="start_verification")
    cases[0].refresh_from_db()
    scope = staff_scope(verifier)
    state_ids = [cases[0].state_id]
    codes = {cases[0].state_id: "verification", cases[1].state_id: "submitted"}
    with django_assert_num_queries(3):  # count, page ids, rows: no state or membership look-up
        worklist = worklist_for_staff(verifier, state="verification", scope=scope, state_ids=state_ids)
        assert worklist.count() == 1
        assert worklist[0:25] == [cases[0]]
    with django_assert_num_queries(1):
        assert state_counts(verifier, scope=scope, state_codes=codes) == {"verification": 1, "submitted": 2}
    assert state_counts(verifier, scope=scope, state_codes=codes) == state_counts(verifier)
