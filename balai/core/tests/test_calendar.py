"""Working days: weekends, Indonesian national holidays, collective leave and overrides kept by admins."""

import datetime as dt

import pytest

from balai.core.calendar import CALENDAR_TZ, add_working_days, is_working_day, working_days_between
from balai.core.models import Holiday, HolidayKind

pytestmark = pytest.mark.django_db


def at(day: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour), tzinfo=CALENDAR_TZ)


def test_weekdays_are_working_days_and_weekends_are_not():
    assert is_working_day(dt.date(2026, 3, 18))  # Wednesday
    assert not is_working_day(dt.date(2026, 3, 28))  # Saturday
    assert not is_working_day(dt.date(2026, 3, 29))  # Sunday


def test_national_holidays_of_2026_are_days_off():
    assert not is_working_day(dt.date(2026, 8, 17))  # Independence Day, a Monday
    assert not is_working_day(dt.date(2026, 3, 19))  # Nyepi, a Thursday
    assert not is_working_day(dt.date(2026, 12, 25))  # Christmas, a Friday
    assert not is_working_day(dt.date(2027, 1, 1))  # New Year, a Friday


def test_deadline_skips_independence_day():
    # Friday 14 Aug + 1 working day: Monday 17 Aug is a holiday, so Tuesday 18 Aug, end of day.
    due = add_working_days(at("2026-08-14"), 1)
    assert due == dt.datetime(2026, 8, 18, 23, 59, 59, tzinfo=CALENDAR_TZ)
    assert due.tzinfo is not None


def test_collective_leave_added_by_an_administrator_moves_the_deadline():
    start = at("2026-03-18")  # Wednesday before Nyepi and Idul Fitri
    # Without collective leave: Fri 20, Mon 23, Tue 24 are working days (Thu 19 Nyepi, Sat 21 Idul Fitri).
    assert add_working_days(start, 3).date() == dt.date(2026, 3, 24)
    for day in ("2026-03-20", "2026-03-23", "2026-03-24"):
        Holiday.objects.create(date=day, name="Cuti bersama Idul Fitri", kind=HolidayKind.COLLECTIVE_LEAVE)
    # The cache was refreshed by the save: now Wed 25, Thu 26, Fri 27.
    assert not is_working_day(dt.date(2026, 3, 23))
    assert add_working_days(start, 3).date() == dt.date(2026, 3, 27)


def test_removing_a_holiday_refreshes_the_calendar():
    holiday = Holiday.objects.create(date="2026-06-03", name="Hari jadi kabupaten", kind=HolidayKind.LOCAL)
    assert not is_working_day(dt.date(2026, 6, 3))
    holiday.delete()
    assert is_working_day(dt.date(2026, 6, 3))


def test_working_day_override_makes_a_saturday_a_working_day():
    Holiday.objects.create(date="2026-03-28", name="Hari kerja pengganti", is_working_day_override=True)
    assert is_working_day(dt.date(2026, 3, 28))
    assert add_working_days(at("2026-03-27"), 1).date() == dt.date(2026, 3, 28)


def test_working_days_between_is_the_inverse_of_add_working_days():
    start = at("2026-08-10")
    for n in (0, 1, 5, 12, 40):
        assert working_days_between(start, add_working_days(start, n)) == n
    assert working_days_between(at("2026-08-14"), at("2026-08-18")) == 1  # Mon 17 Aug is a holiday
    assert working_days_between(at("2026-08-18", 16), at("2026-08-18", 9)) == 0


def test_zero_days_ends_today_or_the_next_working_day():
    assert add_working_days(at("2026-03-18"), 0).date() == dt.date(2026, 3, 18)
    assert add_working_days(at("2026-08-15"), 0).date() == dt.date(2026, 8, 18)  # Sat -> Tue


def test_deadline_crosses_the_year_end():
    due = add_working_days(at("2026-12-30"), 2)
    assert due.date() == dt.date(2027, 1, 4)  # Thu 31 Dec, (Fri 1 Jan off), Mon 4 Jan


def test_naive_datetimes_and_negative_days_are_refused():
    with pytest.raises(ValueError):
        add_working_days(dt.datetime(2026, 1, 5, 10), 1)  # noqa: DTZ001 - the refused case
    with pytest.raises(ValueError):
        add_working_days(at("2026-01-05"), -1)


def test_jakarta_day_is_used_for_utc_moments():
    # 20:00 UTC on Thursday 13 Aug is already Friday 14 Aug 03:00 in Jakarta: +1 skips Mon 17 Aug.
    moment = dt.datetime(2026, 8, 13, 20, 0, tzinfo=dt.UTC)
    assert add_working_days(moment, 1).date() == dt.date(2026, 8, 18)
