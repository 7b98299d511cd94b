"""The sweep: overdue complaints are escalated once to the agency head and the coordinator; responses without
a reaction close; unanswered questions close; unconfirmed complaints are cancelled; running it again does
nothing twice."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from balai.cases.models import Priority
from balai.complaints.models import Complaint
from balai.complaints.selectors import complaint_for_staff
from balai.complaints.services import (
    complaint_dispatch,
    complaint_request_info,
    complaint_respond,
    complaints_sweep,
)
from balai.complaints.tests.factories import filed_complaint, staff
from balai.notifications.models import OutboundMessage
from balai.organizations.models import Role

pytestmark = pytest.mark.django_db
LATER = timezone.now() + dt.timedelta(days=60)


def _fresh(complaint):
    return Complaint.objects.select_related("case__state").get(pk=complaint.pk)


def test_overdue_response_is_escalated_once(world):
    head = staff(world.dpupr, Role.HEAD)
    coordinator = staff(world.coordinator, Role.COMPLAINT_ADMIN)
    complaint = filed_complaint()
    complaint_dispatch(actor=coordinator, complaint=complaint)
    assert complaints_sweep().escalated == 0  # not due yet
    result = complaints_sweep(now=LATER)
    assert result.escalated == 1
    done = _fresh(complaint)
    assert done.escalated_at is not None and done.case.priority == Priority.URGENT
    recipients = set(
        OutboundMessage.objects.filter(kind="complaint", subject__contains=done.case.number).values_list(
            "recipient_id", flat=True
        )
    )
    assert {head.pk, coordinator.pk} <= recipients
    assert done.case.timeline.filter(kind="note", is_public=False).exists()
    assert complaints_sweep(now=LATER).escalated == 0


def test_overdue_verification_is_escalated(world):
    staff(world.coordinator, Role.HEAD)
    complaint = filed_complaint()
    assert complaints_sweep(now=LATER).escalated == 1
    assert _fresh(complaint).escalated_at is not None


def test_response_without_reaction_closes_by_itself(world):
    coordinator = staff(world.coordinator, Role.COMPLAINT_ADMIN)
    responder = staff(world.dpupr)
    complaint = filed_complaint()
    complaint_dispatch(actor=coordinator, complaint=complaint)
    complaint_respond(actor=responder, complaint=complaint_for_staff(responder, complaint.case.number), response="Ok")
    assert complaints_sweep().closed == 0
    assert complaints_sweep(now=LATER).closed == 1
    done = _fresh(complaint)
    assert done.case.state.code == "closed" and done.case.closed_at is not None
    assert done.case.timeline.filter(transition_code="auto_close").exists()
    assert complaints_sweep(now=LATER).closed == 0


def test_unanswered_question_closes(world):
    coordinator = staff(world.coordinator, Role.COMPLAINT_ADMIN)
    complaint = filed_complaint()
    complaint_request_info(actor=coordinator, complaint=complaint, question="Alamat lengkapnya?")
    assert complaints_sweep(now=LATER).closed == 1
    assert _fresh(complaint).case.state.code == "closed"


def test_unconfirmed_complaint_is_cancelled_after_three_days(world):
    complaint = filed_complaint(actor=None, reporter_email="x@contoh.test")
    assert complaints_sweep(now=timezone.now() + dt.timedelta(hours=71)).cancelled == 0
    assert complaints_sweep(now=timezone.now() + dt.timedelta(hours=73)).cancelled == 1
    assert _fresh(complaint).case.state.code == "unconfirmed"


def test_command_runs_the_sweep(world, capsys):
    call_command("complaints_sweep")
    assert "escalated 0" in capsys.readouterr().out
