"""Due-date rules of taxes and levies, kept as data (``due`` in taxes.yaml, ``due_rule`` in the database):

- ``{"month": 8, "day": 31}``: that day of the tax year (PBB-P2);
- ``{"days_after_period": 15}``: N calendar days after the last day of the period (PBJT: the month);
- ``{"days_after_issue": 30}``: N calendar days after the bill is issued (reklame, air tanah);
- ``{"day_of_next_month": 10}``: that day of the month after the period (monthly levies);
- ``{"on_filing": true}``: due on the day of filing (BPHTB).

Days are calendar days in the regional government's time zone; a bill is due until the end of its due day.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from balai.core.calendar import CALENDAR_TZ

RULE_KEYS = ("month", "day", "days_after_period", "days_after_issue", "day_of_next_month", "on_filing")
MAX_DAYS = 366


def _int(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value


def due_rule_errors(rule: Any) -> list[str]:
    """What is wrong with ``rule`` (translated); empty when it is one of the documented forms."""
    if not isinstance(rule, dict) or not rule:
        return [
            _(
                "Give the due date rule as one of: month and day, days_after_period, days_after_issue, "
                "day_of_next_month or on_filing."
            )
        ]
    unknown = sorted(set(rule) - set(RULE_KEYS))
    if unknown:
        return [_("Unknown key in the due date rule: %(keys)s.") % {"keys": ", ".join(unknown)}]
    keys = set(rule)
    if keys == {"month", "day"}:
        month, day = _int(rule["month"]), _int(rule["day"])
        if month is None or day is None or not 1 <= month <= 12:
            return [_("The due month must be a whole number from 1 to 12, and the day a whole number.")]
        # A day that exists in every year (no 29 February).
        if not 1 <= day <= calendar.monthrange(2001, month)[1]:
            return [_("Day %(day)s does not exist in month %(month)s every year.") % {"day": day, "month": month}]
        return []
    if len(keys) != 1:
        return [_("A due date rule has one key (or month and day together).")]
    (key,) = keys
    value = rule[key]
    if key == "on_filing":
        return [] if value is True else [_("on_filing must be true.")]
    number = _int(value)
    if key in {"days_after_period", "days_after_issue"}:
        if number is None or not 0 <= number <= MAX_DAYS:
            return [_("The number of days must be a whole number from 0 to %(max)d.") % {"max": MAX_DAYS}]
        return []
    if key == "day_of_next_month":
        if number is None or not 1 <= number <= 28:
            return [_("The day of the next month must be a whole number from 1 to 28.")]
        return []
    return [_("Give the month together with the day.")]


def last_day_of_month(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def due_date(
    rule: dict[str, Any],
    *,
    year: int | None = None,
    month: int | None = None,
    issued_on: dt.date | None = None,
) -> dt.date:
    """The due date under ``rule`` for the period ``year`` (and ``month`` for monthly periods) or for a bill
    issued (or a return filed) on ``issued_on``. The rule must be valid (``due_rule_errors``)."""
    if "month" in rule:
        if year is None:
            raise ValueError("a yearly due rule needs the tax year")
        return dt.date(year, int(rule["month"]), int(rule["day"]))
    if "days_after_period" in rule:
        if year is None or month is None:
            raise ValueError("days_after_period needs the period's year and month")
        return last_day_of_month(year, month) + dt.timedelta(days=int(rule["days_after_period"]))
    if "day_of_next_month" in rule:
        if year is None or month is None:
            raise ValueError("day_of_next_month needs the period's year and month")
        next_year, next_month = (year + 1, 1) if month == 12 else (year, month + 1)
        return dt.date(next_year, next_month, int(rule["day_of_next_month"]))
    if issued_on is None:
        raise ValueError("this due rule needs the issue or filing date")
    if "days_after_issue" in rule:
        return issued_on + dt.timedelta(days=int(rule["days_after_issue"]))
    return issued_on  # on_filing


def end_of_day(day: dt.date) -> dt.datetime:
    """The last moment of ``day`` where the regional government is (aware datetime)."""
    return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=CALENDAR_TZ)


def local_today(now: dt.datetime) -> dt.date:
    return now.astimezone(CALENDAR_TZ).date()
