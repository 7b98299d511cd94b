"""Writes of the payments app, one module per concern; everything is importable from here.

Interface for the other apps::

    from balai.payments.services import BillItemIn, bill_create, bill_cancel
    from balai.payments.services import BulkBillIn, bills_create_bulk   # many bills at once (SPPT run)

Events published: ``bill.created``, ``bill.paid`` {bill_id, payment_id, case_id, reference, revenue_code, kind,
amount_paid, channel, paid_at, ...}, ``bill.cancelled``, ``bill.refunded`` {..., refund_id, amount_refunded,
fully_refunded}, ``payment.flagged``.
"""

from .bills import MAX_AMOUNT, BillItemIn, bill_cancel, bill_create, bills_expire
from .bulk import BulkBill, BulkBillIn, bills_create_bulk
from .callbacks import CallbackResult, callback_receive
from .common import BILLING_ROLES, REVENUE_ROLES, has_revenue_role, may_bill, may_refund
from .crediting import RecordResult, payment_record
from .instructions import active_instruction, instruction_create, instruction_refresh, not_payable_message
from .receipts import payment_receipt_issue
from .refunds import refund_create

__all__ = [
    "BILLING_ROLES",
    "MAX_AMOUNT",
    "REVENUE_ROLES",
    "BillItemIn",
    "BulkBill",
    "BulkBillIn",
    "CallbackResult",
    "RecordResult",
    "active_instruction",
    "bill_cancel",
    "bill_create",
    "bills_create_bulk",
    "bills_expire",
    "callback_receive",
    "has_revenue_role",
    "instruction_create",
    "instruction_refresh",
    "may_bill",
    "may_refund",
    "not_payable_message",
    "payment_receipt_issue",
    "payment_record",
    "refund_create",
]
