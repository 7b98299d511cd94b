"""Models of the payments app (one module per concern, all importable from here)."""

from .bills import CURRENCY, PAYMENT_CODE_LENGTH, Bill, BillItem, BillKind, BillStatus, PaymentCodeCounter
from .payments import (
    CallbackEvent,
    CallbackOutcome,
    Channel,
    FlagReason,
    InstructionStatus,
    LedgerEntry,
    LedgerKind,
    Payment,
    PaymentInstruction,
    PaymentStatus,
    Refund,
    SimulatedTransfer,
)
from .settlement import SettlementBatch, SettlementLine, SettlementOutcome

__all__ = [
    "CURRENCY",
    "PAYMENT_CODE_LENGTH",
    "Bill",
    "BillItem",
    "BillKind",
    "BillStatus",
    "CallbackEvent",
    "CallbackOutcome",
    "Channel",
    "FlagReason",
    "InstructionStatus",
    "LedgerEntry",
    "LedgerKind",
    "Payment",
    "PaymentCodeCounter",
    "PaymentInstruction",
    "PaymentStatus",
    "Refund",
    "SettlementBatch",
    "SettlementLine",
    "SettlementOutcome",
    "SimulatedTransfer",
]
