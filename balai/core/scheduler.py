"""Periodic jobs (ARCHITECTURE: "one scheduler command that enqueues due jobs under a database lock").

Apps register jobs with ``register_job(name, every=..., command=...)`` (a management command with its
arguments) in their ``AppConfig.ready``. ``manage.py scheduler`` (started by ``make run`` beside the web
server and the worker; in production one or more per site, or cron calling ``scheduler --once``) wakes up,
and for every due job takes its ``ScheduledJob`` row with ``SELECT … FOR UPDATE SKIP LOCKED``, moves the
next run forward and enqueues a task in the same transaction: however many schedulers run on however many
machines, a job is enqueued once per period, and the workers run it."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any

from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_tasks import task

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    every: dt.timedelta
    command: str
    args: tuple[str, ...] = field(default_factory=tuple)
    description: str = ""


_jobs: dict[str, Job] = {}


def register_job(
    name: str, *, every: dt.timedelta, command: str, args: tuple[str, ...] = (), description: str = ""
) -> Job:
    if every < dt.timedelta(minutes=1):
        raise ValueError("A periodic job runs at most once a minute.")
    job = Job(name=name, every=every, command=command, args=tuple(args), description=description)
    _jobs[name] = job
    return job


def jobs() -> list[Job]:
    return sorted(_jobs.values(), key=lambda j: j.name)


@task()
def run_job(name: str) -> str:
    """The worker's side: run the job's command and record how it ended."""
    from balai.core.models import ScheduledJob

    job = _jobs.get(name)
    if job is None:
        logger.error("unknown periodic job", extra={"job": name})
        return "unknown"
    error = ""
    try:
        call_command(job.command, *job.args, verbosity=0)
    except Exception as exc:  # noqa: BLE001 - recorded and logged; the next period tries again
        error = f"{type(exc).__name__}: {exc}"[:1000]
        logger.exception("periodic job failed", extra={"job": name})
    ScheduledJob.objects.filter(name=name).update(last_finished_at=timezone.now(), last_error=error)
    return "failed" if error else "done"


def run_due(now: dt.datetime | None = None) -> list[str]:
    """Enqueue every registered job whose time has come; returns their names."""
    from balai.core.models import ScheduledJob

    now = now or timezone.now()
    existing = set(ScheduledJob.objects.filter(name__in=list(_jobs)).values_list("name", flat=True))
    for name in set(_jobs) - existing:
        # First sight of a job: due now. ignore_conflicts: another scheduler may create it at the same time.
        ScheduledJob.objects.bulk_create([ScheduledJob(name=name, next_run_at=now)], ignore_conflicts=True)
    enqueued: list[str] = []
    for job in jobs():
        with transaction.atomic():
            row = (
                ScheduledJob.objects.select_for_update(skip_locked=True)
                .filter(name=job.name, next_run_at__lte=now, is_enabled=True)
                .first()
            )
            if row is None:
                continue  # not due, switched off, or another scheduler holds it right now
            row.next_run_at = now + job.every
            row.last_enqueued_at = now
            row.runs += 1
            row.save(update_fields=["next_run_at", "last_enqueued_at", "runs"])
            run_job.enqueue(job.name)
        enqueued.append(job.name)
    if enqueued:
        logger.info("periodic jobs enqueued", extra={"jobs": enqueued})
    return enqueued


def describe() -> list[dict[str, Any]]:
    """The registered jobs with their state, for the command's ``--list``."""
    from balai.core.models import ScheduledJob

    states = {row.name: row for row in ScheduledJob.objects.filter(name__in=list(_jobs))}
    out = []
    for job in jobs():
        row = states.get(job.name)
        out.append(
            {
                "name": job.name,
                "every": job.every,
                "command": " ".join([job.command, *job.args]),
                "next_run_at": row.next_run_at if row else None,
                "last_finished_at": row.last_finished_at if row else None,
                "last_error": row.last_error if row else "",
                "enabled": row.is_enabled if row else True,
            }
        )
    return out
