"""``/api/v1/applications``, ``/api/v1/uploads`` and ``/api/v1/track``: a citizen's own applications
(list, one, submit), documents uploaded for an application before it is submitted (each upload id
belongs to its uploader and is used once), and the public status of one application by number and code."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from balai.api.auth import require_scope
from balai.api.errors import responses
from balai.api.pagination import PageOut, PageQuery, paginate
from balai.api.scopes import register_scope
from balai.cases.selectors import cases_for_citizen, public_timeline, tracking_status
from balai.cases.services.apply import application_submit, upload_create
from balai.cases.views_track import rate_limited
from balai.core.exceptions import NotFound, RateLimited, ValidationFailed
from balai.services.selectors import public_service

router = Router(tags=["applications"])
WRITE_SCOPE = "applications:write"
register_scope(WRITE_SCOPE, gettext_lazy("Submit applications and upload their documents"))


class StateOut(Schema):
    code: str
    name: str = Field(description="The state as the applicant sees it, in the request's language.")
    kind: str = Field(description="open (with the agency), waiting (for the applicant) or final.")


class TimelineOut(Schema):
    at: datetime
    kind: str = Field(description="submission, transition, public_reply or document.")
    state: str | None = Field(None, description="The state the case moved to (transitions).")
    message: str = Field("", description="The agency's public message, if any.")


class AttachmentOut(Schema):
    id: int
    requirement: str
    name: str
    content_type: str
    size: int


class ApplicationOut(Schema):
    number: str = Field(description="Registration number, e.g. AKTA-LAHIR-2026-000123.")
    verification_code: str = Field(description="With the number, lets anyone see the public status.")
    service: str = Field(description="Service code.")
    service_version: int
    state: StateOut
    channel: str
    submitted_at: datetime
    due_at: datetime | None
    paused: bool = Field(description="True while the agency waits for the applicant (the time limit stands still).")
    closed_at: datetime | None
    fee_amount: int | None = Field(None, description="Whole rupiah, once the agency has set it.")


class ApplicationDetailOut(ApplicationOut):
    answers: dict[str, Any]
    attachments: list[AttachmentOut]
    timeline: list[TimelineOut]


class ApplicationPage(PageOut):
    results: list[ApplicationOut]


class ApplicationIn(Schema):
    service: str = Field(max_length=40, description="Service code (see /services).")
    answers: dict[str, Any] = Field(description="Answers keyed by field code, as the service's form defines them.")
    uploads: list[int] = Field(
        default_factory=list, max_length=50, description="Ids from POST /uploads, one per requirement."
    )


class UploadOut(Schema):
    id: int = Field(description="Reference it in POST /applications; usable once.")
    service: str
    requirement: str
    name: str
    content_type: str
    size: int
    sha256: str


class TrackOut(Schema):
    number: str
    service: str | None
    service_name: str | None
    state: StateOut
    submitted_at: datetime
    due_at: datetime | None
    paused: bool
    closed_at: datetime | None
    timeline: list[TimelineOut]


def _state(case: Any) -> dict[str, Any]:
    return {"code": case.state.code, "name": case.state.display_public_name, "kind": case.state.kind}


def _summary(case: Any) -> dict[str, Any]:
    version = case.service_version
    return {
        "number": case.number,
        "verification_code": case.verification_code,
        "service": version.service.code if version else "",
        "service_version": version.number if version else 0,
        "state": _state(case),
        "channel": case.channel,
        "submitted_at": case.submitted_at,
        "due_at": case.due_at,
        "paused": case.sla_paused_at is not None,
        "closed_at": case.closed_at,
        "fee_amount": case.fee_amount,
    }


def _timeline(case: Any, *, with_messages: bool) -> list[dict[str, Any]]:
    entries = []
    for entry in public_timeline(case):
        if not with_messages and entry.kind not in {"submission", "transition"}:
            continue
        entries.append(
            {
                "at": entry.created_at,
                "kind": entry.kind,
                "state": entry.to_state.display_public_name if entry.to_state_id else None,
                "message": entry.body if with_messages and entry.kind != "document" else "",
            }
        )
    return entries


def _detail(case: Any, user: Any) -> dict[str, Any]:
    from django.db.models import Q

    attachments = case.attachments.filter(Q(is_public=True) | Q(uploaded_by=user))
    return {
        **_summary(case),
        "answers": case.answers or {},
        "attachments": [
            {
                "id": a.pk,
                "requirement": a.requirement_code,
                "name": a.original_name,
                "content_type": a.content_type,
                "size": a.size,
            }
            for a in attachments
        ],
        "timeline": _timeline(case, with_messages=True),
    }


def _own_case(user: Any, number: str) -> Any:
    case = cases_for_citizen(user).filter(number=str(number)[:64]).first()
    if case is None:
        raise NotFound()
    return case


@router.get(
    "/applications",
    response=responses(ApplicationPage, 401, 403, 422),
    url_name="applications_list",
    summary="Your applications",
)
def list_applications(request: HttpRequest, page: Query[PageQuery]) -> dict[str, Any]:
    """The signed-in person's own applications, newest first."""
    result = paginate(cases_for_citizen(request.auth), page)  # type: ignore[attr-defined]
    result["results"] = [_summary(case) for case in result["results"]]
    return result


@router.get(
    "/applications/{number}",
    response=responses(ApplicationDetailOut, 401, 403, 404),
    url_name="applications_detail",
    summary="One of your applications",
)
def get_application(request: HttpRequest, number: str) -> dict[str, Any]:
    """State, dates, answers, documents and the public history. Another person's application is 404."""
    return _detail(_own_case(request.auth, number), request.auth)  # type: ignore[attr-defined]


@router.post(
    "/applications",
    response={201: ApplicationDetailOut, **responses(None, 400, 401, 403, 404, 422)},
    url_name="applications_create",
    summary="Submit an application",
)
def create_application(request: HttpRequest, body: ApplicationIn) -> Status:
    """The answers are checked with the same rules as the web form; documents are referenced by the ids
    from ``POST /uploads`` (the caller's own, unused, for this service's current version)."""
    require_scope(request, WRITE_SCOPE)
    service = public_service(body.service)
    if service is None or not service.accepts_applications:
        raise NotFound()
    case = application_submit(actor=request.auth, service=service, answers=body.answers, upload_ids=body.uploads)  # type: ignore[attr-defined]
    case = cases_for_citizen(request.auth).get(pk=case.pk)  # type: ignore[attr-defined]
    return Status(201, _detail(case, request.auth))  # type: ignore[attr-defined]


@router.post(
    "/uploads",
    response={201: UploadOut, **responses(None, 400, 401, 403, 404, 422)},
    url_name="uploads_create",
    summary="Upload a document for an application",
)
def create_upload(
    request: HttpRequest,
    service: Form[str],
    requirement: Form[str],
    file: File[UploadedFile],
) -> Status:
    """Multipart: ``service`` (code), ``requirement`` (its code in the service's form) and ``file``. The type
    is checked by content, the size against the requirement; the id is yours and usable once."""
    require_scope(request, WRITE_SCOPE)
    found = public_service(str(service)[:40])
    if found is None or not found.accepts_applications:
        raise NotFound()
    if len(requirement) > 64:
        raise ValidationFailed(
            fields={"requirement": [gettext_lazy("This service asks for no document with this code.")]}
        )
    upload = upload_create(
        actor=request.auth,  # type: ignore[attr-defined]
        service_version=found.current_version,
        requirement_code=requirement,
        uploaded_file=file,
    )
    return Status(
        201,
        {
            "id": upload.pk,
            "service": found.code,
            "requirement": upload.requirement_code,
            "name": upload.original_name,
            "content_type": upload.content_type,
            "size": upload.size,
            "sha256": upload.sha256,
        },
    )


class TrackQuery(Schema):
    number: str = Field(max_length=64)
    code: str = Field(max_length=32)


@router.get(
    "/track",
    response=responses(TrackOut, 404, 422, 429),
    url_name="track",
    summary="Public status of an application",
    auth=None,
)
def track(request: HttpRequest, query: Query[TrackQuery]) -> dict[str, Any]:
    """No sign-in: the registration number and verification code from the receipt. Only the public status
    (no names, no answers, no personal data). A wrong number or code is one generic 404; attempts are
    limited per client address."""
    if rate_limited(request, scope="api"):
        raise RateLimited(gettext_lazy("Too many attempts. Please wait and try again."), code="rate_limited")
    tracked = tracking_status(query.number, query.code)
    if tracked is None:
        raise NotFound()
    return {
        "number": tracked.number,
        "service": tracked.service_code,
        "service_name": tracked.service_name,
        "state": {"code": tracked.state_code, "name": tracked.state_name, "kind": tracked.state_kind},
        "submitted_at": tracked.submitted_at,
        "due_at": tracked.due_at,
        "paused": tracked.paused,
        "closed_at": tracked.closed_at,
        "timeline": [{"at": s.at, "kind": s.kind, "state": s.state_name, "message": ""} for s in tracked.steps],
    }
