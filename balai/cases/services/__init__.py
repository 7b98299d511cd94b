"""Writes of the case engine, one module per concern; everything is importable from here.

``case_transition`` (``transition.py``) is the one function that changes a case's state."""

from balai.cases.services.activity import case_add_note, case_assign, case_record_document, case_reply
from balai.cases.services.common import (
    ASSIGNING_ROLES,
    CONFIDENTIAL_ROLES,
    FILING_ROLES,
    MAX_FEE_AMOUNT,
    MAX_TEXT_LENGTH,
    VERIFICATION_ALPHABET,
    VERIFICATION_CODE_LENGTH,
    event_payload,
    may_see_case,
    staff_may_see_case,
)
from balai.cases.services.create import case_create
from balai.cases.services.deadline import case_extend_deadline, may_extend_deadline
from balai.cases.services.numbering import format_case_number, new_verification_code, next_sequence
from balai.cases.services.routing import route_case, village_office_for
from balai.cases.services.transition import actor_may_take, case_transition

__all__ = [
    "ASSIGNING_ROLES",
    "FILING_ROLES",
    "MAX_FEE_AMOUNT",
    "MAX_TEXT_LENGTH",
    "VERIFICATION_ALPHABET",
    "VERIFICATION_CODE_LENGTH",
    "actor_may_take",
    "case_add_note",
    "case_assign",
    "case_create",
    "case_extend_deadline",
    "may_extend_deadline",
    "case_record_document",
    "case_reply",
    "case_transition",
    "event_payload",
    "format_case_number",
    "may_see_case",
    "staff_may_see_case",
    "CONFIDENTIAL_ROLES",
    "new_verification_code",
    "next_sequence",
    "route_case",
    "village_office_for",
]
