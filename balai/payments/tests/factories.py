"""Factories for the payments tests; other apps' tests may import these.

- ``make_bill(**overrides)``: a bill made through ``bill_create`` by the system (one item of 150.000 rupiah, due
  in 14 days, payer a new citizen); ``organization=`` defaults to a new agency.
- ``paid_bill(**overrides)``: a bill credited through the simulator's in-process callback.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from balai.accounts.tests.factories import UserFactory
from balai.organizations.tests.factories import OrganizationFactory
from balai.payments.models import BillKind
from balai.payments.services import BillItemIn, bill_create


def make_bill(**overrides: Any) -> Any:
    payer = overrides.pop("payer", None)
    if payer is None and not overrides.pop("no_payer", False):
        payer = UserFactory(citizen=True)
    amount = overrides.pop("amount", 150_000)
    values: dict[str, Any] = {
        "actor": None,
        "kind": BillKind.LEVY,
        "organization": overrides.pop("organization", None) or OrganizationFactory(),
        "revenue_code": "RETRIBUSI-UJI",
        "items": [BillItemIn(description="Retribusi uji", amount=amount)],
        "payer": payer,
        "payer_name": getattr(payer, "full_name", "") or "Budi Santoso",
        "due_at": timezone.now() + dt.timedelta(days=14),
    }
    values.update(overrides)
    return bill_create(**values)


def pay_with_simulator(bill: Any, *, channel: str = "virtual_account") -> Any:
    """Get an instruction and press "Bayar" at the simulated bank (the notification is delivered in-process)."""
    from balai.payments.providers.simulator import simulator_pay
    from balai.payments.services import instruction_create

    instruction = instruction_create(actor=None, bill=bill, channel=channel)
    return simulator_pay(instruction=instruction)


def paid_bill(**overrides: Any) -> Any:
    bill = make_bill(**overrides)
    pay_with_simulator(bill)
    bill.refresh_from_db()
    return bill
