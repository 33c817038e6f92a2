"""Statutory working-day arithmetic for England.

Safeguarding review deadlines are set in working days ("within 15 working days of the
rapid review meeting"), so every due date in the product goes through this module. A wrong
date here is a missed statutory deadline, so the rules are fixed and tested against
``numpy.busday_offset`` / ``numpy.busday_count`` as an independent oracle.

A working day is Monday to Friday, except bank holidays in England (and Wales) as given by
the ``holidays`` package, which includes substitute days (e.g. 2021-12-27/28) and one-off
days (2020-05-08 VE Day move, 2022-06-03 Platinum Jubilee, 2022-09-19 State Funeral,
2023-05-08 Coronation). A partnership calendar adds its own closure days and can mark
individual days as working despite the default.

Conventions (the same as numpy with ``roll="backward"`` for n >= 0, ``"forward"`` for n < 0):

* ``add_working_days(d, n)``, n > 0: the n-th working day strictly after ``d`` (a Saturday
  plus 1 is the Monday); n < 0: the mirror image backwards; n == 0: ``d`` itself if it is a
  working day, otherwise the previous working day.
* ``working_days_between(a, b)``: the number of working days x with a < x <= b, and
  ``-working_days_between(b, a)`` when b < a.
* ``next_working_day(d)`` / ``previous_working_day(d)``: the first working day strictly
  after / the last working day strictly before ``d``.

Supported range: 2000-01-01 to 2040-12-31 (``SUPPORTED_FIRST_YEAR``..``SUPPORTED_LAST_YEAR``).
Before 2000 there is no case data to compute for; the far end leaves well over a decade of
headroom for deadlines while staying within what the rule-based ``holidays`` data projects.
Years after the current one are projections: a one-off bank holiday announced later (as the
2022 and 2023 ones were) arrives only with a ``holidays`` upgrade, after which stored
deadlines must be recomputed. Any computation that needs a day outside the calendar's range
raises ``CalendarRangeError`` rather than returning a date that might be wrong.

Speed: deadlines are recomputed in bulk, so each calendar precomputes, once, a table of
cumulative working-day counts per day of its range and the list of working days. Every
operation is then O(1): one ordinal subtraction, one or two list lookups. Tables are cached
per distinct (closures, working days, year range), so building a calendar for a partnership
whose exceptions have been seen before is a dictionary lookup.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from functools import lru_cache
from itertools import accumulate

import holidays

__all__ = [
    "SUPPORTED_FIRST_YEAR",
    "SUPPORTED_LAST_YEAR",
    "CalendarRangeError",
    "WorkingDayCalendar",
    "add_working_days",
    "default_calendar",
    "is_working_day",
    "next_working_day",
    "previous_working_day",
    "working_days_between",
]

SUPPORTED_FIRST_YEAR = 2000
SUPPORTED_LAST_YEAR = 2040

_date = datetime.date
_datetime = datetime.datetime


class CalendarRangeError(ValueError):
    """A computation needed a day outside the calendar's covered years.

    Raised instead of guessing: outside the range we do not know the bank holidays.
    """


# --------------------------------------------------------------------------- tables


@lru_cache(maxsize=8)
def _bank_holiday_ordinals(first_year: int, last_year: int) -> frozenset[int]:
    """Bank holidays in England for the years, as ordinals (loading ``holidays`` is slow)."""
    bank = holidays.country_holidays("GB", subdiv="ENG", years=range(first_year, last_year + 1))
    return frozenset(d.toordinal() for d in bank)


@lru_cache(maxsize=1)
def _shared_objects() -> tuple[int, tuple[datetime.date, ...], tuple[int, ...]]:
    """Every date and every count in the supported range, created once.

    Calendars' tables point at these shared objects instead of holding their own, which
    keeps a cached calendar at about 0.2 MB instead of about 1 MB.
    """
    base = _date(SUPPORTED_FIRST_YEAR, 1, 1).toordinal()
    end = _date(SUPPORTED_LAST_YEAR, 12, 31).toordinal()
    return (base, tuple(map(_date.fromordinal, range(base, end + 1))),
            tuple(range(end - base + 2)))


# (base ordinal, number of days, cumulative counts, working days, number of working days)
_Tables = tuple[int, int, tuple[int, ...], tuple[datetime.date, ...], int]


@lru_cache(maxsize=128)
def _build_tables(closures: frozenset[int], working: frozenset[int],
                  first_year: int, last_year: int) -> _Tables:
    """Precompute the O(1) lookup tables for one calendar.

    ``cum[k]`` is the number of working days strictly before day ``base + k`` (so
    ``cum[k + 1]`` counts up to and including it); ``days[i]`` is the (i+1)-th working day.
    Tuples, because the tables are shared by every equal calendar.
    """
    base = _date(first_year, 1, 1).toordinal()
    end = _date(last_year, 12, 31).toordinal()
    off_days = _bank_holiday_ordinals(first_year, last_year) | closures
    ordinals = range(base, end + 1)
    # weekday() == (ordinal + 6) % 7, so Monday..Friday is (o + 6) % 7 < 5.
    flags = [o in working or ((o + 6) % 7 < 5 and o not in off_days) for o in ordinals]
    shared_base, all_dates, all_ints = _shared_objects()
    cum = tuple(map(all_ints.__getitem__, accumulate(flags, initial=0)))
    skip = base - shared_base
    days = tuple(all_dates[skip + k] for k, flag in enumerate(flags) if flag)
    return base, len(ordinals), cum, days, len(days)


# --------------------------------------------------------------------------- calendar


def _ordinals(values: Iterable[datetime.date], name: str) -> frozenset[int]:
    if isinstance(values, (str, bytes, _date)):
        raise TypeError(f"{name} must be a collection of datetime.date, "
                        f"not a single {type(values).__name__}")
    out = set()
    for value in values:
        _require_date(value, f"every item of {name}")
        out.add(value.toordinal())
    return frozenset(out)


def _require_year(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    if not SUPPORTED_FIRST_YEAR <= value <= SUPPORTED_LAST_YEAR:
        raise CalendarRangeError(
            f"{name}={value} is outside the supported years "
            f"{SUPPORTED_FIRST_YEAR}-{SUPPORTED_LAST_YEAR}")
    return value


class WorkingDayCalendar:
    """England and Wales working days, plus a partnership's own closures and openings.

    Immutable and hashable (two calendars with the same exceptions and years are equal and
    share their tables). ``extra_closures`` are days the partnership does not work although
    they would normally be working days; ``extra_working_days`` are days it does work although
    they are a weekend or bank holiday. A day cannot be in both. Exception days outside the
    covered years are dropped: any computation reaching them raises ``CalendarRangeError``.
    """

    __slots__ = ("_closures", "_working", "_first_year", "_last_year", "_key", "_hash",
                 "_tables")

    def __init__(self, extra_closures: Iterable[datetime.date] = (),
                 extra_working_days: Iterable[datetime.date] = (), *,
                 first_year: int = SUPPORTED_FIRST_YEAR,
                 last_year: int = SUPPORTED_LAST_YEAR) -> None:
        closures = _ordinals(extra_closures, "extra_closures")
        working = _ordinals(extra_working_days, "extra_working_days")
        both = closures & working
        if both:
            shown = ", ".join(_date.fromordinal(o).isoformat() for o in sorted(both)[:5])
            raise ValueError(f"a day cannot be both an extra closure and an extra working "
                             f"day: {shown}")
        first_year = _require_year(first_year, "first_year")
        last_year = _require_year(last_year, "last_year")
        if first_year > last_year:
            raise ValueError(f"first_year ({first_year}) is after last_year ({last_year})")
        # Days outside the covered years cannot affect any answer (reaching them raises), so
        # they are dropped: equal behaviour, equal calendars, shared tables.
        low, high = _date(first_year, 1, 1).toordinal(), _date(last_year, 12, 31).toordinal()
        closures = frozenset(o for o in closures if low <= o <= high)
        working = frozenset(o for o in working if low <= o <= high)
        key = (closures, working, first_year, last_year)
        setattr_ = object.__setattr__
        setattr_(self, "_closures", closures)
        setattr_(self, "_working", working)
        setattr_(self, "_first_year", first_year)
        setattr_(self, "_last_year", last_year)
        setattr_(self, "_key", key)
        setattr_(self, "_hash", hash(key))
        setattr_(self, "_tables", _build_tables(*key))

    # Immutability: calendars are shared between computations and cached.
    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __reduce__(self) -> tuple[object, tuple]:
        return (_calendar_from_key, self._key)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, WorkingDayCalendar):
            return NotImplemented
        return self._key == other._key

    def __hash__(self) -> int:
        return self._hash

    def __repr__(self) -> str:
        return (f"WorkingDayCalendar({len(self._closures)} extra closures, "
                f"{len(self._working)} extra working days, "
                f"{self._first_year}-{self._last_year})")

    @property
    def extra_closures(self) -> frozenset[datetime.date]:
        return frozenset(_date.fromordinal(o) for o in self._closures)

    @property
    def extra_working_days(self) -> frozenset[datetime.date]:
        return frozenset(_date.fromordinal(o) for o in self._working)

    @property
    def first_year(self) -> int:
        return self._first_year

    @property
    def last_year(self) -> int:
        return self._last_year

    @property
    def first_date(self) -> datetime.date:
        """First day the calendar knows about."""
        return _date(self._first_year, 1, 1)

    @property
    def last_date(self) -> datetime.date:
        """Last day the calendar knows about."""
        return _date(self._last_year, 12, 31)

    def covers(self, d: datetime.date) -> bool:
        """Whether ``d`` is inside the covered years (so it can be used as an argument)."""
        if type(d) is not _date:
            _require_date(d, "d")
        return self._first_year <= d.year <= self._last_year

    def _range_text(self) -> str:
        return (f"the calendar covers {self.first_date.isoformat()} to "
                f"{self.last_date.isoformat()}")


def _calendar_from_key(closures: frozenset[int], working: frozenset[int],
                       first_year: int, last_year: int) -> WorkingDayCalendar:
    """Rebuild a calendar from its key (for pickle and copy)."""
    return WorkingDayCalendar(map(_date.fromordinal, closures), map(_date.fromordinal, working),
                              first_year=first_year, last_year=last_year)


_default: WorkingDayCalendar | None = None


def default_calendar() -> WorkingDayCalendar:
    """The England and Wales calendar for the whole supported range (built once)."""
    global _default
    if _default is None:
        _default = WorkingDayCalendar()
    return _default


# --------------------------------------------------------------------------- errors
# Kept out of the fast paths below: those check exact types first and only call these
# when something is unusual.


def _require_date(value: object, name: str) -> None:
    if isinstance(value, _datetime):
        raise TypeError(f"{name} must be a datetime.date, not a datetime.datetime: "
                        f"pass a date (for example value.date() or timezone.localdate(value))")
    if not isinstance(value, _date):
        raise TypeError(f"{name} must be a datetime.date, not {type(value).__name__}")


def _require_int(value: object, name: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")


def _bad_calendar(calendar: object) -> TypeError:
    return TypeError(f"calendar must be a WorkingDayCalendar or None, "
                     f"not {type(calendar).__name__}")


def _outside(d: datetime.date, name: str, calendar: WorkingDayCalendar) -> CalendarRangeError:
    return CalendarRangeError(f"{name}={d.isoformat()} is outside the supported range: "
                              f"{calendar._range_text()}")


def _beyond(what: str, later: bool, calendar: WorkingDayCalendar) -> CalendarRangeError:
    edge = calendar.last_date if later else calendar.first_date
    side = "after" if later else "before"
    return CalendarRangeError(f"{what} falls {side} {edge.isoformat()}, outside the supported "
                              f"range: {calendar._range_text()}")


# --------------------------------------------------------------------------- operations
# Each function inlines its own checks and lookups: they are called for every deadline on
# every recomputation, and an extra Python call per operation is a measurable share.


def is_working_day(d: datetime.date, calendar: WorkingDayCalendar | None = None) -> bool:
    """Whether ``d`` is a working day in the calendar (default: England and Wales)."""
    if type(d) is not _date:
        _require_date(d, "d")
    if calendar is None:
        calendar = _default or default_calendar()
    try:
        base, size, cum, _days, _count = calendar._tables
    except AttributeError:
        raise _bad_calendar(calendar) from None
    off = d.toordinal() - base
    if 0 <= off < size:
        return cum[off + 1] != cum[off]
    raise _outside(d, "d", calendar)


def add_working_days(start: datetime.date, n: int,
                     calendar: WorkingDayCalendar | None = None) -> datetime.date:
    """The n-th working day after ``start`` (before, if n < 0); see the module docstring.

    n == 0 gives ``start`` if it is a working day, else the previous working day.
    """
    if type(start) is not _date:
        _require_date(start, "start")
    if type(n) is not int:
        _require_int(n, "n")
    if calendar is None:
        calendar = _default or default_calendar()
    try:
        base, size, cum, days, count = calendar._tables
    except AttributeError:
        raise _bad_calendar(calendar) from None
    off = start.toordinal() - base
    if not 0 <= off < size:
        raise _outside(start, "start", calendar)
    # n >= 0: from the last working day on or before start (index cum[off+1] - 1).
    # n < 0: from the first working day on or after start (index cum[off]).
    i = cum[off + 1] - 1 + n if n >= 0 else cum[off] + n
    if 0 <= i < count:
        return days[i]
    raise _beyond(f"add_working_days({start.isoformat()}, {n})", i >= count, calendar)


def working_days_between(a: datetime.date, b: datetime.date,
                         calendar: WorkingDayCalendar | None = None) -> int:
    """Working days x with a < x <= b; negative (the count from b to a) when b < a."""
    if type(a) is not _date:
        _require_date(a, "a")
    if type(b) is not _date:
        _require_date(b, "b")
    if calendar is None:
        calendar = _default or default_calendar()
    try:
        base, size, cum, _days, _count = calendar._tables
    except AttributeError:
        raise _bad_calendar(calendar) from None
    off_a = a.toordinal() - base
    off_b = b.toordinal() - base
    if not 0 <= off_a < size:
        raise _outside(a, "a", calendar)
    if not 0 <= off_b < size:
        raise _outside(b, "b", calendar)
    return cum[off_b + 1] - cum[off_a + 1]


def next_working_day(d: datetime.date,
                     calendar: WorkingDayCalendar | None = None) -> datetime.date:
    """The first working day strictly after ``d``."""
    if type(d) is not _date:
        _require_date(d, "d")
    if calendar is None:
        calendar = _default or default_calendar()
    try:
        base, size, cum, days, count = calendar._tables
    except AttributeError:
        raise _bad_calendar(calendar) from None
    off = d.toordinal() - base
    if not 0 <= off < size:
        raise _outside(d, "d", calendar)
    i = cum[off + 1]
    if i < count:
        return days[i]
    raise _beyond(f"next_working_day({d.isoformat()})", True, calendar)


def previous_working_day(d: datetime.date,
                         calendar: WorkingDayCalendar | None = None) -> datetime.date:
    """The last working day strictly before ``d``."""
    if type(d) is not _date:
        _require_date(d, "d")
    if calendar is None:
        calendar = _default or default_calendar()
    try:
        base, size, cum, days, _count = calendar._tables
    except AttributeError:
        raise _bad_calendar(calendar) from None
    off = d.toordinal() - base
    if not 0 <= off < size:
        raise _outside(d, "d", calendar)
    i = cum[off] - 1
    if i >= 0:
        return days[i]
    raise _beyond(f"previous_working_day({d.isoformat()})", False, calendar)
