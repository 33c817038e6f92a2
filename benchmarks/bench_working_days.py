"""Working-day arithmetic against numpy's C business-day functions.

Deadlines are recomputed in bulk, so ``add_working_days`` must cost less per call than
``numpy.busday_offset`` with a prepared ``busdaycalendar`` (numpy's best case: the dates are
already ``datetime64``). Both sides run the same loop over the same random-ish dates and
offsets; the figure is the best of several repeats divided by the number of calls.
"""

from __future__ import annotations

import datetime
import json
import random
import timeit

import holidays
import numpy as np

from benchmarks._harness import Goal
from calendars.working_days import (
    WorkingDayCalendar,
    add_working_days,
    default_calendar,
    working_days_between,
)

GOALS = {f"{name}_vs_numpy_ratio": Goal(1.0, unit="", why="cheaper per call than numpy's "
                                        "C business-day function")
         for name in ("add_working_days", "working_days_between")}
CALLS = 2_000  # distinct (date, n) pairs, cycled through in each timed loop
NUMBER = 25  # loops per repeat
REPEAT = 7


def _per_call_us(stmt, calls: int) -> float:
    best = min(timeit.repeat(stmt, number=NUMBER, repeat=REPEAT))
    return best / (NUMBER * calls) * 1e6


def _build_ms() -> tuple[float, float]:
    """A new partnership calendar (bank holidays already loaded), and a cold year range."""
    rng = random.Random(7)
    timings = []
    for k in range(REPEAT):
        base = datetime.date(2030, 1, 1).toordinal()
        closures = frozenset(datetime.date.fromordinal(base + rng.randrange(3000))
                             for _ in range(5 + k))
        started = timeit.default_timer()
        WorkingDayCalendar(extra_closures=closures)
        timings.append(timeit.default_timer() - started)
    started = timeit.default_timer()
    WorkingDayCalendar(first_year=2001, last_year=2039)  # loads holidays for a new range too
    cold = timeit.default_timer() - started
    return min(timings) * 1e3, cold * 1e3


def run() -> dict:
    rng = random.Random(20260306)
    calendar = default_calendar()  # tables warm before timing
    first = datetime.date(2018, 1, 1).toordinal()
    starts = [datetime.date.fromordinal(first + rng.randrange(18 * 365)) for _ in range(CALLS)]
    ns = [rng.randint(-60, 60) for _ in range(CALLS)]
    ends = [datetime.date.fromordinal(d.toordinal() + rng.randint(-90, 90)) for d in starts]
    rolls = ["backward" if n >= 0 else "forward" for n in ns]

    bank = sorted(holidays.country_holidays("GB", subdiv="ENG", years=range(2000, 2041)))
    busdaycal = np.busdaycalendar(weekmask="1111100", holidays=bank)
    np_starts = [np.datetime64(d, "D") for d in starts]
    np_ends = [np.datetime64(d, "D") for d in ends]
    one = np.timedelta64(1, "D")
    # Our convention, in numpy: busday_count(a + 1, b + 1) when b >= a, and minus
    # busday_count(b + 1, a + 1) when b < a (numpy's own reversed count differs).
    np_count_from = [min(a, b) + one for a, b in zip(np_starts, np_ends, strict=True)]
    np_count_to = [max(a, b) + one for a, b in zip(np_starts, np_ends, strict=True)]

    add_pairs = list(zip(starts, ns, strict=True))
    np_add = list(zip(np_starts, ns, rolls, strict=True))
    between_pairs = list(zip(starts, ends, strict=True))
    np_between = list(zip(np_count_from, np_count_to, strict=True))
    busday_offset, busday_count = np.busday_offset, np.busday_count

    # Same answers, so the two sides are timed doing the same work.
    for (d, n), (nd, _, roll) in zip(add_pairs, np_add, strict=True):
        assert add_working_days(d, n, calendar) == busday_offset(
            nd, n, roll=roll, busdaycal=busdaycal).astype(object)
    for (a, b), (na, nb) in zip(between_pairs, np_between, strict=True):
        sign = 1 if b >= a else -1
        assert working_days_between(a, b, calendar) == sign * busday_count(
            na, nb, busdaycal=busdaycal)

    def ours_add():
        for d, n in add_pairs:
            add_working_days(d, n)

    def numpy_add():
        for d, n, roll in np_add:
            busday_offset(d, n, roll=roll, busdaycal=busdaycal)

    def ours_between():
        for a, b in between_pairs:
            working_days_between(a, b)

    def numpy_between():
        for a, b in np_between:
            busday_count(a, b, busdaycal=busdaycal)

    add_us = _per_call_us(ours_add, CALLS)
    np_add_us = _per_call_us(numpy_add, CALLS)
    between_us = _per_call_us(ours_between, CALLS)
    np_between_us = _per_call_us(numpy_between, CALLS)
    build_ms, cold_build_ms = _build_ms()
    return {
        "add_working_days_us": round(add_us, 3),
        "numpy_busday_offset_us": round(np_add_us, 3),
        "add_working_days_vs_numpy_ratio": round(add_us / np_add_us, 3),
        "working_days_between_us": round(between_us, 3),
        "numpy_busday_count_us": round(np_between_us, 3),
        "working_days_between_vs_numpy_ratio": round(between_us / np_between_us, 3),
        "calendar_build_ms": round(build_ms, 2),
        "calendar_cold_build_ms": round(cold_build_ms, 2),
    }


if __name__ == "__main__":
    print(json.dumps(run()))
