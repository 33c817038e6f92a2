"""The SMART check for a recommendation or action (issue 13).

Seed 002 asks that recommendations be SMART (Specific, Measurable, Achievable, Realistic,
Timed) and "clear on what is required of relevant agencies ... and by when". This module
flags, next to the form field, what stops an action from being SMART. Flags are advice,
not validation: the business unit can accept an action with a reason, so nothing here
raises. The rules are data (``VAGUE_VERBS``, ``MEASURABLE_MARKERS``, ``MESSAGES``) so they
can be read, reviewed and extended without touching the logic.

Plain Python: it needs only the calendars app's working-day arithmetic, not Django.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from calendars.working_days import WorkingDayCalendar, is_working_day

__all__ = ["FIELD_ORDER", "MEASURABLE_MARKERS", "MESSAGES", "VAGUE_VERBS", "Marker",
           "SmartFlag", "VagueVerb", "smart_check"]


@dataclass(frozen=True)
class SmartFlag:
    """One problem, shown next to ``field``; ``code`` is stable for code and tests."""

    field: str
    code: str
    message: str


@dataclass(frozen=True)
class VagueVerb:
    """A verb that says nothing measurable on its own.

    Acceptable only when the text or the measure has a measurable marker. ``pattern`` is
    matched case-insensitively between word boundaries, so the -s, -ed and -ing forms count
    ("staff will be reminded" is as vague as "remind staff") but other words do not
    ("considerable", "reminder", "looked after").
    """

    label: str
    pattern: str
    advice: str


@dataclass(frozen=True)
class Marker:
    """Wording that shows how an outcome will be counted or checked."""

    name: str
    pattern: str


_SHOW_CHANGE = "say what will change and how you will know"
_BY_AUDIT = "for example the percentage of cases meeting the standard in an audit by a date"

VAGUE_VERBS: tuple[VagueVerb, ...] = (
    VagueVerb("Raise awareness",
              r"rais(?:e|es|ed|ing)\s+(?:\w+\s+){0,2}awareness|awareness[- ]raising",
              f"{_SHOW_CHANGE}, for example the proportion of staff trained by a date"),
    VagueVerb("Consider", r"consider(?:s|ed|ing)?",
              "say what will be decided, by whom and how you will know it has been done, "
              "for example a decision recorded at a named meeting by a date"),
    VagueVerb("Ensure", r"ensur(?:e|es|ed|ing)",
              "say how it will be checked, for example a dip sample of a number of cases"),
    VagueVerb("Explore", r"explor(?:e|es|ed|ing)",
              "say what you will find out and what will follow, "
              "for example options presented to a named group by a date"),
    VagueVerb("Look at", r"look(?:s|ed|ing)?\s+(?:at|into)",
              "say what you will find out and what will follow, "
              "for example a review of a number of cases reported by a date"),
    VagueVerb("Promote", r"promot(?:e|es|ed|ing)",
              f"{_SHOW_CHANGE}, for example the number of practitioners reached by a date"),
    VagueVerb("Encourage", r"encourag(?:e|es|ed|ing)",
              f"{_SHOW_CHANGE}, for example the proportion of referrals that do it"),
    VagueVerb("Remind", r"remind(?:s|ed|ing)?",
              "say how you will know people acted on it, for example a dip sample of cases"),
    VagueVerb("Reflect on", r"reflect(?:s|ed|ing)?\s+(?:on|upon)",
              f"{_SHOW_CHANGE} as a result, {_BY_AUDIT}"),
    VagueVerb("Be aware", r"(?:be|are|is|become|becomes|being)\s+(?:made\s+)?aware",
              "say what people will do differently and how you will check, "
              "for example a dip sample of cases"),
    VagueVerb("Continue to", r"continu(?:e|es|ed|ing)\s+to",
              f"say what will be different from now and how you will measure it, {_BY_AUDIT}"),
    VagueVerb("Improve", r"improv(?:e|es|ed|ing)", f"say by how much, {_BY_AUDIT}"),
    VagueVerb("Strengthen", r"strengthen(?:s|ed|ing)?", f"say by how much, {_BY_AUDIT}"),
    VagueVerb("Embed", r"embed(?:s|ded|ding)?",
              f"say how you will know it is embedded, {_BY_AUDIT}"),
)

_MONTHS = ("january|february|march|april|may|june|july|august|september|october|november"
           "|december")

MEASURABLE_MARKERS: tuple[Marker, ...] = (
    # Any word with a digit: a count, a percentage, a target, a date (31/03/2027, 5 June
    # 2027) or a quarter (Q1).
    Marker("number", r"\w*\d\w*"),
    Marker("per cent", r"per\s?cent"),
    # A month only after a preposition, so the verb "may" is not taken for the month.
    Marker("month", rf"(?:by|before|in|during|until|end\s+of)\s+(?:{_MONTHS})"),
    Marker("count", r"(?:number|proportion|percentage|rate)\s+of"),
    Marker("all or every", r"all|every"),
    Marker("audit", r"(?:re-?)?audit(?:s|ed|ing)?"),
    Marker("dip sample", r"dip[- ]?sampl(?:e|es|ed|ing)"),
    Marker("evidenced or measured by", r"(?:evidenced|measured)\s+by"),
    Marker("survey", r"survey(?:s|ed)?"),
)

MESSAGES: dict[str, str] = {
    "no_agency": "Select the agency responsible for this action",
    "no_owner": "Say who owns this action, for example a named lead or role",
    "no_date": "Enter the date this action is due",
    "not_working_day": "{date} is not a working day: choose a working day",
    "no_measure": "Say how you will know this action has made a difference, for example "
                  "the proportion of cases in an audit that show the change",
    "vague_verb": "“{label}” is not measurable on its own: {advice}",
}

FIELD_ORDER: tuple[str, ...] = ("text", "agency", "owner", "due_on", "measure")


def _compile(pattern: str) -> re.Pattern[str]:
    """Whole words only, any case; ``\\b`` both ends so "all" is not found in "small"."""
    return re.compile(rf"\b(?:{pattern})\b", re.IGNORECASE)


_VAGUE = tuple((rule, _compile(rule.pattern)) for rule in VAGUE_VERBS)
_MARKERS = tuple(_compile(marker.pattern) for marker in MEASURABLE_MARKERS)


def _first_vague_verb(text: str) -> VagueVerb | None:
    """The vague verb that comes first in the text (one message per field, as GOV.UK asks)."""
    found = [(m.start(), i, rule) for i, (rule, rx) in enumerate(_VAGUE)
             if (m := rx.search(text))]
    return min(found, key=lambda hit: hit[:2])[2] if found else None


def _is_measurable(*texts: str) -> bool:
    return any(rx.search(text) for rx in _MARKERS for text in texts)


def _long_date(day: datetime.date) -> str:
    """GOV.UK date style, "Saturday 5 June 2027" (no zero padding, on any platform)."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def smart_check(*, text: str, owner: str = "", has_agency: bool = True,
                due_on: datetime.date | None, measure: str = "",
                calendar: WorkingDayCalendar | None = None,
                check_agency: bool = False) -> list[SmartFlag]:
    """What stops this action from being SMART, ordered by ``FIELD_ORDER``; [] if nothing.

    ``calendar`` is the partnership's working-day calendar: without one the working-day
    rule is skipped (the caller did not say whose working days count), as it is for a date
    outside the calendar's years (no bank holidays are known there to judge it by).
    ``check_agency`` is for forms that have an agency field.
    """
    flags: list[SmartFlag] = []
    verb = _first_vague_verb(text)
    if verb is not None and not _is_measurable(text, measure):
        message = MESSAGES["vague_verb"].format(label=verb.label, advice=verb.advice)
        flags.append(SmartFlag("text", "vague_verb", message))
    if check_agency and not has_agency:
        flags.append(SmartFlag("agency", "no_agency", MESSAGES["no_agency"]))
    if not owner.strip():
        flags.append(SmartFlag("owner", "no_owner", MESSAGES["no_owner"]))
    if due_on is None:
        flags.append(SmartFlag("due_on", "no_date", MESSAGES["no_date"]))
    elif (calendar is not None and calendar.covers(due_on)
          and not is_working_day(due_on, calendar)):
        message = MESSAGES["not_working_day"].format(date=_long_date(due_on))
        flags.append(SmartFlag("due_on", "not_working_day", message))
    if not measure.strip():
        flags.append(SmartFlag("measure", "no_measure", MESSAGES["no_measure"]))
    return sorted(flags, key=lambda flag: FIELD_ORDER.index(flag.field))
