"""Background tasks of the payments app: thin, idempotent wrappers (the database task backend runs them)."""

from __future__ import annotations

from django_tasks import task


class CallbackNotDelivered(Exception):
    """The platform did not answer 200 to the simulator's notification (the task is marked failed)."""


@task()
def deliver_simulator_callback(transfer_id: int) -> int | None:
    """The simulator's notification of one transfer, sent over HTTP to ``BALAI_PUBLIC_URL``. Sending it twice
    is harmless: the platform recognises the transaction id and credits once."""
    from balai.payments.providers.simulator import deliver

    status = deliver(transfer_id)
    if status != 200:
        raise CallbackNotDelivered(f"callback answered {status}")
    return status


@task()
def expire_bills() -> int:
    from balai.payments.services import bills_expire

    return bills_expire()
