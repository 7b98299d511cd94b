"""How the taxes app makes bills: through the payments app's ``bill_create`` (one bill) and, when the payments app
offers it, ``bills_create_bulk`` (many bills of one kind in one go, for the yearly SPPT run). The pricing
parameters of the tax or levy (late-payment interest, online discount) are passed from its configuration and
snapshotted on the bill; nothing numeric is decided here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from balai.taxes.due import end_of_day
from balai.taxes.models import ChargeConfig


@dataclass(frozen=True)
class BillRequest:
    """One bill to make: who pays, what for, how much and by when (``reference`` identifies the liability)."""

    payer_id: int | None
    payer_name: str
    description: str
    amount: int
    due_on: dt.date
    reference: str


def pricing(config: ChargeConfig) -> dict[str, Any]:
    return {
        "penalty_percent_per_month": config.penalty_percent_per_month,
        "penalty_max_months": config.penalty_max_months,
        "online_discount_percent": config.online_discount_percent,
    }


def create_bill(
    *,
    actor: Any,
    kind: str,
    organization: Any,
    config: ChargeConfig,
    request: BillRequest,
    payer: Any = None,
    case: Any = None,
) -> Any:
    from balai.payments.services import BillItemIn, bill_create

    return bill_create(
        actor=actor,
        kind=kind,
        organization=organization,
        revenue_code=config.revenue_code,
        items=[BillItemIn(description=request.description, amount=request.amount, revenue_code=config.revenue_code)],
        payer=payer,
        payer_name=request.payer_name,
        due_at=end_of_day(request.due_on),
        case=case,
        reference=request.reference,
        **pricing(config),
    )


def bulk_available() -> bool:
    from balai.payments import services

    return callable(getattr(services, "bills_create_bulk", None))


def create_bills(
    *, actor: Any, kind: str, organization: Any, config: ChargeConfig, requests: list[BillRequest]
) -> list[Any]:
    """Bills for ``requests``, in the same order. Uses ``bills_create_bulk`` when the payments app has it, else one
    ``bill_create`` per request (correct, but too slow for hundreds of thousands of SPPT)."""
    if not requests:
        return []
    from balai.payments import services

    bulk = getattr(services, "bills_create_bulk", None)
    if callable(bulk):
        return list(
            bulk(
                actor=actor,
                kind=kind,
                organization=organization,
                revenue_code=config.revenue_code,
                bills=[
                    services.BulkBillIn(
                        payer_id=r.payer_id,
                        payer_name=r.payer_name,
                        description=r.description,
                        amount=r.amount,
                        due_at=end_of_day(r.due_on),
                        reference=r.reference,
                    )
                    for r in requests
                ],
                **pricing(config),
            )
        )
    from balai.accounts.models import User

    payers = User.objects.in_bulk({r.payer_id for r in requests if r.payer_id})
    return [
        create_bill(
            actor=actor,
            kind=kind,
            organization=organization,
            config=config,
            request=r,
            payer=payers.get(r.payer_id) if r.payer_id else None,
        )
        for r in requests
    ]
