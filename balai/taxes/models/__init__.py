"""Models of the taxes app: configuration, taxpayers and objects, and what is owed (one module each)."""

from .config import AssessmentKind, ChargeConfig, LevyType, Period, TaxType
from .liabilities import (
    ACTIVE_RUN_STATES,
    MAX_RUN_ERRORS_KEPT,
    Assessment,
    GenerationRun,
    LevyCharge,
    Liability,
    LiabilityStatus,
    PermitTax,
    RunStatus,
    Subscription,
    TaxReturn,
)
from .registry import TaxObject, Taxpayer, TaxpayerAccount, TaxpayerKind, TaxSequence

__all__ = [
    "ACTIVE_RUN_STATES",
    "MAX_RUN_ERRORS_KEPT",
    "Assessment",
    "AssessmentKind",
    "ChargeConfig",
    "GenerationRun",
    "LevyCharge",
    "LevyType",
    "Liability",
    "LiabilityStatus",
    "Period",
    "PermitTax",
    "RunStatus",
    "Subscription",
    "TaxObject",
    "TaxReturn",
    "TaxSequence",
    "TaxType",
    "Taxpayer",
    "TaxpayerAccount",
    "TaxpayerKind",
]
