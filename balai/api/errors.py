"""The one place where exceptions become API answers: ``{"error": {"code", "message", "fields",
"request_id"}}`` with the right status, messages in the request's language, never a traceback."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

from balai.core import request_context
from balai.core.exceptions import BalaiError, from_django_validation_error

logger = logging.getLogger("balai.api")


def _request_id(request: HttpRequest) -> str:
    return getattr(request, "request_id", "") or request_context.current().request_id


def error_body(
    request: HttpRequest, *, code: str, message: str, fields: dict[str, list[str]] | None = None
) -> dict[str, Any]:
    return {
        "error": {
            "code": code,
            "message": str(message),
            "fields": {name: [str(m) for m in msgs] for name, msgs in (fields or {}).items()},
            "request_id": _request_id(request),
        }
    }


def error_response(
    request: HttpRequest, status: int, *, code: str, message: str, fields: dict[str, list[str]] | None = None
) -> JsonResponse:
    response = JsonResponse(
        error_body(request, code=code, message=message, fields=fields),
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )
    response["Cache-Control"] = "no-store"
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="balai"'
    return response


# Pydantic's error types, said in words a person understands (and translated); anything else falls back
# to a generic message rather than pydantic's English.
def _pydantic_message(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind in {"int_parsing", "int_type", "int_from_float"}:
        return _("Enter a whole number.")
    if kind in {"float_parsing", "float_type", "decimal_parsing"}:
        return _("Enter a number.")
    if kind in {"bool_parsing", "bool_type"}:
        return _("Enter true or false.")
    if kind in {"date_parsing", "date_from_datetime_parsing", "date_type"}:
        return _("Enter a valid date (YYYY-MM-DD).")
    if kind in {"datetime_parsing", "datetime_from_date_parsing", "datetime_type"}:
        return _("Enter a valid date and time (ISO 8601).")
    if kind in {"string_type"}:
        return _("Enter text.")
    if kind == "string_too_long":
        return _("Ensure this value has at most %(limit)s characters.") % {"limit": ctx.get("max_length")}
    if kind == "string_too_short":
        return _("Ensure this value has at least %(limit)s characters.") % {"limit": ctx.get("min_length")}
    if kind in {"less_than_equal", "less_than"}:
        limit = ctx.get("le", ctx.get("lt"))
        return _("Ensure this value is at most %(limit)s.") % {"limit": limit}
    if kind in {"greater_than_equal", "greater_than"}:
        limit = ctx.get("ge", ctx.get("gt"))
        return _("Ensure this value is at least %(limit)s.") % {"limit": limit}
    if kind in {"literal_error", "enum"}:
        return _("Select one of the allowed values.")
    if kind in {"list_type", "dict_type", "model_type", "model_attributes_type"}:
        return _("The value has the wrong type.")
    if kind == "string_pattern_mismatch":
        return _("The value has the wrong format.")
    if kind == "value_error" and error.get("msg"):
        # Our own validators raise ValueError with an already translated message.
        return str(error["msg"]).removeprefix("Value error, ")
    return _("This value is not valid.")


def _field_path(loc: Any) -> str:
    parts = [str(part) for part in (loc or ())]
    # The first element is where the value came from (query, path, body, header, ...); the field path is
    # what the client wrote. A whole-body error keeps "body" so it still has a name.
    if len(parts) > 1 and parts[0] in {"query", "path", "body", "header", "cookie", "form", "file"}:
        parts = parts[1:]
    return ".".join(parts) or "__all__"


def validation_fields(exc: NinjaValidationError) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for error in exc.errors:
        fields.setdefault(_field_path(error.get("loc")), []).append(_pydantic_message(error))
    return fields


_STATUS_CODES = {
    400: ("bad_request", lambda: _("The request could not be processed.")),
    401: ("not_authenticated", lambda: _("You need to sign in.")),
    403: ("permission_denied", lambda: _("You do not have permission to do this.")),
    404: ("not_found", lambda: _("Not found.")),
    405: ("method_not_allowed", lambda: _("This method is not allowed here.")),
    409: ("conflict", lambda: _("The record was changed by someone else. Reload and try again.")),
    429: ("rate_limited", lambda: _("Too many attempts. Please wait and try again.")),
}


def status_error_response(request: HttpRequest, status: int) -> JsonResponse:
    code, message = _STATUS_CODES.get(status, ("error", lambda: _("The request could not be processed.")))
    return error_response(request, status, code=code, message=message())


def install_error_handlers(api: NinjaAPI) -> None:
    def balai_error(request: HttpRequest, exc: BalaiError) -> HttpResponse:
        body = exc.as_dict()["error"]
        return error_response(request, exc.status, code=body["code"], message=body["message"], fields=exc.fields)

    def ninja_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        return error_response(
            request,
            422,
            code="validation_failed",
            message=_("Some of the data is not valid."),
            fields=validation_fields(exc),
        )

    def django_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        return balai_error(request, from_django_validation_error(exc))

    def authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return status_error_response(request, 401)

    def authorization_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        return status_error_response(request, 403)

    def not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
        return status_error_response(request, 404)

    def throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
        response = status_error_response(request, 429)
        if exc.wait:
            response["Retry-After"] = str(int(exc.wait))
        return response

    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return status_error_response(request, exc.status_code)

    def unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        # The traceback goes to the log (with the request id), never to the client.
        logger.exception("unhandled error in API operation", extra={"path": request.path[:500]})
        return error_response(
            request,
            500,
            code="server_error",
            message=_("Something went wrong on our side. Quote the request id when you report it."),
        )

    api.add_exception_handler(BalaiError, balai_error)
    api.add_exception_handler(NinjaValidationError, ninja_validation_error)
    api.add_exception_handler(DjangoValidationError, django_validation_error)
    api.add_exception_handler(AuthenticationError, authentication_error)
    api.add_exception_handler(AuthorizationError, authorization_error)
    api.add_exception_handler(DjangoPermissionDenied, authorization_error)
    api.add_exception_handler(Http404, not_found)
    api.add_exception_handler(ObjectDoesNotExist, not_found)
    api.add_exception_handler(Throttled, throttled)
    api.add_exception_handler(HttpError, http_error)
    api.add_exception_handler(Exception, unexpected)


class ErrorDetail(Schema):
    code: str = Field(description="Stable machine-readable code, e.g. not_authenticated, validation_failed.")
    message: str = Field(description="Human-readable message in the request's language.")
    fields: dict[str, list[str]] = Field(description="Messages per field path; empty when not about fields.")
    request_id: str = Field(description="Quote it when reporting a problem.")


class ErrorOut(Schema):
    error: ErrorDetail


def responses(ok: Any, *statuses: int) -> dict[int, Any]:
    """``response=`` for an operation: ``ok`` for 200 and the error shape for each status it may answer."""
    declared: dict[int, Any] = {} if ok is None else {200: ok}
    return {**declared, **dict.fromkeys(statuses, ErrorOut)}
