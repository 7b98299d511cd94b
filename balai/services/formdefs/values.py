"""One cleaner per field type, shared by the HTML form and the API's JSON body so both apply the same rules
and the same Indonesian-first messages. Every cleaner returns a JSON-ready value (dates as ISO strings,
decimals and coordinates as strings, integers as int) or raises ``AnswerError`` naming the field."""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from balai.accounts.nik import validate_nik
from balai.accounts.phone import normalize_phone

from .definition import DEFAULT_MAX_LENGTH

EMPTY_VALUES = (None, "", [], {})
INTEGER_RE = re.compile(r"^[+-]?\d{1,18}$")
DECIMAL_RE = re.compile(r"^[+-]?\d{1,15}([.,]\d{1,10})?$")
DATE_DMY_RE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
# Control characters other than tab and line breaks have no place in an answer; NUL breaks PostgreSQL text.
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Answers end up in HTML pages, PDFs, e-mails and exports; markup has no business in them. "luas < 100" is fine.
MARKUP_RE = re.compile(r"<\s*[a-zA-Z/!?]")
COORDINATE_RE = re.compile(r"^[+-]?\d{1,3}([.,]\d{1,10})?$")
MAX_RAW_LENGTH = 100


class AnswerError(Exception):
    """A field's value is not acceptable; ``messages`` are translated and name the field."""

    def __init__(self, *messages: str) -> None:
        self.messages = list(messages)
        super().__init__(" ".join(self.messages))


def current_language(language: str | None = None) -> str:
    return (language or get_language() or settings.LANGUAGE_CODE).split("-")[0]


def field_label(spec: Mapping[str, Any], language: str | None = None) -> str:
    """A field's label (or a requirement's name) in ``language``, falling back to the Indonesian one."""
    if current_language(language) == "en" and (spec.get("label_en") or spec.get("name_en")):
        return str(spec.get("label_en") or spec.get("name_en"))
    return str(spec.get("label") or spec.get("name") or spec.get("code"))


def choice_items(spec: Mapping[str, Any], language: str | None = None) -> list[tuple[str, str]]:
    choices = spec.get("choices") or {}
    translated = spec.get("choices_en") or {} if current_language(language) == "en" else {}
    translated = {str(k): v for k, v in translated.items()}
    return [(str(value), str(translated.get(str(value)) or label)) for value, label in choices.items()]


def local_today() -> datetime.date:
    """Today's date where the regional government is (Asia/Jakarta unless configured otherwise)."""
    return timezone.now().astimezone(ZoneInfo(settings.TIME_ZONE)).date()


def resolve_date_bound(value: Any) -> datetime.date | None:
    if value is None:
        return None
    if value == "today":
        return local_today()
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value))


def is_empty(value: Any) -> bool:
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, dict):
        return all(is_empty(v) for v in value.values())
    return value in EMPTY_VALUES


def _expect_text(value: Any, label: str) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise AnswerError(_("%(label)s must be a single text value.") % {"label": label})
    return str(value)


def _no_control_characters(text: str, label: str) -> None:
    if CONTROL_RE.search(text):
        raise AnswerError(_("%(label)s contains characters that are not allowed.") % {"label": label})


def _clean_text(spec: Mapping[str, Any], value: Any, label: str) -> str:
    if not isinstance(value, str):
        raise AnswerError(_("%(label)s must be a single text value.") % {"label": label})
    ftype = spec.get("type", "text")
    text = value.replace("\r\n", "\n").strip()
    if ftype == "text":
        # One line: a pasted line break becomes a space.
        text = " ".join(text.split("\n"))
        if "\t" in text:
            text = text.replace("\t", " ")
    _no_control_characters(text, label)
    if MARKUP_RE.search(text):
        raise AnswerError(_("%(label)s cannot contain HTML tags (a < followed by a letter).") % {"label": label})
    max_length = spec.get("max_length") or DEFAULT_MAX_LENGTH.get(ftype, 500)
    if len(text) > max_length:
        raise AnswerError(
            _("%(label)s must be at most %(max)d characters long; you entered %(count)d.")
            % {"label": label, "max": max_length, "count": len(text)}
        )
    pattern = spec.get("pattern")
    if pattern and not re.fullmatch(pattern, text):
        raise AnswerError(_("%(label)s is not in the expected format.") % {"label": label})
    return text


def _check_bounds(spec: Mapping[str, Any], number: Decimal | int, label: str, shown: str) -> None:
    minimum, maximum = spec.get("min"), spec.get("max")
    if minimum is not None and number < Decimal(str(minimum)):
        raise AnswerError(
            _("%(label)s must be at least %(min)s; you entered %(value)s.")
            % {"label": label, "min": _format_bound(minimum), "value": shown}
        )
    if maximum is not None and number > Decimal(str(maximum)):
        raise AnswerError(
            _("%(label)s must be at most %(max)s; you entered %(value)s.")
            % {"label": label, "max": _format_bound(maximum), "value": shown}
        )


def _format_bound(bound: int | float) -> str:
    if isinstance(bound, float) and bound.is_integer():
        bound = int(bound)
    return str(bound).replace(".", ",") if current_language() == "id" else str(bound)


def _clean_integer(spec: Mapping[str, Any], value: Any, label: str) -> int:
    if isinstance(value, bool):
        raise AnswerError(_("%(label)s must be a whole number, for example 3.") % {"label": label})
    if isinstance(value, int):
        number = value
        if abs(number) >= 10**18:
            raise AnswerError(_("%(label)s must be a whole number, for example 3.") % {"label": label})
    elif isinstance(value, str) and INTEGER_RE.match(value.strip()):
        number = int(value.strip())
    elif isinstance(value, float) and value.is_integer() and abs(value) < 10**15:
        number = int(value)
    else:
        raise AnswerError(_("%(label)s must be a whole number, for example 3.") % {"label": label})
    _check_bounds(spec, number, label, str(number))
    return number


def _clean_decimal(spec: Mapping[str, Any], value: Any, label: str) -> str:
    message = _("%(label)s must be a number, for example 120,5.") % {"label": label}
    if isinstance(value, bool):
        raise AnswerError(message)
    if isinstance(value, int | float):
        text = repr(value) if isinstance(value, float) else str(value)
    elif isinstance(value, str):
        text = value.strip().replace(" ", "")
    else:
        raise AnswerError(message)
    if not DECIMAL_RE.match(text):
        raise AnswerError(message)
    try:
        number = Decimal(text.replace(",", "."))
    except InvalidOperation as exc:  # pragma: no cover - the pattern above already refuses these
        raise AnswerError(message) from exc
    if not number.is_finite():
        raise AnswerError(message)
    _check_bounds(spec, number, label, text)
    return _decimal_string(number)


def _decimal_string(number: Decimal) -> str:
    text = format(number.normalize(), "f")
    return "0" if text in {"-0", "+0"} else text


def _clean_date(spec: Mapping[str, Any], value: Any, label: str) -> str:
    message = _("%(label)s must be a real date, for example 17/08/1990.") % {"label": label}
    if isinstance(value, datetime.datetime):
        raise AnswerError(message)
    if isinstance(value, datetime.date):
        date = value
    elif isinstance(value, str) and len(value) <= MAX_RAW_LENGTH:
        text = value.strip()
        match = DATE_DMY_RE.match(text)
        try:
            if match:
                day, month, year = (int(part) for part in match.groups())
                date = datetime.date(year, month, day)
            elif re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                date = datetime.date.fromisoformat(text)
            else:
                raise AnswerError(message)
        except ValueError as exc:
            raise AnswerError(message) from exc
    else:
        raise AnswerError(message)
    not_after = resolve_date_bound(spec.get("not_after"))
    if not_after and date > not_after:
        if spec.get("not_after") == "today":
            raise AnswerError(_("%(label)s cannot be in the future.") % {"label": label})
        raise AnswerError(
            _("%(label)s must be on or before %(date)s.") % {"label": label, "date": not_after.strftime("%d/%m/%Y")}
        )
    not_before = resolve_date_bound(spec.get("not_before"))
    if not_before and date < not_before:
        if spec.get("not_before") == "today":
            raise AnswerError(_("%(label)s cannot be in the past.") % {"label": label})
        raise AnswerError(
            _("%(label)s must be on or after %(date)s.") % {"label": label, "date": not_before.strftime("%d/%m/%Y")}
        )
    return date.isoformat()


def _clean_choice(spec: Mapping[str, Any], value: Any, label: str) -> str:
    text = _expect_text(value, label).strip()
    allowed = {str(key) for key in (spec.get("choices") or {})}
    if text not in allowed:
        raise AnswerError(_("Choose one of the options for %(label)s.") % {"label": label})
    return text


def _clean_nik(spec: Mapping[str, Any], value: Any, label: str) -> str:
    text = _expect_text(value, label)
    if len(text) > MAX_RAW_LENGTH:
        raise AnswerError(_("%(label)s: a NIK has exactly 16 digits.") % {"label": label})
    try:
        return validate_nik(text).nik
    except ValidationError as exc:
        raise AnswerError(*[_("%(label)s: %(error)s") % {"label": label, "error": m} for m in exc.messages]) from exc


def _clean_phone(spec: Mapping[str, Any], value: Any, label: str) -> str:
    text = _expect_text(value, label)
    try:
        return normalize_phone(text)
    except ValidationError as exc:
        raise AnswerError(*[_("%(label)s: %(error)s") % {"label": label, "error": m} for m in exc.messages]) from exc


def _clean_email(spec: Mapping[str, Any], value: Any, label: str) -> str:
    text = _expect_text(value, label).strip().lower()
    message = _("%(label)s must be an e-mail address, for example nama@contoh.id.") % {"label": label}
    if len(text) > 254:
        raise AnswerError(message)
    try:
        validate_email(text)
    except ValidationError as exc:
        raise AnswerError(message) from exc
    return text


def _clean_checkbox(spec: Mapping[str, Any], value: Any, label: str) -> bool:
    if value is True or value is False:
        return value
    raise AnswerError(_("%(label)s must be true or false.") % {"label": label})


def _coordinate(text: Any, label: str, limit: int, message: str) -> str:
    if isinstance(text, bool) or not isinstance(text, str | int | float):
        raise AnswerError(message)
    raw = repr(text) if isinstance(text, float) else str(text).strip()
    if not COORDINATE_RE.match(raw):
        raise AnswerError(message)
    number = Decimal(raw.replace(",", "."))
    if not -limit <= number <= limit:
        raise AnswerError(message)
    return _decimal_string(number)


def _clean_geo(spec: Mapping[str, Any], value: Any, label: str) -> dict[str, str]:
    if isinstance(value, str) and len(value) <= MAX_RAW_LENGTH:
        # The text fallback: "-6.2, 106.8" pasted from a map application.
        parts = [part for part in re.split(r"[;\s]+|,\s+", value.strip()) if part]
        if len(parts) == 2:
            value = {"lat": parts[0], "lon": parts[1]}
    if not isinstance(value, dict) or set(value) - {"lat", "lon"}:
        raise AnswerError(_("%(label)s must be a location with a latitude and a longitude.") % {"label": label})
    lat_message = _("%(label)s: the latitude must be a number from -90 to 90, for example -6,2.") % {"label": label}
    lon_message = _("%(label)s: the longitude must be a number from -180 to 180, for example 106,8.") % {"label": label}
    errors = []
    result = {}
    for key, limit, message in (("lat", 90, lat_message), ("lon", 180, lon_message)):
        try:
            result[key] = _coordinate(value.get(key), label, limit, message)
        except AnswerError as exc:
            errors.extend(exc.messages)
    if errors:
        raise AnswerError(*errors)
    return result


def _clean_region(spec: Mapping[str, Any], value: Any, label: str) -> dict[str, str]:
    from balai.organizations.models import Village

    message = _("%(label)s must be a district (kecamatan) and a village (kelurahan/desa).") % {"label": label}
    if not isinstance(value, dict) or set(value) - {"district", "village"}:
        raise AnswerError(message)
    district, village = value.get("district"), value.get("village")
    if is_empty(district):
        raise AnswerError(_("%(label)s: choose the district (kecamatan).") % {"label": label})
    if is_empty(village):
        raise AnswerError(_("%(label)s: choose the village (kelurahan/desa).") % {"label": label})
    if not isinstance(district, str) or not isinstance(village, str) or len(district) > 20 or len(village) > 20:
        raise AnswerError(message)
    found = Village.objects.filter(code=village.strip()).select_related("district").first()
    if found is None:
        raise AnswerError(_("%(label)s: the village (kelurahan/desa) chosen does not exist.") % {"label": label})
    if found.district.code != district.strip():
        raise AnswerError(
            _("%(label)s: the village %(village)s is not in the district chosen.")
            % {"label": label, "village": found.name}
        )
    return {"district": found.district.code, "village": found.code}


CLEANERS = {
    "text": _clean_text,
    "textarea": _clean_text,
    "integer": _clean_integer,
    "decimal": _clean_decimal,
    "date": _clean_date,
    "choice": _clean_choice,
    "nik": _clean_nik,
    "phone": _clean_phone,
    "email": _clean_email,
    "checkbox": _clean_checkbox,
    "geo": _clean_geo,
    "region": _clean_region,
}


def clean_value(spec: Mapping[str, Any], value: Any, *, required: bool | None = None, language: str | None = None):
    """Clean one answer. Empty values give ``None`` (``False`` for a checkbox) unless the field is required."""
    label = field_label(spec, language)
    ftype = spec["type"]
    required = bool(spec.get("required", False)) if required is None else required
    if ftype == "checkbox":
        checked = False if value is None else _clean_checkbox(spec, value, label)
        if required and not checked:
            raise AnswerError(_("%(label)s must be ticked to continue.") % {"label": label})
        return checked
    if is_empty(value):
        if required:
            if ftype in {"choice", "region"}:
                raise AnswerError(_("Choose %(label)s.") % {"label": label})
            raise AnswerError(_("%(label)s is required.") % {"label": label})
        return None
    return CLEANERS[ftype](spec, value, label)
