"""NIK validation: structure, Kemendagri province codes, birth date and sex; masking."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from balai.accounts.nik import PROVINCE_CODES, make_nik, mask_nik, validate_nik

MALE_NIK = "3201011708900001"  # Kab. Bogor, born 17-08-1990, man
FEMALE_NIK = "3273155708950123"  # Kota Bandung, born 17-08-1995, woman (17 + 40 = 57)


def error_code(nik, **kwargs):
    with pytest.raises(ValidationError) as info:
        validate_nik(nik, **kwargs)
    return info.value.code


def test_valid_male_nik():
    parts = validate_nik(MALE_NIK)
    assert parts.sex == "M"
    assert (parts.province, parts.regency, parts.district) == ("32", "01", "01")
    assert (parts.birth_day, parts.birth_month, parts.birth_year_2) == (17, 8, 90)
    assert parts.serial == "0001"
    assert parts.region_code == "32.01.01"
    assert parts.birth_date_in(1900) == datetime.date(1990, 8, 17)


def test_valid_female_nik_has_forty_added_to_the_day():
    parts = validate_nik(FEMALE_NIK)
    assert parts.sex == "F"
    assert parts.birth_day == 17
    assert parts.birth_month == 8


def test_valid_nik_with_matching_birth_date_and_sex():
    validate_nik(MALE_NIK, birth_date=datetime.date(1990, 8, 17), sex="M")
    validate_nik(FEMALE_NIK, birth_date=datetime.date(1995, 8, 17), sex="F")


def test_surrounding_and_inner_spaces_are_ignored():
    assert validate_nik("  3201 0117 0890 0001 ").nik == MALE_NIK


@pytest.mark.parametrize(
    "province", ["10", "20", "22", "30", "37", "50", "54", "60", "66", "77", "83", "90", "97", "99"]
)
def test_province_outside_the_kemendagri_list_is_refused(province):
    assert error_code(province + MALE_NIK[2:]) == "nik_province"


@pytest.mark.parametrize(
    "province", ["11", "19", "21", "31", "36", "51", "53", "61", "65", "71", "76", "81", "82", "91", "96"]
)
def test_every_listed_province_is_accepted(province):
    assert validate_nik(province + MALE_NIK[2:]).province == province


def test_regency_00_is_refused():
    assert error_code("3200011708900001") == "nik_regency"


def test_district_00_is_refused():
    assert error_code("3201001708900001") == "nik_district"


def test_serial_0000_is_refused():
    assert error_code("3201011708900000") == "nik_serial"


@pytest.mark.parametrize("day", ["00", "32", "40", "72", "99"])
def test_day_outside_1_31_and_41_71_is_refused(day):
    assert error_code(f"320101{day}08900001") == "nik_day"


@pytest.mark.parametrize("month", ["00", "13", "99"])
def test_month_13_and_00_are_refused(month):
    assert error_code(f"32010117{month}900001") == "nik_month"


def test_a_date_that_does_not_exist_is_refused():
    assert error_code("3201013102900001") == "nik_date"  # 31 February
    assert error_code("3201017102900001") == "nik_date"  # 31 February, woman
    assert error_code("3201013104900001") == "nik_date"  # 31 April
    assert validate_nik("3201012902000001").birth_day == 29  # 29 Feb 2000 exists


@pytest.mark.parametrize("nik", ["320101170890000A", "32O1011708900001", "3201-01-17089000", "३२०१०११७०८९०००१"])
def test_letters_and_symbols_are_refused(nik):
    assert error_code(nik) == "nik_not_digits"


@pytest.mark.parametrize("nik", [MALE_NIK[:15], MALE_NIK + "1", "1", "3" * 40])
def test_15_and_17_digits_are_refused(nik):
    assert error_code(nik) == "nik_length"


@pytest.mark.parametrize("nik", ["", "   ", None])
def test_missing_nik(nik):
    assert error_code(nik) == "nik_required"


def test_birth_date_mismatch_is_refused():
    assert error_code(MALE_NIK, birth_date=datetime.date(1990, 8, 18)) == "nik_birth_date_mismatch"
    assert error_code(MALE_NIK, birth_date=datetime.date(1990, 9, 17)) == "nik_birth_date_mismatch"


def test_two_digit_year_must_agree():
    assert error_code(MALE_NIK, birth_date=datetime.date(1991, 8, 17)) == "nik_birth_date_mismatch"
    # The century is not in the NIK: 2090 and 1990 share "90".
    validate_nik(MALE_NIK, birth_date=datetime.date(1890, 8, 17))


def test_female_birth_date_compares_without_the_forty():
    assert error_code(FEMALE_NIK, birth_date=datetime.date(1995, 8, 57 - 40 + 1)) == "nik_birth_date_mismatch"


def test_sex_mismatch_is_refused_both_ways():
    assert error_code(MALE_NIK, sex="F") == "nik_sex_mismatch"
    assert error_code(FEMALE_NIK, sex="M") == "nik_sex_mismatch"


def test_messages_are_translated_to_indonesian():
    with translation.override("id"), pytest.raises(ValidationError) as info:
        validate_nik("3201011713900001")
    message = str(info.value.messages[0])
    assert "bulan" in message.lower()
    with translation.override("en"):
        with pytest.raises(ValidationError) as info_en:
            validate_nik("3201011713900001")
        assert "month" in str(info_en.value.messages[0])


def test_hostile_input_gets_a_clear_message():
    assert error_code("<script>alert(1)</script>") == "nik_not_digits"
    assert error_code("3201011708900001' OR '1'='1") == "nik_not_digits"


def test_mask_shows_first_four_and_last_four():
    assert mask_nik("3201011708900001") == "3201••••••••0001"
    assert mask_nik("") == ""
    assert mask_nik(None) == ""
    assert "1708" not in mask_nik(MALE_NIK)


def test_there_is_no_check_digit():
    # Any serial other than 0000 is accepted: changing the last digit must not make a NIK invalid.
    for last in "123456789":
        validate_nik(MALE_NIK[:-1] + last)


@st.composite
def valid_niks(draw):
    province = draw(st.sampled_from(sorted(PROVINCE_CODES)))
    regency = draw(st.integers(1, 99))
    district = draw(st.integers(1, 99))
    birth = draw(st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2099, 12, 31)))
    sex = draw(st.sampled_from(["M", "F"]))
    serial = draw(st.integers(1, 9999))
    nik = make_nik(birth, sex, region=f"{province}{regency:02d}{district:02d}", serial=serial)
    return nik, birth, sex


@given(valid_niks())
def test_every_generated_valid_nik_validates(case):
    nik, birth, sex = case
    parts = validate_nik(nik, birth_date=birth, sex=sex)
    assert parts.nik == nik
    assert parts.sex == sex
    assert (parts.birth_day, parts.birth_month, parts.birth_year_2) == (birth.day, birth.month, birth.year % 100)
    assert mask_nik(nik) == nik[:4] + "•" * 8 + nik[-4:]


@given(st.text(max_size=40))
def test_arbitrary_text_never_crashes(text):
    try:
        validate_nik(text)
    except ValidationError as exc:
        assert exc.code.startswith("nik_")
