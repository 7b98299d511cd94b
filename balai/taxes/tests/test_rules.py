"""The pure rules: NOP structure and region check, NPWPD format, due dates, SPPT and return arithmetic."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from balai.core.exceptions import ValidationFailed
from balai.taxes import nop as nop_rules
from balai.taxes.due import due_date, due_rule_errors, end_of_day
from balai.taxes.npwpd import format_npwpd, npwpd_errors
from balai.taxes.services import parse_turnover, sppt_amount
from balai.taxes.services.returns import return_tax

from .conftest import nop_for

# --- NOP ----------------------------------------------------------------------------------------------


def test_nop_is_formatted_in_its_seven_parts():
    parsed = nop_rules.parse("320101000100100010")
    assert parsed.formatted == "32.01.010.001.001.0001.0"
    assert parsed.district == "010" and parsed.village == "001" and parsed.number == "0001"
    assert nop_rules.parse("32.01.010.001.001.0001.0").digits == "320101000100100010"
    assert nop_rules.parse(" 32 01 010-001-001 0001 0 ").digits == "320101000100100010"


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("", "Enter the NOP"),
        ("3201010001001000", "18 digits; this one has 16"),
        ("3201010001001000100", "18 digits; this one has 19"),
        ("32010100010010001A", "digits only"),
        ("３２０１０１０００１００１０００１０", "digits only"),  # full-width digits are not ASCII digits
        ("000101000100100010", "province"),
        ("320100000100100010", "district"),
        ("320101000000100010", "village"),
        ("320101000100000010", "block"),
        ("320101000100100000", "object number"),
        ("<script>alert(1)</script>", "digits only"),
        ("1' OR '1'='1", "digits only"),
    ],
)
def test_malformed_nop_is_refused_with_a_clear_message(value, fragment):
    with pytest.raises(ValidationFailed) as caught:
        nop_rules.parse(value)
    assert fragment in " ".join(caught.value.fields["nop"])


def test_the_code_digit_may_be_zero():
    assert nop_rules.parse("320101000100100010").code == "0"


@given(st.text(max_size=40))
def test_any_text_either_parses_to_18_digits_or_is_refused(text):
    try:
        parsed = nop_rules.parse(text)
    except ValidationFailed as exc:
        assert exc.fields["nop"]
    else:
        assert len(parsed.digits) == 18 and parsed.digits.isdigit()
        assert nop_rules.format_nop(parsed.digits) == parsed.formatted


def test_region_parts_must_match_the_configured_regency(region):
    assert nop_rules.validate(nop_for(1)).digits == nop_for(1)
    with pytest.raises(ValidationFailed, match="this regency's code is 99.01"):
        nop_rules.validate("320101000100100010")
    with pytest.raises(ValidationFailed, match="district part 030"):
        nop_rules.validate(nop_for(1, district="030"))
    with pytest.raises(ValidationFailed, match="village part 009"):
        nop_rules.validate(nop_for(1, village="009"))
    assert nop_rules.validate(nop_for(1, district="020", village="001")).district == "020"
    # Without the region check only the structure counts.
    assert nop_rules.validate("320101000100100010", check_region=False)


def test_without_a_region_on_record_only_the_structure_is_checked(db):
    assert nop_rules.validate("320101000100100010").province == "32"


def test_kemendagri_codes_map_to_nop_parts():
    assert nop_rules.district_part("99.01.03") == "030"
    assert nop_rules.village_part("99.01.03.2002") == "002"
    assert nop_rules.district_part("99.01") is None and nop_rules.village_part("99.01.03") is None


# --- NPWPD --------------------------------------------------------------------------------------------


def test_npwpd_format():
    assert format_npwpd(kind="individual", serial=1, regency_code="99.01") == "P.1.0000001.99.01"
    assert format_npwpd(kind="business", serial=1234567, regency_code="99.01") == "B.2.1234567.99.01"
    assert format_npwpd(kind="business", serial=5, regency_code="") == "B.2.0000005.00.00"
    assert npwpd_errors("P.1.0000001.99.01") == []
    for bad in ("P.2.0000001.99.01", "B.1.0000001.99.01", "P.1.0000000.99.01", "P.1.000001.99.01", "1234567890123"):
        assert npwpd_errors(bad), bad
    with pytest.raises(ValueError):
        format_npwpd(kind="individual", serial=10_000_000, regency_code="99.01")


# --- Due dates ----------------------------------------------------------------------------------------


def test_due_rules_of_the_data_set():
    assert due_date({"month": 8, "day": 31}, year=2026) == dt.date(2026, 8, 31)
    assert due_date({"days_after_period": 15}, year=2026, month=1) == dt.date(2026, 2, 15)
    assert due_date({"days_after_period": 15}, year=2026, month=12) == dt.date(2027, 1, 15)
    assert due_date({"days_after_period": 15}, year=2024, month=2) == dt.date(2024, 3, 15)
    assert due_date({"days_after_issue": 30}, issued_on=dt.date(2026, 1, 20)) == dt.date(2026, 2, 19)
    assert due_date({"day_of_next_month": 10}, year=2026, month=12) == dt.date(2027, 1, 10)
    assert due_date({"on_filing": True}, issued_on=dt.date(2026, 3, 3)) == dt.date(2026, 3, 3)
    moment = end_of_day(dt.date(2026, 8, 31))
    assert moment.utcoffset() == dt.timedelta(hours=7) and (moment.hour, moment.minute) == (23, 59)


@pytest.mark.parametrize(
    "rule",
    [
        {},
        [],
        {"month": 2, "day": 29},
        {"month": 13, "day": 1},
        {"month": 8},
        {"days_after_period": -1},
        {"days_after_period": 1.5},
        {"days_after_period": True},
        {"day_of_next_month": 31},
        {"on_filing": False},
        {"days_after_issue": 30, "on_filing": True},
        {"weekday": 1},
    ],
)
def test_bad_due_rules_are_refused(rule):
    assert due_rule_errors(rule)


# --- Arithmetic ---------------------------------------------------------------------------------------


def test_sppt_amount_is_rate_times_taxable_not_below_the_minimum():
    rate = Decimal("0.3")
    # 400,000,000 NJOP, 10,000,000 NJOPTKP: 0.3 % of 390,000,000 = 1,170,000
    assert sppt_amount(njop=400_000_000, njoptkp=10_000_000, rate_percent=rate, minimum=20_000) == 1_170_000
    # Below the minimum: the minimum.
    assert sppt_amount(njop=12_000_000, njoptkp=10_000_000, rate_percent=rate, minimum=20_000) == 20_000
    # NJOP at or below the NJOPTKP: nothing taxable, the minimum is due; without a minimum nothing.
    assert sppt_amount(njop=8_000_000, njoptkp=8_000_000, rate_percent=rate, minimum=20_000) == 20_000
    assert sppt_amount(njop=8_000_000, njoptkp=8_000_000, rate_percent=rate, minimum=None) == 0
    # Half a rupiah rounds up, less rounds down.
    assert sppt_amount(njop=10_000_500, njoptkp=10_000_000, rate_percent=Decimal("0.3"), minimum=None) == 2
    assert sppt_amount(njop=10_000_166, njoptkp=10_000_000, rate_percent=Decimal("0.3"), minimum=None) == 0


@given(
    njop=st.integers(min_value=1, max_value=10**15),
    njoptkp=st.integers(min_value=0, max_value=10**9),
    minimum=st.integers(min_value=0, max_value=10**6),
)
def test_sppt_amount_is_never_below_the_minimum_and_exact(njop, njoptkp, minimum):
    amount = sppt_amount(njop=njop, njoptkp=njoptkp, rate_percent=Decimal("0.3"), minimum=minimum)
    exact = Decimal(max(0, njop - njoptkp)) * Decimal("0.003")
    assert amount >= minimum
    assert amount == minimum or abs(Decimal(amount) - exact) <= Decimal("0.5")


def test_return_tax_is_rate_times_turnover_in_whole_rupiah():
    assert return_tax(15_000_000, Decimal("10")) == 1_500_000
    assert return_tax(15, Decimal("10")) == 2  # 1.5 rounds up
    assert return_tax(0, Decimal("10")) == 0


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        (-1, "negative"),
        ("-5000", "negative"),
        ("1500000.50", "without dots"),
        ("1.500.000", "without dots"),
        ("1,5", "without dots"),
        (1.5, "without decimals"),
        (Decimal("10.5"), "without decimals"),
        (Decimal("NaN"), "without decimals"),
        ("1e6", "whole number"),
        ("", "Enter the turnover"),
        (None, "Enter the turnover"),
        (True, "whole number"),
        (10**15, "too large"),
        ("<b>5</b>", "whole number"),
    ],
)
def test_bad_turnover_is_refused(value, fragment):
    with pytest.raises(ValidationFailed) as caught:
        parse_turnover(value)
    assert fragment in " ".join(caught.value.fields["turnover"])


def test_good_turnover_values():
    assert parse_turnover("0") == 0
    assert parse_turnover(" 15000000 ") == 15_000_000
    assert parse_turnover(Decimal("2500")) == 2500
