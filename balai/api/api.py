"""The REST API at ``/api/v1/``: assembled from one router per app (``balai/api/routers``), with session
and API-key authentication, the error shape of STYLE.md everywhere, and the OpenAPI document at
``/api/v1/openapi.json``. ``/api/v1/docs`` is our own server-rendered page (docs/decisions/0002)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, path, re_path
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import ValidationError as NinjaValidationError

from balai.api.auth import DEFAULT_AUTH
from balai.api.errors import install_error_handlers, status_error_response
from balai.api.routers import register_routers

DESCRIPTION = """The REST API of Balai, the e-government platform of Indonesian regional governments.

Authenticate with an API key (`Authorization: Bearer balai_<prefix>_<secret>` or `X-API-Key`) or with
the web session (send the CSRF token as `X-CSRFToken` on unsafe methods; staff need a verified second
factor). Errors always answer `{"error": {"code", "message", "fields", "request_id"}}`. Messages follow
`Accept-Language` (`id` by default, `en`). Lists take `page` and `page_size` (at most 100)."""


def _json_method_not_allowed(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Ninja answers a wrong method with a bare 405; give it the error shape (keeping ``Allow``)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and not response.get("Content-Type", "").startswith("application/json"):
            allowed = response.get("Allow", "")
            response = status_error_response(request, 405)
            response["Allow"] = allowed
        return response

    return wrapper


@csrf_exempt
def api_not_found(request: HttpRequest, unknown: str = "") -> HttpResponse:
    """Unknown addresses under /api/v1/ answer with the JSON error, not the HTML page."""
    return status_error_response(request, 404)


class BalaiAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Any) -> str:
        # Short, stable ids for generated clients: the view function's name (unique across routers).
        return operation.view_func.__name__

    def validation_error_from_error_contexts(self, error_contexts: list[Any]) -> NinjaValidationError:
        error = super().validation_error_from_error_contexts(error_contexts)
        # An operation with one body schema reads the whole body as that schema, yet pydantic names the
        # parameter in the location ("body", "payload", "name"); the client wrote {"name": ...}.
        single = {getattr(ctx.model, "__read_from_single_attr__", None) for ctx in error_contexts} - {None}
        for item in error.errors:
            loc = tuple(item.get("loc") or ())
            if len(loc) >= 3 and loc[0] == "body" and loc[1] in single:
                item["loc"] = (loc[0], *loc[2:])
        return error

    def _get_urls(self) -> list[URLPattern | URLResolver]:
        from balai.api import views

        urls = super()._get_urls()
        for pattern in urls:
            if isinstance(pattern, URLPattern) and pattern.name not in {"openapi-json", "api-root"}:
                pattern.callback = _json_method_not_allowed(pattern.callback)
        # Replace ninja's root (an HTML 404) by a small JSON index; the name must stay "api-root",
        # ninja reverses it to know where the API is mounted.
        urls = [p for p in urls if getattr(p, "name", None) != "api-root"]
        urls += [
            path("docs", views.docs, name="docs"),
            path("", views.index, name="api-root"),
            re_path(r"^(?P<unknown>.*)$", api_not_found, name="not-found"),
        ]
        return urls


api = BalaiAPI(
    title="Balai API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=DEFAULT_AUTH,
    docs_url=None,  # replaced by balai.api.views.docs
)
install_error_handlers(api)
register_routers(api)
