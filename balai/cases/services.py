"""Writes of the case engine. ``case_transition`` is the one function that changes a case's state: it
checks the actor's role and the current state, locks the row, validates the required inputs, records
the timeline and audit events, recomputes the SLA clock and publishes the domain events."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from balai.accounts.models.profile import NIK_INDEX_PURPOSE
from balai.accounts.nik import normalize_nik, validate_nik
from balai.accounts.phone import normalize_phone
from balai.audit.services import audit_log
from balai.cases.models import (
    APPLICANT,
    SYSTEM,
    Attachment,
    Case,
    CaseSequence,
    CaseType,
    Channel,
    Priority,
    StateKind,
    TimelineEntry,
    TimelineKind,
    WorkflowTransition,
)
from balai.cases.uploads import StoredFile, store_document
from balai.core.calendar import CALENDAR_TZ, add_working_days, working_days_between
from balai.core.crypto import blind_index
from balai.core.events import publish
from balai.core.exceptions import Conflict, NotFound, PermissionDenied, ValidationFailed
from balai.organizations.models import Organization, Role
from balai.organizations.scoping import can_act_on, is_platform_admin, roles_in

VERIFICATION_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I/L look-alikes
VERIFICATION_CODE_LENGTH = 10
MAX_TEXT_LENGTH = 5000
MAX_FEE_AMOUNT = 1_000_000_000_000  # one trillion rupiah: anything above is a typing error
FILING_ROLES = {Role.FRONT_OFFICE}
ASSIGNING_ROLES = {Role.HEAD, Role.APPROVER, Role.ADMINISTRATOR, Role.FRONT_OFFICE}


# --- numbering and codes -------------------------------------------------------------------------------


def new_verification_code() -> str:
    return "".join(secrets.choice(VERIFICATION_ALPHABET) for _ in range(VERIFICATION_CODE_LENGTH))


def next_sequence(prefix: str, year: int) -> int:
    """Take the next number of ``prefix`` and ``year``; call inside the transaction that stores the case,
    so a rolled-back submission gives its number back (no gaps) and the row lock serialises takers."""
    CaseSequence.objects.get_or_create(prefix=prefix, year=year)
    sequence = CaseSequence.objects.select_for_update().get(prefix=prefix, year=year)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return sequence.last


def format_case_number(prefix: str, year: int, sequence: int) -> str:
    return f"{prefix}-{year}-{sequence:06d}"


# --- routing -------------------------------------------------------------------------------------------


def village_office_for(village: Any) -> Organization | None:
    """The active kelurahan/desa organization serving ``village``: its code is the village code with
    dots as hyphens (``99-01-01-1003``), or, failing that, it carries the village's exact name."""
    if village is None:
        return None
    offices = Organization.objects.active().filter(kind__in=["kelurahan", "desa"])
    return (
        offices.filter(code=village.code.replace(".", "-")).first()
        or offices.filter(name__iexact=village.name).order_by("id").first()
    )


def route_case(service: Any, applicant: Any) -> Organization:
    if service.routing == "by_applicant_village" and applicant is not None:
        profile = applicant.citizen_profile if _has_profile(applicant) else None
        office = village_office_for(getattr(profile, "village", None))
        if office is not None:
            return office
    return service.owner


def _has_profile(user: Any) -> bool:
    try:
        user.citizen_profile  # noqa: B018
    except Exception:  # noqa: BLE001 - RelatedObjectDoesNotExist has no common import
        return False
    return True


# --- creation ------------------------------------------------------------------------------------------


def _clean_walk_in(walk_in: Mapping[str, Any]) -> dict[str, str]:
    errors: dict[str, list[str]] = {}
    name = str(walk_in.get("name") or "").strip()
    if not name:
        errors["walk_in_name"] = [_("Enter the applicant's full name.")]
    elif len(name) > 200:
        errors["walk_in_name"] = [_("The name is too long (at most 200 characters).")]
    nik = normalize_nik(str(walk_in.get("nik") or ""))
    if nik:
        try:
            validate_nik(nik)
        except ValidationError as exc:
            errors["walk_in_nik"] = [str(m) for m in exc.messages]
    phone = str(walk_in.get("phone") or "").strip()
    if phone:
        try:
            phone = normalize_phone(phone)
        except ValidationError as exc:
            errors["walk_in_phone"] = [str(m) for m in exc.messages]
    if errors:
        raise ValidationFailed(fields=errors)
    return {"name": name, "nik": nik, "phone": phone}


def case_create(
    *,
    actor: Any,
    service_version: Any,
    answers: dict,
    channel: str,
    applicant: Any = None,
    walk_in: Mapping[str, Any] | None = None,
    organization: Organization | None = None,
    attachments: Iterable[StoredFile | Mapping[str, Any]] = (),
    priority: str = Priority.NORMAL,
) -> Case:
    """Register a submitted application.

    ``answers`` must already be cleaned by the form engine (``formdefs.clean_answers``); ``attachments``
    are files already checked and stored (``StoredFile`` or dicts with ``requirement_code``,
    ``storage_name``, ``original_name``, ``content_type``, ``size``, ``sha256``). A citizen files for
    themself on the web or the API; front-office staff file at the counter for an account holder
    (``applicant``) or a walk-in person (``walk_in`` = {name, nik, phone}).
    """
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Sign in to submit an application."))
    if channel not in Channel.values:
        raise ValidationFailed(fields={"channel": [_("Unknown channel.")]})
    if priority not in Priority.values:
        raise ValidationFailed(fields={"priority": [_("Unknown priority.")]})
    if not isinstance(answers, dict):
        raise ValidationFailed(fields={"answers": [_("The answers must be an object.")]})
    service = service_version.service
    if not service.is_published:
        raise ValidationFailed(_("This service does not accept applications at the moment."), code="not_published")

    on_behalf = channel == Channel.COUNTER or walk_in is not None or (applicant is not None and applicant != actor)
    walk_in_data: dict[str, str] | None = None
    if on_behalf:
        if channel != Channel.COUNTER:
            raise ValidationFailed(fields={"channel": [_("Applications on someone's behalf use the counter channel.")]})
        if walk_in is None and applicant is None:
            raise ValidationFailed(fields={"walk_in_name": [_("Choose the applicant or enter the walk-in person.")]})
        if walk_in is not None:
            if applicant is not None:
                raise ValidationFailed(_("Give either an account or a walk-in person, not both."))
            walk_in_data = _clean_walk_in(walk_in)
    else:
        applicant = actor

    target = organization or route_case(service, applicant)
    if on_behalf and not can_act_on(actor, target, roles=FILING_ROLES):
        raise PermissionDenied(_("Only front-office staff of the responsible agency can file at the counter."))
    if organization is not None and not on_behalf:
        raise PermissionDenied(_("Only front-office staff can choose the responsible agency."))

    workflow = service_version.workflow
    state = workflow.initial_state()
    if state is None:
        raise ValidationFailed(_("The service's workflow has no initial state; tell the administrator."))

    now = timezone.now()
    year = now.astimezone(CALENDAR_TZ).year
    with transaction.atomic():
        sequence = next_sequence(service.code, year)
        case = Case(
            number=format_case_number(service.code, year, sequence),
            year=year,
            sequence=sequence,
            verification_code=new_verification_code(),
            case_type=CaseType.SERVICE_APPLICATION,
            service_version=service_version,
            workflow=workflow,
            state=state,
            organization=target,
            applicant=applicant,
            channel=channel,
            priority=priority,
            answers=answers,
            submitted_at=now,
            sla_days=service.sla_days,
        )
        if walk_in_data is not None:
            case.walk_in_name = walk_in_data["name"]
            case.walk_in_nik = walk_in_data["nik"]
            case.walk_in_nik_index = (
                blind_index(walk_in_data["nik"], purpose=NIK_INDEX_PURPOSE) if walk_in_data["nik"] else ""
            )
            case.walk_in_phone = walk_in_data["phone"]
        _recompute_clock(case, now)
        try:
            case.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            raise ValidationFailed(fields={k: [str(m) for m in v] for k, v in exc.message_dict.items()}) from exc
        case.save(force_insert=True)
        TimelineEntry.objects.create(
            case=case, kind=TimelineKind.SUBMISSION, actor=actor, to_state=state, is_public=True, created_at=now
        )
        for item in attachments:
            _add_attachment(case, item, actor=actor, is_public=True)
        audit_log(
            actor=actor,
            action="case.submitted",
            target=case,
            summary={
                "number": case.number,
                "service": service.code,
                "channel": channel,
                "organization": target.code,
                "on_behalf": on_behalf,
            },
        )
        publish("case.submitted", _payload(case))
    return case


# --- transitions ---------------------------------------------------------------------------------------


def _payload(case: Case, **extra: Any) -> dict[str, Any]:
    return {
        "case_id": case.pk,
        "number": case.number,
        "case_type": case.case_type,
        "state": case.state.code,
        "state_kind": case.state.kind,
        "organization_id": case.organization_id,
        "applicant_id": case.applicant_id,
        **extra,
    }


def _may_see(actor: Any, case: Case) -> bool:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return False
    if case.applicant_id is not None and case.applicant_id == actor.pk:
        return True
    if is_platform_admin(actor):
        return True
    return bool(roles_in(actor, case.organization_id)) or bool(
        case.assessing_organization_id and roles_in(actor, case.assessing_organization_id)
    )


def actor_may_take(actor: Any, case: Case, transition: WorkflowTransition, *, _roles: dict | None = None) -> bool:
    """True when ``actor`` (None for the system) may take ``transition`` on ``case`` (state not checked)."""
    allowed = set(transition.allowed_roles or [])
    if actor is None:
        return SYSTEM in allowed
    if not getattr(actor, "is_authenticated", False) or not getattr(actor, "is_active", False):
        return False
    if APPLICANT in allowed and case.applicant_id is not None and case.applicant_id == actor.pk:
        return True
    staff_roles = allowed - {APPLICANT, SYSTEM}
    if not staff_roles:
        return False
    org_id = case.assessing_organization_id if transition.assessing_organization_role else case.organization_id
    if org_id is None:
        return False
    if is_platform_admin(actor):
        return True
    cache = _roles if _roles is not None else {}
    if org_id not in cache:
        cache[org_id] = roles_in(actor, org_id)
    return bool(cache[org_id] & staff_roles)


def _recompute_clock(case: Case, now: Any) -> None:
    """Due date = end of the (sla_days + paused working days)-th working day after submission; while the
    case waits for the applicant the clock stands still; a state with its own limit gets state_due_at."""
    if case.state.kind == StateKind.WAITING:
        if case.sla_paused_at is None:
            case.sla_paused_at = now
    elif case.sla_paused_at is not None:
        case.sla_paused_days += working_days_between(case.sla_paused_at, now)
        case.sla_paused_at = None
    if case.sla_days is not None:
        case.due_at = add_working_days(case.submitted_at, case.sla_days + case.sla_paused_days)
    if case.state.kind == StateKind.OPEN and case.state.sla_days is not None:
        case.state_due_at = add_working_days(now, case.state.sla_days)
    else:
        case.state_due_at = None
    if case.state.kind == StateKind.FINAL:
        case.closed_at = now


def _check_fee(value: Any) -> list[str]:
    if value is None or value == "":
        return [_("Enter the fee in whole rupiah.")]
    if isinstance(value, bool):
        return [_("Enter the fee as a whole number of rupiah, without dots or commas.")]
    if isinstance(value, str):
        if not value.strip().isdigit():
            return [_("Enter the fee as a whole number of rupiah, without dots or commas.")]
        value = int(value.strip())
    if isinstance(value, float) or not isinstance(value, int):
        return [_("Enter the fee as a whole number of rupiah, without dots or commas.")]
    if value <= 0:
        return [_("The fee must be more than 0 rupiah.")]
    if value > MAX_FEE_AMOUNT:
        return [_("The fee is too large.")]
    return []


def case_transition(
    *,
    actor: Any,
    case: Case,
    transition: str,
    comment: str = "",
    document: Any = None,
    fee_amount: int | None = None,
    expected_version: int | None = None,
    assessing_organization: Organization | None = None,
) -> Case:
    """Move ``case`` along ``transition`` (a code of its workflow); ``actor`` None means the system
    (only for transitions that allow "system", e.g. ``payment_received``).

    Raises NotFound (the actor may not see the case), PermissionDenied (wrong role or agency), Conflict
    (stale ``expected_version`` or the case is no longer in the transition's start state) or
    ValidationFailed (missing comment, document, fee or assessing agency)."""
    comment = str(comment or "").strip()
    with transaction.atomic():
        try:
            # No joins in the locking query: PostgreSQL re-checks a joined row against the old snapshot
            # after waiting for the lock, and would drop the case when the other writer changed its state.
            locked = Case.objects.select_for_update().get(pk=case.pk)
        except Case.DoesNotExist as exc:
            raise NotFound() from exc
        if actor is not None and not _may_see(actor, locked):
            raise NotFound()
        step = (
            WorkflowTransition.objects.select_related("from_state", "to_state")
            .filter(workflow_id=locked.workflow_id, code=str(transition or "")[:50])
            .first()
        )
        if step is None:
            raise ValidationFailed(_("This step does not exist in the case's workflow."), code="unknown_transition")
        if expected_version is not None and locked.version != expected_version:
            raise Conflict(
                _("Someone else changed this case a moment ago. Reload the page to see its current state."),
                code="stale_version",
            )
        if not actor_may_take(actor, locked, step):
            raise PermissionDenied(_("Your role does not allow this step on this case."), code="role_not_allowed")
        if step.from_state_id != locked.state_id:
            raise Conflict(
                _("This step is not possible now: the case is in the state “%(state)s”.")
                % {"state": locked.state.display_name},
                code="invalid_state",
            )

        errors: dict[str, list[str]] = {}
        if step.requires_comment and not comment:
            errors["comment"] = [_("Write a comment: it is required for this step.")]
        if len(comment) > MAX_TEXT_LENGTH:
            errors["comment"] = [_("The comment is too long (at most %(max)d characters).") % {"max": MAX_TEXT_LENGTH}]
        if step.requires_document and document is None:
            errors["document"] = [_("Attach the document required for this step.")]
        if step.requires_fee_amount:
            fee_errors = _check_fee(fee_amount)
            if fee_errors:
                errors["fee_amount"] = fee_errors
        if step.requires_assessing_organization:
            if not isinstance(assessing_organization, Organization) or not assessing_organization.is_active:
                errors["assessing_organization"] = [_("Choose the agency that should assess this case.")]
            elif assessing_organization.pk == locked.organization_id:
                errors["assessing_organization"] = [_("Choose another agency than the responsible one.")]
        if errors:
            raise ValidationFailed(fields=errors)

        now = timezone.now()
        from_state = locked.state
        stored = None
        if document is not None:
            stored = store_document(document, folder=f"cases/{locked.pk}")
        locked.state = step.to_state
        update = ["state", "due_at", "state_due_at", "sla_paused_at", "sla_paused_days", "closed_at", "version"]
        if step.requires_fee_amount:
            locked.fee_amount = int(fee_amount)  # type: ignore[arg-type]
            update.append("fee_amount")
        if step.requires_assessing_organization:
            locked.assessing_organization = assessing_organization
            update.append("assessing_organization")
        _recompute_clock(locked, now)
        locked.version += 1
        locked.save(update_fields=[*update, "updated_at"])

        attachment = None
        if stored is not None:
            attachment = _add_attachment(locked, stored, actor=actor, is_public=step.is_public, timeline=False)
        TimelineEntry.objects.create(
            case=locked,
            kind=TimelineKind.TRANSITION,
            actor=actor,
            from_state=from_state,
            to_state=step.to_state,
            transition_code=step.code,
            body=comment,
            attachment=attachment,
            is_public=step.is_public,
            created_at=now,
        )
        summary: dict[str, Any] = {
            "number": locked.number,
            "transition": step.code,
            "from": from_state.code,
            "to": step.to_state.code,
        }
        if step.requires_fee_amount:
            summary["fee_amount"] = locked.fee_amount
        if step.requires_assessing_organization:
            summary["assessing_organization"] = assessing_organization.code  # type: ignore[union-attr]
        audit_log(
            actor=actor,
            action="case.transitioned",
            target=locked,
            summary=summary,
            actor_label="" if actor else "system",
        )
        publish(
            "case.transitioned",
            _payload(locked, transition=step.code, from_state=from_state.code, to_state=step.to_state.code),
        )
        if step.to_state.kind == StateKind.FINAL:
            publish("case.closed", _payload(locked, outcome=step.to_state.code))
    return locked


# --- assignment, notes, replies ------------------------------------------------------------------------


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
        if not held and not admin:
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
        publish("case.assigned", _payload(locked, assigned_to=assignee.pk if assignee else None))
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
    if actor is None or not (
        is_platform_admin(actor)
        or roles_in(actor, case.organization_id)
        or (case.assessing_organization_id and roles_in(actor, case.assessing_organization_id))
    ):
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
            publish("case.message_sent", _payload(case, entry_id=entry.pk))
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
            _add_attachment(case, item, actor=actor, is_public=True)
        audit_log(
            actor=actor,
            action="case.replied",
            target=case,
            summary={"number": case.number, "attachments": len(stored)},
        )
        publish("case.replied", _payload(case, entry_id=entry.pk))
    return entry


def _add_attachment(
    case: Case, item: StoredFile | Mapping[str, Any], *, actor: Any, is_public: bool, timeline: bool = True
) -> Attachment:
    data = item.__dict__ if isinstance(item, StoredFile) else dict(item)
    attachment = Attachment(
        case=case,
        requirement_code=str(data.get("requirement_code") or "")[:64],
        storage_name=data["storage_name"],
        original_name=str(data.get("original_name") or "document")[:255],
        content_type=data["content_type"],
        size=int(data["size"]),
        sha256=data["sha256"],
        uploaded_by=actor,
        is_public=is_public,
    )
    attachment.full_clean(exclude=["case", "uploaded_by"])
    attachment.save()
    if timeline:
        TimelineEntry.objects.create(
            case=case,
            kind=TimelineKind.DOCUMENT,
            actor=actor,
            body=attachment.original_name,
            attachment=attachment,
            is_public=is_public,
        )
    return attachment


__all__ = [
    "case_add_note",
    "case_assign",
    "case_create",
    "case_reply",
    "case_transition",
    "new_verification_code",
    "route_case",
    "village_office_for",
]
