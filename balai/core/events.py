"""Domain events: ``publish(name, payload)`` inside a transaction enqueues the registered consumers as
tasks once the transaction commits (the database task backend stores them in the same database).

Consumers register with ``@consumer("case.transitioned")`` and must be django-tasks ``@task`` functions
taking ``(name, payload)``. No Django signals carry logic across apps.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)

_consumers: dict[str, list[Any]] = defaultdict(list)


def consumer(*names: str) -> Callable[[Any], Any]:
    def register(task_obj: Any) -> Any:
        for name in names:
            if task_obj not in _consumers[name]:
                _consumers[name].append(task_obj)
        return task_obj

    return register


def consumers_of(name: str) -> list[Any]:
    return list(_consumers.get(name, [])) + list(_consumers.get("*", []))


def publish(name: str, payload: dict[str, Any]) -> None:
    """Enqueue every consumer of ``name``; payload must be JSON-serialisable."""
    for task_obj in consumers_of(name):
        # The task row is written inside the caller's transaction: if it rolls back, no task exists.
        task_obj.enqueue(name, payload)
    logger.info("event published", extra={"event": name, "consumers": len(consumers_of(name))})


def publish_on_commit(name: str, payload: dict[str, Any]) -> None:
    transaction.on_commit(lambda: publish(name, payload))
