"""Event consumers of the payments app (registered in apps.ready): thin, idempotent task wrappers.

- ``case.submitted`` / ``case.transitioned`` → the service-fee bill of a case that waits (or will wait) for
  payment;
- ``bill.paid`` → the waiting case moves on; the payment receipt is issued if crediting could not.
"""

from __future__ import annotations

from django_tasks import task

from balai.core.events import consumer


@consumer("case.submitted", "case.transitioned")
@task()
def bill_service_fee(name: str, payload: dict) -> str:
    from balai.payments.services.cases import ensure_service_fee_bill

    if payload.get("case_type") not in (None, "service_application"):
        return "not_an_application"
    if name == "case.transitioned" and payload.get("state_kind") != "waiting":
        return "not_waiting"
    return ensure_service_fee_bill(case_id=payload.get("case_id"))


@consumer("bill.paid")
@task()
def move_case_on_payment(name: str, payload: dict) -> str:
    from balai.payments.services.cases import advance_after_payment

    if not payload.get("case_id") or payload.get("kind") != "service_fee":
        return "no_case"
    return advance_after_payment(bill_id=payload.get("bill_id"))


@consumer("bill.paid")
@task()
def issue_missing_receipt(name: str, payload: dict) -> str:
    from balai.payments.services.receipts import payment_receipt_issue

    return payment_receipt_issue(payment_id=payload.get("payment_id"))
