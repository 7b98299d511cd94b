"""``/api/v1/audit/events``: the audit trail, for platform administrators only."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from balai.api.auth import require_scope
from balai.api.errors import responses
from balai.api.pagination import PageOut, PageQuery, paginate
from balai.audit.selectors import audit_events_for
from balai.core.exceptions import PermissionDenied
from balai.organizations.scoping import is_platform_admin

router = Router(tags=["audit"])


class AuditEventOut(Schema):
    id: int
    created_at: datetime
    action: str
    action_label: str
    actor_id: int | None
    actor_label: str
    object_type: str
    object_id: str
    summary: dict[str, Any]
    ip: str | None
    user_agent: str
    request_id: str
    hash: str


class AuditEventPage(PageOut):
    results: list[AuditEventOut]


class AuditEventFilter(PageQuery):
    action: str | None = Field(None, max_length=100, description="Dotted action name, e.g. account.signed_in.")
    object_type: str | None = Field(None, max_length=100, description="app_label.model, e.g. accounts.user.")
    object_id: str | None = Field(None, max_length=64)


@router.get(
    "/events",
    response=responses(AuditEventPage, 401, 403, 422),
    url_name="audit-events",
    summary="List audit events, newest first (platform administrators; API keys need audit:read)",
)
def audit_events(request: HttpRequest, filters: Query[AuditEventFilter]) -> dict[str, Any]:
    user = request.auth  # type: ignore[attr-defined]
    if not is_platform_admin(user):
        raise PermissionDenied()
    require_scope(request, "audit:read")
    events = audit_events_for(user, action=filters.action, object_type=filters.object_type, object_id=filters.object_id)
    return paginate(events, filters)
