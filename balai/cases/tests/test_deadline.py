"""Extending a case's time limit once (e.g. PPID requests: 10 + 7 working days with notice), on the page,
in the engine and through the API; everyone else is refused and nothing changes."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from balai.accounts.tests.factories import ProfileFactory
from balai.audit.models import AuditEvent
from balai.cases.models import Case, TimelineEntry, TimelineKind
from balai.cases.services import case_extend_deadline, case_transition, may_extend_deadline
from balai.cases.tests.factories import published_service, staff_with_role, submitted_case
from balai.core.calendar import add_working_days
from balai.core.exceptions import Conflict, NotFound, PermissionDenied, ValidationFailed
from balai.organizations.models import Role
from balai.organizations.tests.factories import OrganizationFactory
from balai.web.tests.conftest import sign_in_verified

pytestmark = pytest.mark.django_db
REASON = "Informasi yang diminta tersebar di tiga bidang dan perlu dihimpun."


@pytest.fixture
def agency():
    return OrganizationFactory(name="Dinas Komunikasi dan Informatika")


@pytest.fixture
def service(agency):
    return published_service(owner=agency, sla_days=10, sla_extension_days=7)


@pytest.fixture
def head(agency):
    return staff_with_role(agency, Role.HEAD)


@pytest.fixture
def case(service):
    return submitted_case(service=service, applicant=ProfileFactory().user)


def test_extension_adds_the_service_days_once_and_tells_the_applicant(case, head):
    before = case.due_at
    assert may_extend_deadline(head, case)
    extended = case_extend_deadline(actor=head, case=case, reason=REASON, expected_version=case.version)
    assert extended.due_at == add_working_days(case.submitted_at, 17)
    assert extended.due_at > before and extended.sla_extended_days == 7
    entry = TimelineEntry.objects.get(case=case, kind=TimelineKind.DEADLINE_EXTENDED)
    assert entry.is_public and entry.body == REASON
    assert AuditEvent.objects.filter(action="case.deadline_extended").count() == 1
    assert not may_extend_deadline(head, extended)
    with pytest.raises(Conflict):
        case_extend_deadline(actor=head, case=extended, reason=REASON)


def test_extension_survives_later_steps_and_pauses(case, head, agency):
    verifier = staff_with_role(agency, Role.VERIFIER)
    case = case_extend_deadline(actor=head, case=case, reason=REASON)
    case = case_transition(actor=verifier, case=case, transition="start_verification")
    assert case.due_at == add_working_days(case.submitted_at, 17)


@pytest.mark.parametrize("reason", ["", "   ", "singkat", "x" * 5001])
def test_bad_reasons_change_nothing(case, head, reason):
    with pytest.raises(ValidationFailed):
        case_extend_deadline(actor=head, case=case, reason=reason)
    assert Case.objects.get(pk=case.pk).sla_extended_days == 0


def test_refused_without_the_role_outside_the_agency_or_without_an_extension(case, agency, service):
    verifier = staff_with_role(agency, Role.VERIFIER)
    with pytest.raises(PermissionDenied):
        case_extend_deadline(actor=verifier, case=case, reason=REASON)
    stranger = staff_with_role(OrganizationFactory(), Role.HEAD)
    with pytest.raises(NotFound):
        case_extend_deadline(actor=stranger, case=case, reason=REASON)
    with pytest.raises(NotFound):
        case_extend_deadline(actor=case.applicant, case=case, reason=REASON)
    plain = submitted_case(service=published_service(owner=agency, sla_days=5))
    with pytest.raises(Conflict):
        case_extend_deadline(actor=staff_with_role(agency, Role.HEAD), case=plain, reason=REASON)
    assert not Case.objects.filter(sla_extended_days__gt=0).exists()


def test_stale_version_is_a_conflict(case, head):
    with pytest.raises(Conflict):
        case_extend_deadline(actor=head, case=case, reason=REASON, expected_version=case.version + 1)


def test_the_page_offers_and_takes_the_extension(case, head, agency):
    client = sign_in_verified(Client(), head)
    page = client.get(reverse("worklist:detail", args=[case.number]))
    assert reverse("worklist:extend", args=[case.number]) in page.content.decode()
    bad = client.post(reverse("worklist:extend", args=[case.number]), {"version": case.version, "reason": ""})
    assert bad.status_code == 400
    ok = client.post(reverse("worklist:extend", args=[case.number]), {"version": case.version, "reason": REASON})
    assert ok.status_code == 302
    assert Case.objects.get(pk=case.pk).sla_extended_days == 7
    verifier_client = sign_in_verified(Client(), staff_with_role(agency, Role.VERIFIER))
    other = submitted_case(service=case.service_version.service)
    assert (
        reverse("worklist:extend", args=[other.number])
        not in verifier_client.get(reverse("worklist:detail", args=[other.number])).content.decode()
    )
    refused = verifier_client.post(
        reverse("worklist:extend", args=[other.number]), {"version": other.version, "reason": REASON}
    )
    assert refused.status_code == 400 and Case.objects.get(pk=other.pk).sla_extended_days == 0


def test_the_citizen_sees_the_reason(case, head):
    case_extend_deadline(actor=head, case=case, reason=REASON)
    client = Client()
    client.force_login(case.applicant)
    html = client.get(reverse("my_cases:detail", args=[case.number])).content.decode()
    assert REASON in html


def test_api_extension_and_its_errors(case, head):
    client = sign_in_verified(Client(), head)
    path = f"/api/v1/staff/cases/{case.number}/extend"
    short = client.post(path, json.dumps({"reason": "x"}), content_type="application/json")
    assert short.status_code == 422 and "reason" in short.json()["error"]["fields"]
    ok = client.post(path, json.dumps({"reason": REASON}), content_type="application/json")
    assert ok.status_code == 200
    again = client.post(path, json.dumps({"reason": REASON}), content_type="application/json")
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_extended"
