"""Reference numbers of issued documents and the Indonesian dates printed on them.

A template's ``reference_pattern`` is text with tokens in braces, e.g. ``{agency}/{service}/{seq}/{month_roman}/{year}``
→ ``DISDUKCAPIL/AKTA-LAHIR/0007/XI/2026``. Tokens: ``{agency}`` (code of the issuing agency), ``{service}`` (code of
the case's service), ``{seq}`` or ``{seq:N}`` (the running number, zero-padded to N digits, 4 by default),
``{month_roman}`` (I..XII), ``{month}`` (01..12) and ``{year}``. The running number is gap-free per scope (template
and agency) and year: it is taken with the sequence row locked inside the issuing transaction, so a failed issue
gives its number back and two issuers never get the same one.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db import connection
from django.utils.translation import gettext as _

from balai.core.calendar import CALENDAR_TZ
from balai.documents.models import DocumentSequence

MONTHS_ID = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)
ROMAN_MONTHS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")

TOKEN_RE = re.compile(r"\{([^{}]*)\}")
TOKEN_BODY_RE = re.compile(r"^([a-z_]+)(?::(\d{1,2}))?$")
KNOWN_TOKENS = ("agency", "service", "seq", "month_roman", "month", "year")
DEFAULT_SEQ_WIDTH = 4
MAX_SEQ_WIDTH = 10
MAX_REFERENCE_LENGTH = 200  # IssuedDocument.number
MAX_PATTERN_LENGTH = 200  # DocumentTemplate.reference_pattern
# The longest value each token can take: agency codes have at most 32 characters, service codes 40, a year 4.
_WORST_CASE_LENGTH = {"agency": 32, "service": 40, "month_roman": 4, "month": 2, "year": 4}
# Printable text only: a reference ends up in PDFs, file names and URLs of other systems.
_PATTERN_TEXT_RE = re.compile(r"^[A-Za-z0-9 ./\-_()#:]*$")


def local_date(value: dt.date | dt.datetime) -> dt.date:
    """The calendar date of ``value`` where the regional government is (an aware datetime is converted)."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise ValueError("naive datetime")
        return value.astimezone(CALENDAR_TZ).date()
    return value


def format_date_id(value: dt.date | dt.datetime) -> str:
    """``23 November 2026``: the Indonesian long form, whatever language is active."""
    day = local_date(value)
    return f"{day.day} {MONTHS_ID[day.month - 1]} {day.year}"


def roman_month(month: int) -> str:
    if not 1 <= month <= 12:
        raise ValueError(f"month out of range: {month}")
    return ROMAN_MONTHS[month - 1]


@dataclass(frozen=True)
class _Token:
    name: str
    width: int | None


def _parse(pattern: str) -> tuple[list[_Token], list[str]]:
    """The tokens of ``pattern`` and the problems found (translated)."""
    tokens: list[_Token] = []
    errors: list[str] = []
    for match in TOKEN_RE.finditer(pattern):
        body = match.group(1).strip()
        parsed = TOKEN_BODY_RE.match(body)
        if parsed is None or parsed.group(1) not in KNOWN_TOKENS:
            errors.append(
                _("Unknown part {%(token)s} in the reference pattern; use %(known)s.")
                % {"token": body, "known": ", ".join("{" + name + "}" for name in KNOWN_TOKENS)}
            )
            continue
        name, width = parsed.group(1), parsed.group(2)
        if width is not None and name != "seq":
            errors.append(
                _("Only {seq} takes a number of digits (for example {seq:5}), not {%(token)s}.") % {"token": body}
            )
            continue
        if width is not None and not 1 <= int(width) <= MAX_SEQ_WIDTH:
            errors.append(
                _("The number of digits of {seq} must be from 1 to %(max)d.") % {"max": MAX_SEQ_WIDTH},
            )
            continue
        tokens.append(_Token(name, int(width) if width is not None else None))
    return tokens, errors


def validate_reference_pattern(pattern: str, *, shared_by_agencies: bool = False) -> list[str]:
    """The problems of ``pattern`` as translated messages (an empty list when it is fine).

    ``shared_by_agencies``: the template issues documents for more than one agency (it names none), so the
    pattern must contain ``{agency}`` or two agencies would print the same number."""
    pattern = pattern or ""
    if not pattern.strip():
        return [_("Enter a reference number pattern, for example {agency}/{service}/{seq}/{month_roman}/{year}.")]
    if len(pattern) > MAX_PATTERN_LENGTH:
        return [_("The reference pattern is too long (at most %(max)d characters).") % {"max": MAX_PATTERN_LENGTH}]
    tokens, errors = _parse(pattern)
    text = TOKEN_RE.sub("", pattern)
    if "{" in text or "}" in text:
        errors.append(_("The reference pattern has a brace without its partner: write tokens as {seq}."))
    elif not _PATTERN_TEXT_RE.match(text):
        errors.append(
            _("Between the tokens the reference pattern may only hold letters, digits, spaces and . / - _ ( ) # :")
        )
    names = [token.name for token in tokens]
    if names.count("seq") != 1:
        errors.append(_("The reference pattern must contain {seq} (the running number) exactly once."))
    if "year" not in names:
        errors.append(_("The reference pattern must contain {year}: the running number starts again every year."))
    if shared_by_agencies and "agency" not in names:
        errors.append(
            _(
                "The reference pattern must contain {agency}: this template has no issuing agency of its own, so "
                "several agencies number with it."
            )
        )
    if not errors:
        worst = len(text) + sum(
            max(token.width or DEFAULT_SEQ_WIDTH, 6) if token.name == "seq" else _WORST_CASE_LENGTH[token.name]
            for token in tokens
        )
        if worst > MAX_REFERENCE_LENGTH:
            errors.append(
                _("Numbers made with this pattern could be longer than %(max)d characters; shorten it.")
                % {"max": MAX_REFERENCE_LENGTH}
            )
    return errors


def format_reference(pattern: str, *, agency: str, service: str, seq: int, when: dt.date | dt.datetime) -> str:
    """The reference number for running number ``seq`` issued on ``when`` (the pattern must be valid)."""
    day = local_date(when)
    values = {
        "agency": agency,
        "service": service,
        "month_roman": roman_month(day.month),
        "month": f"{day.month:02d}",
        "year": f"{day.year:04d}",
    }

    def replace(match: re.Match[str]) -> str:
        parsed = TOKEN_BODY_RE.match(match.group(1).strip())
        if parsed is None or parsed.group(1) not in KNOWN_TOKENS:
            raise ValueError(f"invalid reference pattern {pattern!r}")
        name = parsed.group(1)
        if name == "seq":
            width = int(parsed.group(2) or DEFAULT_SEQ_WIDTH)
            return f"{seq:0{width}d}"
        return values[name]

    return TOKEN_RE.sub(replace, pattern)


def sequence_scope(template_code: str, agency_code: str) -> str:
    """The numbering scope of a template when ``agency_code`` issues (at most 97 characters)."""
    return f"{template_code}:{agency_code}"


def next_document_sequence(scope: str, year: int) -> int:
    """Take the next running number of ``scope`` and ``year``. Must run inside the transaction that stores the
    document: the row stays locked until it ends, and a rollback gives the number back."""
    if not connection.in_atomic_block:
        raise RuntimeError("next_document_sequence must run inside transaction.atomic()")
    DocumentSequence.objects.get_or_create(scope=scope, year=year)
    sequence = DocumentSequence.objects.select_for_update().get(scope=scope, year=year)
    sequence.last_value += 1
    sequence.save(update_fields=["last_value"])
    return sequence.last_value
