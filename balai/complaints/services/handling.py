"""Handling a complaint: the coordinator verifies it (dispatch, ask for more information, mark a duplicate,
reject), the agency answers (respond, transfer to another agency, hand back to the coordinator) and writes
notes. Every state change goes through the case engine's ``case_transition`` (roles, state, timeline, audit);
these services add what a complaint needs around it: the answering agency, the step deadlines and the
notifications."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from balai.audit.services import audit_log
from balai.cases.models import TimelineEntry
from balai.cases.services import case_add_note, case_transition
from balai.complaints.models import Complaint, ComplaintFollower, Privacy
from balai.complaints.services.common import (
    answering_agency,
    clean_text,
    coordinator_agency,
    current_settings,
    lock,
    publish_update,
    require_reason,
    set_case_deadline,
    working_deadline,
)
from balai.complaints.services.followers import follow_token
from balai.complaints.workflows import FINAL_STATES
from balai.core.exceptions import Conflict, ValidationFailed
from balai.organizations.models import Organization


def _agency(value: Any) -> Organization:
    if isinstance(value, Organization):
        agency = value
    elif value not in (None, ""):
        agency = Organization.objects.filter(code=str(value).strip().upper()[:32]).first()
    else:
        agency = None
    if agency is None or not agency.is_active:
        raise ValidationFailed(fields={"agency": [_("Choose an active agency from the list.")]})
    return agency


def complaint_dispatch(
    *, actor: Any, complaint: Complaint, agency: Any = None, comment: str = "", expected_version: int | None = None
) -> Complaint:
    """The coordinator sends a verified complaint to the agency that answers it (by default the category's
    agency, or the district office where the category says so); the agency's response deadline starts."""
    target = _agency(agency) if agency not in (None, "") else answering_agency(complaint.category, complaint.district)
    if target is None:
        raise ValidationFailed(fields={"agency": [_("This category has no agency: choose the agency.")]})
    note = clean_text(comment)
    if len(note) > 4000:
        raise ValidationFailed(
            fields={"comment": [_("The text is too long (at most %(max)d characters).") % {"max": 4000}]}
        )
    with transaction.atomic():
        case, locked = lock(complaint)
        case = case_transition(
            actor=actor, case=case, transition="dispatch", comment=target.name, expected_version=expected_version
        )
        now = timezone.now()
        locked.dispatched_at = now
        locked.response_due_at = working_deadline(now, locked.category.response_days)
        locked.escalated_at = None
        locked.updated_at = now
        locked.save(update_fields=["dispatched_at", "response_due_at", "escalated_at", "updated_at"])
        if note:
            # Before the agency changes: the coordinator writes it while the complaint is still theirs.
            case_add_note(actor=actor, case=case, body=note, is_public=False)
        set_case_deadline(case, locked.response_due_at, organization=target, assigned_to=None)
        audit_log(
            actor=actor,
            action="complaint.dispatched",
            target=case,
            summary={
                "number": case.number,
                "agency": target.code,
                "response_due_at": locked.response_due_at.isoformat(),
            },
        )
        locked.case = case
        publish_update(locked, "dispatched", agency=target.code)
    return locked


def complaint_request_info(
    *, actor: Any, complaint: Complaint, question: str, expected_version: int | None = None
) -> Complaint:
    """Ask the reporter for more information; without an answer within ``auto_close_days`` working days the
    complaint closes."""
    text = require_reason(question, "question")
    with transaction.atomic():
        case, locked = lock(complaint)
        case = case_transition(
            actor=actor, case=case, transition="request_info", comment=text, expected_version=expected_version
        )
        now = timezone.now()
        locked.reaction_due_at = working_deadline(now, current_settings().auto_close_days)
        locked.escalated_at = None
        locked.updated_at = now
        locked.save(update_fields=["reaction_due_at", "escalated_at", "updated_at"])
        set_case_deadline(case, None)
        locked.case = case
        publish_update(locked, "info_requested")
    return locked


def _root(original: Complaint) -> Complaint:
    seen = {original.pk}
    while original.duplicate_of_id is not None and original.duplicate_of_id not in seen:
        seen.add(original.duplicate_of_id)
        original = original.duplicate_of
    return original


def complaint_mark_duplicate(
    *, actor: Any, complaint: Complaint, duplicate_of: Any, comment: str = "", expected_version: int | None = None
) -> Complaint:
    """Close the complaint as a duplicate of another one (given as a Complaint or its number); the reporter
    follows the original from then on when it is public."""
    if isinstance(duplicate_of, Complaint):
        original = duplicate_of
    else:
        number = "".join(str(duplicate_of or "").split()).upper()[:64]
        original = (
            Complaint.objects.select_related("case__state").filter(case__number=number).first() if number else None
        )
    if original is None:
        raise ValidationFailed(fields={"duplicate_of": [_("Enter the number of an existing complaint.")]})
    original = _root(original)
    if original.pk == complaint.pk:
        raise ValidationFailed(fields={"duplicate_of": [_("A complaint cannot be a duplicate of itself.")]})
    note = clean_text(comment)
    if len(note) > 4000:
        raise ValidationFailed(
            fields={"comment": [_("The text is too long (at most %(max)d characters).") % {"max": 4000}]}
        )
    body = _("Same as complaint %(number)s.") % {"number": original.case.number}
    with transaction.atomic():
        case, locked = lock(complaint)
        case = case_transition(
            actor=actor,
            case=case,
            transition="mark_duplicate",
            comment=f"{body} {note}".strip(),
            expected_version=expected_version,
        )
        locked.duplicate_of = original
        locked.updated_at = timezone.now()
        locked.save(update_fields=["duplicate_of", "updated_at"])
        set_case_deadline(case, None)
        if original.privacy != Privacy.CONFIDENTIAL and original.is_published:
            _follow_original(locked, original)
        audit_log(
            actor=actor,
            action="complaint.marked_duplicate",
            target=case,
            summary={"number": case.number, "duplicate_of": original.case.number},
        )
        locked.case = case
        publish_update(locked, "duplicate", duplicate_of=original.case.number)
    return locked


def _follow_original(duplicate: Complaint, original: Complaint) -> None:
    case = duplicate.case
    if case.applicant_id is not None:
        ComplaintFollower.objects.get_or_create(
            complaint=original, user_id=case.applicant_id, defaults={"unsubscribe_token": follow_token()}
        )
        return
    if duplicate.reporter_email and duplicate.contact_verified_at is not None:
        from balai.complaints.services.followers import email_index

        index = email_index(duplicate.reporter_email)
        if not ComplaintFollower.objects.filter(complaint=original, email_index=index).exists():
            ComplaintFollower.objects.create(
                complaint=original, email=duplicate.reporter_email, email_index=index, unsubscribe_token=follow_token()
            )


def complaint_reject(
    *, actor: Any, complaint: Complaint, reason: str, expected_version: int | None = None
) -> Complaint:
    """Reject: not a complaint, or not the regency's authority; the reporter reads the reason."""
    text = require_reason(reason, "reason")
    with transaction.atomic():
        case, locked = lock(complaint)
        case = case_transition(
            actor=actor, case=case, transition="reject", comment=text, expected_version=expected_version
        )
        set_case_deadline(case, None)
        locked.updated_at = timezone.now()
        locked.save(update_fields=["updated_at"])
        locked.case = case
        publish_update(locked, "rejected")
    return locked


def complaint_respond(
    *, actor: Any, complaint: Complaint, response: str, expected_version: int | None = None
) -> Complaint:
    """The agency's substantive response (tindak lanjut); the reporter then accepts or reopens it, or it
    closes after ``auto_close_days`` working days."""
    text = require_reason(response, "response")
    with transaction.atomic():
        case, locked = lock(complaint)
        case = case_transition(
            actor=actor, case=case, transition="respond", comment=text, expected_version=expected_version
        )
        now = timezone.now()
        if locked.responded_at is None:
            locked.responded_at = now
        locked.reaction_due_at = working_deadline(now, current_settings().auto_close_days)
        locked.escalated_at = None
        locked.updated_at = now
        locked.save(update_fields=["responded_at", "reaction_due_at", "escalated_at", "updated_at"])
        set_case_deadline(case, None)
        locked.case = case
        publish_update(locked, "responded")
    return locked


def complaint_transfer(
    *, actor: Any, complaint: Complaint, agency: Any, reason: str, expected_version: int | None = None
) -> Complaint:
    """Hand the complaint to another agency that should answer it, with the reason; its deadline restarts."""
    target = _agency(agency)
    text = require_reason(reason, "reason")
    if target.pk == complaint.case.organization_id:
        raise ValidationFailed(fields={"agency": [_("Choose another agency than the one handling it now.")]})
    with transaction.atomic():
        case, locked = lock(complaint)
        previous = case.organization
        body = _("Transferred to %(agency)s: %(reason)s") % {"agency": target.name, "reason": text}
        case = case_transition(
            actor=actor, case=case, transition="transfer", comment=body, expected_version=expected_version
        )
        now = timezone.now()
        locked.response_due_at = working_deadline(now, locked.category.response_days)
        locked.escalated_at = None
        locked.updated_at = now
        locked.save(update_fields=["response_due_at", "escalated_at", "updated_at"])
        set_case_deadline(case, locked.response_due_at, organization=target, assigned_to=None)
        audit_log(
            actor=actor,
            action="complaint.transferred",
            target=case,
            summary={"number": case.number, "from": previous.code, "to": target.code},
        )
        locked.case = case
        publish_update(locked, "transferred", agency=target.code)
    return locked


def complaint_return(
    *, actor: Any, complaint: Complaint, reason: str, expected_version: int | None = None
) -> Complaint:
    """The agency hands the complaint back to the coordinator (e.g. it is not theirs and they do not know
    whose it is); the coordinator verifies it again."""
    text = require_reason(reason, "reason")
    settings_row = current_settings()
    coordinator = coordinator_agency(settings_row)
    if coordinator is None:
        raise Conflict(_("No coordinating agency is set up; transfer the complaint instead."), code="no_coordinator")
    with transaction.atomic():
        case, locked = lock(complaint)
        case = case_transition(
            actor=actor, case=case, transition="return_to_coordinator", comment=text, expected_version=expected_version
        )
        now = timezone.now()
        locked.verification_due_at = working_deadline(now, settings_row.verification_days)
        locked.escalated_at = None
        locked.updated_at = now
        locked.save(update_fields=["verification_due_at", "escalated_at", "updated_at"])
        set_case_deadline(case, locked.verification_due_at, organization=coordinator, assigned_to=None)
        locked.case = case
    return locked


def complaint_add_note(*, actor: Any, complaint: Complaint, body: str, is_public: bool) -> TimelineEntry:
    """An internal note, or (``is_public``) a progress message the reporter and the followers see."""
    from balai.complaints.selectors import complaint_for_staff

    visible = complaint_for_staff(actor, complaint.case.number)
    if visible.case.state.code in FINAL_STATES and is_public:
        raise Conflict(_("The complaint is closed."), code="closed")
    with transaction.atomic():
        entry = case_add_note(actor=actor, case=visible.case, body=body, is_public=is_public)
        if is_public:
            publish_update(visible, "message", entry_id=entry.pk)
    return entry


def complaint_close_unanswered(
    *, actor: Any, complaint: Complaint, reason: str, expected_version: int | None = None
) -> Complaint:
    """The coordinator closes a complaint whose reporter never sent the information asked for."""
    text = require_reason(reason, "reason")
    with transaction.atomic():
        case, locked = lock(complaint)
        case = case_transition(
            actor=actor, case=case, transition="close_without_info", comment=text, expected_version=expected_version
        )
        locked.reaction_due_at = None
        locked.updated_at = timezone.now()
        locked.save(update_fields=["reaction_due_at", "updated_at"])
        set_case_deadline(case, None)
        locked.case = case
        publish_update(locked, "closed")
    return locked
