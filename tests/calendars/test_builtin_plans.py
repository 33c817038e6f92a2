"""The built-in plans, checked against dates counted by hand on a calendar.

Each test adopts a built-in plan, records the events its steps count from for one case,
and compares every due date with a literal date. The counts are written out beside the
dates: "N working days after D" is the N-th working day strictly after D (1 working day
after a Saturday is the Monday), "N before" mirrors it, 0 working days is D itself if it is
a working day, else the next one. ``docs/timelines.md`` sets each step beside the words of
the procedure it comes from.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from calendars import services
from calendars.builtin_templates import TEMPLATES
from calendars.models import Anchor, CalendarDay, CalendarKind, Deadline, TimelineTemplate
from cases.services import case_create

pytestmark = pytest.mark.django_db

STATUTORY = "Statutory minimum (Working Together 2023)"
NEL = "15 working day plan (North East Lincolnshire)"
LINCOLNSHIRE = "Rapid review plan (Lincolnshire)"
WEST_MIDLANDS = "Rapid review plan (West Midlands)"
LONDON = ZoneInfo("Europe/London")
d = datetime.date.fromisoformat


def london(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=LONDON)


def case_on(partnership, plan: str):
    """A case of a partnership that has adopted the named built-in plan."""
    services.template_adopt(actor=None, partnership=partnership,
                            builtin=TimelineTemplate.objects.get(partnership__isnull=True,
                                                                 name=plan))
    return case_create(actor=None, partnership=partnership)


def record(case, kind: str, day: str, *, at: str | None = None, related_key: str = "") -> None:
    """Record an event as the service would, on the day it happened (``at``: the time)."""
    moment = london(at) if at else london(f"{day}T12:00")
    with time_machine.travel(moment):
        services.anchor_record(actor=None, case=case, kind=kind, occurred_on=d(day),
                               occurred_at=moment if at else None, related_key=related_key)


def shown(deadline: Deadline) -> str:
    """A due date as the tables below write it: a day, a window, or a time for hours."""
    if deadline.due_at:
        return f"{timezone.localtime(deadline.due_at):%Y-%m-%d %H:%M}"
    if deadline.window_start:
        return f"{deadline.window_start} to {deadline.due_date}"
    return deadline.due_date.isoformat()


def due_dates(case) -> dict[str, str]:
    return {f"{dl.step.key}{':' + dl.related_key if dl.related_key else ''}": shown(dl)
            for dl in Deadline.objects.filter(case=case).select_related("step")}


def test_every_built_in_plan_has_a_hand_count():
    assert set(WHITSUN) == {template["name"] for template in TEMPLATES}


# --- Every step of every plan, around the spring bank holiday 2026 --------------------------
# The incident, the referral, the local authority becoming aware and a looked-after child's
# death are all on Friday 22 May 2026, the Friday before the spring bank holiday (Monday 25
# May); the decision to start the rapid review is at 16:30 that day. The Panel is notified
# on Tuesday 26 May, the information request goes on Wednesday 27 May, the meeting is held on
# Tuesday 9 June and decides on an LCSPR, and publication is planned for Wednesday 2 Sept.
#
# Working days after Friday 22 May:  1 Tue 26 May, 2 Wed 27, 3 Thu 28, 4 Fri 29,
#   5 Mon 1 June, 6 Tue 2, 7 Wed 3, 8 Thu 4, 9 Fri 5, 10 Mon 8, 11 Tue 9, 12 Wed 10,
#   13 Thu 11, 14 Fri 12, 15 Mon 15 June.
# Working days after Tuesday 26 May (the notification): 1 Wed 27 ... 15 Tue 16 June,
#   16 Wed 17, 17 Thu 18, 18 Fri 19, 19 Mon 22, 20 Tue 23, 21 Wed 24, 22 Thu 25, 23 Fri 26,
#   24 Mon 29, 25 Tue 30, 26 Wed 1 July, 27 Thu 2, 28 Fri 3, 29 Mon 6, 30 Tue 7 July.
EVERY_PLAN = {
    "refer_incident": "2026-05-26",  # 1 working day after the incident, over the holiday
    "notify_panel": "2026-06-01",  # 5 working days after becoming aware
    "report_to_partners": "2026-06-01",  # the same 5 working days
    "notify_secretary_of_state": "2026-06-01",  # 5 working days after the death was known
    "notify_ofsted": "2026-06-01",
    "tell_panel_if_late": "2026-06-16",  # day 15 after the notification
    "submit_rapid_review": "2026-06-16",
    "panel_response": "2026-06-17 to 2026-07-07",  # days 16 to 30 after the notification
    "complete_lcspr": "2026-12-09",  # 6 months after 9 June: Wednesday 9 December
    # A learning review decided on the same day (seed 003 flowchart 4 gives no time limit;
    # the plan carries the partnership's own 6 month target on its own calendar).
    "complete_learning_review": "2026-12-09",
    # Wednesday 2 September back 7 working days over the bank holiday on Monday 31 August:
    # Tue 1 Sept, Fri 28, Thu 27, Wed 26, Tue 25, Mon 24, Fri 21 August.
    "send_final_lcspr_report": "2026-08-21",
    # The request on Wednesday 27 May: Thu 28, Fri 29, Mon 1, Tue 2, Wed 3 June.
    "agency_returns_due:request-1": "2026-06-03",
}
WHITSUN = {
    STATUTORY: EVERY_PLAN,
    NEL: EVERY_PLAN | {  # counted from receiving the referral (SCSI-1)
        "inform_partners": "2026-05-26",  # day 1
        "schedule_meeting": "2026-05-26",  # day 1
        "arrange_partners_conference": "2026-05-26",  # day 1
        "send_group_letter": "2026-05-27",  # day 2
        "send_rapid_review_letter": "2026-05-27",  # day 2
        "send_information_requests": "2026-05-27",  # day 2
        "confirm_receipt:request-1": "2026-05-27",  # the day the request went
        "collate_returns": "2026-06-04",  # day 8
        "rapid_review_meeting": "2026-06-09",  # day 11
        "send_decision_record": "2026-06-10",  # day 12
        "partners_sign": "2026-06-12",  # day 14
        "send_to_panel": "2026-06-15",  # day 15
    },
    LINCOLNSHIRE: EVERY_PLAN | {
        # 24 and 48 hours from Friday 16:30: each 24 hours is a working day, so Tuesday and
        # Wednesday at 16:30, over the weekend and the bank holiday.
        "inform_review_group": "2026-05-26 16:30",
        "terms_of_reference_meeting": "2026-05-27 16:30",
        "send_information_requests": "2026-06-03",  # by day 7
        "collate_returns": "2026-06-03",  # by day 7
        "rapid_review_meeting": "2026-06-04 to 2026-06-11",  # days 8 to 13
        "partners_sign": "2026-06-04 to 2026-06-11",  # ratification, days 8 to 13
        "executive_sign_off": "2026-06-12",  # day 14
        "send_to_panel": "2026-06-15",  # day 15
    },
    WEST_MIDLANDS: EVERY_PLAN | {
        "send_information_requests": "2026-05-27",  # within 2 working days
        "schedule_meeting": "2026-05-27",  # set when the templates go out
        "rapid_review_meeting": "2026-06-03 to 2026-06-11",  # days 7 to 13
        "chair_endorses": "2026-06-11",  # 2 working days after the meeting on 9 June
        "send_outcome_to_panel": "2026-06-11",
        "complete_rapid_review": "2026-06-15",  # 15 working days after becoming aware
    },
}


def record_whitsun(case) -> None:
    for kind in (Anchor.INCIDENT, Anchor.REFERRAL_RECEIVED, Anchor.BECAME_AWARE,
                 Anchor.LOOKED_AFTER_CHILD_DIED):
        record(case, kind, "2026-05-22")
    record(case, Anchor.TRIAGE_DECIDED, "2026-05-22", at="2026-05-22T16:30")
    record(case, Anchor.NOTIFICATION_SENT, "2026-05-26")
    record(case, Anchor.INFORMATION_REQUEST_SENT, "2026-05-27", related_key="request-1")
    record(case, Anchor.MEETING_HELD, "2026-06-09")
    record(case, Anchor.DECISION_TO_COMMISSION_LCSPR, "2026-06-09")
    record(case, Anchor.DECISION_TO_START_LEARNING_REVIEW, "2026-06-09")
    record(case, Anchor.PLANNED_PUBLICATION, "2026-09-02")


@pytest.mark.parametrize("plan", WHITSUN)
def test_every_step_falls_on_the_hand_counted_day(partnership, plan):
    case = case_on(partnership, plan)
    record_whitsun(case)
    assert due_dates(case) == WHITSUN[plan]


# --- 2020: the early May bank holiday moved to Friday 8 May (VE Day) ------------------------
# Monday 4 May 2020 was a working day, Friday 8 May was not, and neither was Monday 25 May.
MAY_2020 = [
    # Thursday 7 May: Friday is the holiday, so Monday 11.
    (STATUTORY, Anchor.INCIDENT, "2020-05-07", "refer_incident", "2020-05-11"),
    # Monday 4 May: Tue 5, Wed 6, Thu 7, Mon 11, Tue 12.
    (STATUTORY, Anchor.BECAME_AWARE, "2020-05-04", "notify_panel", "2020-05-12"),
    # Thursday 30 April: Fri 1, Mon 4, Tue 5, Wed 6, Thu 7 (5), Mon 11 ... Fri 15 (10),
    # Mon 18 ... Fri 22 May (15).
    (STATUTORY, Anchor.NOTIFICATION_SENT, "2020-04-30", "submit_rapid_review", "2020-05-22"),
    # Day 16 is Tuesday 26 May after the spring bank holiday; day 30 Monday 15 June.
    (STATUTORY, Anchor.NOTIFICATION_SENT, "2020-04-30", "panel_response",
     "2020-05-26 to 2020-06-15"),
    # Referral on Friday 1 May: day 1 is Monday 4 May, day 2 Tuesday 5 ...
    (NEL, Anchor.REFERRAL_RECEIVED, "2020-05-01", "inform_partners", "2020-05-04"),
    (NEL, Anchor.REFERRAL_RECEIVED, "2020-05-01", "send_information_requests", "2020-05-05"),
    # ... Wed 6, Thu 7 (4), Mon 11 (5), Tue 12, Wed 13, Thu 14, Fri 15, Mon 18, Tue 19 (11).
    (NEL, Anchor.REFERRAL_RECEIVED, "2020-05-01", "rapid_review_meeting", "2020-05-19"),
    # The follow-up call is due the day a request goes; a request sent on the holiday,
    # the next working day.
    (NEL, Anchor.INFORMATION_REQUEST_SENT, "2020-05-04", "confirm_receipt", "2020-05-04"),
    (NEL, Anchor.INFORMATION_REQUEST_SENT, "2020-05-08", "confirm_receipt", "2020-05-11"),
    # Returns: from Monday 4 May, Tue 5, Wed 6, Thu 7, Mon 11, Tue 12; from the holiday
    # itself the count starts on Monday 11: Mon 11 ... Fri 15.
    (NEL, Anchor.INFORMATION_REQUEST_SENT, "2020-05-04", "agency_returns_due", "2020-05-12"),
    (NEL, Anchor.INFORMATION_REQUEST_SENT, "2020-05-08", "agency_returns_due", "2020-05-15"),
]


@pytest.mark.parametrize(("plan", "kind", "day", "key", "expected"), MAY_2020)
def test_2020_early_may_bank_holiday_on_friday_8_may(partnership, plan, kind, day, key,
                                                      expected):
    case = case_on(partnership, plan)
    related_key = "request-1" if kind == Anchor.INFORMATION_REQUEST_SENT else ""
    record(case, kind, day, related_key=related_key)
    assert shown(Deadline.objects.get(case=case, step__key=key)) == expected


# --- 29 February -------------------------------------------------------------------------
LEAP_DAYS = [
    # 6 calendar months after Thursday 31 August 2023 is the end of February: Thursday 29th.
    (Anchor.DECISION_TO_COMMISSION_LCSPR, "2023-08-31", "complete_lcspr", "2024-02-29"),
    # ... and 6 months after 29 February 2024 is Thursday 29 August.
    (Anchor.DECISION_TO_COMMISSION_LCSPR, "2024-02-29", "complete_lcspr", "2024-08-29"),
    # Tuesday 31 August 2027 to Tuesday 29 February 2028.
    (Anchor.DECISION_TO_COMMISSION_LCSPR, "2027-08-31", "complete_lcspr", "2028-02-29"),
    # A learning review decided on Tuesday 31 August 2027, the same.
    (Anchor.DECISION_TO_START_LEARNING_REVIEW, "2027-08-31", "complete_learning_review",
     "2028-02-29"),
    # Thursday 22 February 2024: Fri 23, Mon 26, Tue 27, Wed 28, Thu 29 Feb (5), Fri 1 Mar,
    # Mon 4, Tue 5, Wed 6, Thu 7 (10), Fri 8, Mon 11, Tue 12, Wed 13, Thu 14 March (15).
    (Anchor.NOTIFICATION_SENT, "2024-02-22", "submit_rapid_review", "2024-03-14"),
    # Friday 8 March 2024 back: Thu 7, Wed 6, Tue 5, Mon 4, Fri 1, Thu 29 Feb, Wed 28 Feb.
    (Anchor.PLANNED_PUBLICATION, "2024-03-08", "send_final_lcspr_report", "2024-02-28"),
    # Thursday 2 March 2028 back: Wed 1, Tue 29 Feb, Mon 28, Fri 25, Thu 24, Wed 23, Tue 22.
    (Anchor.PLANNED_PUBLICATION, "2028-03-02", "send_final_lcspr_report", "2028-02-22"),
]


@pytest.mark.parametrize(("kind", "day", "key", "expected"), LEAP_DAYS)
def test_29_february_is_counted(partnership, kind, day, key, expected):
    case = case_on(partnership, STATUTORY)
    record(case, kind, day)
    assert shown(Deadline.objects.get(case=case, step__key=key)) == expected


# --- Hours: Lincolnshire's 24 and 48 hours from the decision to start -----------------------
HOURS = [
    # Friday 22 May 2026 at 16:30, before the spring bank holiday: Tuesday, then Wednesday.
    ("2026-05-22T16:30", "2026-05-26 16:30", "2026-05-27 16:30"),
    # Thursday 2 April 2026 at 15:00, before Good Friday and Easter Monday.
    ("2026-04-02T15:00", "2026-04-07 15:00", "2026-04-08 15:00"),
    # Friday 27 March 2026 at 16:00 GMT: the clocks go forward on Sunday, and the time of
    # day is kept (16:00 BST on Monday and Tuesday).
    ("2026-03-27T16:00", "2026-03-30 16:00", "2026-03-31 16:00"),
    # Thursday 7 May 2020 at 11:00: the Friday is the moved May bank holiday.
    ("2020-05-07T11:00", "2020-05-11 11:00", "2020-05-12 11:00"),
]


@pytest.mark.parametrize(("decided", "tell_group", "terms_meeting"), HOURS)
def test_hours_count_whole_working_days_and_keep_the_time(partnership, decided, tell_group,
                                                          terms_meeting):
    case = case_on(partnership, LINCOLNSHIRE)
    record(case, Anchor.TRIAGE_DECIDED, decided[:10], at=decided)
    dates = due_dates(case)
    assert (dates["inform_review_group"], dates["terms_of_reference_meeting"]) == (
        tell_group, terms_meeting)
    group = Deadline.objects.get(case=case, step__key="inform_review_group")
    assert group.due_date == d(tell_group[:10])


# --- A Christmas closure: the partnership's steps move, statutory ones never ----------------
# The partnership closes on Monday 29, Tuesday 30, Wednesday 31 December 2025 and Friday 2
# January 2026, around the bank holidays on 25 and 26 December and 1 January.
CLOSURES = ["2025-12-29", "2025-12-30", "2025-12-31", "2026-01-02"]


def record_christmas(case) -> None:
    record(case, Anchor.INCIDENT, "2025-12-24")
    for kind in (Anchor.REFERRAL_RECEIVED, Anchor.BECAME_AWARE, Anchor.LOOKED_AFTER_CHILD_DIED,
                 Anchor.NOTIFICATION_SENT):
        record(case, kind, "2025-12-22")
    record(case, Anchor.TRIAGE_DECIDED, "2025-12-24", at="2025-12-24T14:00")
    record(case, Anchor.INFORMATION_REQUEST_SENT, "2025-12-23", related_key="request-1")
    record(case, Anchor.MEETING_HELD, "2025-12-23")
    record(case, Anchor.DECISION_TO_COMMISSION_LCSPR, "2025-06-30")
    record(case, Anchor.DECISION_TO_START_LEARNING_REVIEW, "2025-06-30")
    record(case, Anchor.PLANNED_PUBLICATION, "2026-01-09")


def close_for_christmas(partnership) -> int:
    for day in CLOSURES:
        services.calendar_day_add(actor=None, partnership=partnership, date=d(day),
                                  kind=CalendarDay.Kind.CLOSURE, reason="Christmas closure")
    return services.deadlines_recompute(partnership=partnership)


# North East Lincolnshire, everything counted from Monday 22 December 2025.
# England's working days: 1 Tue 23, 2 Wed 24, 3 Mon 29, 4 Tue 30, 5 Wed 31, 6 Fri 2 Jan,
#   7 Mon 5, 8 Tue 6, 9 Wed 7, 10 Thu 8, 11 Fri 9, 12 Mon 12, 13 Tue 13, 14 Wed 14,
#   15 Thu 15, 16 Fri 16 ... 30 Thu 5 February.
# The partnership's with the closure: 1 Tue 23, 2 Wed 24, 3 Mon 5 Jan, 4 Tue 6, 5 Wed 7,
#   6 Thu 8, 7 Fri 9, 8 Mon 12, 9 Tue 13, 10 Wed 14, 11 Thu 15, 12 Fri 16, 13 Mon 19,
#   14 Tue 20, 15 Wed 21.
CHRISTMAS_NEL = [  # step, before the closure, after it
    # The partnership's own steps.
    ("refer_incident", "2025-12-29", "2026-01-05"),  # 1 working day after Wed 24 Dec
    ("inform_partners", "2025-12-23", "2025-12-23"),  # day 1, before the closure
    ("send_information_requests", "2025-12-24", "2025-12-24"),  # day 2
    ("confirm_receipt:request-1", "2025-12-23", "2025-12-23"),  # the day the request went
    # 5 working days after the request on Tuesday 23 December: Wed 24, Mon 29, Tue 30,
    # Wed 31, Fri 2 January; with the closure Wed 24, Mon 5, Tue 6, Wed 7, Thu 8 January.
    ("agency_returns_due:request-1", "2026-01-02", "2026-01-08"),
    ("collate_returns", "2026-01-06", "2026-01-12"),  # day 8
    ("rapid_review_meeting", "2026-01-09", "2026-01-15"),  # day 11
    ("send_decision_record", "2026-01-12", "2026-01-16"),  # day 12
    ("partners_sign", "2026-01-14", "2026-01-20"),  # day 14
    ("send_to_panel", "2026-01-15", "2026-01-21"),  # day 15
    # 6 months after Monday 30 June 2025 is Tuesday 30 December, now a closure day: the
    # target rolls back to the last working day before it, Wednesday 24 December.
    ("complete_lcspr", "2025-12-30", "2025-12-24"),
    # A learning review's target is the partnership's too (no statutory time limit).
    ("complete_learning_review", "2025-12-30", "2025-12-24"),
    # Statutory: England's bank holidays only, the closure changes nothing.
    ("notify_panel", "2025-12-31", "2025-12-31"),  # 5 working days, on a closure day
    ("report_to_partners", "2025-12-31", "2025-12-31"),
    ("notify_ofsted", "2025-12-31", "2025-12-31"),
    ("submit_rapid_review", "2026-01-15", "2026-01-15"),  # day 15
    ("tell_panel_if_late", "2026-01-15", "2026-01-15"),
    ("panel_response", "2026-01-16 to 2026-02-05", "2026-01-16 to 2026-02-05"),
    # Friday 9 January back 7: Thu 8, Wed 7, Tue 6, Mon 5, Fri 2, Wed 31, Tue 30 December.
    ("send_final_lcspr_report", "2025-12-30", "2025-12-30"),
]


def test_a_christmas_closure_moves_the_partnerships_steps_only(partnership):
    case = case_on(partnership, NEL)
    record_christmas(case)
    before = due_dates(case)
    assert close_for_christmas(partnership) > 0
    after = due_dates(case)
    assert [(key, before[key], after[key]) for key, _b, _a in CHRISTMAS_NEL] == CHRISTMAS_NEL


def test_a_christmas_closure_moves_the_hours_steps_too(partnership):
    case = case_on(partnership, LINCOLNSHIRE)
    record_christmas(case)
    # Wednesday 24 December 14:00: 24 hours is Monday 29 December, 48 Tuesday 30th...
    assert (due_dates(case)["inform_review_group"],
            due_dates(case)["terms_of_reference_meeting"]) == ("2025-12-29 14:00",
                                                               "2025-12-30 14:00")
    close_for_christmas(partnership)
    # ... and with the closure Monday 5 and Tuesday 6 January.
    assert (due_dates(case)["inform_review_group"],
            due_dates(case)["terms_of_reference_meeting"]) == ("2026-01-05 14:00",
                                                               "2026-01-06 14:00")


# The time limits set nationally, in every plan; West Midlands' own reading of the 15
# working days (§4.2.2: "the timescales outlined in guidance from the national Panel").
STATUTORY_STEPS = {"notify_panel", "report_to_partners", "notify_secretary_of_state",
                   "notify_ofsted", "tell_panel_if_late", "submit_rapid_review",
                   "panel_response", "send_final_lcspr_report"}


@pytest.mark.parametrize(("plan", "statutory_steps"), [
    (STATUTORY, STATUTORY_STEPS), (NEL, STATUTORY_STEPS), (LINCOLNSHIRE, STATUTORY_STEPS),
    (WEST_MIDLANDS, STATUTORY_STEPS | {"complete_rapid_review"})])
def test_no_closure_ever_moves_a_statutory_step(partnership, plan, statutory_steps):
    case = case_on(partnership, plan)
    record_christmas(case)
    before = due_dates(case)
    close_for_christmas(partnership)
    after = due_dates(case)
    kinds = {dl.step.key: dl.step.calendar for dl in Deadline.objects.filter(case=case)}
    statutory = {key for key in after if kinds[key.split(":")[0]] == CalendarKind.STATUTORY}
    assert statutory == statutory_steps
    assert {key: after[key] for key in statutory} == {key: before[key] for key in statutory}
    # Every plan has steps of its own that the closure does move (the referral's, at least).
    assert {key for key in after if after[key] != before[key]} - statutory
