"""The life of a complaint through its services: the coordinator verifies and dispatches, the agency answers,
transfers or hands it back, the reporter accepts, reopens or rates; every step checks who may take it."""

from __future__ import annotations

import pytest

from balai.accounts.tests.factories import UserFactory
from balai.audit.models import AuditEvent
from balai.cases.models import TimelineEntry
from balai.complaints.models import ComplaintFollower
from balai.complaints.selectors import complaint_for_reporter, complaint_for_staff, complaints_for_staff
from balai.complaints.services import (
    complaint_accept,
    complaint_add_info,
    complaint_add_note,
    complaint_dispatch,
    complaint_mark_duplicate,
    complaint_rate,
    complaint_reject,
    complaint_reopen,
    complaint_reporter_reply,
    complaint_request_info,
    complaint_respond,
    complaint_return,
    complaint_transfer,
)
from balai.complaints.tests.factories import filed_complaint, staff
from balai.core.exceptions import Conflict, NotFound, PermissionDenied, ValidationFailed
from balai.organizations.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(world):
    return staff(world.coordinator, Role.COMPLAINT_ADMIN)


@pytest.fixture
def responder(world):
    return staff(world.dpupr, Role.RESPONDER)


@pytest.fixture
def citizen():
    return UserFactory(citizen=True, verified=True)


@pytest.fixture
def complaint(world, citizen):
    return filed_complaint(reporter=citizen)


def test_full_cycle_dispatch_respond_accept_rate(world, coordinator, responder, citizen, complaint):
    done = complaint_dispatch(actor=coordinator, complaint=complaint)
    assert done.case.state.code == "in_progress"
    assert done.case.organization == world.dpupr  # the category's agency
    assert done.response_due_at is not None and done.case.due_at == done.response_due_at
    assert AuditEvent.objects.filter(action="complaint.dispatched").exists()

    found = complaint_for_staff(responder, complaint.case.number)
    answered = complaint_respond(actor=responder, complaint=found, response="Lubang sudah ditambal hari ini.")
    assert answered.case.state.code == "responded"
    assert answered.responded_at is not None and answered.reaction_due_at is not None
    assert answered.case.sla_paused_at is not None  # waiting for the reporter

    mine = complaint_for_reporter(citizen, complaint.case.number)
    closed = complaint_accept(actor=citizen, complaint=mine)
    assert closed.case.state.code == "closed" and closed.case.closed_at is not None
    rated = complaint_rate(actor=citizen, complaint=closed, rating="5", comment="Cepat")
    assert rated.rating == 5 and rated.rated_at is not None
    with pytest.raises(Conflict):
        complaint_rate(actor=citizen, complaint=rated, rating=4)


def test_rating_is_refused_before_closing_and_out_of_range(world, citizen, complaint):
    with pytest.raises(Conflict):
        complaint_rate(actor=citizen, complaint=complaint, rating=3)
    for bad in (0, 6, "lima", True, None):
        with pytest.raises(ValidationFailed):
            complaint_rate(actor=citizen, complaint=complaint, rating=bad)


def test_only_the_coordinator_dispatches(world, responder, citizen, complaint):
    with pytest.raises(NotFound):  # the agency does not see it before dispatch
        complaint_dispatch(actor=responder, complaint=complaint)
    with pytest.raises(PermissionDenied):  # the reporter sees their complaint but takes no staff step
        complaint_dispatch(actor=citizen, complaint=complaint)
    clerk = staff(world.coordinator, Role.VERIFIER)  # a role in the coordinator without coordinating rights
    with pytest.raises(PermissionDenied):
        complaint_dispatch(actor=clerk, complaint=complaint)


def test_dispatch_by_district_goes_to_the_district_office(world, coordinator):
    from balai.organizations.tests.factories import DistrictFactory, OrganizationFactory

    DistrictFactory(code="99.01.02", name="Kecamatan Tepi Sungai")
    office = OrganizationFactory(code="99-01-02", name="Kecamatan Tepi Sungai", kind="kecamatan")
    complaint = filed_complaint(category="KETERTIBAN", attributes={}, district="99.01.02")
    assert complaint_dispatch(actor=coordinator, complaint=complaint).case.organization == office


def test_request_info_and_the_answer_returns_to_verification(world, coordinator, citizen, complaint):
    asked = complaint_request_info(actor=coordinator, complaint=complaint, question="Di depan toko mana?")
    assert asked.case.state.code == "more_info" and asked.reaction_due_at is not None
    with pytest.raises(ValidationFailed):
        complaint_request_info(actor=coordinator, complaint=asked, question="  ")
    back = complaint_add_info(
        actor=citizen, complaint=complaint_for_reporter(citizen, asked.case.number), body="Toko Emas Jaya"
    )
    assert back.case.state.code == "verification"
    assert back.verification_due_at is not None and back.reaction_due_at is None


def test_duplicate_closes_and_the_reporter_follows_the_original(world, coordinator, citizen):
    original = filed_complaint()
    copy = filed_complaint(reporter=citizen)
    done = complaint_mark_duplicate(actor=coordinator, complaint=copy, duplicate_of=original.case.number)
    assert done.case.state.code == "duplicate" and done.duplicate_of == original
    assert ComplaintFollower.objects.filter(complaint=original, user=citizen).exists()
    with pytest.raises(ValidationFailed):
        complaint_mark_duplicate(actor=coordinator, complaint=original, duplicate_of="ADU-1999-000001")
    with pytest.raises(ValidationFailed):
        complaint_mark_duplicate(actor=coordinator, complaint=original, duplicate_of=original.case.number)


def test_reject_needs_a_reason(world, coordinator, complaint):
    with pytest.raises(ValidationFailed):
        complaint_reject(actor=coordinator, complaint=complaint, reason="")
    done = complaint_reject(actor=coordinator, complaint=complaint, reason="Jalan nasional: kewenangan BPJN.")
    assert done.case.state.code == "rejected"
    entry = TimelineEntry.objects.filter(case=done.case, transition_code="reject").get()
    assert entry.is_public and "BPJN" in entry.body


def test_transfer_to_another_agency_and_back_to_the_coordinator(world, coordinator, responder, complaint):
    complaint_dispatch(actor=coordinator, complaint=complaint)
    found = complaint_for_staff(responder, complaint.case.number)
    moved = complaint_transfer(actor=responder, complaint=found, agency="DISHUB", reason="Lampu jalan, bukan jalan.")
    assert moved.case.organization == world.dishub and moved.case.state.code == "in_progress"
    with pytest.raises(NotFound):  # out of DPUPR's reach now
        complaint_for_staff(responder, complaint.case.number)
    dishub = staff(world.dishub, Role.RESPONDER)
    with pytest.raises(ValidationFailed):
        complaint_transfer(actor=dishub, complaint=moved, agency="DISHUB", reason="x")
    with pytest.raises(ValidationFailed):
        complaint_transfer(actor=dishub, complaint=moved, agency="NOPE", reason="x")
    back = complaint_return(actor=dishub, complaint=complaint_for_staff(dishub, moved.case.number), reason="Bukan kami")
    assert back.case.organization == world.coordinator and back.case.state.code == "verification"
    assert not TimelineEntry.objects.get(case=back.case, transition_code="return_to_coordinator").is_public


def test_reopen_within_the_window(world, coordinator, responder, citizen, complaint):
    complaint_dispatch(actor=coordinator, complaint=complaint)
    answered = complaint_respond(
        actor=responder, complaint=complaint_for_staff(responder, complaint.case.number), response="Selesai"
    )
    with pytest.raises(ValidationFailed):
        complaint_reopen(actor=citizen, complaint=answered, reason="")
    reopened = complaint_reopen(actor=citizen, complaint=answered, reason="Masih berlubang")
    assert reopened.case.state.code == "in_progress" and reopened.reopened_count == 1
    assert reopened.response_due_at is not None


def test_reopen_after_the_window_is_refused(world, coordinator, responder, citizen, complaint):
    import datetime as dt

    from django.utils import timezone

    complaint_dispatch(actor=coordinator, complaint=complaint)
    answered = complaint_respond(
        actor=responder, complaint=complaint_for_staff(responder, complaint.case.number), response="Selesai"
    )
    type(answered).objects.filter(pk=answered.pk).update(reaction_due_at=timezone.now() - dt.timedelta(minutes=1))
    with pytest.raises(Conflict):
        complaint_reopen(actor=citizen, complaint=answered, reason="Masih berlubang")


def test_someone_else_cannot_act_as_the_reporter(world, complaint):
    other = UserFactory(citizen=True)
    with pytest.raises(NotFound):
        complaint_reporter_reply(actor=other, complaint=complaint, body="halo")
    with pytest.raises(NotFound):
        complaint_accept(actor=None, complaint=complaint, tracking_code=complaint.case.verification_code)


def test_reporter_without_account_acts_with_the_tracking_code(world, coordinator, responder):
    from balai.complaints.services import complaint_contact_confirm
    from balai.complaints.services.contact import CONTACT_PURPOSE

    complaint = filed_complaint(actor=None, reporter_email="warga@contoh.test")
    # The code is only in the message: read it from the outbound message.
    from balai.notifications.models import OutboundMessage

    body = OutboundMessage.objects.filter(kind=CONTACT_PURPOSE).latest("pk").body
    code = next(word for word in body.replace("(", " ").split() if word.isdigit() and len(word) == 6)
    with pytest.raises(ValidationFailed):
        complaint_contact_confirm(complaint=complaint, code="000000" if code != "000000" else "111111")
    confirmed = complaint_contact_confirm(complaint=complaint, code=code)
    assert confirmed.is_published and confirmed.case.state.code == "verification"
    complaint_dispatch(actor=coordinator, complaint=confirmed)
    answered = complaint_respond(
        actor=responder, complaint=complaint_for_staff(responder, complaint.case.number), response="Sudah"
    )
    with pytest.raises(NotFound):
        complaint_accept(actor=None, complaint=answered, tracking_code="WRONGCODE1")
    closed = complaint_accept(actor=None, complaint=answered, tracking_code=answered.case.verification_code.lower())
    assert closed.case.state.code == "closed"
    assert AuditEvent.objects.filter(action="complaint.accepted", actor__isnull=True).exists()


def test_agency_does_not_see_another_agencys_complaint(world, coordinator, complaint):
    complaint_dispatch(actor=coordinator, complaint=complaint)
    other_agency = staff(world.dishub, Role.HEAD)
    with pytest.raises(NotFound):
        complaint_for_staff(other_agency, complaint.case.number)
    assert not complaints_for_staff(other_agency).exists()
    with pytest.raises(NotFound):
        complaint_respond(actor=other_agency, complaint=complaint, response="x")


def test_confidential_complaint_only_for_confidential_roles(world):
    complaint = filed_complaint(category="PUNGLI", latitude=None, longitude=None, attributes={})
    clerk = staff(world.coordinator, Role.COMPLAINT_ADMIN)
    head = staff(world.coordinator, Role.HEAD)
    assert not complaints_for_staff(clerk).filter(pk=complaint.pk).exists()
    assert complaints_for_staff(head).filter(pk=complaint.pk).exists()
    other = UserFactory(citizen=True)
    with pytest.raises(NotFound):
        complaint_for_reporter(other, complaint.case.number)


def test_public_note_and_internal_note(world, coordinator, responder, complaint):
    complaint_dispatch(actor=coordinator, complaint=complaint)
    found = complaint_for_staff(responder, complaint.case.number)
    internal = complaint_add_note(actor=responder, complaint=found, body="Cek anggaran", is_public=False)
    public = complaint_add_note(actor=responder, complaint=found, body="Tim dijadwalkan Kamis", is_public=True)
    assert not internal.is_public and public.is_public
    stranger = staff(world.dishub, Role.RESPONDER)
    with pytest.raises(NotFound):
        complaint_add_note(actor=stranger, complaint=found, body="x", is_public=False)


def test_stale_version_is_a_conflict(world, coordinator, complaint):
    with pytest.raises(Conflict):
        complaint_dispatch(actor=coordinator, complaint=complaint, expected_version=complaint.case.version + 5)
