"""Writes of the payments app, one module per concern; everything is importable from here.

Interface for the other apps::

    from balai.payments.services import BillItemIn, bill_create, bill_cancel

Events published: ``bill.created``, ``bill.paid`` {bill_id, payment_id, case_id, reference, revenue_code, kind,
...}, ``bill.cancelled``, ``bill.refunded``, ``payment.flagged``.
"""

from .bills import MAX_AMOUNT, BillItemIn, bill_cancel, bill_create, bills_expire
from .common import BILLING_ROLES, REVENUE_ROLES, has_revenue_role, may_bill, may_refund

__all__ = [
    "BILLING_ROLES",
    "MAX_AMOUNT",
    "REVENUE_ROLES",
    "BillItemIn",
    "bill_cancel",
    "bill_create",
    "bills_expire",
    "has_revenue_role",
    "may_bill",
    "may_refund",
]
