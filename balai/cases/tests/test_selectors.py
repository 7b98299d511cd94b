"""Scoped reads: staff see their agencies' cases (responsible or assessing), citizens their own, tracking
needs number and code; anything else is NotFound."""

import datetime as dt

import pytest
from django.utils import timezone

from balai.accounts.tests.factories import UserFactory
from balai.cases.selectors import (
    allowed_transitions,
    attachment_for,
    case_for_citizen,
    case_for_staff,
    cases_for_citizen,
    cases_for_staff,
    public_timeline,
    state_counts,
    tracking_status,
)
from balai.cases.services import case_add_note, case_assign, case_transition
from balai.cases.tests.factories import published_service, staff_with_role, submitted_case
from balai.core.exceptions import NotFound
from balai.organizations.models import Role
from balai.organizations.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    service = published_service(code="SKTM")
    other = published_service(code="SIUP")
    verifier = staff_with_role(service.owner, Role.VERIFIER)
    mine = [submitted_case(service=service) for _ in range(3)]
    theirs = submitted_case(service=other)
    return service, other, verifier, mine, theirs


def test_staff_see_only_their_agencys_cases(setup):
    service, other, verifier, mine, theirs = setup
    assert set(cases_for_staff(verifier)) == set(mine)
    with pytest.raises(NotFound):
        case_for_staff(verifier, theirs.pk)
    assert case_for_staff(verifier, mine[0].pk) == mine[0]
    for bad in ("abc", None, "1 OR 1=1", 10**12):
        with pytest.raises(NotFound):
            case_for_staff(verifier, bad)


def test_citizens_and_strangers_see_no_worklist(setup):
    *_, mine, theirs = setup
    assert not cases_for_staff(mine[0].applicant).exists()
    assert not cases_for_staff(UserFactory(staff=True)).exists()


def test_assessing_agency_sees_the_case_it_assesses():
    pbg = published_service(workflow="technical_review")
    dpupr = OrganizationFactory()
    verifier = staff_with_role(pbg.owner, Role.VERIFIER)
    assessor = staff_with_role(dpupr, Role.VERIFIER)
    case = submitted_case(service=pbg)
    assert not cases_for_staff(assessor).exists()
    case_transition(actor=verifier, case=case, transition="start_verification")
    case_transition(actor=verifier, case=case, transition="request_assessment", assessing_organization=dpupr)
    assert list(cases_for_staff(assessor)) == [case]
    case.refresh_from_db()
    assert [t.code for t in allowed_transitions(assessor, case)] == [
        "complete_assessment",
        "return_assessment_for_corrections",
    ]
    assert allowed_transitions(verifier, case) == []


def test_worklist_filters_and_order(setup):
    service, other, verifier, mine, theirs = setup
    case_transition(actor=verifier, case=mine[1], transition="start_verification")
    case_assign(actor=verifier, case=mine[2], assignee=verifier)
    assert list(cases_for_staff(verifier, state="verification")) == [mine[1]]
    assert set(cases_for_staff(verifier, state=["submitted"])) == {mine[0], mine[2]}
    assert cases_for_staff(verifier, service="SKTM").count() == 3
    assert cases_for_staff(verifier, service=other).count() == 0
    assert list(cases_for_staff(verifier, assigned_to=verifier)) == [mine[2]]
    assert set(cases_for_staff(verifier, assigned_to="none")) == {mine[0], mine[1]}
    assert cases_for_staff(verifier, overdue=True).count() == 0
    assert cases_for_staff(verifier, overdue=False).count() == 3
    today = timezone.localdate()
    assert (
        cases_for_staff(verifier, date_from=today - dt.timedelta(days=1), date_to=today + dt.timedelta(days=1)).count()
        == 3
    )
    assert cases_for_staff(verifier, date_from=today + dt.timedelta(days=2)).count() == 0
    assert state_counts(verifier) == {"submitted": 2, "verification": 1}
    ordered = list(cases_for_staff(verifier, order="due_at"))
    assert [c.due_at for c in ordered] == sorted(c.due_at for c in ordered)


def test_overdue_filter_finds_late_cases(setup):
    service, other, verifier, mine, theirs = setup
    from balai.cases.models import Case

    Case.objects.filter(pk=mine[0].pk).update(due_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    assert list(cases_for_staff(verifier, overdue=True)) == [mine[0]]


def test_worklist_query_count_does_not_grow(setup, django_assert_max_num_queries):
    service, other, verifier, mine, theirs = setup
    for _ in range(5):
        submitted_case(service=service)
    with django_assert_max_num_queries(4):
        rows = [
            (c.number, c.state.display_name, c.service_version.service.name, c.organization.name)
            for c in cases_for_staff(verifier)[:20]
        ]
    assert len(rows) == 8


def test_citizen_sees_only_own_cases(setup):
    *_, mine, theirs = setup
    citizen = mine[0].applicant
    assert list(cases_for_citizen(citizen)) == [mine[0]]
    assert case_for_citizen(citizen, mine[0].pk) == mine[0]
    with pytest.raises(NotFound):
        case_for_citizen(citizen, mine[1].pk)
    from django.contrib.auth.models import AnonymousUser

    assert not cases_for_citizen(AnonymousUser()).exists()


def test_tracking_needs_the_right_code(setup):
    *_, mine, theirs = setup
    case = mine[0]
    assert tracking_status(case.number, case.verification_code).number == case.number
    assert tracking_status(f" {case.number.lower()} ", case.verification_code.lower()).number == case.number
    assert tracking_status(case.number, mine[1].verification_code) is None
    assert tracking_status(case.number, "") is None
    assert tracking_status("NOPE-2026-000001", case.verification_code) is None
    assert tracking_status(case.number, "<script>") is None
    assert tracking_status("x" * 10000, "y" * 10000) is None
    assert tracking_status(None, None) is None


def test_tracking_status_shows_public_steps_only_in_the_active_language(setup):
    from django.utils import translation

    service, other, verifier, mine, theirs = setup
    case = mine[0]
    case_add_note(actor=verifier, case=case, body="internal", is_public=False)
    case_add_note(actor=verifier, case=case, body="public reply", is_public=True)
    case = case_transition(actor=verifier, case=case, transition="start_verification")
    with translation.override("id"):
        tracked = tracking_status(case.number, case.verification_code)
    assert [s.kind for s in tracked.steps] == ["submission", "transition"]  # no notes, no replies
    assert tracked.steps[1].state_name == case.state.public_name or case.state.name
    assert tracked.state_code == case.state.code and tracked.service_code == "SKTM"
    assert tracked.submitted_at.tzinfo is not None and tracked.due_at.tzinfo is not None
    assert not tracked.paused and tracked.closed_at is None
    with translation.override("en"):
        english = tracking_status(case.number, case.verification_code)
    assert english.state_name == (case.state.public_name_en or case.state.name_en or english.state_name)
    assert english.service_name == (service.name_en or service.name)


def test_public_timeline_hides_internal_entries(setup):
    service, other, verifier, mine, theirs = setup
    case = mine[0]
    case_add_note(actor=verifier, case=case, body="internal", is_public=False)
    case_add_note(actor=verifier, case=case, body="Berkas sedang kami periksa", is_public=True)
    case_assign(actor=verifier, case=case, assignee=verifier)
    bodies = [e.body for e in public_timeline(case)]
    assert "internal" not in bodies and "Berkas sedang kami periksa" in bodies
    assert all(e.is_public for e in public_timeline(case))


def test_allowed_transitions_by_role_and_applicant(setup):
    service, other, verifier, mine, theirs = setup
    clerk = staff_with_role(service.owner, Role.FRONT_OFFICE)
    approver = staff_with_role(service.owner, Role.APPROVER)
    case = mine[0]
    assert [t.code for t in allowed_transitions(clerk, case)] == ["start_verification"]
    assert allowed_transitions(approver, case) == []
    assert allowed_transitions(case.applicant, case) == []
    case = case_transition(actor=verifier, case=case, transition="start_verification")
    case = case_transition(actor=verifier, case=case, transition="return_for_corrections", comment="x")
    assert [t.code for t in allowed_transitions(case.applicant, case)] == ["resubmit"]
    assert allowed_transitions(mine[1].applicant, case) == []


def test_attachment_access(setup):
    service, other, verifier, mine, theirs = setup
    from django.core.files.uploadedfile import SimpleUploadedFile

    from balai.cases.services import case_reply

    case = mine[0]
    case_reply(actor=case.applicant, case=case, body="x", attachments=[SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF")])
    attachment = case.attachments.get()
    assert attachment_for(case.applicant, attachment.pk) == attachment
    assert attachment_for(verifier, attachment.pk) == attachment
    for outsider in (mine[1].applicant, staff_with_role(other.owner, Role.VERIFIER)):
        with pytest.raises(NotFound):
            attachment_for(outsider, attachment.pk)
    with pytest.raises(NotFound):
        attachment_for(case.applicant, "abc")
