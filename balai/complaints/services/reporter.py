"""What the reporter does on their complaint: reply, add information (with photos), accept the response,
reopen it within the window, and rate the handling once it is closed.

A reporter with an account acts as the case's applicant; one without an account proves themself with the
complaint's tracking code (the number and code they received), and the case engine records the step as
the system's on their behalf."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from balai.audit.services import audit_log
from balai.cases.models import TimelineEntry, TimelineKind
from balai.cases.services import case_reply, case_transition
from balai.complaints.models import MAX_PHOTOS, Complaint, ComplaintPhoto
from balai.complaints.photos import clean_photo, delete_stored, store_photo
from balai.complaints.services.common import (
    clean_text,
    current_settings,
    lock,
    publish_update,
    reporter_matches,
    require_reason,
    set_case_deadline,
    working_deadline,
)
from balai.complaints.workflows import CLOSED, FINAL_STATES, MORE_INFO, RESPONDED, UNCONFIRMED
from balai.core.exceptions import Conflict, ValidationFailed

MAX_MESSAGE_LENGTH = 4000
MAX_RATING_COMMENT = 2000


def _message(body: Any, *, required: bool) -> str:
    text = clean_text(body)
    if required and not text:
        raise ValidationFailed(fields={"body": [_("Write a message.")]})
    if len(text) > MAX_MESSAGE_LENGTH:
        raise ValidationFailed(
            fields={"body": [_("The text is too long (at most %(max)d characters).") % {"max": MAX_MESSAGE_LENGTH}]}
        )
    return text


def _label(account: Any) -> dict[str, Any]:
    """Audit fields for a reporter acting with an account or with the tracking code."""
    return {"actor": account, "actor_label": "" if account is not None else "reporter (tracking code)"}


def _open_or_refuse(complaint: Complaint) -> None:
    if complaint.case.state.code in FINAL_STATES:
        raise Conflict(_("The complaint is closed; you can no longer reply to it."), code="closed")


def complaint_reporter_reply(
    *, actor: Any, complaint: Complaint, body: str, tracking_code: str | None = None
) -> TimelineEntry:
    """A message from the reporter on their open complaint (the officers and the reporter see it)."""
    account = reporter_matches(complaint, actor, tracking_code)
    text = _message(body, required=True)
    _open_or_refuse(complaint)
    with transaction.atomic():
        case, locked = lock(complaint)
        _open_or_refuse(locked)
        if account is not None:
            entry = case_reply(actor=account, case=case, body=text)
        else:
            entry = TimelineEntry.objects.create(case=case, kind=TimelineKind.PUBLIC_REPLY, body=text, is_public=True)
            audit_log(action="case.replied", target=case, summary={"number": case.number}, **_label(account))
        locked.updated_at = timezone.now()
        locked.save(update_fields=["updated_at"])
        publish_update(locked, "reporter_replied", entry_id=entry.pk)
    return entry


def complaint_add_info(
    *,
    actor: Any,
    complaint: Complaint,
    body: str,
    photos: Iterable[Any] = (),
    tracking_code: str | None = None,
) -> Complaint:
    """More information (text and/or photos) from the reporter: answers the coordinator's question when one
    is waiting (the complaint goes back to verification), else adds to the open complaint."""
    account = reporter_matches(complaint, actor, tracking_code)
    items = [p for p in photos if p is not None]
    text = _message(body, required=not items)
    _open_or_refuse(complaint)
    if complaint.photos.count() + len(items) > MAX_PHOTOS:
        raise ValidationFailed(
            fields={"photos": [_("A complaint has at most %(max)d photos.") % {"max": MAX_PHOTOS}]},
            code="too_many_photos",
        )
    cleaned = [clean_photo(item) for item in items]
    stored: list[str] = []
    try:
        with transaction.atomic():
            case, locked = lock(complaint)
            _open_or_refuse(locked)
            body_text = text or _("Photos added.")
            if case.state.code == MORE_INFO:
                case = case_transition(actor=account, case=case, transition="provide_info", comment=body_text)
                locked.reaction_due_at = None
                locked.verification_due_at = working_deadline(timezone.now(), current_settings().verification_days)
                set_case_deadline(case, locked.verification_due_at)
            elif account is not None:
                case_reply(actor=account, case=case, body=body_text)
            else:
                TimelineEntry.objects.create(case=case, kind=TimelineKind.PUBLIC_REPLY, body=body_text, is_public=True)
            for photo in cleaned:
                fields = store_photo(photo, folder=f"complaints/{case.pk}")
                stored.append(fields["storage_name"])
                ComplaintPhoto.objects.create(complaint=locked, **fields)
            locked.updated_at = timezone.now()
            locked.save(update_fields=["reaction_due_at", "verification_due_at", "updated_at"])
            audit_log(
                action="complaint.info_added",
                target=case,
                summary={"number": case.number, "photos": len(cleaned)},
                **_label(account),
            )
            locked.case = case
            publish_update(locked, "info_added")
    except BaseException:
        delete_stored(stored)
        raise
    return locked


def complaint_accept(*, actor: Any, complaint: Complaint, tracking_code: str | None = None) -> Complaint:
    """The reporter is satisfied with the response: the complaint closes."""
    account = reporter_matches(complaint, actor, tracking_code)
    with transaction.atomic():
        case, locked = lock(complaint)
        case = case_transition(actor=account, case=case, transition="accept")
        locked.reaction_due_at = None
        locked.updated_at = timezone.now()
        locked.save(update_fields=["reaction_due_at", "updated_at"])
        set_case_deadline(case, None)
        audit_log(action="complaint.accepted", target=case, summary={"number": case.number}, **_label(account))
        locked.case = case
        publish_update(locked, "closed")
    return locked


def complaint_reopen(*, actor: Any, complaint: Complaint, reason: str, tracking_code: str | None = None) -> Complaint:
    """The problem is not solved: the reporter reopens the responded complaint before it closes by itself;
    the agency has its response time again."""
    account = reporter_matches(complaint, actor, tracking_code)
    text = require_reason(reason, "reason")
    with transaction.atomic():
        case, locked = lock(complaint)
        if case.state.code != RESPONDED:
            raise Conflict(_("Only a responded complaint can be reopened, before it is closed."), code="invalid_state")
        now = timezone.now()
        if locked.reaction_due_at is not None and now > locked.reaction_due_at:
            raise Conflict(_("The time to reopen this complaint has passed."), code="reopen_window_passed")
        case = case_transition(actor=account, case=case, transition="reopen", comment=text)
        locked.reopened_count += 1
        locked.reaction_due_at = None
        locked.response_due_at = working_deadline(now, locked.category.response_days)
        locked.escalated_at = None
        locked.updated_at = now
        locked.save(
            update_fields=["reopened_count", "reaction_due_at", "response_due_at", "escalated_at", "updated_at"]
        )
        set_case_deadline(case, locked.response_due_at)
        audit_log(action="complaint.reopened", target=case, summary={"number": case.number}, **_label(account))
        locked.case = case
        publish_update(locked, "reopened")
    return locked


def complaint_rate(
    *, actor: Any, complaint: Complaint, rating: Any, comment: str = "", tracking_code: str | None = None
) -> Complaint:
    """The reporter rates the handling (1–5, with an optional comment) once, after the complaint closed."""
    account = reporter_matches(complaint, actor, tracking_code)
    errors: dict[str, list[str]] = {}
    value: int | None = None
    if isinstance(rating, int) and not isinstance(rating, bool):
        value = rating
    elif isinstance(rating, str) and rating.strip().isdigit():
        value = int(rating.strip())
    if value is None or not 1 <= value <= 5:
        errors["rating"] = [_("Choose a rating from 1 to 5.")]
    text = clean_text(comment)
    if len(text) > MAX_RATING_COMMENT:
        errors["comment"] = [_("The text is too long (at most %(max)d characters).") % {"max": MAX_RATING_COMMENT}]
    if errors:
        raise ValidationFailed(fields=errors)
    with transaction.atomic():
        case, locked = lock(complaint)
        if case.state.code not in FINAL_STATES or case.state.code == UNCONFIRMED:
            raise Conflict(_("You can rate the handling once the complaint is closed."), code="not_closed")
        if locked.rating is not None:
            raise Conflict(_("You have already rated this complaint."), code="already_rated")
        locked.rating = value
        locked.rating_comment = text
        locked.rated_at = timezone.now()
        locked.save(update_fields=["rating", "rating_comment", "rated_at"])
        audit_log(
            action="complaint.rated",
            target=case,
            summary={"number": case.number, "rating": value, "closed_as": case.state.code},
            **_label(account),
        )
        locked.case = case
    return locked


def may_reopen(complaint: Complaint) -> bool:
    due = complaint.reaction_due_at
    return complaint.case.state.code == RESPONDED and (due is None or timezone.now() <= due)


def may_rate(complaint: Complaint) -> bool:
    return (
        complaint.rating is None
        and complaint.case.state.code in (CLOSED, *FINAL_STATES)
        and (complaint.case.state.code != UNCONFIRMED)
    )
