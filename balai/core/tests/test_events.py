"""Domain events reach their consumers as tasks, and only when the publishing transaction commits."""

import pytest
from django.db import transaction
from django_tasks import task

from balai.core import events

received: list[tuple[str, dict]] = []


@task()
def record_event(name: str, payload: dict) -> None:
    received.append((name, payload))


@pytest.fixture(autouse=True)
def _consumer():
    received.clear()
    events.consumer("test.happened")(record_event)
    yield
    events._consumers["test.happened"].remove(record_event)


@pytest.mark.django_db
def test_publish_runs_each_registered_consumer_with_name_and_payload():
    events.publish("test.happened", {"id": 7})
    assert received == [("test.happened", {"id": 7})]


@pytest.mark.django_db
def test_other_events_do_not_reach_the_consumer():
    events.publish("test.other", {"id": 1})
    assert received == []


@pytest.mark.django_db(transaction=True)
def test_publish_on_commit_does_nothing_when_the_transaction_rolls_back():
    with pytest.raises(RuntimeError), transaction.atomic():
        events.publish_on_commit("test.happened", {"id": 1})
        raise RuntimeError("roll back")
    assert received == []
    with transaction.atomic():
        events.publish_on_commit("test.happened", {"id": 2})
    assert received == [("test.happened", {"id": 2})]
