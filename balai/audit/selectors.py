"""Reading the audit trail: only platform administrators see it (others get nothing)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import QuerySet

from balai.audit.models import AuditEvent


def audit_events_for(
    user: Any,
    *,
    action: str | None = None,
    object_type: str | None = None,
    object_id: str | int | None = None,
    actor_id: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> QuerySet[AuditEvent]:
    """Events ``user`` may read, newest first, optionally filtered."""
    from balai.organizations.scoping import is_platform_admin

    if not is_platform_admin(user):
        return AuditEvent.objects.none()
    events = AuditEvent.objects.select_related("actor").order_by("-id")
    if action:
        events = events.filter(action=action)
    if object_type:
        events = events.filter(object_type=object_type)
    if object_id is not None and object_id != "":
        events = events.filter(object_id=str(object_id))
    if actor_id is not None:
        events = events.filter(actor_id=actor_id)
    if since is not None:
        events = events.filter(created_at__gte=since)
    if until is not None:
        events = events.filter(created_at__lt=until)
    return events
