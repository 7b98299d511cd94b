"""Registration numbers (gap-free per service prefix and year) and verification codes."""

from __future__ import annotations

import secrets

from balai.cases.models import (
    CaseSequence,
)
from balai.cases.services.common import VERIFICATION_ALPHABET, VERIFICATION_CODE_LENGTH


def new_verification_code() -> str:
    return "".join(secrets.choice(VERIFICATION_ALPHABET) for _ in range(VERIFICATION_CODE_LENGTH))


def next_sequence(prefix: str, year: int) -> int:
    """Take the next number of ``prefix`` and ``year``; call inside the transaction that stores the case,
    so a rolled-back submission gives its number back (no gaps) and the row lock serialises takers."""
    CaseSequence.objects.get_or_create(prefix=prefix, year=year)
    sequence = CaseSequence.objects.select_for_update().get(prefix=prefix, year=year)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return sequence.last


def format_case_number(prefix: str, year: int, sequence: int) -> str:
    return f"{prefix}-{year}-{sequence:06d}"
