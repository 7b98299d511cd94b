"""The scheduler enqueues each registered job once per period, whoever runs it and however often; the
worker runs it and records failures; a switched-off job does not run."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from balai.core import scheduler
from balai.core.models import ScheduledJob

pytestmark = pytest.mark.django_db


@pytest.fixture
def job(monkeypatch):
    calls = []
    monkeypatch.setattr(scheduler, "_jobs", {})
    monkeypatch.setattr(scheduler, "call_command", lambda command, *args, **kw: calls.append((command, args)))
    scheduler.register_job("test.tick", every=dt.timedelta(hours=1), command="check", args=("--deploy",))
    return calls


def test_a_due_job_is_enqueued_and_run_once_per_period(job):
    now = timezone.now()
    assert scheduler.run_due(now) == ["test.tick"]
    assert job == [("check", ("--deploy",))]  # the test settings run tasks at once
    assert scheduler.run_due(now) == []  # a second scheduler in the same period finds nothing due
    assert scheduler.run_due(now + dt.timedelta(minutes=59)) == []
    assert scheduler.run_due(now + dt.timedelta(hours=1)) == ["test.tick"]
    row = ScheduledJob.objects.get(name="test.tick")
    assert row.runs == 2 and row.last_finished_at is not None and row.last_error == ""


def test_a_switched_off_job_does_not_run(job):
    now = timezone.now()
    scheduler.run_due(now)
    ScheduledJob.objects.filter(name="test.tick").update(is_enabled=False)
    assert scheduler.run_due(now + dt.timedelta(days=1)) == []
    assert len(job) == 1


def test_a_failing_job_is_recorded_and_runs_again_next_period(monkeypatch):
    monkeypatch.setattr(scheduler, "_jobs", {})

    def boom(*args, **kwargs):
        raise RuntimeError("database unreachable")

    monkeypatch.setattr(scheduler, "call_command", boom)
    scheduler.register_job("test.boom", every=dt.timedelta(minutes=5), command="check")
    now = timezone.now()
    assert scheduler.run_due(now) == ["test.boom"]
    assert "database unreachable" in ScheduledJob.objects.get(name="test.boom").last_error
    assert scheduler.run_due(now + dt.timedelta(minutes=5)) == ["test.boom"]


def test_jobs_run_at_most_once_a_minute():
    with pytest.raises(ValueError):
        scheduler.register_job("too.often", every=dt.timedelta(seconds=10), command="check")


def test_the_command_lists_and_runs_once(job, capsys):
    call_command("scheduler", "--once")
    assert "enqueued test.tick" in capsys.readouterr().out
    call_command("scheduler", "--list")
    assert "test.tick: every 1:00:00 -> check --deploy" in capsys.readouterr().out
