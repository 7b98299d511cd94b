"""The working-day calendar: Monday to Friday, minus Indonesia's national holidays (``holidays``, country
ID) and the days administrators keep as ``Holiday`` rows (collective leave, local holidays), plus the
days they mark as working-day overrides. Deadlines end at 23:59:59 Asia/Jakarta of their last day.

The set of days off is cached per year in the Django cache (shared by every web process) and dropped
whenever a ``Holiday`` row is saved or deleted.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import holidays as holidays_lib
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

CALENDAR_TZ = ZoneInfo("Asia/Jakarta")
CACHE_KEY = "core:calendar:v1:%d"
CACHE_SECONDS = 24 * 3600
_END_OF_DAY = dt.time(23, 59, 59)


def _year_calendar(year: int) -> tuple[frozenset[dt.date], frozenset[dt.date]]:
    """(days off, forced working days) of ``year``."""
    key = CACHE_KEY % year
    cached = cache.get(key)
    if cached is not None:
        return cached
    from balai.core.models import Holiday

    off = set(holidays_lib.country_holidays("ID", years=year).keys())
    forced: set[dt.date] = set()
    for day, override in Holiday.objects.filter(date__year=year).values_list("date", "is_working_day_override"):
        if override:
            forced.add(day)
            off.discard(day)
        else:
            off.add(day)
    value = (frozenset(off), frozenset(forced))
    cache.set(key, value, CACHE_SECONDS)
    return value


def invalidate(year: int | None = None) -> None:
    if year is None:
        today = dt.datetime.now(CALENDAR_TZ).year
        cache.delete_many([CACHE_KEY % y for y in range(today - 5, today + 6)])
    else:
        cache.delete(CACHE_KEY % year)


@receiver(post_save, sender="core.Holiday", dispatch_uid="core_calendar_holiday_saved")
@receiver(post_delete, sender="core.Holiday", dispatch_uid="core_calendar_holiday_deleted")
def _holiday_changed(sender, instance, **kwargs) -> None:  # noqa: ANN001
    # A cache refresh, which STYLE.md allows signals for; an edited date may move the row between years.
    day = instance.date
    if isinstance(day, str):
        day = dt.date.fromisoformat(day)
    invalidate(day.year)
    invalidate()


def is_working_day(day: dt.date) -> bool:
    off, forced = _year_calendar(day.year)
    if day in forced:
        return True
    if day.weekday() >= 5:
        return False
    return day not in off


def _local_date(moment: dt.datetime) -> dt.date:
    if moment.tzinfo is None:
        raise ValueError("aware datetime required")
    return moment.astimezone(CALENDAR_TZ).date()


def add_working_days(start: dt.datetime, days: int) -> dt.datetime:
    """The end (23:59:59 Asia/Jakarta) of the ``days``-th working day after the day of ``start``.

    With ``days == 0`` it is the end of the start day itself (or of the next working day when the start
    day is not one).
    """
    if days < 0:
        raise ValueError("days must not be negative")
    day = _local_date(start)
    if days == 0:
        while not is_working_day(day):
            day += dt.timedelta(days=1)
    counted = 0
    while counted < days:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return dt.datetime.combine(day, _END_OF_DAY, tzinfo=CALENDAR_TZ)


def working_days_between(start: dt.datetime, end: dt.datetime) -> int:
    """Working days after the day of ``start`` up to and including the day of ``end`` (0 when ``end`` is
    on the same day or earlier), so ``working_days_between(s, add_working_days(s, n)) == n``."""
    first = _local_date(start)
    last = _local_date(end)
    count = 0
    day = first + dt.timedelta(days=1)
    while day <= last:
        if is_working_day(day):
            count += 1
        day += dt.timedelta(days=1)
    return count
