"""``/api/v1/complaints``: the categories (public), filing and the reporter's own complaints (scope
``complaints:write`` for API keys), and the staff's complaints with their steps (government staff, scope
``complaints:staff``). Endpoints parse, call one service or selector, and answer; errors are the API's JSON
error body. Another person's complaint, or another agency's, is 404."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, File, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from balai.api.auth import require_scope
from balai.api.errors import responses
from balai.api.pagination import PageOut, PageQuery, paginate
from balai.complaints.categories import sorted_attributes
from balai.complaints.models import MAX_DESCRIPTION_LENGTH, Complaint
from balai.complaints.scopes import STAFF_SCOPE, WRITE_SCOPE
from balai.complaints.scopes import register as register_scopes
from balai.complaints.selectors import (
    category_choices,
    complaint_for_reporter,
    complaint_for_staff,
    complaints_for_reporter,
    complaints_for_staff,
    entry_author,
    may_see_reporter,
    reporter_timeline,
    staff_timeline,
)
from balai.complaints.services import (
    complaint_accept,
    complaint_add_info,
    complaint_add_note,
    complaint_create,
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
from balai.core.exceptions import PermissionDenied
from balai.core.masking import mask_email

router = Router(tags=["complaints"])
register_scopes()
TEXT = 4000


# --- Schemas ------------------------------------------------------------------------------------------------


class AttributeOut(Schema):
    code: str
    description: str
    datatype: str
    required: bool
    values: dict[str, str] = Field(default_factory=dict, description="For list questions: key → name.")


class CategoryOut(Schema):
    code: str
    open311_code: str
    name: str
    group: str
    needs_location: bool
    forces_confidential: bool
    response_days: int = Field(description="Working days the agency has for its response.")
    attributes: list[AttributeOut]


class ComplaintIn(Schema):
    category: str = Field(max_length=50, description="Category code (see /complaints/categories).")
    description: str = Field(max_length=MAX_DESCRIPTION_LENGTH)
    privacy: Literal["public", "anonymous", "confidential"] = "public"
    title: str = Field("", max_length=200)
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    address: str = Field("", max_length=500)
    district: str = Field("", max_length=16, description="District code, e.g. 99.01.01.")
    attributes: dict[str, Any] = Field(default_factory=dict, description="Answers keyed by the question's code.")


class StateOut(Schema):
    code: str
    name: str
    kind: str


class EntryOut(Schema):
    at: datetime
    kind: str
    state: str | None
    message: str
    by: str = Field(description="reporter, agency or system.")


class ComplaintOut(Schema):
    number: str
    tracking_code: str | None = Field(None, description="Only for the reporter.")
    category: str
    title: str
    privacy: str
    state: StateOut
    agency: str = Field(description="Code of the agency handling it now.")
    channel: str
    filed_at: datetime
    verification_due_at: datetime | None
    response_due_at: datetime | None
    reaction_due_at: datetime | None
    closed_at: datetime | None
    latitude: float | None
    longitude: float | None
    address: str
    rating: int | None
    version: int = Field(description="Send it back as expected_version with a staff step.")


class ComplaintDetailOut(ComplaintOut):
    description: str
    attributes: dict[str, Any]
    photos: int
    reporter: dict[str, str] | None = Field(None, description="Staff only; null when the reporter is anonymous.")
    timeline: list[EntryOut]


class ComplaintPage(PageOut):
    results: list[ComplaintOut]


class TextIn(Schema):
    body: str = Field(max_length=TEXT)


class ReasonIn(Schema):
    reason: str = Field(max_length=TEXT)
    expected_version: int | None = None


class RatingIn(Schema):
    rating: int = Field(ge=1, le=5)
    comment: str = Field("", max_length=2000)


class DispatchIn(Schema):
    agency: str | None = Field(None, max_length=32, description="Agency code; default: the category's agency.")
    comment: str = Field("", max_length=TEXT, description="Internal note for the agency.")
    expected_version: int | None = None


class QuestionIn(Schema):
    question: str = Field(max_length=TEXT)
    expected_version: int | None = None


class DuplicateIn(Schema):
    duplicate_of: str = Field(max_length=64)
    comment: str = Field("", max_length=TEXT)
    expected_version: int | None = None


class ResponseIn(Schema):
    response: str = Field(max_length=TEXT)
    expected_version: int | None = None


class TransferIn(Schema):
    agency: str = Field(max_length=32)
    reason: str = Field(max_length=TEXT)
    expected_version: int | None = None


class NoteIn(Schema):
    body: str = Field(max_length=TEXT)
    is_public: bool = False


class StaffFilter(PageQuery):
    category: str | None = Field(None, max_length=50)
    state: str | None = Field(None, max_length=50)
    overdue: bool | None = None
    assigned_to_me: bool = False


# --- Rendering ----------------------------------------------------------------------------------------------


def _summary(complaint: Complaint, *, reporter: bool) -> dict[str, Any]:
    case = complaint.case
    return {
        "number": case.number,
        "tracking_code": case.verification_code if reporter else None,
        "category": complaint.category.code,
        "title": complaint.title,
        "privacy": complaint.privacy,
        "state": {
            "code": case.state.code,
            "name": case.state.display_public_name if reporter else case.state.display_name,
            "kind": case.state.kind,
        },
        "agency": case.organization.code,
        "channel": case.channel,
        "filed_at": complaint.created_at,
        "verification_due_at": complaint.verification_due_at,
        "response_due_at": complaint.response_due_at,
        "reaction_due_at": complaint.reaction_due_at,
        "closed_at": case.closed_at,
        "latitude": float(complaint.latitude) if complaint.latitude is not None else None,
        "longitude": float(complaint.longitude) if complaint.longitude is not None else None,
        "address": complaint.address,
        "rating": complaint.rating,
        "version": case.version,
    }


def _detail(complaint: Complaint, *, user: Any, reporter: bool) -> dict[str, Any]:
    entries = reporter_timeline(complaint) if reporter else staff_timeline(complaint)
    applicant_id = complaint.case.applicant_id
    data = _summary(complaint, reporter=reporter)
    data.update(
        description=complaint.description,
        attributes=complaint.attributes,
        photos=complaint.photos.count(),
        reporter=None if reporter else _reporter(user, complaint),
        timeline=[
            {
                "at": e.created_at,
                "kind": e.kind,
                "state": (e.to_state.display_public_name if reporter else e.to_state.display_name)
                if e.to_state_id
                else None,
                "message": e.body,
                "by": entry_author(e, applicant_id),
            }
            for e in entries
        ],
    )
    return data


def _reporter(user: Any, complaint: Complaint) -> dict[str, str] | None:
    from balai.accounts.phone import mask_phone

    if not may_see_reporter(user, complaint):
        return None
    case = complaint.case
    if case.applicant_id:
        return {
            "name": case.applicant.full_name,
            "email": mask_email(case.applicant.email),
            "phone": mask_phone(case.applicant.phone),
        }
    return {
        "name": complaint.reporter_name,
        "email": mask_email(complaint.reporter_email),
        "phone": mask_phone(complaint.reporter_phone),
    }


# --- Public -------------------------------------------------------------------------------------------------


@router.get(
    "/categories",
    response=list[CategoryOut],
    url_name="complaints_categories",
    summary="Complaint categories",
    auth=None,
)
def categories(request: HttpRequest) -> list[dict[str, Any]]:
    """The active categories with their extra questions, in the order the form shows them."""
    return [
        {
            "code": c.code,
            "open311_code": c.open311_code,
            "name": c.display_name,
            "group": c.group,
            "needs_location": c.needs_location,
            "forces_confidential": c.forces_confidential,
            "response_days": c.response_days,
            "attributes": [
                {
                    "code": a["code"],
                    "description": a.get("description", ""),
                    "datatype": a.get("datatype", "string"),
                    "required": bool(a.get("required")),
                    "values": a.get("values") or {},
                }
                for a in sorted_attributes(c.attributes)
            ],
        }
        for c in category_choices()
    ]


# --- Reporter -----------------------------------------------------------------------------------------------


@router.post(
    "",
    response={201: ComplaintDetailOut, **responses(None, 400, 401, 403, 404, 422, 429)},
    url_name="complaints_create",
    summary="File a complaint",
)
def create(request: HttpRequest, body: ComplaintIn) -> Status:
    """Filed as the signed-in person (or the API key's owner); it counts at once. Add photos afterwards with
    ``POST /complaints/mine/{number}/photos``."""
    require_scope(request, WRITE_SCOPE)
    complaint = complaint_create(
        actor=request.auth,  # type: ignore[attr-defined]
        category=body.category,
        description=body.description,
        privacy=body.privacy,
        channel="api",
        latitude=body.latitude,
        longitude=body.longitude,
        address=body.address,
        district=body.district or None,
        attributes=body.attributes,
        title=body.title,
    )
    return Status(201, _detail(complaint, user=request.auth, reporter=True))  # type: ignore[attr-defined]


@router.get(
    "/mine", response=responses(ComplaintPage, 401, 403, 422), url_name="complaints_mine", summary="Your complaints"
)
def mine(request: HttpRequest, page: Query[PageQuery]) -> dict[str, Any]:
    result = paginate(complaints_for_reporter(request.auth).select_related("case__organization"), page)  # type: ignore[attr-defined]
    result["results"] = [_summary(c, reporter=True) for c in result["results"]]
    return result


def _own(request: HttpRequest, number: str, *, write: bool = False) -> Complaint:
    if write:
        require_scope(request, WRITE_SCOPE)
    return complaint_for_reporter(request.auth, number)  # type: ignore[attr-defined]


@router.get(
    "/mine/{number}",
    response=responses(ComplaintDetailOut, 401, 403, 404),
    url_name="complaints_mine_detail",
    summary="One of your complaints",
)
def mine_detail(request: HttpRequest, number: str) -> dict[str, Any]:
    return _mine_after(request, number)


def _mine_after(request: HttpRequest, number: str) -> dict[str, Any]:
    """The complaint as its reporter sees it (also the answer of every reporter action)."""
    return _detail(_own(request, number), user=request.auth, reporter=True)  # type: ignore[attr-defined]


@router.post(
    "/mine/{number}/reply",
    response=responses(ComplaintDetailOut, 401, 403, 404, 409, 422),
    url_name="complaints_mine_reply",
    summary="Send a message on your complaint",
)
def mine_reply(request: HttpRequest, number: str, body: TextIn) -> dict[str, Any]:
    complaint_reporter_reply(actor=request.auth, complaint=_own(request, number, write=True), body=body.body)  # type: ignore[attr-defined]
    return _mine_after(request, number)


@router.post(
    "/mine/{number}/info",
    response=responses(ComplaintDetailOut, 401, 403, 404, 409, 422),
    url_name="complaints_mine_info",
    summary="Add information (answers the coordinator's question when one is waiting)",
)
def mine_info(request: HttpRequest, number: str, body: TextIn) -> dict[str, Any]:
    complaint_add_info(actor=request.auth, complaint=_own(request, number, write=True), body=body.body)  # type: ignore[attr-defined]
    return _mine_after(request, number)


@router.post(
    "/mine/{number}/photos",
    response=responses(ComplaintDetailOut, 400, 401, 403, 404, 409, 422),
    url_name="complaints_mine_photos",
    summary="Add a photo (multipart field file; JPEG, PNG or WebP; location data removed)",
)
def mine_photo(request: HttpRequest, number: str, file: File[UploadedFile]) -> dict[str, Any]:
    complaint_add_info(actor=request.auth, complaint=_own(request, number, write=True), body="", photos=[file])  # type: ignore[attr-defined]
    return _mine_after(request, number)


@router.post(
    "/mine/{number}/accept",
    response=responses(ComplaintDetailOut, 401, 403, 404, 409),
    url_name="complaints_mine_accept",
    summary="Accept the response (closes the complaint)",
)
def mine_accept(request: HttpRequest, number: str) -> dict[str, Any]:
    complaint_accept(actor=request.auth, complaint=_own(request, number, write=True))  # type: ignore[attr-defined]
    return _mine_after(request, number)


@router.post(
    "/mine/{number}/reopen",
    response=responses(ComplaintDetailOut, 401, 403, 404, 409, 422),
    url_name="complaints_mine_reopen",
    summary="Reopen the responded complaint (before it closes by itself)",
)
def mine_reopen(request: HttpRequest, number: str, body: ReasonIn) -> dict[str, Any]:
    complaint_reopen(actor=request.auth, complaint=_own(request, number, write=True), reason=body.reason)  # type: ignore[attr-defined]
    return _mine_after(request, number)


@router.post(
    "/mine/{number}/rating",
    response=responses(ComplaintDetailOut, 401, 403, 404, 409, 422),
    url_name="complaints_mine_rating",
    summary="Rate the handling (1–5) once the complaint is closed",
)
def mine_rating(request: HttpRequest, number: str, body: RatingIn) -> dict[str, Any]:
    complaint_rate(
        actor=request.auth,  # type: ignore[attr-defined]
        complaint=_own(request, number, write=True),
        rating=body.rating,
        comment=body.comment,
    )
    return _mine_after(request, number)


# --- Staff --------------------------------------------------------------------------------------------------


def _staff(request: HttpRequest) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    if not getattr(user, "is_staff_member", False):
        raise PermissionDenied()
    require_scope(request, STAFF_SCOPE)
    return user


@router.get(
    "/staff",
    response=responses(ComplaintPage, 401, 403, 422),
    url_name="complaints_staff_list",
    summary="The complaints of your agencies (all of them for the coordinator)",
)
def staff_list(request: HttpRequest, query: Query[StaffFilter]) -> dict[str, Any]:
    user = _staff(request)
    qs = complaints_for_staff(
        user,
        category=query.category or None,
        state=query.state or None,
        overdue=query.overdue,
        assigned_to=user if query.assigned_to_me else None,
    )
    result = paginate(qs, query)
    result["results"] = [_summary(c, reporter=False) for c in result["results"]]
    return result


def _handled(request: HttpRequest, number: str) -> tuple[Any, Complaint]:
    user = _staff(request)
    return user, complaint_for_staff(user, number)


def _staff_after(user: Any, number: str, fallback: Complaint) -> dict[str, Any]:
    """The complaint after a step; a step that moved it out of the person's reach answers what they last saw."""
    found = complaints_for_staff(user).filter(pk=fallback.pk).first()
    return _detail(found or fallback, user=user, reporter=False)


@router.get(
    "/staff/{number}",
    response=responses(ComplaintDetailOut, 401, 403, 404),
    url_name="complaints_staff_detail",
    summary="One complaint of your agencies",
)
def staff_detail(request: HttpRequest, number: str) -> dict[str, Any]:
    user, complaint = _handled(request, number)
    return _detail(complaint, user=user, reporter=False)


_STAFF_WRITE = responses(ComplaintDetailOut, 401, 403, 404, 409, 422)


@router.post("/staff/{number}/dispatch", response=_STAFF_WRITE, url_name="complaints_dispatch", summary="Dispatch")
def staff_dispatch(request: HttpRequest, number: str, body: DispatchIn) -> dict[str, Any]:
    user, complaint = _handled(request, number)
    done = complaint_dispatch(
        actor=user,
        complaint=complaint,
        agency=body.agency,
        comment=body.comment,
        expected_version=body.expected_version,
    )
    return _staff_after(user, number, done)


@router.post(
    "/staff/{number}/request-info", response=_STAFF_WRITE, url_name="complaints_request_info", summary="Ask for info"
)
def staff_request_info(request: HttpRequest, number: str, body: QuestionIn) -> dict[str, Any]:
    user, complaint = _handled(request, number)
    done = complaint_request_info(
        actor=user, complaint=complaint, question=body.question, expected_version=body.expected_version
    )
    return _staff_after(user, number, done)


@router.post("/staff/{number}/duplicate", response=_STAFF_WRITE, url_name="complaints_duplicate", summary="Duplicate")
def staff_duplicate(request: HttpRequest, number: str, body: DuplicateIn) -> dict[str, Any]:
    user, complaint = _handled(request, number)
    done = complaint_mark_duplicate(
        actor=user,
        complaint=complaint,
        duplicate_of=body.duplicate_of,
        comment=body.comment,
        expected_version=body.expected_version,
    )
    return _staff_after(user, number, done)


@router.post("/staff/{number}/reject", response=_STAFF_WRITE, url_name="complaints_reject", summary="Reject")
def staff_reject(request: HttpRequest, number: str, body: ReasonIn) -> dict[str, Any]:
    user, complaint = _handled(request, number)
    done = complaint_reject(actor=user, complaint=complaint, reason=body.reason, expected_version=body.expected_version)
    return _staff_after(user, number, done)


@router.post("/staff/{number}/respond", response=_STAFF_WRITE, url_name="complaints_respond", summary="Respond")
def staff_respond(request: HttpRequest, number: str, body: ResponseIn) -> dict[str, Any]:
    user, complaint = _handled(request, number)
    done = complaint_respond(
        actor=user, complaint=complaint, response=body.response, expected_version=body.expected_version
    )
    return _staff_after(user, number, done)


@router.post("/staff/{number}/transfer", response=_STAFF_WRITE, url_name="complaints_transfer", summary="Transfer")
def staff_transfer(request: HttpRequest, number: str, body: TransferIn) -> dict[str, Any]:
    user, complaint = _handled(request, number)
    done = complaint_transfer(
        actor=user, complaint=complaint, agency=body.agency, reason=body.reason, expected_version=body.expected_version
    )
    return _staff_after(user, number, done)


@router.post(
    "/staff/{number}/return", response=_STAFF_WRITE, url_name="complaints_return", summary="Return to the coordinator"
)
def staff_return(request: HttpRequest, number: str, body: ReasonIn) -> dict[str, Any]:
    user, complaint = _handled(request, number)
    done = complaint_return(actor=user, complaint=complaint, reason=body.reason, expected_version=body.expected_version)
    return _staff_after(user, number, done)


@router.post("/staff/{number}/notes", response=_STAFF_WRITE, url_name="complaints_note", summary="Add a note")
def staff_note(request: HttpRequest, number: str, body: NoteIn) -> dict[str, Any]:
    user, complaint = _handled(request, number)
    complaint_add_note(actor=user, complaint=complaint, body=body.body, is_public=body.is_public)
    return _staff_after(user, number, complaint)
