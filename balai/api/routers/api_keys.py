"""``/api/v1/api-keys``: a person's own API keys (never the secrets) and revoking one.

Keys are created by administrators (admin or ``manage.py api_key_create``); revoking is always safe, so the
owner can do it here, e.g. a client that knows its key leaked.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status

from balai.api.errors import responses
from balai.api.models import KEY_PREFIX, ApiKey
from balai.api.services import api_key_revoke
from balai.core.exceptions import NotFound

router = Router(tags=["api keys"])


class ApiKeyOut(Schema):
    id: int
    name: str
    key_start: str
    scopes: list[str]
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None
    revoked_at: datetime | None

    @staticmethod
    def resolve_key_start(obj: ApiKey) -> str:
        return f"{KEY_PREFIX}_{obj.prefix}_"


@router.get("", response=responses(list[ApiKeyOut], 401, 403), url_name="api-key-list", summary="My API keys")
def api_key_list(request: HttpRequest) -> Any:
    return ApiKey.objects.filter(owner=request.auth).order_by("-created_at")  # type: ignore[attr-defined]


@router.delete(
    "/{key_id}",
    response={204: None, **responses(None, 401, 403, 404)},
    url_name="api-key-revoke",
    summary="Revoke one of my API keys",
)
def api_key_revoke_own(request: HttpRequest, key_id: int) -> Status[None]:
    key = ApiKey.objects.filter(owner=request.auth, pk=key_id).first()  # type: ignore[attr-defined]
    if key is None:
        raise NotFound()
    api_key_revoke(actor=request.auth, api_key=key)  # type: ignore[attr-defined]
    return Status(204, None)
