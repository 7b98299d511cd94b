"""The worklist's totals (cases matching, open cases per state) cached until a case of one of the person's
agencies changes.

Counting tens of thousands of open cases is the slowest part of the worklist, and staff reload it often.
Every case service that changes what a worklist counts calls ``mark_changed`` for the case's agencies (after
the commit); a cached total carries the change counters of the person's agencies in its key, so a change
makes it miss at once. The short lifetime covers changes made outside the services (a data import)."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Iterable
from typing import Any

from django.core.cache import cache
from django.db import transaction

TOTALS_SECONDS = 60
_CHANGED = "cases:changed:{}"
_EVERYWHERE = "all"


def _bump(key: str) -> None:
    try:
        cache.incr(key)
    except ValueError:
        # Missing (never set, or evicted): start from a random value, so that an old cached total keyed on
        # a small counter cannot match again by accident.
        cache.set(key, secrets.randbelow(10**12), None)


def mark_changed(*organization_ids: int | None) -> None:
    """Totals of these agencies (and of administrators) are stale: now, and again when the transaction
    commits (a total counted by another request in between would otherwise be kept with the new counter)."""
    ids = {i for i in organization_ids if i}

    def bump() -> None:
        for org_id in ids:
            _bump(_CHANGED.format(org_id))
        _bump(_CHANGED.format(_EVERYWHERE))

    bump()
    transaction.on_commit(bump)


def _versions(organization_ids: Iterable[int] | None) -> str:
    keys = (
        [_CHANGED.format(_EVERYWHERE)]
        if organization_ids is None
        else [_CHANGED.format(i) for i in sorted(organization_ids)]
    )
    found = cache.get_many(keys)
    return ".".join(str(found.get(key, 0)) for key in keys)


def cached_total(
    kind: str, user_id: int, organization_ids: Iterable[int] | None, filters: dict[str, Any], compute: Callable[[], Any]
) -> Any:
    """``compute()`` for this person, filters and the current change counters of ``organization_ids``
    (None: every agency, for administrators)."""
    identity = repr(sorted((k, repr(v)) for k, v in filters.items()))
    digest = hashlib.sha256(f"{identity}|{_versions(organization_ids)}".encode()).hexdigest()[:32]
    key = f"cases:{kind}:{user_id}:{digest}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TOTALS_SECONDS)
    return value
