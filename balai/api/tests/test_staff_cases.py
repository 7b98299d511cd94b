"""``/api/v1/staff/cases``: staff only (403 for citizens), scoped (404 outside the agencies), filters and
pagination like the worklist, transitions through case_transition (409 on a stale version, 422 on missing
inputs), API keys need the cases:staff scope."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from balai.accounts.tests.factories import UserFactory
from balai.api.services import api_key_create
from balai.api.tests.conftest import signed_in
from balai.cases.models import Case
from balai.cases.services import case_transition
from balai.cases.tests.factories import published_service, staff_with_role, submitted_case
from balai.organizations.models import Role
from balai.organizations.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db
BASE = "/api/v1/staff/cases"


@pytest.fixture
def agency():
    return OrganizationFactory()


@pytest.fixture
def service(agency):
    return published_service(owner=agency)


@pytest.fixture
def verifier(agency):
    return staff_with_role(agency, Role.VERIFIER)


@pytest.fixture
def api(verifier):
    return signed_in(verifier, otp=True)


def post(client, case, **body):
    return client.post(f"{BASE}/{case.number}/transitions", body, content_type="application/json")


def test_list_is_scoped_and_paginated(service, api):
    own = [submitted_case(service=service) for _ in range(3)]
    submitted_case(service=published_service())
    response = api.get(BASE, {"page_size": 2})
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 3
    assert data["pages"] == 2
    assert len(data["results"]) == 2
    assert {r["number"] for r in data["results"]} <= {c.number for c in own}
    first = data["results"][0]
    assert first["state"]["code"] == "submitted"
    assert first["version"] == 1


def test_list_filters(service, api, verifier, agency):
    a = submitted_case(service=service)
    b = submitted_case(service=published_service(owner=agency))
    case_transition(actor=verifier, case=b, transition="start_verification")
    Case.objects.filter(pk=a.pk).update(due_at=timezone.now() - dt.timedelta(days=1))
    numbers = lambda params: {r["number"] for r in api.get(BASE, params).json()["results"]}  # noqa: E731
    assert numbers({"service": service.code}) == {a.number}
    assert numbers({"state": "verification"}) == {b.number}
    assert numbers({"overdue": "true"}) == {a.number}
    assert numbers({"assigned_to_me": "true"}) == set()
    assert numbers({"unassigned": "true"}) == {a.number, b.number}
    assert numbers({"date_from": timezone.localdate().isoformat()}) == {a.number, b.number}


@pytest.mark.parametrize(
    "params",
    [{"page": "0"}, {"page_size": "1000"}, {"date_from": "kemarin"}, {"order": "drop"}, {"service": "X" * 100}],
)
def test_bad_filters_are_422(api, params):
    response = api.get(BASE, params)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_failed"


def test_citizens_get_403(service):
    citizen = UserFactory(citizen=True, verified=True)
    case = submitted_case(service=service, applicant=citizen)
    client = signed_in(citizen)
    assert client.get(BASE).status_code == 403
    assert client.get(f"{BASE}/{case.number}").status_code == 403
    assert post(client, case, transition="start_verification").status_code == 403


def test_anonymous_gets_401():
    from django.test import Client

    assert Client().get(BASE).status_code == 401


def test_staff_without_second_factor_is_refused(verifier):
    assert signed_in(verifier, otp=False).get(BASE).status_code == 403


def test_another_agencys_case_is_404(api):
    other = submitted_case(service=published_service())
    assert api.get(f"{BASE}/{other.number}").status_code == 404
    response = post(api, other, transition="start_verification")
    assert response.status_code == 404
    assert Case.objects.get(pk=other.pk).state.code == "submitted"


def test_detail_masks_nik_answers_and_lists_allowed_steps(service, api):
    case = submitted_case(service=service)
    data = api.get(f"{BASE}/{case.number}").json()
    assert data["answers"] == {"purpose": "Melamar kerja"}
    assert [t["code"] for t in data["allowed_transitions"]] == ["start_verification"]
    assert data["timeline"][0]["kind"] == "submission"


def test_transition_moves_the_case(service, api):
    case = submitted_case(service=service)
    response = post(api, case, transition="start_verification", expected_version=case.version)
    assert response.status_code == 200
    data = response.json()
    assert data["state"]["code"] == "verification"
    assert data["version"] == case.version + 1


def test_stale_version_is_409_and_nothing_changes(service, api, verifier):
    case = submitted_case(service=service)
    case_transition(actor=verifier, case=case, transition="start_verification")
    response = post(api, case, transition="return_for_corrections", comment="Foto buram", expected_version=1)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "stale_version"
    assert Case.objects.get(pk=case.pk).state.code == "verification"


def test_missing_comment_is_422(service, api, verifier):
    case = case_transition(actor=verifier, case=submitted_case(service=service), transition="start_verification")
    response = post(api, case, transition="return_for_corrections", comment="")
    assert response.status_code == 422
    assert "comment" in response.json()["error"]["fields"]
    assert Case.objects.get(pk=case.pk).state.code == "verification"


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"transition": 5},
        {"transition": "x" * 51},
        {"transition": "start_verification", "comment": "x" * 6000},
        {"transition": "start_verification", "fee_amount": "banyak"},
        {"transition": "start_verification", "fee_amount": -1},
        {"transition": "start_verification", "expected_version": "v1"},
    ],
)
def test_bad_bodies_are_422(service, api, body):
    case = submitted_case(service=service)
    response = api.post(f"{BASE}/{case.number}/transitions", body, content_type="application/json")
    assert response.status_code == 422
    assert Case.objects.get(pk=case.pk).state.code == "submitted"


def test_unknown_step_and_step_for_another_role(service, api, verifier):
    case = submitted_case(service=service)
    assert post(api, case, transition="<b>x</b>").status_code == 422
    case = case_transition(actor=verifier, case=case, transition="start_verification")
    case = case_transition(actor=verifier, case=case, transition="forward_for_approval")
    assert post(api, case, transition="approve").status_code == 403
    assert Case.objects.get(pk=case.pk).state.code == "approval"


def test_fee_assessment_through_the_api(agency, api, verifier):
    technical = OrganizationFactory()
    assessor = staff_with_role(technical, Role.VERIFIER)
    case = submitted_case(service=published_service(workflow="technical_review", owner=agency))
    case = case_transition(actor=verifier, case=case, transition="start_verification")
    response = post(api, case, transition="request_assessment", assessing_organization="TIDAK-ADA")
    assert response.status_code == 422
    response = post(api, case, transition="request_assessment", assessing_organization=technical.code)
    assert response.status_code == 200
    case = case_transition(
        actor=assessor, case=Case.objects.get(pk=case.pk), transition="complete_assessment", comment="OK"
    )
    assert post(api, case, transition="assess_fee").status_code == 422
    response = post(api, case, transition="assess_fee", fee_amount=2_500_000)
    assert response.status_code == 200
    assert response.json()["fee_amount"] == 2_500_000


def test_api_key_needs_the_scope(service, verifier):
    from django.test import Client

    case = submitted_case(service=service)
    admin = UserFactory(superuser=True)
    _key, raw = api_key_create(actor=admin, owner=verifier, name="tanpa scope", scopes=[])
    client = Client()
    assert client.get(BASE, HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 403
    _key, raw = api_key_create(actor=admin, owner=verifier, name="dengan scope", scopes=["cases:staff"])
    response = client.get(f"{BASE}/{case.number}", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200


@pytest.mark.parametrize("rows", [5, 50])
def test_list_query_budget(service, api, rows, django_assert_max_num_queries):
    for _ in range(rows):
        submitted_case(service=service)
    with django_assert_max_num_queries(14):
        response = api.get(BASE, {"page_size": 100})
    assert len(response.json()["results"]) == rows
