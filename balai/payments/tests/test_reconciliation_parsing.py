"""Reading the bank's settlement CSV (no database): the encodings and delimiters banks and Excel produce are
read; wrong columns, bad encodings, binary files, malformed lines and bad values are refused as a whole with a
clear message naming the line; repeated lines are kept and marked; the line limit holds."""

from __future__ import annotations

import codecs
import datetime as dt

import pytest
from django.utils import translation

from balai.payments.reconciliation.parsing import (
    ENCODING_UTF8,
    ENCODING_UTF8_BOM,
    ENCODING_WINDOWS_1252,
    MAX_AMOUNT,
    MAX_PROBLEMS_LISTED,
    SettlementFileRefused,
    parse_amount,
    parse_date,
    parse_payment_code,
    parse_settlement_file,
)

TODAY = dt.date(2026, 11, 23)
HEADER = "date,payment_code,amount,reference\n"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def parse(text: str | bytes, **kwargs):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return parse_settlement_file(data, today=TODAY, **kwargs)


def refused(text: str | bytes, **kwargs) -> SettlementFileRefused:
    with pytest.raises(SettlementFileRefused) as info:
        parse(text, **kwargs)
    return info.value


# --- A good file ---------------------------------------------------------------------------------------------


def test_a_plain_file_is_read_line_by_line():
    result = parse(HEADER + "2026-11-20,8801000000000001,150000,TRX-1\n2026-11-21,8801000000000002,75000,TRX-2\n")
    assert result.encoding == ENCODING_UTF8 and result.delimiter == ","
    assert [(line.line_number, line.date, line.payment_code, line.amount, line.reference) for line in result.lines] == [
        (2, dt.date(2026, 11, 20), "8801000000000001", 150000, "TRX-1"),
        (3, dt.date(2026, 11, 21), "8801000000000002", 75000, "TRX-2"),
    ]
    assert result.first_date == dt.date(2026, 11, 20) and result.last_date == dt.date(2026, 11, 21)
    assert result.total_amount == 225000 and result.duplicate_count == 0


def test_semicolons_indonesian_headers_any_column_order_and_crlf():
    text = "Referensi;Tanggal;Kode Bayar;Jumlah\r\nTRX-9;23/11/2026;8801 0000 0000 0009;Rp 1.250.000\r\n"
    result = parse(text)
    assert result.delimiter == ";"
    [line] = result.lines
    assert (line.date, line.payment_code, line.amount, line.reference) == (
        dt.date(2026, 11, 23),
        "8801000000000009",
        1250000,
        "TRX-9",
    )


def test_utf8_with_byte_order_mark_is_read():
    result = parse(codecs.BOM_UTF8 + (HEADER + "2026-11-20,KB-1,1000,Pembayaran Ibu Siti\n").encode())
    assert result.encoding == ENCODING_UTF8_BOM
    assert result.columns[0] == "date"  # the mark is not part of the first column name


def test_windows_1252_from_excel_is_read():
    data = (HEADER + "2026-11-20,KB-1,1000,Setoran café Désa\n").encode("cp1252")
    result = parse(data)
    assert result.encoding == ENCODING_WINDOWS_1252
    assert result.lines[0].reference == "Setoran café Désa"


def test_blank_lines_quotes_and_trailing_delimiters_are_tolerated():
    text = '\n\ndate,payment_code,amount,reference,\n"2026-11-20","KB-1","150,000","a, b",\n,,,,\n\n'
    [line] = parse(text).lines
    assert line.amount == 150000 and line.reference == "a, b" and line.line_number == 4


def test_excel_text_apostrophe_and_lower_case_codes_are_normalised():
    [line] = parse(HEADER + "2026-11-20,'kb-00001,1000,\n").lines
    assert line.payment_code == "KB00001" and line.reference == ""


def test_a_date_with_a_time_keeps_the_date():
    [line] = parse(HEADER + "2026-11-20 23:59:01,KB-1,1000,R\n").lines
    assert line.date == dt.date(2026, 11, 20)


# --- Repeated lines ------------------------------------------------------------------------------------------


def test_repeated_lines_are_kept_and_point_at_the_first():
    text = HEADER + (
        "2026-11-20,KB-1,1000,R1\n"
        "2026-11-20,KB-1,1000,R1\n"  # the same line again
        "2026-11-20,KB-1,1000,r1\n"  # the same reference in other letters
        "2026-11-20,KB-1,1000,R2\n"  # another transfer for the same code: not a repeat
        "2026-11-20,KB-2,500,\n"
        "2026-11-20,KB-2,500,\n"  # no reference: same date, code and amount
        "2026-11-21,KB-2,500,\n"  # another day: not a repeat
    )
    result = parse(text)
    assert [line.duplicate_of for line in result.lines] == [None, 2, 2, None, None, 6, None]
    assert result.duplicate_count == 3


# --- Refused files -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("date,payment_code,amount\n", "missing: reference"),
        ("date,payment_code,amount,reference,branch\n", "not expected: branch"),
        ("date,payment_code,amount,reference,jumlah\n", "given twice: jumlah"),
        ("tanggal,nama,nilai,keterangan\n", "missing: payment_code, amount, reference"),
    ],
)
def test_wrong_columns_are_refused_with_what_is_wrong(header, expected):
    error = refused(header + "2026-11-20,KB-1,1000,R\n")
    assert error.code == "settlement_wrong_columns"
    assert expected in str(error.message)
    assert "Expected: date,payment_code,amount,reference" in str(error.message)
    assert error.status == 422 and error.fields["file"][0] == str(error.message)


def test_a_file_without_a_header_line_is_told_to_name_the_columns():
    error = refused("2026-11-20,KB-1,1000,R\n")
    assert error.code == "settlement_wrong_columns"
    assert "The first line must name the columns" in str(error.message)


def test_tab_separated_files_are_refused_with_the_reason():
    error = refused("date\tpayment_code\tamount\treference\n2026-11-20\tKB-1\t1000\tR\n")
    assert "separated by tabs" in str(error.message)


@pytest.mark.parametrize(
    ("data", "code", "words"),
    [
        (b"", "settlement_empty", "empty"),
        (b"  \r\n\n", "settlement_empty", "empty"),
        (HEADER.encode(), "settlement_empty", "no settlement lines"),
        (b"PK\x03\x04\x14\x00\x06\x00rest-of-a-workbook", "settlement_not_csv", "Excel workbook"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1old-xls", "settlement_not_csv", "Excel workbook"),
        (b"%PDF-1.7\n...", "settlement_not_csv", "PDF"),
        (codecs.BOM_UTF16_LE + HEADER.encode("utf-16-le"), "settlement_bad_encoding", "UTF-16"),
        (HEADER.encode() + b"2026-11-20,KB-1,1000,\x00\x01\x02\n", "settlement_not_csv", "Line 2 contains binary"),
        (HEADER.encode() + b"2026-11-20,KB-1,1000,R\x07\n", "settlement_not_csv", "Line 2 contains control"),
        # 0x81 and 0x9d are not characters in Windows-1252 either
        (
            HEADER.encode() + b"2026-11-20,KB-1,1000,R\n2026-11-20,KB-2,1000,\x81\x9d\n",
            "settlement_bad_encoding",
            "line 3",
        ),
        (codecs.BOM_UTF8 + HEADER.encode() + b"2026-11-20,KB-1,1000,\xff\n", "settlement_bad_encoding", "line 2"),
        (HEADER.encode() + b'2026-11-20,KB-1,1000,"open quote\n', "settlement_malformed", "Line 2"),
    ],
)
def test_files_that_are_not_settlement_csv_text_are_refused(data, code, words):
    error = refused(data)
    assert error.code == code
    assert words in str(error.message)


def test_one_bad_line_refuses_the_whole_file_and_names_every_bad_line():
    text = HEADER + (
        "2026-11-20,KB-1,1000,ok\n"
        "2026-13-40,KB-2,1000,bad date\n"
        "2026-11-20,KB-3,-5000,negative\n"
        "2026-11-20,KB-4,0,zero\n"
        "2026-11-20,KB-5,1000.50,fraction\n"
        '2026-11-20,=HYPERLINK("x"),1000,formula code\n'
        "2026-11-20,KB-7,1000\n"
        "2026-11-20,8.80123E+15,1000,excel number\n"
    )
    error = refused(text)
    assert error.code == "settlement_invalid_lines"
    assert str(error.message).startswith("7 lines of the file are not valid; nothing was reconciled.")
    assert error.problems == [
        "Line 3: the date “2026-13-40” does not exist.",
        "Line 4: the amount -5000 is negative.",
        "Line 5: the amount is zero.",
        "Line 6: the amount 1000.50 has a fraction of a rupiah.",
        'Line 7: the payment code “=HYPERLINK("x")” is not valid.',
        "Line 8: it has 3 values where the header names 4 columns.",
        "Line 9: the payment code “8.80123E+15” was turned into a number by a spreadsheet; "
        "format the column as text and export again.",
    ]
    assert error.fields["file"] == [str(error.message), *error.problems]


def test_a_file_with_many_bad_lines_lists_the_first_and_counts_the_rest():
    text = HEADER + "".join(f"2026-11-20,KB-{n},abc,\n" for n in range(MAX_PROBLEMS_LISTED + 5))
    error = refused(text)
    assert len(error.problems) == MAX_PROBLEMS_LISTED + 1
    assert error.problems[-1] == "…and 5 more lines with problems."


def test_more_lines_than_the_limit_are_refused():
    text = HEADER + "".join(f"2026-11-20,KB-{n},1000,R{n}\n" for n in range(11))
    assert len(parse(text, max_lines=11).lines) == 11
    error = refused(text, max_lines=10)
    assert error.code == "settlement_too_many_lines"
    assert "more than 10 lines" in str(error.message)


@pytest.mark.parametrize(
    ("data", "line"),
    [
        (HEADER.encode() + b"2026-11-20,KB-1,1000," + b"x" * 200_000 + b"\n", 2),
        (b"x" * 300_000, 1),
        (HEADER.encode() + b'2026-11-20,KB-1,1000,"' + b"x" * 200_000, 2),
    ],
    ids=["huge-cell", "one-huge-line", "quote-never-closed"],
)
def test_a_value_too_long_for_csv_is_refused_with_its_line(data, line):
    error = refused(data)
    assert error.code == "settlement_malformed"
    assert str(error.message) == f"Line {line} has a value longer than 1000 characters: this is not a settlement file."


def test_a_header_with_thousands_of_empty_columns_names_them_once():
    error = refused("date,payment_code,amount,reference" + "," * 100_000 + "\n2026-11-20,KB-1,1000,R\n")
    assert "not expected: (empty))" in str(error.message)


def test_an_overlong_value_is_refused_not_stored():
    error = refused(HEADER + "2026-11-20,KB-1,1000," + "x" * 5000 + "\n")
    assert "longer than 1000 characters" in error.problems[0]
    error = refused(HEADER + "2026-11-20,KB-1,1000," + "x" * 101 + "\n")
    assert "longer than 100 characters" in error.problems[0]


# --- Values --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("150000", 150000),
        ("150.000", 150000),
        ("150,000", 150000),
        ("1.250.000", 1250000),
        ("Rp 1.250.000", 1250000),
        ("Rp. 1.250.000,00", 1250000),
        ("IDR 75000", 75000),
        ("150000.00", 150000),
        ("150000,0", 150000),
        ("1,250,000.00", 1250000),
        ("+500", 500),
        ("\u00a0500 ", 500),
        (str(MAX_AMOUNT), MAX_AMOUNT),
    ],
)
def test_amounts_in_the_forms_banks_write_them(text, amount):
    assert parse_amount(text) == amount


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "empty"),
        ("-1", "negative"),
        ("(1.000)", "negative"),
        ("0", "zero"),
        ("0,00", "zero"),
        ("12.5", "fraction"),
        ("1000,01", "fraction"),
        ("1.000.50", "not a number"),
        ("1,000.000,00", "not a number"),
        ("1.000,000.00", "not a number"),
        ("1e6", "not a number"),
        ("NaN", "not a number"),
        ("Infinity", "not a number"),
        ("１０００", "not a number"),  # full-width digits
        ("12 34 x", "not a number"),
        (str(MAX_AMOUNT + 1), "too large"),
        ("9" * 400, "too large"),
    ],
)
def test_bad_amounts_are_refused(text, problem):
    with pytest.raises(ValueError, match=problem):
        parse_amount(text)


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("2026-11-23", dt.date(2026, 11, 23)),
        ("2026/1/2", dt.date(2026, 1, 2)),
        ("23/11/2026", dt.date(2026, 11, 23)),
        ("3-1-2026", dt.date(2026, 1, 3)),
        ("23.11.2026", dt.date(2026, 11, 23)),
        ("24/11/2026", dt.date(2026, 11, 24)),  # tomorrow: a bank in another time zone may be ahead
        ("2026-11-23T10:00", dt.date(2026, 11, 23)),
    ],
)
def test_dates(text, date):
    assert parse_date(text, today=TODAY) == date


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "is not a date"),
        ("23 Nov 2026", "is not a date"),
        ("11/23/26", "is not a date"),
        ("2026-02-30", "does not exist"),
        ("1999-12-31", "not plausible"),
        ("2026-11-25", "not plausible"),
        ("2026-11-23; DROP TABLE", "is not a date"),
    ],
)
def test_bad_dates_are_refused(text, problem):
    with pytest.raises(ValueError, match=problem):
        parse_date(text, today=TODAY)


@pytest.mark.parametrize(
    ("text", "code"),
    [("9901000000000123", "9901000000000123"), ("9901 0000-0000.0123", "9901000000000123"), ("'0042", "0042")],
)
def test_payment_codes_are_normalised_as_the_platform_writes_them(text, code):
    assert parse_payment_code(text) == code


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "empty"),
        ("KB_1", "not valid"),
        ("<script>", "not valid"),
        ("KB/1", "not valid"),
        ("- . -", "not valid"),
        ("Ünal", "not valid"),
        ("K" * 33, "not valid"),
        ("1.23E+17", "turned into a number"),
    ],
)
def test_bad_payment_codes_are_refused(text, problem):
    with pytest.raises(ValueError, match=problem):
        parse_payment_code(text)
