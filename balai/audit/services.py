"""Writing and verifying the audit trail.

``audit_log`` is the one way to write an event. It is safe inside the caller's transaction: the event
is written (and the chain lock held) in that transaction, so a rolled-back change leaves no event.
"""

from __future__ import annotations

import ipaddress
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, router, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from balai.audit.models import GENESIS_HASH, AuditEvent
from balai.core import request_context

# Key of the PostgreSQL advisory lock that serialises writers of the chain ("BALAIAUD" in ASCII).
AUDIT_CHAIN_LOCK_KEY = 0x42414C4149415544

REDACTED = "[redacted]"
# Summary keys whose values are never stored, whatever a caller passes (defence in depth: callers
# should not pass them at all). Matched as substrings of the lower-cased key.
_SECRET_KEY_PARTS = ("password", "secret", "token", "otp", "verification_code", "api_key", "apikey", "credential")
_SECRET_KEYS = {"nik", "code_hash", "key"}


def audit_log(
    *,
    actor: Any = None,
    action: str,
    target: Any = None,
    object_type: str | None = None,
    object_id: str | int | None = None,
    summary: dict[str, Any] | None = None,
    actor_label: str = "",
    ip: str | None = None,
    user_agent: str | None = None,
) -> AuditEvent:
    """Append one event to the chain and return it.

    ``target`` is a model instance (object type ``app_label.model``, object id its pk); ``ip``,
    ``user_agent`` and the request id default to the current request's. ``summary`` says what changed;
    keys that look like secrets are redacted.
    """
    if not action or len(action) > 100 or " " in action:
        raise ValueError(f"invalid audit action: {action!r}")
    ctx = request_context.current()
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None  # AnonymousUser
    if target is not None:
        object_type = object_type or target._meta.label_lower
        if object_id is None:
            object_id = target.pk
    event = AuditEvent(
        created_at=timezone.now(),
        actor=actor,
        actor_label=_clean_text(actor_label, 200),
        action=action,
        object_type=_clean_text(object_type or "", 100),
        object_id=_clean_text("" if object_id is None else str(object_id), 64),
        summary=_clean_summary(summary or {}),
        ip=_clean_ip(ip if ip is not None else ctx.ip),
        user_agent=_clean_text(user_agent if user_agent is not None else ctx.user_agent, 500),
        request_id=_clean_text(ctx.request_id, 64),
    )
    using = router.db_for_write(AuditEvent)
    with transaction.atomic(using=using):
        _lock_chain(using)
        last_hash = AuditEvent.objects.using(using).order_by("-id").values_list("hash", flat=True).first()
        event.prev_hash = last_hash or GENESIS_HASH
        event.hash = event.compute_hash()
        event.save(force_insert=True, using=using)
    return event


def _lock_chain(using: str) -> None:
    """Serialise writers until the caller's transaction ends, so two events never share a predecessor.

    PostgreSQL: a transaction-level advisory lock, taken before the last hash is read (under READ
    COMMITTED the next statement then sees the other writer's committed row). SQLite: Balai opens
    transactions with BEGIN IMMEDIATE, which already holds the single write lock. In both cases the
    unique constraint on ``prev_hash`` makes a fork impossible even if the lock were missing.
    """
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [AUDIT_CHAIN_LOCK_KEY])


def _clean_text(value: str | None, max_length: int) -> str:
    return (value or "").replace("\x00", "")[:max_length]


def _clean_ip(value: str | None) -> str | None:
    if not value:
        return None
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return str(address)


def _clean_summary(summary: dict[str, Any]) -> dict[str, Any]:
    """The summary exactly as the database will give it back (so the hash can be recomputed)."""
    plain = json.loads(json.dumps(summary, cls=DjangoJSONEncoder))
    return _scrub(plain)


def _is_secret_key(key: str) -> bool:
    lowered = key.lower()
    return lowered in _SECRET_KEYS or any(part in lowered for part in _SECRET_KEY_PARTS)


def _scrub(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            str(k).replace("\x00", ""): (REDACTED if _is_secret_key(str(k)) else _scrub(v)) for k, v in value.items()
        }
    if isinstance(value, list):
        return [_scrub(v) for v in value]
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, float) and (not math.isfinite(value) or "e" in repr(value)):
        # jsonb would hand these back in another form (1e+20 -> 100000000000000000000): keep them as text.
        return repr(value)
    return value


@dataclass(frozen=True)
class ChainVerification:
    ok: bool
    count: int
    broken_event_id: int | None = None
    problem: str = ""  # "hash_mismatch" (edited row), "broken_link" (deleted/inserted row), "missing_expected"
    head_hash: str = ""

    @property
    def message(self) -> str:
        if self.ok:
            return f"OK: {self.count} events"
        if self.problem == "missing_expected":
            return _("The recorded hash is no longer in the chain: the newest events were deleted.")
        if self.problem == "hash_mismatch":
            return _("Event %(id)s was changed after it was written (its hash does not match its content).") % {
                "id": self.broken_event_id
            }
        return _("The chain is broken before event %(id)s (an event was deleted or inserted).") % {
            "id": self.broken_event_id
        }


def audit_verify_chain(
    *, events: Iterable[AuditEvent] | None = None, expect_hash: str | None = None
) -> ChainVerification:
    """Walk the chain in order, recompute every hash and report the first broken link.

    The chain alone cannot show that its newest events were cut off; ``expect_hash`` (a head hash
    recorded earlier, e.g. by a daily job into another system) must then still be found in it."""
    if events is None:
        events = AuditEvent.objects.order_by("id").iterator(chunk_size=2000)
    expected_prev = GENESIS_HASH
    count = 0
    seen_expected = expect_hash is None
    for event in events:
        if event.prev_hash != expected_prev:
            return ChainVerification(ok=False, count=count, broken_event_id=event.pk, problem="broken_link")
        if event.compute_hash() != event.hash:
            return ChainVerification(ok=False, count=count, broken_event_id=event.pk, problem="hash_mismatch")
        expected_prev = event.hash
        seen_expected = seen_expected or event.hash == expect_hash
        count += 1
    head = expected_prev if count else ""
    if not seen_expected:
        return ChainVerification(ok=False, count=count, problem="missing_expected", head_hash=head)
    return ChainVerification(ok=True, count=count, head_hash=head)
