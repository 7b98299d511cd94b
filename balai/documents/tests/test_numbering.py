"""Reference numbers: patterns checked on save, gap-free per scope and year, Indonesian dates and roman months."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.utils import translation

from balai.documents.models import DocumentSequence
from balai.documents.numbering import (
    MONTHS_ID,
    format_date_id,
    format_reference,
    next_document_sequence,
    roman_month,
    sequence_scope,
    validate_reference_pattern,
)


@pytest.fixture(autouse=True)
def _english_messages():
    """These tests read the English message texts (the Indonesian catalogue is checked by check_translations)."""
    with translation.override("en"):
        yield


JAKARTA = ZoneInfo("Asia/Jakarta")


def test_indonesian_long_date_whatever_the_language():
    with translation.override("en"):
        assert format_date_id(dt.date(2026, 11, 23)) == "23 November 2026"
    assert format_date_id(dt.date(2026, 1, 5)) == "5 Januari 2026"
    assert [format_date_id(dt.date(2026, m, 1)).split()[1] for m in range(1, 13)] == list(MONTHS_ID)
    assert MONTHS_ID[1] == "Februari" and MONTHS_ID[7] == "Agustus"


def test_aware_datetime_is_read_in_jakarta_time():
    late_utc = dt.datetime(2026, 12, 31, 18, 30, tzinfo=dt.UTC)  # 1 January 01:30 in Jakarta
    assert format_date_id(late_utc) == "1 Januari 2027"
    with pytest.raises(ValueError):
        format_date_id(dt.datetime(2026, 1, 1, 12, 0))  # noqa: DTZ001 - a naive datetime is refused


def test_roman_months():
    assert [roman_month(m) for m in (1, 4, 8, 9, 11, 12)] == ["I", "IV", "VIII", "IX", "XI", "XII"]
    with pytest.raises(ValueError):
        roman_month(13)


def test_format_reference_with_every_token():
    when = dt.datetime(2026, 11, 23, 10, 0, tzinfo=JAKARTA)
    pattern = "{agency}/{service}/{seq}/{month_roman}/{year}"
    assert format_reference(pattern, agency="DISDUKCAPIL", service="AKTA-LAHIR", seq=7, when=when) == (
        "DISDUKCAPIL/AKTA-LAHIR/0007/XI/2026"
    )
    assert format_reference("470/{seq:6}-{month}.{year}", agency="A", service="S", seq=12, when=when) == (
        "470/000012-11.2026"
    )
    assert format_reference("{seq:2}/{year}", agency="A", service="S", seq=12345, when=when) == "12345/2026"


@pytest.mark.parametrize(
    ("pattern", "fragment"),
    [
        ("", "Enter a reference number pattern"),
        ("{agency}/{year}", "{seq}"),
        ("{agency}/{seq}/{seq}/{year}", "exactly once"),
        ("{agency}/{seq}", "{year}"),
        ("{agency}/{nomor}/{seq}/{year}", "Unknown part {nomor}"),
        ("{agency}/{seq:0}/{year}", "from 1 to 10"),
        ("{agency}/{year:4}/{seq}", "Only {seq} takes"),
        ("{agency}/{seq}/{year", "brace"),
        ("{agency}/{seq}/{year}<script>", "may only hold"),
        ("x" * 201, "too long"),
        ("{agency}/" + "X" * 160 + "/{service}/{seq}/{year}", "longer than 200"),
    ],
)
def test_bad_patterns_are_refused_with_a_reason(pattern, fragment):
    errors = validate_reference_pattern(pattern)
    assert errors, pattern
    assert any(fragment in message for message in errors), errors


def test_good_patterns_pass():
    assert validate_reference_pattern("{agency}/{service}/{seq}/{month_roman}/{year}") == []
    assert validate_reference_pattern("474.1/{seq:5}/{agency}/{year}") == []


def test_a_template_shared_by_agencies_must_number_by_agency():
    assert validate_reference_pattern("{service}/{seq}/{year}", shared_by_agencies=True)
    assert validate_reference_pattern("{agency}/{seq}/{year}", shared_by_agencies=True) == []


@pytest.mark.django_db(transaction=True)
def test_sequence_is_gap_free_and_a_rollback_gives_the_number_back():
    scope = sequence_scope("akta-lahir", "DISDUKCAPIL")
    with transaction.atomic():
        assert next_document_sequence(scope, 2026) == 1
    with pytest.raises(RuntimeError), transaction.atomic():
        assert next_document_sequence(scope, 2026) == 2
        raise RuntimeError("issuing failed")
    with transaction.atomic():
        assert next_document_sequence(scope, 2026) == 2
    assert DocumentSequence.objects.get(scope=scope, year=2026).last_value == 2


@pytest.mark.django_db
def test_numbering_starts_again_each_year_and_per_scope():
    with transaction.atomic():
        assert [next_document_sequence("a:X", 2026) for _ in range(3)] == [1, 2, 3]
        assert next_document_sequence("a:X", 2027) == 1
        assert next_document_sequence("a:Y", 2026) == 1


@pytest.mark.django_db(transaction=True)
def test_sequence_outside_a_transaction_is_a_programming_error():
    with pytest.raises(RuntimeError):
        next_document_sequence("a:X", 2026)
