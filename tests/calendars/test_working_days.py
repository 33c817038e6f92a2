"""Working-day arithmetic, checked against numpy's business-day functions as an oracle.

The oracle's holiday list is built here, straight from the ``holidays`` package, and never
from the module under test. No Django and no database are needed.
"""

from __future__ import annotations

import datetime
import pickle
import time

import holidays
import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from calendars.working_days import (
    SUPPORTED_FIRST_YEAR,
    SUPPORTED_LAST_YEAR,
    CalendarRangeError,
    WorkingDayCalendar,
    add_working_days,
    default_calendar,
    is_working_day,
    next_working_day,
    previous_working_day,
    working_days_between,
)

D = datetime.date
ONE_DAY = datetime.timedelta(days=1)

LOW, HIGH = D(2018, 1, 1), D(2035, 12, 31)
# The oracle knows a few years either side, so that n = +-60 never runs off its data.
ORACLE_YEARS = range(2016, 2038)
BANK_HOLIDAYS = sorted(holidays.country_holidays("GB", subdiv="ENG", years=ORACLE_YEARS))
ENGLAND = np.busdaycalendar(weekmask="1111100", holidays=BANK_HOLIDAYS)

PROPERTY = settings(max_examples=300, deadline=None)


def _d(value: np.datetime64) -> datetime.date:
    return value.astype("datetime64[D]").astype(object)


def np_add(d: datetime.date, n: int, cal: np.busdaycalendar = ENGLAND) -> datetime.date:
    return _d(np.busday_offset(d, n, roll="backward" if n >= 0 else "forward", busdaycal=cal))


def np_between(a: datetime.date, b: datetime.date, cal: np.busdaycalendar = ENGLAND) -> int:
    if b >= a:
        return int(np.busday_count(a + ONE_DAY, b + ONE_DAY, busdaycal=cal))
    return -int(np.busday_count(b + ONE_DAY, a + ONE_DAY, busdaycal=cal))


def _default_days_off() -> frozenset[datetime.date]:
    bank = set(BANK_HOLIDAYS)
    day, end = D(ORACLE_YEARS[0], 1, 1), D(ORACLE_YEARS[-1], 12, 31)
    off = set()
    while day <= end:
        if day.weekday() >= 5 or day in bank:
            off.add(day)
        day += ONE_DAY
    return frozenset(off)


DEFAULT_DAYS_OFF = _default_days_off()


def np_partnership(closures: set[datetime.date],
                   working: set[datetime.date]) -> np.busdaycalendar:
    """numpy cannot open a weekend through its holiday list, so: every day a business day
    except an explicit list of every non-working day in the oracle's years."""
    return np.busdaycalendar(weekmask="1111111",
                             holidays=sorted((DEFAULT_DAYS_OFF | closures) - working))


# Dates anywhere in range, with extra weight on the days around bank holidays (where a
# wrong convention shows).
near_holidays = [h + k * ONE_DAY for h in BANK_HOLIDAYS if LOW.year <= h.year <= HIGH.year
                 for k in range(-3, 4)]
dates = st.one_of(st.dates(LOW, HIGH), st.sampled_from(near_holidays))
offsets = st.integers(-60, 60)


@st.composite
def partnerships(draw):
    """Extra closures and openings, mostly near a drawn centre date so that they matter."""
    centre = draw(dates)
    nearby = st.integers(-90, 90).map(lambda k: centre + k * ONE_DAY)
    closures = draw(st.sets(nearby, max_size=12))
    working = draw(st.sets(nearby, max_size=8)) - closures
    # Sometimes open a bank holiday or a weekend near the centre explicitly.
    extra = draw(st.sets(st.sampled_from(
        [h for h in BANK_HOLIDAYS if abs((h - centre).days) <= 90] or [centre]), max_size=3))
    working |= extra - closures
    return centre, closures, working


# --------------------------------------------------------------------------- properties


@PROPERTY
@given(d=dates, n=offsets)
@example(d=D(2026, 3, 7), n=0)  # a Saturday
@example(d=D(2026, 3, 8), n=-1)  # a Sunday
def test_add_working_days_matches_numpy(d, n):
    assert add_working_days(d, n) == np_add(d, n)


@PROPERTY
@given(a=dates, b=dates)
def test_working_days_between_matches_numpy_both_orders(a, b):
    assert working_days_between(a, b) == np_between(a, b)
    assert working_days_between(b, a) == np_between(b, a)
    assert working_days_between(b, a) == -working_days_between(a, b)


@PROPERTY
@given(d=dates, n=offsets)
def test_between_inverts_add(d, n):
    """Adding n working days from a working day moves exactly n working days."""
    start = add_working_days(d, 0)
    assert working_days_between(start, add_working_days(start, n)) == n


@PROPERTY
@given(d=dates)
def test_next_previous_and_is_working_day_match_numpy(d):
    assert is_working_day(d) == bool(np.is_busday(d, busdaycal=ENGLAND))
    assert next_working_day(d) == _d(np.busday_offset(d + ONE_DAY, 0, roll="forward",
                                                      busdaycal=ENGLAND))
    assert previous_working_day(d) == _d(np.busday_offset(d - ONE_DAY, 0, roll="backward",
                                                          busdaycal=ENGLAND))


@pytest.mark.slow
@PROPERTY
@given(p=partnerships(), n=offsets, other=dates)
def test_partnership_calendar_matches_numpy(p, n, other):
    centre, closures, working = p
    calendar = WorkingDayCalendar(extra_closures=frozenset(closures),
                                  extra_working_days=frozenset(working))
    oracle = np_partnership(closures, working)
    for d in (centre, centre + 3 * ONE_DAY, other):
        assert add_working_days(d, n, calendar) == np_add(d, n, oracle)
        assert is_working_day(d, calendar) == bool(np.is_busday(d, busdaycal=oracle))
        assert next_working_day(d, calendar) == np_add(d, 1, oracle)
        assert previous_working_day(d, calendar) == np_add(d, -1, oracle)
    end = centre + n * ONE_DAY
    assert working_days_between(centre, end, calendar) == np_between(centre, end, oracle)
    assert working_days_between(end, centre, calendar) == np_between(end, centre, oracle)
    assert working_days_between(centre, other, calendar) == np_between(centre, other, oracle)


# --------------------------------------------------------------------------- examples


@pytest.mark.parametrize(("start", "n", "expected"), [
    (D(2026, 3, 7), 1, D(2026, 3, 9)),  # Saturday + 1 = Monday
    (D(2026, 3, 6), 1, D(2026, 3, 9)),  # Friday + 1 = Monday
    (D(2026, 3, 8), 0, D(2026, 3, 6)),  # n = 0 on a Sunday = the Friday
    (D(2026, 3, 7), 0, D(2026, 3, 6)),  # ... and on a Saturday
    (D(2026, 3, 9), 0, D(2026, 3, 9)),  # n = 0 on a working day = that day
    (D(2026, 3, 8), -1, D(2026, 3, 6)),  # Sunday - 1 = Friday
    (D(2026, 3, 9), -1, D(2026, 3, 6)),  # Monday - 1 = Friday
    (D(2026, 3, 2), 15, D(2026, 3, 23)),  # three weeks, no holidays
    # Easter 2026: Good Friday 3 April, Easter Monday 6 April.
    (D(2026, 4, 2), 1, D(2026, 4, 7)),
    (D(2026, 4, 7), -1, D(2026, 4, 2)),
    (D(2026, 4, 3), 0, D(2026, 4, 2)),
    (D(2026, 4, 6), 1, D(2026, 4, 7)),
    (D(2026, 3, 30), 10, D(2026, 4, 15)),
    # Christmas 2026: Friday 25, Monday 28 is the Boxing Day substitute.
    (D(2026, 12, 24), 1, D(2026, 12, 29)),
    (D(2026, 12, 29), -1, D(2026, 12, 24)),
    (D(2026, 12, 28), 0, D(2026, 12, 24)),
    (D(2026, 12, 23), 5, D(2027, 1, 4)),  # 24, 29, 30, 31 Dec, 4 Jan (1 Jan a holiday)
    # 2021: Christmas and Boxing Day on the weekend, substitutes Monday 27 and Tuesday 28.
    (D(2021, 12, 24), 1, D(2021, 12, 29)),
    # One-off days.
    (D(2020, 5, 7), 1, D(2020, 5, 11)),  # VE Day 8 May 2020 (early May bank holiday moved)
    (D(2020, 5, 1), 1, D(2020, 5, 4)),  # ... so 4 May 2020 was a working day
    (D(2022, 6, 1), 1, D(2022, 6, 6)),  # 2 and 3 June 2022 (spring moved, Platinum Jubilee)
    (D(2022, 5, 27), 1, D(2022, 5, 30)),  # ... so 30 May 2022 was a working day
    (D(2022, 9, 16), 1, D(2022, 9, 20)),  # 19 September 2022, State Funeral
    (D(2023, 5, 5), 1, D(2023, 5, 9)),  # 8 May 2023, Coronation
])
def test_add_working_days_examples(start, n, expected):
    assert add_working_days(start, n) == expected


@pytest.mark.parametrize("day", [
    D(2020, 5, 8), D(2021, 12, 27), D(2021, 12, 28), D(2022, 6, 2), D(2022, 6, 3),
    D(2022, 9, 19), D(2023, 5, 8), D(2026, 4, 3), D(2026, 4, 6), D(2026, 12, 25),
    D(2026, 12, 28), D(2027, 1, 1), D(2026, 3, 7), D(2026, 3, 8),
])
def test_not_working_days(day):
    assert not is_working_day(day)


@pytest.mark.parametrize("day", [D(2020, 5, 4), D(2022, 5, 30), D(2026, 4, 2), D(2026, 4, 7),
                                 D(2026, 12, 24), D(2026, 12, 29)])
def test_working_days(day):
    assert is_working_day(day)


def test_working_days_between_examples():
    assert working_days_between(D(2026, 4, 2), D(2026, 4, 7)) == 1  # over Easter
    assert working_days_between(D(2026, 4, 7), D(2026, 4, 2)) == -1
    assert working_days_between(D(2026, 3, 6), D(2026, 3, 6)) == 0
    assert working_days_between(D(2026, 3, 7), D(2026, 3, 8)) == 0  # a weekend
    assert working_days_between(D(2026, 3, 6), D(2026, 3, 13)) == 5  # a < x <= b
    assert working_days_between(D(2026, 12, 24), D(2027, 1, 4)) == 4  # 29, 30, 31, 4


def test_next_and_previous_working_day_examples():
    assert next_working_day(D(2026, 3, 6)) == D(2026, 3, 9)
    assert next_working_day(D(2026, 3, 9)) == D(2026, 3, 10)  # strictly after
    assert next_working_day(D(2026, 4, 2)) == D(2026, 4, 7)
    assert previous_working_day(D(2026, 3, 9)) == D(2026, 3, 6)
    assert previous_working_day(D(2026, 3, 10)) == D(2026, 3, 9)  # strictly before
    assert previous_working_day(D(2026, 12, 29)) == D(2026, 12, 24)


def test_partnership_closure_shifts_a_deadline():
    closed = WorkingDayCalendar(extra_closures=frozenset({D(2026, 3, 11)}))
    assert add_working_days(D(2026, 3, 6), 5) == D(2026, 3, 13)
    assert add_working_days(D(2026, 3, 6), 5, closed) == D(2026, 3, 16)
    assert not is_working_day(D(2026, 3, 11), closed)
    assert working_days_between(D(2026, 3, 6), D(2026, 3, 13), closed) == 4
    assert add_working_days(D(2026, 3, 11), 0, closed) == D(2026, 3, 10)
    assert add_working_days(D(2026, 3, 11), -1, closed) == D(2026, 3, 10)
    # The default calendar is untouched.
    assert is_working_day(D(2026, 3, 11))


def test_bank_holiday_marked_working_counts():
    open_easter_monday = WorkingDayCalendar(extra_working_days=frozenset({D(2026, 4, 6)}))
    assert is_working_day(D(2026, 4, 6), open_easter_monday)
    assert add_working_days(D(2026, 4, 2), 1, open_easter_monday) == D(2026, 4, 6)
    assert add_working_days(D(2026, 4, 7), -1, open_easter_monday) == D(2026, 4, 6)
    assert working_days_between(D(2026, 4, 2), D(2026, 4, 7), open_easter_monday) == 2
    assert next_working_day(D(2026, 4, 3), open_easter_monday) == D(2026, 4, 6)


def test_saturday_marked_working_counts():
    saturday = D(2026, 3, 7)
    calendar = WorkingDayCalendar(extra_working_days=[saturday])
    assert add_working_days(D(2026, 3, 6), 1, calendar) == saturday
    assert add_working_days(D(2026, 3, 8), 0, calendar) == saturday
    assert previous_working_day(D(2026, 3, 9), calendar) == saturday


# --------------------------------------------------------------------------- the calendar


def test_calendar_equality_hash_and_immutability():
    a = WorkingDayCalendar(extra_closures={D(2026, 3, 11)})
    b = WorkingDayCalendar(extra_closures=[D(2026, 3, 11)], extra_working_days=())
    assert a == b and hash(a) == hash(b)
    assert a != default_calendar()
    assert a.extra_closures == frozenset({D(2026, 3, 11)})
    assert a.extra_working_days == frozenset()
    with pytest.raises(AttributeError, match="immutable"):
        a.first_year = 2001
    copy = pickle.loads(pickle.dumps(a))  # noqa: S301 - our own bytes
    assert copy == a
    assert add_working_days(D(2026, 3, 6), 5, copy) == D(2026, 3, 16)


def test_default_calendar_is_cached_and_equals_a_fresh_one():
    assert default_calendar() is default_calendar()
    assert default_calendar() == WorkingDayCalendar()
    assert default_calendar().first_date == D(SUPPORTED_FIRST_YEAR, 1, 1)
    assert default_calendar().last_date == D(SUPPORTED_LAST_YEAR, 12, 31)


def test_new_partnership_calendar_builds_quickly():
    default_calendar()  # bank holidays loaded once per process
    unique = frozenset({D(2031, 2, 3), D(2031, 2, 4), D(2031, 2, 5)})  # not cached before
    started = time.perf_counter()
    calendar = WorkingDayCalendar(extra_closures=unique)
    assert time.perf_counter() - started < 0.5
    assert add_working_days(D(2031, 1, 31), 1, calendar) == D(2031, 2, 6)


def test_exception_days_outside_the_range_are_dropped():
    calendar = WorkingDayCalendar(extra_closures={D(1999, 12, 31)},
                                  extra_working_days={D(2041, 1, 5)})
    assert calendar == default_calendar()
    assert calendar.extra_closures == frozenset()


def test_day_cannot_be_both_closed_and_working():
    with pytest.raises(ValueError, match="both an extra closure and an extra working day"):
        WorkingDayCalendar(extra_closures={D(2026, 3, 11)}, extra_working_days={D(2026, 3, 11)})


@pytest.mark.parametrize(("kwargs", "error", "message"), [
    ({"extra_closures": [datetime.datetime(2026, 3, 11, 9)]}, TypeError, "pass a date"),
    ({"extra_closures": ["2026-03-11"]}, TypeError, "extra_closures must be a datetime.date"),
    ({"extra_working_days": D(2026, 3, 7)}, TypeError, "collection of datetime.date"),
    ({"first_year": 1999}, CalendarRangeError, "first_year=1999 is outside"),
    ({"last_year": 2041}, CalendarRangeError, "last_year=2041 is outside"),
    ({"first_year": 2030, "last_year": 2029}, ValueError, "first_year .2030. is after"),
    ({"first_year": 2020.0}, TypeError, "first_year must be an int, not float"),
    ({"last_year": True}, TypeError, "last_year must be an int, not bool"),
])
def test_bad_calendar_arguments(kwargs, error, message):
    with pytest.raises(error, match=message):
        WorkingDayCalendar(**kwargs)


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize("call", [
    lambda: add_working_days(datetime.datetime(2026, 3, 6, 12), 1),
    lambda: is_working_day(datetime.datetime(2026, 3, 6, 12)),
    lambda: next_working_day(datetime.datetime(2026, 3, 6, 12)),
    lambda: previous_working_day(datetime.datetime(2026, 3, 6, 12)),
    lambda: working_days_between(D(2026, 3, 6), datetime.datetime(2026, 3, 9)),
])
def test_datetime_is_rejected(call):
    with pytest.raises(TypeError, match="not a datetime.datetime: pass a date"):
        call()


def test_error_messages_name_the_argument():
    with pytest.raises(TypeError, match="^start must be a datetime.date, not str$"):
        add_working_days("2026-03-06", 1)
    with pytest.raises(TypeError, match="^start must be a datetime.date, not a datetime"):
        add_working_days(datetime.datetime(2026, 3, 6), 1)
    with pytest.raises(TypeError, match="^n must be an int, not float$"):
        add_working_days(D(2026, 3, 6), 1.0)
    with pytest.raises(TypeError, match="^n must be an int, not bool$"):
        add_working_days(D(2026, 3, 6), True)
    with pytest.raises(TypeError, match="^n must be an int, not str$"):
        add_working_days(D(2026, 3, 6), "1")
    with pytest.raises(TypeError, match="^b must be a datetime.date, not NoneType$"):
        working_days_between(D(2026, 3, 6), None)
    with pytest.raises(TypeError, match="^d must be a datetime.date, not int$"):
        is_working_day(20260306)
    with pytest.raises(TypeError, match="calendar must be a WorkingDayCalendar or None"):
        add_working_days(D(2026, 3, 6), 1, "ENG")


@pytest.mark.parametrize(("call", "message"), [
    (lambda: add_working_days(D(2041, 1, 2), 1), r"start=2041-01-02 is outside"),
    (lambda: add_working_days(D(1999, 12, 31), 1), r"start=1999-12-31 is outside"),
    (lambda: is_working_day(D(2041, 1, 1)), r"d=2041-01-01 is outside"),
    (lambda: working_days_between(D(2026, 1, 1), D(2041, 1, 1)), r"b=2041-01-01 is outside"),
    (lambda: working_days_between(D(1990, 1, 1), D(2026, 1, 1)), r"a=1990-01-01 is outside"),
    # Inside the range, but the answer is not.
    (lambda: add_working_days(D(2040, 12, 28), 5), r"falls after 2040-12-31"),
    (lambda: add_working_days(D(2000, 1, 5), -3), r"falls before 2000-01-01"),
    # 1 and 2 January 2000 were a weekend and the 3rd a bank holiday.
    (lambda: add_working_days(D(2000, 1, 3), 0), r"falls before 2000-01-01"),
    (lambda: previous_working_day(D(2000, 1, 4)), r"falls before 2000-01-01"),
    (lambda: next_working_day(D(2040, 12, 31)), r"falls after 2040-12-31"),
])
def test_out_of_range_raises(call, message):
    with pytest.raises(CalendarRangeError, match=message) as caught:
        call()
    assert "the calendar covers 2000-01-01 to 2040-12-31" in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_edges_of_the_range_still_work():
    assert add_working_days(D(2040, 12, 28), 1) == D(2040, 12, 31)
    assert add_working_days(D(2000, 1, 1), 1) == D(2000, 1, 4)
    assert add_working_days(D(2000, 1, 6), -2) == D(2000, 1, 4)
    assert working_days_between(D(2000, 1, 1), D(2040, 12, 31)) == np_between(
        D(2000, 1, 1), D(2040, 12, 31),
        np.busdaycalendar(weekmask="1111100", holidays=sorted(
            holidays.country_holidays("GB", subdiv="ENG", years=range(2000, 2042)))))


def test_narrow_calendar_has_its_own_range():
    calendar = WorkingDayCalendar(first_year=2026, last_year=2026)
    assert add_working_days(D(2026, 12, 24), 1, calendar) == D(2026, 12, 29)
    with pytest.raises(CalendarRangeError, match="falls after 2026-12-31"):
        add_working_days(D(2026, 12, 24), 5, calendar)
    with pytest.raises(CalendarRangeError, match="start=2025-12-31 is outside"):
        add_working_days(D(2025, 12, 31), 1, calendar)
