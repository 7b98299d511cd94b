"""Payment codes (kode bayar): 16 digits = the installation's 4-digit prefix + an 11-digit running number + a
Luhn check digit, so a mistyped digit or two swapped neighbours are caught before any look-up.

The running number comes from a PostgreSQL sequence (no lock held; a rolled-back transaction loses its number,
which is fine: codes may have gaps but are never handed out twice) or, on SQLite, from a counter row updated in
the caller's transaction (SQLite has one writer at a time anyway).
"""

from __future__ import annotations

from django.db import connection, transaction
from django.db.models import F

from balai.payments.conf import payment_code_prefix
from balai.payments.models import PAYMENT_CODE_LENGTH, PaymentCodeCounter

SEQUENCE_NAME = "payments_payment_code_seq"
COUNTER_NAME = "payment_code"
SEQUENCE_DIGITS = PAYMENT_CODE_LENGTH - 4 - 1
MAX_SEQUENCE = 10**SEQUENCE_DIGITS - 1


class PaymentCodesExhausted(RuntimeError):
    """All 10^11 numbers of this prefix are used: the installation needs another prefix."""


def luhn_check_digit(digits: str) -> str:
    """The digit that makes ``digits`` + it pass the Luhn check."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 0:  # these are doubled once the check digit is appended
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return str((10 - total % 10) % 10)


def luhn_valid(number: str) -> bool:
    return number.isdigit() and len(number) >= 2 and luhn_check_digit(number[:-1]) == number[-1]


def format_payment_code(sequence: int, *, prefix: str | None = None) -> str:
    if not 1 <= sequence <= MAX_SEQUENCE:
        raise PaymentCodesExhausted(f"payment code sequence out of range: {sequence}")
    body = (prefix or payment_code_prefix()) + f"{sequence:0{SEQUENCE_DIGITS}d}"
    return body + luhn_check_digit(body)


def normalize_payment_code(value: object) -> str:
    """What a person typed, without spaces, dots or dashes (``9901 0000 0000 0123`` → ``9901000000000123``)."""
    text = str(value or "")[:64]
    return "".join(char for char in text if char not in " .-\t\u00a0")


def is_well_formed(code: str) -> bool:
    """16 ASCII digits with a valid check digit (the prefix is not checked: other installations' codes are
    well-formed too, they are simply unknown here)."""
    return len(code) == PAYMENT_CODE_LENGTH and code.isascii() and luhn_valid(code)


def next_payment_codes(count: int = 1) -> list[str]:
    """``count`` new payment codes, in increasing order. Must run inside the transaction that stores them."""
    if count < 1:
        return []
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval(%s) FROM generate_series(1, %s)", [SEQUENCE_NAME, count])
            numbers = sorted(row[0] for row in cursor.fetchall())
    else:
        if not connection.in_atomic_block:
            raise RuntimeError("next_payment_codes must run inside transaction.atomic()")
        with transaction.atomic():
            PaymentCodeCounter.objects.get_or_create(name=COUNTER_NAME)
            PaymentCodeCounter.objects.filter(name=COUNTER_NAME).update(last_value=F("last_value") + count)
            last = PaymentCodeCounter.objects.values_list("last_value", flat=True).get(name=COUNTER_NAME)
        numbers = list(range(last - count + 1, last + 1))
    prefix = payment_code_prefix()
    return [format_payment_code(number, prefix=prefix) for number in numbers]
