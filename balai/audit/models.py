"""The append-only, hash-chained audit trail: who did what to which record, when and from where.

Each event stores ``prev_hash`` (the hash of the event before it) and ``hash`` = SHA-256 of
``prev_hash`` plus the canonical JSON of its own content, so editing or deleting any row breaks the
chain that ``manage.py audit_verify`` walks. Updates and deletes are refused here too, but the chain
is the real protection (anyone with database access can bypass the ORM).
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# prev_hash of the first event. prev_hash is unique, so there is exactly one chain with one start.
GENESIS_HASH = "0" * 64


class AuditEventImmutable(Exception):
    """Raised on any attempt to change or delete an audit event through the ORM."""


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise AuditEventImmutable("audit events cannot be changed")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AuditEventImmutable("audit events cannot be deleted")


def canonical_time(value: datetime) -> str:
    """One text form of a moment, whatever time zone or database it came back from."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def compute_hash(
    *,
    prev_hash: str,
    created_at: datetime,
    actor_id: int | None,
    actor_label: str,
    action: str,
    object_type: str,
    object_id: str,
    summary: Any,
    ip: str | None,
    user_agent: str,
    request_id: str,
) -> str:
    content = {
        "action": action,
        "actor_id": actor_id,
        "actor_label": actor_label,
        "created_at": canonical_time(created_at),
        "ip": ip,
        "object_id": object_id,
        "object_type": object_type,
        "request_id": request_id,
        "summary": summary,
        "user_agent": user_agent,
    }
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256((prev_hash + canonical).encode("utf-8")).hexdigest()


class AuditEvent(models.Model):
    id = models.BigAutoField(primary_key=True)
    created_at = models.DateTimeField(_("time"), db_index=True)
    # PROTECT: accounts are anonymised, never deleted, and a SET_NULL would rewrite (and so break) the chain.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_events",
    )
    actor_label = models.CharField(_("actor label"), max_length=200, blank=True, default="")
    action = models.CharField(_("action"), max_length=100, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True, default="")
    object_id = models.CharField(_("object id"), max_length=64, blank=True, default="")
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    # Kept as text exactly as hashed: an inet column could print the address back in another form.
    ip = models.CharField(_("IP address"), max_length=45, null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=500, blank=True, default="")
    request_id = models.CharField(_("request id"), max_length=64, blank=True, default="")
    prev_hash = models.CharField(_("previous hash"), max_length=64, unique=True)
    hash = models.CharField(_("hash"), max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"{self.action} #{self.pk}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AuditEventImmutable("audit events cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AuditEventImmutable("audit events cannot be deleted")

    def compute_hash(self) -> str:
        return compute_hash(
            prev_hash=self.prev_hash,
            created_at=self.created_at,
            actor_id=self.actor_id,
            actor_label=self.actor_label,
            action=self.action,
            object_type=self.object_type,
            object_id=self.object_id,
            summary=self.summary,
            ip=self.ip,
            user_agent=self.user_agent,
            request_id=self.request_id,
        )

    @property
    def action_label(self) -> str:
        from balai.audit.registry import label_for

        return label_for(self.action)
