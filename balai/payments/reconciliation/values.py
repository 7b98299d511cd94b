"""The four values of a settlement line, each read from the text a bank (or a spreadsheet) writes: a date, a
payment code, an amount in whole rupiah and a reference. Each parser returns the clean value or raises
``ValueError`` with a translated message (lower case: the file's reader puts "Line N:" in front)."""

from __future__ import annotations

import datetime as dt
import re

from django.utils.translation import gettext as _

MAX_PAYMENT_CODE_LENGTH = 32  # SettlementLine.payment_code
MAX_REFERENCE_LENGTH = 100
# Ten trillion rupiah: above the largest bill (one trillion) with its penalties, far below BIGINT.
MAX_AMOUNT = 9_999_999_999_999
EARLIEST_YEAR = 2000
_MAX_AMOUNT_DIGITS = len(str(MAX_AMOUNT))

DATE_RE = re.compile(
    r"^(?:(?P<y1>\d{4})[-/](?P<m1>\d{1,2})[-/](?P<d1>\d{1,2})"
    r"|(?P<d2>\d{1,2})[-/.](?P<m2>\d{1,2})[-/.](?P<y2>\d{4}))"
    r"(?:[ T]\d{1,2}[:.]\d{2}(?:[:.]\d{2})?)?$",
    re.ASCII,
)
_PAYMENT_CODE = re.compile(r"^[A-Z0-9]+$")
_CODE_SEPARATORS = str.maketrans("", "", " .-\t\u00a0")
_SCIENTIFIC = re.compile(r"^\d+(?:[.,]\d+)?E\+?\d+$", re.IGNORECASE | re.ASCII)
_CURRENCY_PREFIX = re.compile(r"^(?:RP\.?|IDR)\s*", re.IGNORECASE)
PLAIN_DIGITS_RE = re.compile(r"^\d+$", re.ASCII)
_GROUPED = re.compile(r"^\d{1,3}(?P<sep>[.,])\d{3}(?:(?P=sep)\d{3})*$", re.ASCII)
_WITH_DECIMALS = re.compile(
    r"^(?P<whole>\d+|\d{1,3}(?P<sep>[.,])\d{3}(?:(?P=sep)\d{3})*)(?P<dec>[.,])(?P<frac>\d{1,2})$", re.ASCII
)
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def shorten(text: str, length: int) -> str:
    """``text`` for a message: without control characters, cut to ``length`` with an ellipsis."""
    text = CONTROL_RE.sub("", text)
    return text if len(text) <= length else text[: length - 1] + "…"


def parse_date(value: str, *, today: dt.date) -> dt.date:
    """``2026-11-23``, ``23/11/2026``, ``23-11-2026`` or ``23.11.2026`` (day first), optionally followed by a
    time, which is ignored. Not before 2000 and not after tomorrow."""
    text = value.strip()
    if len(text) == 10 and text[4] == "-" and text[7] == "-" and text.isascii() and text.replace("-", "").isdigit():
        year, month, day = text[:4], text[5:7], text[8:]  # ISO, the common case: no regular expression
    else:
        match = DATE_RE.match(text)
        if not match:
            raise ValueError(
                _("the date “%(value)s” is not a date like 2026-11-23 or 23/11/2026") % {"value": shorten(text, 30)}
            )
        year = match["y1"] or match["y2"]
        month = match["m1"] or match["m2"]
        day = match["d1"] or match["d2"]
    try:
        date = dt.date(int(year), int(month), int(day))
    except ValueError:
        raise ValueError(_("the date “%(value)s” does not exist") % {"value": shorten(text, 30)}) from None
    if date.year < EARLIEST_YEAR or date > today + dt.timedelta(days=1):
        raise ValueError(_("the date %(date)s is not plausible") % {"date": date.isoformat()})
    return date


def parse_amount(value: str) -> int:
    """Whole rupiah: ``150000``, ``150.000`` or ``150,000`` (thousands), ``Rp 150.000``, and ``150000.00`` or
    ``150.000,00`` (zero cents). Negative, zero, fractional and huge amounts are refused."""
    if value.isascii() and value.isdigit():
        return _whole_rupiah(value, value)  # plain digits, the common case
    text = _CURRENCY_PREFIX.sub("", value.strip().replace("\u00a0", " ")).replace(" ", "")
    if not text:
        raise ValueError(_("the amount is empty"))
    if text.startswith("-") or (text.startswith("(") and text.endswith(")")):
        raise ValueError(_("the amount %(value)s is negative") % {"value": shorten(value.strip(), 30)})
    text = text.lstrip("+")
    if PLAIN_DIGITS_RE.match(text):
        whole = text
    elif grouped := _GROUPED.match(text):
        whole = text.replace(grouped["sep"], "")
    elif decimals := _WITH_DECIMALS.match(text):
        if decimals["sep"] and decimals["sep"] == decimals["dec"]:
            raise ValueError(_("the amount %(value)s is not a number") % {"value": shorten(value.strip(), 30)})
        if decimals["frac"].strip("0"):
            raise ValueError(
                _("the amount %(value)s has a fraction of a rupiah") % {"value": shorten(value.strip(), 30)}
            )
        whole = decimals["whole"].replace(decimals["sep"] or "", "")
    else:
        raise ValueError(_("the amount %(value)s is not a number") % {"value": shorten(value.strip(), 30)})
    return _whole_rupiah(whole, value)


def _whole_rupiah(whole: str, value: str) -> int:
    if len(whole.lstrip("0")) > _MAX_AMOUNT_DIGITS:
        raise ValueError(_("the amount %(value)s is too large") % {"value": shorten(value.strip(), 30)})
    amount = int(whole)
    if amount == 0:
        raise ValueError(_("the amount is zero"))
    if amount > MAX_AMOUNT:
        raise ValueError(_("the amount %(value)s is too large") % {"value": shorten(value.strip(), 30)})
    return amount


def parse_payment_code(value: str) -> str:
    """The payment code as the platform writes it (``9901 0000-0000.0123`` → ``9901000000000123``): spaces,
    dots and hyphens as printed on receipts and the apostrophe Excel puts before a number kept as text are
    dropped; what is left must be capitals and digits. Whether the code exists is the matching's question."""
    text = value.strip().lstrip("'").strip()
    if not text:
        raise ValueError(_("the payment code is empty"))
    if text.isascii() and text.isdigit():
        if len(text) > MAX_PAYMENT_CODE_LENGTH:
            raise ValueError(_("the payment code “%(value)s” is not valid") % {"value": shorten(text, 30)})
        return text  # digits only, as the platform's codes are
    if _SCIENTIFIC.match(text):
        raise ValueError(
            _(
                "the payment code “%(value)s” was turned into a number by a spreadsheet; "
                "format the column as text and export again"
            )
            % {"value": shorten(text, 30)}
        )
    code = text.translate(_CODE_SEPARATORS).upper()
    if not code or len(code) > MAX_PAYMENT_CODE_LENGTH or not _PAYMENT_CODE.match(code):
        raise ValueError(_("the payment code “%(value)s” is not valid") % {"value": shorten(text, 30)})
    return code


def parse_reference(value: str) -> str:
    text = " ".join(value.split())
    if len(text) > MAX_REFERENCE_LENGTH:
        raise ValueError(_("the reference is longer than %(max)d characters") % {"max": MAX_REFERENCE_LENGTH})
    if CONTROL_RE.search(text):
        raise ValueError(_("the reference contains control characters"))
    return text
