"""Assignment, internal notes, public replies and the applicant's replies on a case."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from balai.audit.services import audit_log
from balai.cases.models import (
    Case,
    TimelineEntry,
    TimelineKind,
)
from balai.cases.services.common import (
    ASSIGNING_ROLES,
    MAX_TEXT_LENGTH,
    add_attachment,
    event_payload,
    staff_may_see_case,
)
from balai.cases.totals import mark_changed
from balai.cases.uploads import StoredFile, store_document
from balai.core.events import publish
from balai.core.exceptions import Conflict, NotFound, PermissionDenied, ValidationFailed
from balai.organizations.scoping import is_platform_admin, roles_in


def case_assign(*, actor: Any, case: Case, assignee: Any, expected_version: int | None = None) -> Case:
    """Give the case to ``assignee`` (None: nobody). Anyone with a role in the responsible (or assessing)
    agency may claim a case for themself; assigning someone else needs a supervising role."""
    with transaction.atomic():
        try:
            locked = Case.objects.select_for_update().get(pk=case.pk)
        except Case.DoesNotExist as exc:
            raise NotFound() from exc
        org_ids = [i for i in (locked.organization_id, locked.assessing_organization_id) if i]
        held = set().union(*(roles_in(actor, i) for i in org_ids)) if actor is not None else set()
        admin = is_platform_admin(actor)
        if not held and not admin or not staff_may_see_case(actor, locked):
            raise NotFound()
        if expected_version is not None and locked.version != expected_version:
            raise Conflict(
                _("Someone else changed this case a moment ago. Reload the page to see its current state."),
                code="stale_version",
            )
        if locked.closed_at is not None:
            raise Conflict(_("The case is closed."), code="closed")
        self_claim = assignee is not None and assignee.pk == actor.pk
        if not admin and not self_claim and not (held & ASSIGNING_ROLES):
            raise PermissionDenied(_("Only a supervisor can assign cases to other people."), code="role_not_allowed")
        if assignee is not None and not any(roles_in(assignee, i) for i in org_ids):
            raise ValidationFailed(
                fields={"assignee": [_("This person does not work at the agency handling the case.")]}
            )
        previous = locked.assigned_to_id
        locked.assigned_to = assignee
        locked.version += 1
        locked.save(update_fields=["assigned_to", "version", "updated_at"])
        TimelineEntry.objects.create(
            case=locked,
            kind=TimelineKind.ASSIGNMENT,
            actor=actor,
            body=assignee.full_name if assignee is not None else "",
            is_public=False,
        )
        audit_log(
            actor=actor,
            action="case.assigned",
            target=locked,
            summary={"number": locked.number, "from_user": previous, "to_user": assignee.pk if assignee else None},
        )
        mark_changed(locked.organization_id, locked.assessing_organization_id)
        publish("case.assigned", event_payload(locked, assigned_to=assignee.pk if assignee else None))
    return locked


def _clean_body(body: Any, *, required: bool) -> str:
    text = str(body or "").strip()
    if required and not text:
        raise ValidationFailed(fields={"body": [_("Write a message.")]})
    if len(text) > MAX_TEXT_LENGTH:
        raise ValidationFailed(
            fields={"body": [_("The text is too long (at most %(max)d characters).") % {"max": MAX_TEXT_LENGTH}]}
        )
    return text


def case_add_note(*, actor: Any, case: Case, body: str, is_public: bool) -> TimelineEntry:
    """Staff write an internal note, or (``is_public``) a message the applicant sees."""
    if not staff_may_see_case(actor, case):
        raise NotFound()
    text = _clean_body(body, required=True)
    with transaction.atomic():
        entry = TimelineEntry.objects.create(
            case=case,
            kind=TimelineKind.PUBLIC_REPLY if is_public else TimelineKind.NOTE,
            actor=actor,
            body=text,
            is_public=bool(is_public),
        )
        audit_log(
            actor=actor, action="case.note_added", target=case, summary={"number": case.number, "is_public": is_public}
        )
        if is_public:
            publish("case.message_sent", event_payload(case, entry_id=entry.pk))
    return entry


def case_reply(*, actor: Any, case: Case, body: str, attachments: Iterable[Any] = ()) -> TimelineEntry:
    """The applicant answers on their case (a message and/or files, e.g. the corrections asked for)."""
    if actor is None or case.applicant_id is None or case.applicant_id != getattr(actor, "pk", None):
        raise NotFound()
    files = list(attachments)
    text = _clean_body(body, required=not files)
    with transaction.atomic():
        closed_at = Case.objects.select_for_update().filter(pk=case.pk).values_list("closed_at", flat=True).first()
        if closed_at is not None:
            raise Conflict(_("The case is closed; you can no longer reply to it."), code="closed")
        stored = [
            item
            if isinstance(item, StoredFile | Mapping)
            else store_document(item, folder=f"cases/{case.pk}", field="attachments")
            for item in files
        ]
        entry = TimelineEntry.objects.create(
            case=case, kind=TimelineKind.PUBLIC_REPLY, actor=actor, body=text, is_public=True
        )
        for item in stored:
            add_attachment(case, item, actor=actor, is_public=True)
        audit_log(
            actor=actor,
            action="case.replied",
            target=case,
            summary={"number": case.number, "attachments": len(stored)},
        )
        publish("case.replied", event_payload(case, entry_id=entry.pk))
    return entry


def case_record_document(*, actor: Any, case: Case, body: str, is_public: bool = True) -> TimelineEntry:
    """Note on the timeline that a document was issued for the case (by the documents app, which has checked
    the permission, holds the transaction and writes its own audit event). ``actor`` None: the system."""
    text = str(body or "").strip()[:MAX_TEXT_LENGTH]
    if not text:
        raise ValidationFailed(fields={"body": [_("Write a message.")]})
    return TimelineEntry.objects.create(
        case=case,
        kind=TimelineKind.DOCUMENT,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        body=text,
        is_public=bool(is_public),
    )
