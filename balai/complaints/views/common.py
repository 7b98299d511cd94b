"""What the complaint pages share: the state tag, service errors on forms, photos as responses, and the
reporter's proof of a complaint filed without an account (kept in the session after they typed it)."""

from __future__ import annotations

from typing import Any

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest

from balai.cases.models import StateKind
from balai.complaints.models import ComplaintPhoto
from balai.complaints.workflows import DUPLICATE, REJECTED, UNCONFIRMED
from balai.core.exceptions import BalaiError

TRACKING_SESSION_KEY = "complaints:tracking"
MAX_TRACKED = 20


def state_tag(state: Any) -> str:
    if state.kind == StateKind.WAITING:
        return "menunggu"
    if state.kind == StateKind.FINAL:
        return "ditolak" if state.code in (REJECTED, UNCONFIRMED, DUPLICATE) else "selesai"
    if state.is_initial:
        return "diajukan"
    return "diproses"


def form_error(form: Any, exc: BalaiError, aliases: dict[str, str] | None = None) -> None:
    """A service error on the form: per-field messages on their fields (``aliases`` maps service field names
    to form field names), the rest at the top."""
    aliases = aliases or {}
    if exc.fields:
        for name, messages in exc.fields.items():
            target = aliases.get(name, name)
            for message in messages:
                form.add_error(target if target in form.fields else None, message)
    else:
        form.add_error(None, str(exc.message))


def photo_response(photo: ComplaintPhoto) -> FileResponse:
    try:
        handle = default_storage.open(photo.storage_name, "rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(handle, content_type=photo.content_type)
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response


def remember_tracking(request: HttpRequest, number: str, code: str) -> None:
    """Keep the number and tracking code the reporter proved, for the rest of the session."""
    tracked = dict(request.session.get(TRACKING_SESSION_KEY) or {})
    tracked[number] = code
    if len(tracked) > MAX_TRACKED:
        tracked = dict(list(tracked.items())[-MAX_TRACKED:])
    request.session[TRACKING_SESSION_KEY] = tracked


def tracked_code(request: HttpRequest, number: str) -> str | None:
    return (request.session.get(TRACKING_SESSION_KEY) or {}).get(number)
