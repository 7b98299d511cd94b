"""Writes of the taxes app, one module per concern; everything is importable from here.

Configuration: ``load_tax_config``, ``tax_type_save``, ``levy_type_save``. Register: ``taxpayer_register``,
``taxpayer_update``, ``taxpayer_link_account``, ``tax_object_create``, ``tax_object_update``. PBB-P2:
``assessment_issue``, ``generation_request``, ``generation_execute``. PBJT: ``tax_return_file``. Permits and levies:
``permit_tax_from_case``, ``subscription_from_case``, ``levy_charges_generate``. Bills: ``mark_paid``,
``mark_refunded``. Event consumers call ``register_from_case`` and the ``*_from_case`` functions.
"""

from .config import levy_type_save, load_tax_config, tax_type_save
from .objects import tax_object_create, tax_object_update
from .permits import levy_charges_generate, permit_tax_from_case, subscription_from_case
from .returns import may_file, parse_turnover, self_assessed_types, tax_return_file
from .settlement import mark_paid, mark_refunded
from .sppt import (
    PBB_CODE,
    active_run,
    assessment_issue,
    generation_execute,
    generation_request,
    pbb_config,
    sppt_amount,
)
from .taxpayers import register_from_case, taxpayer_link_account, taxpayer_register, taxpayer_update

__all__ = [
    "PBB_CODE",
    "active_run",
    "assessment_issue",
    "generation_execute",
    "generation_request",
    "levy_charges_generate",
    "levy_type_save",
    "load_tax_config",
    "mark_paid",
    "mark_refunded",
    "may_file",
    "parse_turnover",
    "pbb_config",
    "permit_tax_from_case",
    "register_from_case",
    "self_assessed_types",
    "sppt_amount",
    "subscription_from_case",
    "tax_object_create",
    "tax_object_update",
    "tax_return_file",
    "tax_type_save",
    "taxpayer_link_account",
    "taxpayer_register",
    "taxpayer_update",
]
