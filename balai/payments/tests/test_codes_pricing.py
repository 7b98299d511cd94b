"""Payment codes (Luhn, prefix, never reused) and what a bill costs on a day (online discount before the due
date, penalty per started month after it, capped; rounding half up)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import ImproperlyConfigured
from hypothesis import given
from hypothesis import strategies as st

from balai.core.calendar import CALENDAR_TZ
from balai.payments.codes import (
    PaymentCodesExhausted,
    format_payment_code,
    is_well_formed,
    luhn_check_digit,
    luhn_valid,
    next_payment_codes,
    normalize_payment_code,
)
from balai.payments.conf import payment_code_prefix
from balai.payments.pricing import amount_due, price_changes_after, started_months_after


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=CALENDAR_TZ)


def bill(**fields):
    values = {
        "amount": 1_000_000,
        "due_at": local(2026, 8, 31, 23, 59, 59),
        "penalty_percent_per_month": Decimal("1"),
        "penalty_max_months": 24,
        "online_discount_percent": Decimal("5"),
    }
    values.update(fields)
    return SimpleNamespace(**values)


def test_luhn_known_numbers():
    assert luhn_valid("79927398713")
    assert not luhn_valid("79927398710")
    assert luhn_check_digit("7992739871") == "3"


@given(st.integers(min_value=1, max_value=10**11 - 1), st.integers(min_value=0, max_value=15), st.data())
def test_any_single_digit_change_is_caught(sequence, position, data):
    code = format_payment_code(sequence, prefix="9901")
    assert len(code) == 16 and is_well_formed(code)
    wrong = data.draw(st.sampled_from([d for d in "0123456789" if d != code[position]]))
    assert not is_well_formed(code[:position] + wrong + code[position + 1 :])


def test_swapped_neighbours_are_caught():
    """Luhn catches every swap of two different neighbouring digits except 0 and 9."""
    code = format_payment_code(12345678901, prefix="9901")
    swaps = [
        code[:i] + code[i + 1] + code[i] + code[i + 2 :]
        for i in range(15)
        if code[i] != code[i + 1] and {code[i], code[i + 1]} != {"0", "9"}
    ]
    assert len(swaps) >= 10
    assert not any(is_well_formed(swapped) for swapped in swaps)


def test_codes_out_of_range_are_refused():
    with pytest.raises(PaymentCodesExhausted):
        format_payment_code(0, prefix="9901")
    with pytest.raises(PaymentCodesExhausted):
        format_payment_code(10**11, prefix="9901")


def test_normalize_keeps_digits_only_of_separators():
    assert normalize_payment_code(" 9901 0000-0000.0012 ") == "9901000000000012"
    assert not is_well_formed("９９０１０００００００００００１")  # full-width digits are not ASCII


def test_prefix_setting(settings):
    settings.BALAI_PAYMENT_CODE_PREFIX = "3201"
    assert payment_code_prefix() == "3201"
    settings.BALAI_PAYMENT_CODE_PREFIX = "32A1"
    with pytest.raises(ImproperlyConfigured):
        payment_code_prefix()
    settings.BALAI_PAYMENT_CODE_PREFIX = None
    settings.BALAI_REGION_CODE = "32.01"
    assert payment_code_prefix() == "3201"


@pytest.mark.django_db
def test_codes_are_increasing_and_never_reused(settings):
    from django.db import transaction

    settings.BALAI_PAYMENT_CODE_PREFIX = "9901"
    with transaction.atomic():
        first = next_payment_codes(3)
    with pytest.raises(RuntimeError), transaction.atomic():
        lost = next_payment_codes(1)
        raise RuntimeError("rolled back")
    with transaction.atomic():
        later = next_payment_codes(1)
    assert first == sorted(first) and len(set(first)) == 3
    assert later[0] > first[-1]
    assert all(code.startswith("9901") and is_well_formed(code) for code in first + later)
    del lost


# --- pricing ------------------------------------------------------------------------------------------


def test_online_discount_before_the_due_date_only():
    b = bill()
    assert amount_due(b, at=local(2026, 8, 1), online=True).total == 950_000
    assert amount_due(b, at=local(2026, 8, 1), online=False).total == 1_000_000
    assert amount_due(b, at=local(2026, 8, 31, 23, 59, 59), online=True).discount == 50_000
    assert amount_due(b, at=local(2026, 9, 1), online=True).discount == 0


def test_penalty_per_started_month_after_the_due_date():
    b = bill()
    assert amount_due(b, at=local(2026, 9, 1, 0, 0, 1), online=True).penalty == 10_000
    assert amount_due(b, at=local(2026, 9, 30, 23, 59, 59), online=True).penalty == 10_000
    assert amount_due(b, at=local(2026, 10, 1), online=True).penalty == 20_000
    due = amount_due(b, at=local(2027, 3, 15), online=True)
    assert (due.penalty_months, due.penalty, due.total) == (7, 70_000, 1_070_000)


def test_penalty_is_capped():
    b = bill(penalty_max_months=24)
    assert amount_due(b, at=local(2031, 1, 1), online=True).penalty == 240_000


def test_rounding_is_half_up_to_whole_rupiah():
    b = bill(amount=12_345, penalty_percent_per_month=Decimal("1.5"), online_discount_percent=Decimal("2.5"))
    assert amount_due(b, at=local(2026, 8, 1), online=True).discount == 309  # 308.625
    assert amount_due(b, at=local(2026, 9, 2), online=True).penalty == 185  # 185.175


def test_started_months_at_month_ends():
    due = local(2026, 1, 31, 23, 59, 59)
    assert started_months_after(due, local(2026, 1, 31, 23, 59, 59)) == 0
    assert started_months_after(due, local(2026, 2, 28, 23, 0)) == 1
    assert started_months_after(due, local(2026, 3, 1)) == 2


def test_no_configuration_no_change():
    b = bill(penalty_percent_per_month=Decimal(0), online_discount_percent=Decimal(0))
    assert amount_due(b, at=local(2030, 1, 1), online=True).total == 1_000_000
    assert price_changes_after(b, local(2026, 1, 1)) is None


def test_when_the_price_changes_next():
    b = bill()
    assert price_changes_after(b, local(2026, 8, 1)) == b.due_at
    change = price_changes_after(b, local(2026, 9, 5))
    assert change == local(2026, 9, 30, 23, 59, 59)
    assert amount_due(b, at=change, online=True).penalty == 10_000
    assert price_changes_after(b, local(2029, 1, 1)) is None  # capped: it no longer grows
