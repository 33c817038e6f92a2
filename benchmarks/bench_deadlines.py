"""Deadlines at scale: recompute 100,000 open deadlines after a calendar change, and the
daily reminder sweep (plan, then send) over the same 100,000.

Goal: each under 10 s on a 2-core machine.

Never touches the developer's database: ``run()`` does the measuring in a child process
(``python -m benchmarks.bench_deadlines --child``) on a throwaway database, set up as
``benchmarks/_harness.py`` describes (``BENCH_DATABASE_URL`` to use PostgreSQL). The child
builds the data, measures, checks the results (a wrong result fails the benchmark) and
prints one JSON line.

Data: one partnership on the built-in "15 working day plan (North East Lincolnshire)";
10,000 rapid review cases, each with a "referral received" and a "Panel notified" anchor (on
a day in the two years before ``TODAY``) and an "information request sent" anchor to one of
four agencies: the plan's steps from those, up to 100,000 open deadlines, all due dates
computed with ``due_dates_for``. Some are statutory (counted on England's bank holidays).

1. ``recompute_100k_deadlines_s``: a closure on a working day in that range, then
   ``deadlines_recompute``. Every row is checked against an independent rule: a deadline on
   the partnership's calendar whose anchor is before the closure and whose due date is on or
   after it moves to the next working day; no other deadline moves (never a statutory one).
2. ``reminder_sweep_100k_deadlines_s``: due dates re-spread around ``TODAY`` (3 % due today,
   10 % in the next 5 working days, 5 % overdue, the rest later), sixteen users in four
   roles, then ``reminders_plan`` and ``reminders_send`` with ``today=TODAY`` (which queues
   the emails in the outbox; ``bench_outbox`` measures delivering them). Reminders and
   queued emails are checked against counts worked out from the steps' reminder settings,
   and a second sweep must queue nothing.

Run alone: ``DEBUG=true .venv/bin/python -m benchmarks.bench_deadlines``.
"""

from __future__ import annotations

import datetime
import json
import random
import sys
from collections import Counter, defaultdict

from benchmarks._harness import child_report, child_setup, run_child, timed

TODAY = datetime.date(2026, 11, 25)  # a Wednesday, a working day
CLOSURE = datetime.date(2025, 11, 26)  # a Wednesday, a working day mid-range
DEADLINES = 100_000
CASES = 10_000
TEMPLATE = "15 working day plan (North East Lincolnshire)"
SEED = 20261125
CHILD_TIMEOUT_S = 900


def run() -> dict:
    return run_child("benchmarks.bench_deadlines", timeout_s=CHILD_TIMEOUT_S)


def _build(rng: random.Random) -> dict:
    """Partnership, plan, people, 10,000 cases, 20,000 anchors and 100,000 open deadlines."""
    from django.db import transaction

    from accounts.models import Agency, Role, StatutoryPartner
    from accounts.services import agency_create, membership_grant, partnership_create, user_create
    from calendars.models import Anchor, AnchorEvent, Deadline, TimelineStep, TimelineTemplate
    from calendars.services import calendar_for, due_dates_for, template_adopt
    from calendars.working_days import add_working_days
    from cases.models import Case, Pathway, Stage

    with transaction.atomic():
        partnership = partnership_create(actor=None, name="Benchmark partnership",
                                         code="BENCH", local_authority="Benchmark Council")
        builtin = TimelineTemplate.objects.get(partnership=None, name=TEMPLATE)
        template = template_adopt(actor=None, partnership=partnership, builtin=builtin)
        steps = list(template.steps.all())
        kinds = (Anchor.REFERRAL_RECEIVED, Anchor.NOTIFICATION_SENT,
                 Anchor.INFORMATION_REQUEST_SENT)
        steps_of = {kind: [s for s in steps if s.anchor == kind] for kind in kinds}
        assert all(steps_of.values()), "the plan changed: benchmark needs updating"
        assert all(s.unit == TimelineStep.Unit.WORKING_DAYS
                   for kind in kinds for s in steps_of[kind])

        agencies = [agency_create(actor=None, name=f"Benchmark agency {i}", sector=sector,
                                  partnerships=[partnership])
                    for i, sector in enumerate([Agency.Sector.POLICE, Agency.Sector.ICB,
                                                Agency.Sector.HEALTH_PROVIDER,
                                                Agency.Sector.EDUCATION])]
        people: dict = defaultdict(list)  # role or agency id -> users

        def person(label: str, role: str, **grant):
            n = sum(len(v) for v in people.values())
            user = user_create(actor=None, email=f"bench{n}@example.org",
                               full_name=f"{label} {n}")
            membership_grant(actor=None, user=user, partnership=partnership, role=role, **grant)
            people[grant["agency"].pk if "agency" in grant else role].append(user)

        for _ in range(3):
            person("Officer", Role.BUSINESS_UNIT_OFFICER)
        for _ in range(2):
            person("Manager", Role.BUSINESS_MANAGER)
        for partner in StatutoryPartner.values:
            person("Partner", Role.PARTNER_REPRESENTATIVE, statutory_partner=partner)
        for agency in agencies:
            for _ in range(2):
                person("Agency user", Role.AGENCY_USER, agency=agency)

        year = TODAY.year
        cases = Case.objects.bulk_create(
            Case(partnership=partnership, reference=f"BENCH-{year}-{i:05d}",
                 stage=Stage.RAPID_REVIEW, pathway=Pathway.RAPID_REVIEW)
            for i in range(1, CASES + 1))
        calendar = calendar_for(partnership)
        first = TODAY.toordinal() - 730
        anchors = []
        for i, case in enumerate(cases):
            notified_on = datetime.date.fromordinal(first + rng.randrange(730))
            anchors.append(AnchorEvent(case=case, kind=Anchor.REFERRAL_RECEIVED,
                                       occurred_on=notified_on))
            anchors.append(AnchorEvent(case=case, kind=Anchor.NOTIFICATION_SENT,
                                       occurred_on=notified_on))
            anchors.append(AnchorEvent(
                case=case, kind=Anchor.INFORMATION_REQUEST_SENT,
                related_key=f"rapid_review.informationrequest:{i + 1}",
                occurred_on=add_working_days(notified_on, 2, calendar),
                responsible_agency=agencies[i % len(agencies)]))
        anchors = AnchorEvent.objects.bulk_create(anchors)

        officer = people[Role.BUSINESS_UNIT_OFFICER][0]
        memo: dict = {}
        rows = []  # (deadline, step, anchor_on): for the checks, with deadline.pk once saved
        for anchor in anchors:
            for step in steps_of[anchor.kind]:
                if len(rows) == DEADLINES:
                    break
                key = (step.pk, anchor.occurred_on)
                dates = memo.get(key)
                if dates is None:
                    dates = memo[key] = due_dates_for(step, anchor.occurred_on, None, calendar)
                agency_due = step.responsible_is_agency
                rows.append((Deadline(
                    partnership=partnership, case_id=anchor.case_id, step=step,
                    anchor_event=anchor, related_key=anchor.related_key,
                    due_date=dates.due_date, due_at=dates.due_at,
                    window_start=dates.window_start, responsible_role=step.responsible_role,
                    responsible_agency_id=anchor.responsible_agency_id if agency_due else None,
                    # A few deadlines given to one person, as the service allows.
                    responsible_user=officer if not agency_due and rng.random() < 0.02
                    else None,
                ), step, anchor.occurred_on))
        assert len(rows) == DEADLINES, f"built {len(rows)} deadlines, wanted {DEADLINES}"
        for start in range(0, DEADLINES, 20_000):
            Deadline.objects.bulk_create([row[0] for row in rows[start:start + 20_000]])
    return {"partnership": partnership, "people": people, "rows": rows}


def _recompute(data: dict, results: dict) -> None:
    from calendars.models import CalendarDay, Deadline, DeadlineStatus
    from calendars.services import deadlines_recompute
    from calendars.working_days import default_calendar, is_working_day, next_working_day

    partnership, rows = data["partnership"], data["rows"]
    assert is_working_day(CLOSURE) and CLOSURE.toordinal() > TODAY.toordinal() - 730
    # Independent rule for a single extra closure C: a deadline counted forwards in working
    # days from an anchor before C, and due on or after C, moves to the next working day; so
    # does a "same day" step (0 working days) whose anchor is C itself.
    before = default_calendar()
    expected = {}
    for deadline, step, anchor_on in rows:
        due = deadline.due_date
        moves = (anchor_on < CLOSURE <= due
                 or (step.offset == 0 and anchor_on == CLOSURE)) and not step.is_statutory
        expected[deadline.pk] = next_working_day(due, before) if moves else due
    should_move = sum(expected[d.pk] != d.due_date for d, _s, _a in rows)

    # Directly, not calendar_day_add: that also queues the same recompute as a Celery task.
    CalendarDay.objects.create(partnership=partnership, date=CLOSURE,
                               kind=CalendarDay.Kind.CLOSURE, reason="Benchmark closure")
    with timed(results, "recompute_100k_deadlines_s", "recompute_queries"):
        moved = deadlines_recompute(partnership=partnership)
    results["recompute_moved"] = moved
    assert moved == should_move > 0, f"moved {moved}, expected {should_move}"

    stored = dict(Deadline.objects.filter(status=DeadlineStatus.OPEN)
                  .values_list("id", "due_date"))
    assert len(stored) == DEADLINES
    wrong = [(pk, stored[pk], due) for pk, due in expected.items() if stored[pk] != due]
    assert not wrong, f"{len(wrong)} deadlines have the wrong due date, e.g. {wrong[:5]}"

    # Nothing left to move: the same pass again (every row read, nothing written).
    with timed(results, "recompute_again_nothing_moves_s"):
        again = deadlines_recompute(partnership=partnership)
    assert again == 0, f"a second recompute moved {again} deadlines"


def _respread(data: dict, rng: random.Random) -> list[tuple[int, object, int]]:
    """New due dates around TODAY; returns (deadline, step, working days from TODAY)."""
    from django.db import transaction

    from calendars.models import Deadline
    from calendars.services import calendar_for
    from calendars.working_days import add_working_days

    calendar = calendar_for(data["partnership"])
    spread, by_due = [], defaultdict(list)
    for deadline, step, _anchor_on in data["rows"]:
        u = rng.random()
        if u < 0.03:
            k = 0  # due today
        elif u < 0.13:
            k = rng.randint(1, 5)  # due in the next 5 working days
        elif u < 0.18:
            k = -rng.randint(1, 30)  # overdue
        else:
            k = rng.randint(6, 60)  # later
        due = add_working_days(TODAY, k, calendar)
        by_due[due].append(deadline.pk)
        spread.append((deadline, step, k))
    with transaction.atomic():
        for due, pks in by_due.items():
            for start in range(0, len(pks), 900):
                Deadline.objects.filter(pk__in=pks[start:start + 900]).update(due_date=due)
    return spread


def _expected_reminders(spread, people: dict) -> tuple[Counter, int]:
    """Reminders by kind and the number of emails, from the steps' reminder settings."""
    from accounts.models import Role
    from calendars.models import Reminder, TimelineStep

    horizon = max((d for s in TimelineStep.objects.all() for d in (s.remind_days_before or [])),
                  default=0)
    kinds, emails = Counter(), 0
    for deadline, step, k in spread:
        if deadline.responsible_user_id:
            told = 1
        elif deadline.responsible_agency_id:
            told = len(people[deadline.responsible_agency_id])
        else:
            told = len(people[deadline.responsible_role or Role.BUSINESS_UNIT_OFFICER])
        due_kinds = []
        if k == 0 and step.remind_on_day:
            due_kinds.append(Reminder.Kind.ON_DAY)
        if 0 < k <= horizon and k in (step.remind_days_before or []):
            due_kinds.append(Reminder.Kind.BEFORE)
        if k < 0 and step.remind_daily_when_overdue:
            due_kinds.append(Reminder.Kind.OVERDUE)
        for kind in due_kinds:
            kinds[kind] += 1
            emails += told
        if k < 0 and step.escalate_after is not None and -k >= step.escalate_after:
            kinds[Reminder.Kind.ESCALATION] += 1
            emails += len(people[Role.BUSINESS_MANAGER])
    return kinds, emails


def _sweep(data: dict, rng: random.Random, results: dict) -> None:
    from django.db.models import Count

    from calendars.models import Reminder
    from calendars.services.reminders import reminders_plan, reminders_send
    from outbox.models import Message

    spread = _respread(data, rng)
    kinds, emails = _expected_reminders(spread, data["people"])
    queued = Message.objects.filter(kind="reminder")
    with timed(results, "reminder_sweep_100k_deadlines_s"):
        with timed(results, "reminder_plan_s", "reminder_plan_queries"):
            planned = reminders_plan(today=TODAY)
        with timed(results, "reminder_send_s", "reminder_send_queries"):
            sent = reminders_send(today=TODAY)
    results.update(reminders_planned=planned, reminders_sent=sent,
                   emails_queued=queued.count())
    stored = Counter(dict(Reminder.objects.values_list("kind").annotate(n=Count("id"))))
    assert stored == kinds, f"reminders {dict(stored)}, expected {dict(kinds)}"
    assert planned == sent == sum(kinds.values()), (planned, sent, sum(kinds.values()))
    assert queued.count() == emails, f"{queued.count()} emails, expected {emails}"
    assert queued.values("dedupe_key").distinct().count() == emails  # one per person each
    assert not Reminder.objects.filter(sent_at__isnull=True).exists()
    results["reminders_by_kind"] = dict(sorted(stored.items()))

    # The sweep is idempotent: a second one inserts nothing and emails nobody.
    reminders_plan(today=TODAY)
    assert reminders_send(today=TODAY) == 0
    assert Reminder.objects.count() == sum(kinds.values())
    assert queued.count() == emails


def _child() -> None:
    results = child_setup("benchmarks.bench_deadlines")
    results["deadlines"] = DEADLINES
    rng = random.Random(SEED)
    with timed(results, "build_data_s"):
        data = _build(rng)
    _recompute(data, results)
    _sweep(data, rng, results)
    child_report(results)


if __name__ == "__main__":
    if "--child" in sys.argv[1:]:
        _child()
    else:
        print(json.dumps(run(), indent=2, sort_keys=True))
