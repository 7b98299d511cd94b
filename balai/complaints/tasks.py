"""Event consumers of the complaints app (registered in apps.ready): thin task wrappers around ``notify``."""

from __future__ import annotations

from django_tasks import task

from balai.core.events import consumer


@consumer("complaint.updated")
@task()
def notify_complaint_update(name: str, payload: dict) -> int:
    from balai.complaints.notify import notify_update

    return notify_update(
        case_id=int(payload["case_id"]), event=str(payload.get("complaint_event") or ""), payload=payload
    )
