"""Confidential cases (e.g. a whistle-blower's complaint): inside the agency only the head, approvers and
administrators see them, plus the person they are assigned to; everyone else gets the same 404 as for a
case that does not exist, on every path (worklist, counts, case page, engine, API)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from balai.cases.models import Case, Confidentiality
from balai.cases.selectors import (
    case_for_staff,
    cases_for_staff,
    staff_scope,
    state_counts,
    worklist_for_staff,
)
from balai.cases.services import case_add_note, case_assign, case_transition
from balai.cases.tests.factories import published_service, staff_with_role, submitted_case
from balai.core.exceptions import NotFound
from balai.organizations.models import Role
from balai.organizations.tests.factories import OrganizationFactory
from balai.web.tests.conftest import sign_in_verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    agency = OrganizationFactory(name="Inspektorat")
    service = published_service(owner=agency)
    normal = submitted_case(service=service)
    secret = submitted_case(service=service)
    Case.objects.filter(pk=secret.pk).update(confidentiality=Confidentiality.CONFIDENTIAL)
    secret.refresh_from_db()
    return {
        "agency": agency,
        "normal": normal,
        "secret": secret,
        "head": staff_with_role(agency, Role.HEAD),
        "verifier": staff_with_role(agency, Role.VERIFIER),
    }


def _worklist_ids(user):
    worklist = worklist_for_staff(user)
    return {c.pk for c in worklist[0 : worklist.count()]}


def test_the_head_sees_confidential_cases_a_verifier_does_not(setup):
    head, verifier = setup["head"], setup["verifier"]
    both = {setup["normal"].pk, setup["secret"].pk}
    assert set(cases_for_staff(head).values_list("pk", flat=True)) == both
    assert _worklist_ids(head) == both
    assert set(cases_for_staff(verifier).values_list("pk", flat=True)) == {setup["normal"].pk}
    assert _worklist_ids(verifier) == {setup["normal"].pk}
    assert worklist_for_staff(verifier).count() == 1
    assert sum(state_counts(verifier, scope=staff_scope(verifier)).values()) == 1
    assert sum(state_counts(head).values()) == 2
    with pytest.raises(NotFound):
        case_for_staff(verifier, setup["secret"].pk)


def test_the_assignee_sees_it_and_can_act(setup):
    head, verifier, secret = setup["head"], setup["verifier"], setup["secret"]
    case_assign(actor=head, case=secret, assignee=verifier)
    assert setup["secret"].pk in _worklist_ids(verifier)
    assert case_for_staff(verifier, secret.pk).pk == secret.pk
    moved = case_transition(actor=verifier, case=Case.objects.get(pk=secret.pk), transition="start_verification")
    assert moved.state.code == "verification"


def test_others_cannot_act_claim_or_note(setup):
    verifier, secret = setup["verifier"], setup["secret"]
    with pytest.raises(NotFound):
        case_transition(actor=verifier, case=secret, transition="start_verification")
    with pytest.raises(NotFound):
        case_assign(actor=verifier, case=secret, assignee=verifier)
    with pytest.raises(NotFound):
        case_add_note(actor=verifier, case=secret, body="lihat", is_public=False)
    assert Case.objects.get(pk=secret.pk).assigned_to_id is None


def test_pages_and_api_answer_404_to_others(setup):
    secret = setup["secret"]
    verifier_client = sign_in_verified(Client(), setup["verifier"])
    assert verifier_client.get(reverse("worklist:detail", args=[secret.number])).status_code == 404
    assert verifier_client.get(f"/api/v1/staff/cases/{secret.number}").status_code == 404
    listed = verifier_client.get("/api/v1/staff/cases").json()
    assert [c["number"] for c in listed["results"]] == [setup["normal"].number]
    assert secret.number not in verifier_client.get(reverse("worklist:list")).content.decode()
    head_client = sign_in_verified(Client(), setup["head"])
    assert head_client.get(reverse("worklist:detail", args=[secret.number])).status_code == 200


def test_another_agencys_head_does_not_see_it(setup):
    stranger = staff_with_role(OrganizationFactory(), Role.HEAD)
    assert not cases_for_staff(stranger).exists()
    assert _worklist_ids(stranger) == set()
