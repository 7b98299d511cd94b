"""Reading a bank's settlement file (CSV with the columns date, payment code, amount and reference) into
checked lines. Pure functions, no database: the matching against payments lives in ``matching``.

A file that is not exactly such a file is refused as a whole, with a translated message that says what is
wrong and on which line, so that a half-read file is never reconciled. Lines repeated in the file are not an
error: they are kept and marked with the line they repeat, and the matching reports them as duplicates."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from balai.core.exceptions import ValidationFailed

from .values import (
    CONTROL_RE,
    DATE_RE,
    MAX_AMOUNT,
    MAX_PAYMENT_CODE_LENGTH,
    MAX_REFERENCE_LENGTH,
    PLAIN_DIGITS_RE,
    parse_amount,
    parse_date,
    parse_payment_code,
    parse_reference,
    shorten,
)

ENCODING_UTF8 = "utf-8"
ENCODING_UTF8_BOM = "utf-8-sig"
ENCODING_WINDOWS_1252 = "windows-1252"
DELIMITERS = (",", ";")

DEFAULT_MAX_LINES = 100_000
MAX_PROBLEMS_LISTED = 20
MAX_CELL_CHARS = 1_000

# The four columns and the header names that mean each (compared after ``_column_key``): English, and the
# Indonesian names banks use in their exports.
COLUMNS: dict[str, tuple[str, ...]] = {
    "date": ("date", "tanggal", "tgl", "tanggal_transaksi", "transaction_date"),
    "payment_code": ("payment_code", "kode_bayar", "kode_pembayaran", "kode_billing"),
    "amount": ("amount", "jumlah", "nominal"),
    "reference": ("reference", "referensi", "ref", "no_referensi", "nomor_referensi"),
}
_ALIASES = {alias: name for name, aliases in COLUMNS.items() for alias in aliases}
EXPECTED_HEADER = "date,payment_code,amount,reference"

__all__ = [
    "MAX_AMOUNT",
    "MAX_PAYMENT_CODE_LENGTH",
    "MAX_REFERENCE_LENGTH",
    "SettlementFile",
    "SettlementFileRefused",
    "SettlementLineIn",
    "decode_settlement_bytes",
    "parse_amount",
    "parse_date",
    "parse_payment_code",
    "parse_reference",
    "parse_settlement_file",
]


class SettlementFileRefused(ValidationFailed):
    """The file is refused as a whole. ``message`` says why; ``problems`` lists the lines at fault (the first
    ``MAX_PROBLEMS_LISTED``, then how many more), shown under the upload field."""

    default_code = "settlement_file_refused"

    def __init__(self, message: Any, *, code: str, problems: list[str] | None = None) -> None:
        self.problems = list(problems or [])
        super().__init__(message=message, code=code, fields={"file": [str(message), *self.problems]})


@dataclass(frozen=True, slots=True)
class SettlementLineIn:
    """One line of the bank's file, checked. ``duplicate_of`` is the number of the earlier line it repeats
    (same payment code and reference, or same date, code and amount when the bank gives no reference)."""

    line_number: int
    date: dt.date
    payment_code: str
    amount: int
    reference: str
    duplicate_of: int | None = None


@dataclass(frozen=True)
class SettlementFile:
    encoding: str
    delimiter: str
    columns: tuple[str, ...]
    lines: tuple[SettlementLineIn, ...] = field(default_factory=tuple)

    @property
    def first_date(self) -> dt.date:
        return min(line.date for line in self.lines)

    @property
    def last_date(self) -> dt.date:
        return max(line.date for line in self.lines)

    @property
    def total_amount(self) -> int:
        return sum(line.amount for line in self.lines)

    @property
    def duplicate_count(self) -> int:
        return sum(1 for line in self.lines if line.duplicate_of is not None)


# --- Bytes to text ---------------------------------------------------------------------------------------


def _line_of_offset(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def decode_settlement_bytes(data: bytes) -> tuple[str, str]:
    """The file's text and its encoding: UTF-8 with or without a byte-order mark, else Windows-1252 (what
    Excel on Windows saves as "CSV"). Other encodings and files that are not text are refused."""
    if not data.strip():
        raise SettlementFileRefused(_("The file is empty."), code="settlement_empty")
    head = data[:8]
    if head.startswith(b"PK\x03\x04") or head.startswith(b"\xd0\xcf\x11\xe0"):
        raise SettlementFileRefused(
            _("This is an Excel workbook, not a CSV file. Open it in Excel and save it as “CSV UTF-8”."),
            code="settlement_not_csv",
        )
    if head.startswith(b"%PDF"):
        raise SettlementFileRefused(
            _("This is a PDF file. Ask the bank for the settlement file in CSV format."), code="settlement_not_csv"
        )
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise SettlementFileRefused(
            _("The file is saved as UTF-16 (“Unicode text”). Save it as “CSV UTF-8” and upload it again."),
            code="settlement_bad_encoding",
        )
    nul = data.find(b"\x00")
    if nul >= 0:
        raise SettlementFileRefused(
            _("Line %(line)d contains binary data: this is not a CSV text file.")
            % {"line": _line_of_offset(data, nul)},
            code="settlement_not_csv",
        )
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8) :].decode("utf-8"), ENCODING_UTF8_BOM
        except UnicodeDecodeError as exc:
            raise _bad_encoding(data, exc.start + len(codecs.BOM_UTF8)) from None
    try:
        return data.decode("utf-8"), ENCODING_UTF8
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), ENCODING_WINDOWS_1252
    except UnicodeDecodeError as exc:
        raise _bad_encoding(data, exc.start) from None


def _bad_encoding(data: bytes, offset: int) -> SettlementFileRefused:
    return SettlementFileRefused(
        _(
            "The file's characters cannot be read (line %(line)d): it is neither UTF-8 nor Windows-1252. "
            "Save it as “CSV UTF-8” and upload it again."
        )
        % {"line": _line_of_offset(data, offset)},
        code="settlement_bad_encoding",
    )


# --- Header ----------------------------------------------------------------------------------------------


def _column_key(name: str) -> str:
    text = unicodedata.normalize("NFKC", name).strip().strip("\ufeff").strip().lower()
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


def _first_record_line(text: str) -> str:
    for raw in text.splitlines():
        if raw.strip().strip(",;"):
            return raw
    return ""


def _read_header(cells: list[str]) -> tuple[dict[str, int], list[str], list[str]]:
    """(column → index, unknown names, names given twice) of a header row."""
    positions: dict[str, int] = {}
    unknown: list[str] = []
    repeated: list[str] = []
    for index, cell in enumerate(cells):
        key = _column_key(cell)
        if not key:
            if index == len(cells) - 1 and index > 0:
                continue  # a trailing delimiter on the header line
            unknown.append(cell.strip() or _("(empty)"))
            continue
        name = _ALIASES.get(key)
        if name is None:
            unknown.append(cell.strip())
        elif name in positions:
            repeated.append(cell.strip())
        else:
            positions[name] = index
    return positions, unknown, repeated


def choose_delimiter(text: str) -> str:
    """The delimiter (``,`` or ``;``) with which the first line reads as the most known column names."""
    first = _first_record_line(text)
    best, best_known = DELIMITERS[0], -1
    for delimiter in DELIMITERS:
        try:
            cells = next(csv.reader([first], delimiter=delimiter), [])
        except csv.Error:
            continue
        known = len(_read_header(cells)[0])
        if known > best_known:
            best, best_known = delimiter, known
    return best


def _check_header(cells: list[str]) -> dict[str, int]:
    positions, unknown, repeated = _read_header(cells)
    missing = [name for name in COLUMNS if name not in positions]
    if not missing and not unknown and not repeated:
        return positions
    if len(cells) == 1 and "\t" in cells[0]:
        message = _("The columns are separated by tabs. Separate them with commas (,) or semicolons (;).")
    elif missing and len(missing) == len(COLUMNS) and _looks_like_data(cells):
        message = _("The first line must name the columns: %(expected)s.") % {"expected": EXPECTED_HEADER}
    else:
        parts = []
        if missing:
            parts.append(_("missing: %(names)s") % {"names": ", ".join(missing)})
        if unknown:
            parts.append(_("not expected: %(names)s") % {"names": _name_list(unknown)})
        if repeated:
            parts.append(_("given twice: %(names)s") % {"names": _name_list(repeated)})
        message = _("The file does not have the settlement columns (%(problems)s). Expected: %(expected)s.") % {
            "problems": "; ".join(parts),
            "expected": EXPECTED_HEADER,
        }
    raise SettlementFileRefused(message, code="settlement_wrong_columns")


def _name_list(names: list[str], limit: int = 10) -> str:
    """The first ``limit`` different names, shortened; "…" when there are more."""
    distinct = list(dict.fromkeys(shorten(name, 40) for name in names))
    return ", ".join(distinct[:limit]) + (", …" if len(distinct) > limit else "")


def _looks_like_data(cells: list[str]) -> bool:
    return any(DATE_RE.match(cell.strip()) or PLAIN_DIGITS_RE.match(cell.strip()) for cell in cells)


# --- The file --------------------------------------------------------------------------------------------


def _duplicate_key(line: SettlementLineIn) -> tuple[Any, ...]:
    if line.reference:
        return ("ref", line.payment_code, line.reference.casefold())
    return ("noref", line.date, line.payment_code, line.amount)


def parse_settlement_file(
    data: bytes, *, max_lines: int = DEFAULT_MAX_LINES, today: dt.date | None = None
) -> SettlementFile:
    """Read ``data`` (the uploaded bytes) into a ``SettlementFile``, or raise ``SettlementFileRefused``.

    The first non-empty line names the columns, in any order (``EXPECTED_HEADER``, or the Indonesian
    names in ``COLUMNS``); blank lines are skipped. Every other line must have a valid date, payment code
    and amount (the reference may be empty); any bad line refuses the whole file, listing the lines at fault.
    """
    today = today or timezone.localdate()
    text, encoding = decode_settlement_bytes(data)
    control = CONTROL_RE.search(text)
    if control:
        line = text.count("\n", 0, control.start()) + 1
        raise SettlementFileRefused(
            _("Line %(line)d contains control characters: this is not a CSV text file.") % {"line": line},
            code="settlement_not_csv",
        )
    delimiter = choose_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    layout: _Layout | None = None
    header: tuple[str, ...] = ()
    lines: list[SettlementLineIn] = []
    problems: list[str] = []
    problem_count = 0
    seen: dict[tuple[Any, ...], int] = {}
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            if "field larger than field limit" in str(exc):
                message = _("Line %(line)d has a value longer than %(max)d characters: this is not a settlement file.")
                raise SettlementFileRefused(
                    message % {"line": reader.line_num, "max": MAX_CELL_CHARS}, code="settlement_malformed"
                ) from None
            raise SettlementFileRefused(
                _("Line %(line)d cannot be read as CSV (a quote is not closed or is misplaced).")
                % {"line": reader.line_num},
                code="settlement_malformed",
            ) from None
        if not "".join(cells).strip():
            continue
        if layout is None:
            layout = _Layout.of(_check_header(cells), len(cells))
            header = tuple(cell.strip() for cell in cells)
            continue
        if len(lines) + problem_count >= max_lines:
            raise SettlementFileRefused(
                ngettext(
                    "The file has more than %(max)d line. Split it into smaller files.",
                    "The file has more than %(max)d lines. Split it into smaller files.",
                    max_lines,
                )
                % {"max": max_lines},
                code="settlement_too_many_lines",
            )
        try:
            line = _read_line(cells, layout, line_number=reader.line_num, today=today)
        except ValueError as exc:
            problem_count += 1
            if len(problems) < MAX_PROBLEMS_LISTED:
                problems.append(_("Line %(line)d: %(problem)s.") % {"line": reader.line_num, "problem": exc})
            continue
        key = _duplicate_key(line)
        if key in seen:
            line = SettlementLineIn(
                line_number=line.line_number,
                date=line.date,
                payment_code=line.payment_code,
                amount=line.amount,
                reference=line.reference,
                duplicate_of=seen[key],
            )
        else:
            seen[key] = line.line_number
        lines.append(line)
    if layout is None:
        raise SettlementFileRefused(_("The file is empty."), code="settlement_empty")
    if problem_count:
        if problem_count > len(problems):
            more = problem_count - len(problems)
            problems.append(
                ngettext("…and %(count)d more line with problems.", "…and %(count)d more lines with problems.", more)
                % {"count": more}
            )
        raise SettlementFileRefused(
            ngettext(
                "%(count)d line of the file is not valid; nothing was reconciled. "
                "Correct the file and upload it again.",
                "%(count)d lines of the file are not valid; nothing was reconciled. "
                "Correct the file and upload it again.",
                problem_count,
            )
            % {"count": problem_count},
            code="settlement_invalid_lines",
            problems=problems,
        )
    if not lines:
        raise SettlementFileRefused(
            _("The file has the column names but no settlement lines."), code="settlement_empty"
        )
    return SettlementFile(encoding=encoding, delimiter=delimiter, columns=header, lines=tuple(lines))


@dataclass(frozen=True, slots=True)
class _Layout:
    """Where the four values are in a line, worked out once from the header."""

    date: int
    payment_code: int
    amount: int
    reference: int
    needed: int
    others: tuple[int, ...]  # positions of header cells that are not one of the four (a trailing empty one)

    @classmethod
    def of(cls, positions: dict[str, int], width: int) -> _Layout:
        used = set(positions.values())
        return cls(
            date=positions["date"],
            payment_code=positions["payment_code"],
            amount=positions["amount"],
            reference=positions["reference"],
            needed=max(used) + 1,
            others=tuple(index for index in range(width) if index not in used),
        )


def _read_line(cells: list[str], layout: _Layout, *, line_number: int, today: dt.date) -> SettlementLineIn:
    count = len(cells)
    if count < layout.needed or (
        (count > layout.needed or layout.others)
        and any(cells[i].strip() for i in range(count) if i >= layout.needed or i in layout.others)
    ):
        raise ValueError(
            _("it has %(found)d values where the header names %(expected)d columns")
            % {"found": len([c for c in cells if c.strip()]), "expected": len(COLUMNS)}
        )
    if max(map(len, cells)) > MAX_CELL_CHARS:
        raise ValueError(_("a value is longer than %(max)d characters") % {"max": MAX_CELL_CHARS})
    return SettlementLineIn(
        line_number=line_number,
        date=parse_date(cells[layout.date], today=today),
        payment_code=parse_payment_code(cells[layout.payment_code]),
        amount=parse_amount(cells[layout.amount]),
        reference=parse_reference(cells[layout.reference]),
    )
