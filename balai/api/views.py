"""Plain Django views of the API: the index and the documentation page (no JavaScript, no CDN)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

HTTP_METHODS = ("get", "post", "put", "patch", "delete")


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    from balai.api.api import api

    return JsonResponse(
        {
            "name": api.title,
            "version": api.version,
            "openapi": reverse("api:openapi-json"),
            "docs": reverse("api:docs"),
        }
    )


def operations(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """The operations of an OpenAPI document as rows: tag, method, path, summary, whether sign-in is needed."""
    rows = []
    for route, item in sorted(schema.get("paths", {}).items()):
        for method in HTTP_METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            rows.append(
                {
                    "tag": (operation.get("tags") or ["api"])[0],
                    "method": method.upper(),
                    "path": route,
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "needs_auth": bool(operation.get("security")),
                    "parameters": [
                        {
                            "name": param.get("name", ""),
                            "where": param.get("in", ""),
                            "required": bool(param.get("required")),
                            "description": param.get("description", ""),
                        }
                        for param in operation.get("parameters", [])
                    ],
                }
            )
    rows.sort(key=lambda row: (row["tag"], row["path"], row["method"]))
    return rows


@require_GET
def docs(request: HttpRequest) -> HttpResponse:
    from balai.api.api import api

    schema = api.get_openapi_schema()
    return render(
        request,
        "api/docs.html",
        {
            "api_title": api.title,
            "api_version": api.version,
            "operations": operations(schema),
            "openapi_url": reverse("api:openapi-json"),
        },
    )
