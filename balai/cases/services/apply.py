"""Applying online: drafts (answers and files kept until the citizen comes back), uploads awaiting
submission (web drafts and the API), and the submission itself, which calls ``case_create`` exactly once
per draft (the draft row is locked and remembers its case, so a double click or a refresh returns the same
case) and once per API upload set (each upload is used at most once).

A draft keeps the service version it was started with: if the service's form changes afterwards, the draft
is completed and submitted under its own version."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from balai.audit.services import audit_log
from balai.cases.models import Case, CaseDraft, Channel
from balai.cases.models_apply import PendingUpload
from balai.cases.services import case_create
from balai.core.exceptions import NotFound, PermissionDenied, ValidationFailed
from balai.services.formdefs import check_upload, clean_answers, clean_original_name, store_upload, upload_specs
from balai.services.formdefs.values import field_label

MAX_DRAFTS_PER_USER = 50
MAX_PENDING_UPLOADS_PER_USER = 100
UPLOAD_FOLDER = "pending"


# --- profile -------------------------------------------------------------------------------------------


def service_needs_profile(service: Any) -> bool:
    """A service routed to the applicant's village office, or marked ``requires_profile`` in its settings,
    needs the citizen's profile (NIK and village) before an application can start."""
    return service.routing == "by_applicant_village" or bool((service.extra or {}).get("requires_profile"))


def profile_complete(user: Any) -> bool:
    profile = getattr(user, "citizen_profile", None) if _has_profile(user) else None
    return bool(profile is not None and profile.nik and profile.village_id)


def _has_profile(user: Any) -> bool:
    try:
        user.citizen_profile  # noqa: B018
    except Exception:  # noqa: BLE001 - RelatedObjectDoesNotExist has no common import
        return False
    return True


def check_may_apply(user: Any, service: Any) -> None:
    if user is None or not getattr(user, "is_authenticated", False):
        raise PermissionDenied(_("Sign in to apply."), code="not_authenticated")
    if service.current_version_id is None or not service.is_published:
        raise NotFound()
    if service_needs_profile(service) and not profile_complete(user):
        raise PermissionDenied(
            _("Complete your profile (NIK and village) before applying for this service."), code="profile_incomplete"
        )


# --- reads ---------------------------------------------------------------------------------------------


def drafts_for_citizen(user: Any) -> QuerySet[CaseDraft]:
    if user is None or not getattr(user, "is_authenticated", False):
        return CaseDraft.objects.none()
    return (
        CaseDraft.objects.filter(user_id=user.pk, case__isnull=True)
        .select_related("service_version__service")
        .order_by("-updated_at", "-id")
    )


def draft_for(user: Any, draft_id: Any, *, service_code: str | None = None, submitted: bool = False) -> CaseDraft:
    """The user's own draft (NotFound for anyone else's, a malformed id, or another service's)."""
    try:
        pk = int(str(draft_id))
    except (TypeError, ValueError):
        raise NotFound() from None
    if user is None or not getattr(user, "is_authenticated", False):
        raise NotFound()
    qs = CaseDraft.objects.select_related("service_version__service", "service_version__workflow", "case").filter(
        pk=pk, user_id=user.pk
    )
    if not submitted:
        qs = qs.filter(case__isnull=True)
    if service_code is not None:
        qs = qs.filter(service_version__service__code=str(service_code).upper())
    draft = qs.first()
    if draft is None:
        raise NotFound()
    return draft


def draft_uploads(draft: CaseDraft) -> list[PendingUpload]:
    return list(draft.uploads.filter(used_at__isnull=True).order_by("requirement_code", "id"))


def requirement_spec(service_version: Any, code: str) -> dict | None:
    for spec in upload_specs(service_version.form_definition):
        if str(spec.get("code")) == str(code):
            return spec
    return None


# --- uploads -------------------------------------------------------------------------------------------


def _delete_file(name: str) -> None:
    try:
        default_storage.delete(name)
    except OSError:  # a missing file is not worth failing over
        pass


def upload_create(
    *, actor: Any, service_version: Any, requirement_code: str, uploaded_file: Any, draft: CaseDraft | None = None
) -> PendingUpload:
    """Check ``uploaded_file`` against the requirement (type by content, size, not empty or encrypted),
    store it under an unguessable name and record it for ``actor``. With a ``draft`` it replaces the file
    that draft held for the same requirement."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Sign in to upload files."), code="not_authenticated")
    if draft is not None and (draft.user_id != actor.pk or draft.case_id is not None):
        raise NotFound()
    spec = requirement_spec(service_version, requirement_code)
    if spec is None:
        raise ValidationFailed(
            fields={"requirement": [_("This service asks for no document with this code.")]}, code="unknown_requirement"
        )
    if (
        draft is None
        and PendingUpload.objects.filter(owner_id=actor.pk, used_at__isnull=True, draft__isnull=True).count()
        >= MAX_PENDING_UPLOADS_PER_USER
    ):
        raise ValidationFailed(_("You have too many unused uploads. Submit or wait before uploading more."))
    content_type = getattr(uploaded_file, "balai_content_type", None) or check_upload(spec, uploaded_file)
    stored = store_upload(uploaded_file, folder=f"{UPLOAD_FOLDER}/{actor.pk}")
    try:
        with transaction.atomic():
            if draft is not None:
                for old in PendingUpload.objects.filter(
                    draft=draft, requirement_code=spec["code"], used_at__isnull=True
                ):
                    _delete_file(old.storage_name)
                    old.delete()
            upload = PendingUpload(
                owner=actor,
                service_version=service_version,
                draft=draft,
                requirement_code=str(spec["code"]),
                storage_name=str(stored),
                original_name=clean_original_name(getattr(uploaded_file, "name", "")),
                content_type=content_type,
                size=stored.size,
                sha256=stored.sha256,
            )
            upload.full_clean(exclude=["owner", "service_version", "draft", "case"])
            upload.save()
    except Exception:
        _delete_file(str(stored))
        raise
    return upload


def upload_remove(*, actor: Any, draft: CaseDraft, upload_id: Any) -> None:
    try:
        pk = int(str(upload_id))
    except (TypeError, ValueError):
        raise NotFound() from None
    if draft.user_id != getattr(actor, "pk", None) or draft.case_id is not None:
        raise NotFound()
    upload = PendingUpload.objects.filter(pk=pk, draft=draft, owner_id=actor.pk, used_at__isnull=True).first()
    if upload is None:
        raise NotFound()
    _delete_file(upload.storage_name)
    upload.delete()
    CaseDraft.objects.filter(pk=draft.pk).update(updated_at=timezone.now())


# --- drafts --------------------------------------------------------------------------------------------


def draft_save(
    *,
    actor: Any,
    service: Any,
    answers: Mapping[str, Any],
    uploads: Mapping[str, Any] | None = None,
    draft: CaseDraft | None = None,
) -> CaseDraft:
    """Create (``draft`` None: on the service's current version) or update a draft with ``answers``
    (already cleaned by the form engine, possibly partial) and new files keyed by requirement code."""
    check_may_apply(actor, service)
    if draft is None:
        if CaseDraft.objects.filter(user_id=actor.pk, case__isnull=True).count() >= MAX_DRAFTS_PER_USER:
            raise ValidationFailed(_("You have too many drafts. Submit or delete some first."), code="too_many_drafts")
        draft = CaseDraft(user=actor, service_version=service.current_version)
    elif draft.user_id != actor.pk or draft.case_id is not None or draft.service_version.service_id != service.pk:
        raise NotFound()
    version = draft.service_version
    # Re-check with the engine: only the definition's codes are kept, every value valid.
    cleaned = clean_answers(version.form_definition, dict(answers), partial=True)
    with transaction.atomic():
        created = draft.pk is None
        draft.answers = {**(draft.answers or {}), **cleaned}
        draft.save()
        # Field codes only: the answers are personal data and stay in the draft itself.
        audit_log(
            actor=actor,
            action="case.draft_created" if created else "case.draft_saved",
            target=draft,
            summary={"service": service.code, "fields": sorted(cleaned)},
        )
    for code, uploaded in (uploads or {}).items():
        upload_create(actor=actor, service_version=version, requirement_code=code, uploaded_file=uploaded, draft=draft)
    return draft


def draft_delete(*, actor: Any, draft: CaseDraft) -> None:
    if draft.user_id != getattr(actor, "pk", None) or draft.case_id is not None:
        raise NotFound()
    with transaction.atomic():
        names = [u.storage_name for u in draft.uploads.filter(used_at__isnull=True)]
        audit_log(actor=actor, action="case.draft_deleted", target=draft, summary={"files": len(names)})
        draft.delete()
    for name in names:
        _delete_file(name)


def missing_requirements(service_version: Any, uploaded_codes: Iterable[str]) -> list[dict]:
    have = set(uploaded_codes)
    return [
        spec
        for spec in upload_specs(service_version.form_definition)
        if not spec.get("optional") and str(spec.get("code")) not in have
    ]


def draft_check(draft: CaseDraft) -> dict:
    """Full validation of a draft before the review page and the submission: the cleaned answers, or
    ValidationFailed naming each missing answer or document."""
    version = draft.service_version
    errors: dict[str, list[str]] = {}
    answers: dict = {}
    try:
        answers = clean_answers(version.form_definition, dict(draft.answers or {}))
    except ValidationFailed as exc:
        errors.update({k: [str(m) for m in v] for k, v in exc.fields.items()})
    for spec in missing_requirements(version, (u.requirement_code for u in draft_uploads(draft))):
        errors[str(spec["code"])] = [_("Upload %(label)s.") % {"label": field_label(spec)}]
    if errors:
        raise ValidationFailed(_("Some answers are missing or not valid. Check the fields marked."), fields=errors)
    return answers


def draft_submit(*, actor: Any, draft: CaseDraft, declaration: bool) -> tuple[Case, bool]:
    """Submit the draft as a case (channel web). Returns ``(case, created)``: a second submission of the
    same draft (double click, refresh, two tabs) returns the case of the first, ``created`` False."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise NotFound()
    with transaction.atomic():
        locked = (
            CaseDraft.objects.select_for_update()
            .filter(pk=draft.pk, user_id=actor.pk)
            .values_list("pk", "case_id")
            .first()
        )
        if locked is None:
            raise NotFound()
        if locked[1] is not None:
            return Case.objects.select_related("service_version__service", "state").get(pk=locked[1]), False
        if not declaration:
            raise ValidationFailed(
                fields={"declaration": [_("Confirm that the information you gave is true and complete.")]}
            )
        fresh = CaseDraft.objects.select_related("service_version__service", "service_version__workflow").get(
            pk=draft.pk
        )
        service = fresh.service_version.service
        check_may_apply(actor, service)
        answers = draft_check(fresh)
        uploads = draft_uploads(fresh)
        case = case_create(
            actor=actor,
            service_version=fresh.service_version,
            answers=answers,
            channel=Channel.WEB,
            attachments=[u.as_attachment() for u in uploads],
        )
        now = timezone.now()
        PendingUpload.objects.filter(pk__in=[u.pk for u in uploads]).update(case=case, used_at=now)
        CaseDraft.objects.filter(pk=fresh.pk).update(case=case, updated_at=now)
    return case, True


# --- the API -------------------------------------------------------------------------------------------


def application_submit(*, actor: Any, service: Any, answers: Any, upload_ids: Iterable[Any]) -> Case:
    """``POST /api/v1/applications``: clean the answers with the form engine, take the caller's unused
    uploads (each at most once, one per requirement, of this service's current version) and create the
    case (channel api)."""
    check_may_apply(actor, service)
    version = service.current_version
    errors: dict[str, list[str]] = {}
    cleaned: dict = {}
    try:
        cleaned = clean_answers(version.form_definition, answers)
    except ValidationFailed as exc:
        errors.update({f"answers.{k}": [str(m) for m in v] for k, v in exc.fields.items()})
    ids: list[int] = []
    for raw in upload_ids:
        if isinstance(raw, bool) or not isinstance(raw, int):
            errors.setdefault("uploads", []).append(_("Upload ids are whole numbers."))
            break
        ids.append(raw)
    if len(set(ids)) != len(ids):
        errors.setdefault("uploads", []).append(_("The same upload is listed twice."))
    with transaction.atomic():
        uploads = list(
            PendingUpload.objects.select_for_update()
            .filter(pk__in=ids, owner_id=actor.pk, used_at__isnull=True, draft__isnull=True)
            .order_by("id")
        )
        if len(uploads) != len(set(ids)):
            errors.setdefault("uploads", []).append(
                _("An upload id is unknown, already used, or not yours. Upload the file again.")
            )
        codes: dict[str, int] = {}
        for upload in uploads:
            if upload.service_version_id != version.pk:
                errors.setdefault("uploads", []).append(
                    _("Upload %(id)s was made for another service or form version.") % {"id": upload.pk}
                )
            if upload.requirement_code in codes:
                errors.setdefault("uploads", []).append(
                    _("Two uploads are given for the requirement %(code)s.") % {"code": upload.requirement_code}
                )
            codes[upload.requirement_code] = upload.pk
        for spec in missing_requirements(version, codes):
            errors[f"uploads.{spec['code']}"] = [_("Upload %(label)s.") % {"label": field_label(spec)}]
        if errors:
            raise ValidationFailed(_("The application is not complete or not valid."), fields=errors)
        case = case_create(
            actor=actor,
            service_version=version,
            answers=cleaned,
            channel=Channel.API,
            attachments=[u.as_attachment() for u in uploads],
        )
        PendingUpload.objects.filter(pk__in=[u.pk for u in uploads]).update(case=case, used_at=timezone.now())
    return case


__all__ = [
    "application_submit",
    "check_may_apply",
    "draft_check",
    "draft_delete",
    "draft_for",
    "draft_save",
    "draft_submit",
    "draft_uploads",
    "drafts_for_citizen",
    "profile_complete",
    "service_needs_profile",
    "upload_create",
    "upload_remove",
]
