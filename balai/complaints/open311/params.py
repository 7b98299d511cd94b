"""Reading GeoReport v2 arguments: W3C date-times, comma-separated lists, statuses, the location and the
``attribute[code]`` / ``attribute[code][]`` answers of a POST. Every refusal is an ``Open311Error`` (400)
that names the argument, so a client can fix its request."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext as _

from balai.complaints.open311.errors import Open311Error
from balai.core.calendar import CALENDAR_TZ

STATUSES = ("open", "closed")
MAX_LIST_ITEMS = 1000
MAX_ITEM_LENGTH = 64
_YEARS = (1900, 2999)  # outside this a date is a typing error, and 9999 + 90 days would overflow
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ATTRIBUTE_KEY = re.compile(r"^attribute\[([^\[\]]{1,100})\](\[\])?$")
_ATTRIBUTE_CODE = re.compile(r"^[A-Za-z0-9_.\-]{1,50}$")
MAX_ATTRIBUTE_VALUE = 1000


def value_of(data: QueryDict, name: str) -> str:
    """The argument's value, stripped; "" when absent or empty (the spec treats both alike)."""
    raw = data.get(name, "")
    return raw.strip() if isinstance(raw, str) else ""


def parse_w3_datetime(raw: str, name: str) -> dt.datetime | None:
    """``2010-01-01T00:00:00Z``, ``2010-01-01T07:00:00+07:00`` or a date (the start of that day, Asia/Jakarta).
    A time without an offset is refused: the spec requires one."""
    if not raw:
        return None
    text = raw.strip()
    if _DATE_ONLY.match(text):
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            day = None
        if day is not None and _YEARS[0] <= day.year <= _YEARS[1]:
            return dt.datetime.combine(day, dt.time.min, tzinfo=CALENDAR_TZ)
    elif "T" in text:
        # An unencoded "+07:00" in a query string arrives as " 07:00".
        try:
            moment = dt.datetime.fromisoformat(text.replace(" ", "+"))
        except ValueError:
            moment = None
        if moment is not None:
            if moment.tzinfo is None:
                raise Open311Error.bad_request(
                    _("%(name)s needs a time zone: end it with Z or an offset such as +07:00.") % {"name": name}
                )
            if _YEARS[0] <= moment.year <= _YEARS[1]:
                return moment
    raise Open311Error.bad_request(
        _("%(name)s is not a W3C date-time; write it like 2026-01-31T00:00:00Z.") % {"name": name}
    )


def parse_list(raw: str, name: str) -> list[str]:
    """A comma-separated list without empty items or repeats, in the order given."""
    items: list[str] = []
    for part in raw.split(","):
        item = part.strip()
        if not item or item in items:
            continue
        if len(item) > MAX_ITEM_LENGTH:
            raise Open311Error.bad_request(_("A value of %(name)s is too long.") % {"name": name})
        items.append(item)
    if len(items) > MAX_LIST_ITEMS:
        raise Open311Error.bad_request(
            _("%(name)s lists more than %(limit)s values.") % {"name": name, "limit": MAX_LIST_ITEMS}
        )
    return items


def parse_statuses(raw: str) -> list[str]:
    statuses = [item.lower() for item in parse_list(raw, "status")]
    unknown = [item for item in statuses if item not in STATUSES]
    if unknown:
        raise Open311Error.bad_request(
            _("Unknown status %(value)s: use open or closed.") % {"value": ", ".join(unknown)}
        )
    return statuses


def parse_coordinate(raw: str, name: str, limit: int) -> Decimal | None:
    if not raw:
        return None
    try:
        value = Decimal(raw)
    except (InvalidOperation, ValueError):
        value = None
    if value is None or not value.is_finite():
        raise Open311Error.bad_request(_("%(name)s must be a number in decimal degrees.") % {"name": name})
    if not -limit <= value <= limit:
        raise Open311Error.bad_request(
            _("%(name)s must be between -%(limit)s and %(limit)s.") % {"name": name, "limit": limit}
        )
    # The model keeps six decimals (about 10 cm), more is noise from the device.
    return value.quantize(Decimal("0.000001"))


def parse_location(data: QueryDict) -> tuple[Decimal | None, Decimal | None, str]:
    """(lat, long, address_string): lat and long together, or an address; at least one of the two."""
    lat = parse_coordinate(value_of(data, "lat"), "lat", 90)
    lon = parse_coordinate(value_of(data, "long"), "long", 180)
    address = value_of(data, "address_string")
    if (lat is None) != (lon is None):
        raise Open311Error.bad_request(_("Send lat and long together."))
    if len(address) > 500:
        raise Open311Error.bad_request(_("address_string may have at most 500 characters."))
    if lat is None and not address:
        if value_of(data, "address_id"):
            raise Open311Error.bad_request(_("address_id is not supported here; send lat and long or address_string."))
        raise Open311Error.bad_request(_("A location is required: send lat and long, or address_string."))
    return lat, lon, address


def parse_attributes(data: QueryDict) -> dict[str, Any]:
    """``attribute[code]=value`` and ``attribute[code][]=v1&attribute[code][]=v2`` (a multivaluelist)."""
    answers: dict[str, Any] = {}
    for key in data:
        match = _ATTRIBUTE_KEY.match(key)
        if match is None:
            continue
        code, is_list = match.group(1), bool(match.group(2))
        if not _ATTRIBUTE_CODE.match(code):
            raise Open311Error.bad_request(_("%(key)s is not a valid attribute name.") % {"key": key[:120]})
        values = [value.strip() for value in data.getlist(key)]
        if any(len(value) > MAX_ATTRIBUTE_VALUE for value in values):
            raise Open311Error.bad_request(_("The answer to attribute %(code)s is too long.") % {"code": code})
        if is_list:
            previous = answers.get(code)
            merged = (previous if isinstance(previous, list) else [] if previous is None else [previous]) + [
                value for value in values if value
            ]
            answers[code] = merged
        elif code in answers and isinstance(answers[code], list):
            answers[code] += [value for value in values if value]
        elif len(values) > 1:
            raise Open311Error.bad_request(
                _("attribute[%(code)s] was sent more than once; use attribute[%(code)s][] for several values.")
                % {"code": code}
            )
        else:
            answers[code] = values[0] if values else ""
    return {code: value for code, value in answers.items() if value not in ("", [])}
