"""Event consumers of the taxes app (registered in apps.ready): thin, idempotent task wrappers around the services.

- ``case.closed`` → register the taxpayer of a granted NPWPD application; assess the tax of a granted permit
  (``creates_tax``); start the levy subscription of a granted application (``creates_levy``);
- ``bill.paid`` / ``bill.refunded`` → the SPPT, return, permit tax or levy charge of the bill follows.
"""

from __future__ import annotations

from django_tasks import task

from balai.core.events import consumer


@consumer("case.closed")
@task()
def taxes_on_case_closed(name: str, payload: dict) -> str:
    from balai.taxes.services import permit_tax_from_case, register_from_case, subscription_from_case

    case_id = payload.get("case_id")
    outcomes = (
        register_from_case(case_id=case_id),
        permit_tax_from_case(case_id=case_id),
        subscription_from_case(case_id=case_id),
    )
    return ",".join(outcomes)


@consumer("bill.paid")
@task()
def taxes_on_bill_paid(name: str, payload: dict) -> str:
    from balai.taxes.services import mark_paid

    return mark_paid(bill_id=payload.get("bill_id"))


@consumer("bill.refunded")
@task()
def taxes_on_bill_refunded(name: str, payload: dict) -> str:
    from balai.taxes.services import mark_refunded

    return mark_refunded(bill_id=payload.get("bill_id"))
