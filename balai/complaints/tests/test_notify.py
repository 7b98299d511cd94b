"""Updates reach the reporter (in full) and the followers of a public complaint (masked, with a link to stop
following); nobody follows a confidential complaint, and internal steps tell nobody."""

from __future__ import annotations

import pytest

from balai.accounts.tests.factories import UserFactory
from balai.complaints.models import ComplaintFollower
from balai.complaints.selectors import complaint_for_staff
from balai.complaints.services import complaint_add_note, complaint_dispatch, complaint_follow, complaint_respond
from balai.complaints.services.followers import email_index, follow_token
from balai.complaints.tests.factories import filed_complaint, staff
from balai.notifications.models import OutboundMessage
from balai.organizations.models import Role

pytestmark = pytest.mark.django_db


def test_reporter_and_followers_hear_of_the_response(world):
    reporter = UserFactory(citizen=True, email="pelapor@contoh.test")
    neighbour = UserFactory(citizen=True, email="tetangga@contoh.test")
    complaint = filed_complaint(reporter=reporter)
    complaint_follow(actor=neighbour, complaint=complaint)
    ComplaintFollower.objects.create(
        complaint=complaint,
        email="lain@contoh.test",
        email_index=email_index("lain@contoh.test"),
        unsubscribe_token=follow_token(),
    )
    complaint_dispatch(actor=staff(world.coordinator, Role.COMPLAINT_ADMIN), complaint=complaint)
    responder = staff(world.dpupr)
    OutboundMessage.objects.all().delete()
    complaint_respond(
        actor=responder,
        complaint=complaint_for_staff(responder, complaint.case.number),
        response="Sudah ditambal. Info: 081234567890",
    )
    to_reporter = OutboundMessage.objects.get(recipient=reporter)
    assert "081234567890" in to_reporter.body and complaint.case.number in to_reporter.body
    to_neighbour = OutboundMessage.objects.get(recipient=neighbour)
    assert "081234567890" not in to_neighbour.body and "0812" in to_neighbour.body
    assert "/pengaduan/berhenti-mengikuti/" in to_neighbour.body
    assert OutboundMessage.objects.filter(to_masked__startswith="l").count() == 1


def test_internal_note_tells_nobody(world):
    complaint = filed_complaint()
    complaint_dispatch(actor=staff(world.coordinator, Role.COMPLAINT_ADMIN), complaint=complaint)
    responder = staff(world.dpupr)
    OutboundMessage.objects.all().delete()
    complaint_add_note(
        actor=responder,
        complaint=complaint_for_staff(responder, complaint.case.number),
        body="internal",
        is_public=False,
    )
    assert not OutboundMessage.objects.exists()


def test_confidential_complaint_has_no_followers_messages(world):
    complaint = filed_complaint(category="PUNGLI", latitude=None, longitude=None, attributes={})
    neighbour = UserFactory(citizen=True)
    ComplaintFollower.objects.create(complaint=complaint, user=neighbour, unsubscribe_token=follow_token())
    head = staff(world.coordinator, Role.HEAD)
    complaint_dispatch(actor=head, complaint=complaint)
    assert not OutboundMessage.objects.filter(recipient=neighbour).exists()
