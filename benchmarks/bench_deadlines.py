"""Deadlines at scale: recompute 100,000 open deadlines after a calendar change, and the
daily reminder sweep (plan, then send) over the same 100,000.

Goal: each under 10 s on a 2-core machine.

Never touches the developer's database. ``run()`` does the measuring in a child process
(``python -m benchmarks.bench_deadlines --child``) whose ``DATABASE_URL`` is a throwaway
SQLite file in a temporary directory, or ``BENCH_DATABASE_URL`` when that is set. A
PostgreSQL ``BENCH_DATABASE_URL`` must name a database that does not exist yet: the
benchmark creates it and drops it afterwards (it refuses to use one that already exists).
The child also gets ``VAR_DIR`` in the temporary directory, no Redis and the in-memory
email backend, runs the migrations, builds the data, measures, checks the results (a wrong
result fails the benchmark) and prints one JSON line.

Data: one partnership on the built-in "15 working day plan (North East Lincolnshire)";
10,000 rapid review cases, each with a "Panel notified" anchor (on a day in the two years
before ``TODAY``) and an "information request sent" anchor to one of four agencies, so
9 + 1 open deadlines per case, all due dates computed with ``due_dates_for``.

1. ``recompute_100k_deadlines_s``: a closure on a working day in that range, then
   ``deadlines_recompute``. Every row is checked against an independent rule: a deadline
   whose anchor is before the closure and whose due date is on or after it moves to the next
   working day; no other deadline moves.
2. ``reminder_sweep_100k_deadlines_s``: due dates re-spread around ``TODAY`` (3 % due today,
   10 % in the next 5 working days, 5 % overdue, the rest later), sixteen users in four
   roles, then ``reminders_plan`` and ``reminders_send`` with ``today=TODAY``. Reminders and
   emails are checked against counts worked out from the steps' reminder settings, and a
   second sweep must send nothing.

Run alone: ``DEBUG=true .venv/bin/python -m benchmarks.bench_deadlines``.
"""

from __future__ import annotations

import datetime
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from contextlib import contextmanager
from pathlib import Path

TODAY = datetime.date(2026, 11, 25)  # a Wednesday, a working day
CLOSURE = datetime.date(2025, 11, 26)  # a Wednesday, a working day mid-range
DEADLINES = 100_000
CASES = 10_000
TEMPLATE = "15 working day plan (North East Lincolnshire)"
SEED = 20261125
CHILD_TIMEOUT_S = 900
PROJECT_ROOT = Path(__file__).resolve().parent.parent


# --------------------------------------------------------------------------- parent


def _postgres_database(url: str):
    """Create the PostgreSQL database named by ``url``; returns a function that drops it."""
    import environ
    import psycopg
    from psycopg import sql

    config = environ.Env.db_url_config(url)
    name = config["NAME"]
    params = {"dbname": "postgres", "user": config.get("USER") or None,
              "password": config.get("PASSWORD") or None,
              "host": config.get("HOST") or None, "port": config.get("PORT") or None}
    params = {k: v for k, v in params.items() if v not in (None, "")}
    with psycopg.connect(**params, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            raise RuntimeError(
                f"BENCH_DATABASE_URL names database {name!r}, which already exists. The "
                "benchmark creates and drops its own database: name one that does not exist")
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))

    def drop() -> None:
        with psycopg.connect(**params, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)))

    return drop


def run() -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-deadlines-") as tmp:
        url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tmp}/bench.sqlite3"
        drop = _postgres_database(url) if url.startswith(("postgres", "pgsql")) else None
        env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
        # Set, not only removed: config/settings.py reads a .env file for anything unset.
        env.update(DJANGO_SETTINGS_MODULE="config.settings", DATABASE_URL=url,
                   BENCH_DEADLINES_DATABASE_URL=url, DEBUG="true", VAR_DIR=tmp,
                   REDIS_URL="", EMAIL_URL="memorymail://", LOG_LEVEL="WARNING")
        try:
            child = subprocess.run(  # noqa: S603 - our own interpreter and module
                [sys.executable, "-m", "benchmarks.bench_deadlines", "--child"],
                cwd=PROJECT_ROOT, env=env, capture_output=True, text=True,
                timeout=CHILD_TIMEOUT_S, check=False)
        finally:
            if drop is not None:
                drop()
    lines = [line for line in child.stdout.splitlines() if line.strip()]
    if child.returncode != 0 or not lines:
        raise RuntimeError(f"bench_deadlines child failed (exit {child.returncode}):\n"
                           f"{child.stdout[-2000:]}\n{child.stderr[-6000:]}")
    return json.loads(lines[-1])


# --------------------------------------------------------------------------- child


@contextmanager
def _timed(results: dict, key: str, queries_key: str | None = None):
    """Wall-clock seconds into ``results[key]``; SQL statements into ``results[queries_key]``."""
    from django.db import connection

    count = [0]

    def counter(execute, sql, params, many, context):
        count[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        started = time.perf_counter()
        yield
        results[key] = round(time.perf_counter() - started, 3)
    if queries_key:
        results[queries_key] = count[0]


def _check_database() -> None:
    """Refuse to run anywhere but the throwaway database the parent chose."""
    import environ
    from django.conf import settings

    expected = os.environ.get("BENCH_DEADLINES_DATABASE_URL")
    if not expected:
        raise RuntimeError("Run benchmarks.bench_deadlines through run(), not with --child")
    wanted = environ.Env.db_url_config(expected)
    actual = settings.DATABASES["default"]
    if (str(actual["NAME"]), actual.get("HOST") or "") != (str(wanted["NAME"]),
                                                           wanted.get("HOST") or ""):
        raise RuntimeError(f"Database is {actual['NAME']!r}, expected {wanted['NAME']!r}")


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
        notified_steps = [s for s in steps if s.anchor == Anchor.NOTIFICATION_SENT]
        agency_steps = [s for s in steps if s.anchor == Anchor.INFORMATION_REQUEST_SENT]
        assert notified_steps and agency_steps, "the plan changed: benchmark needs updating"
        assert all(s.unit == TimelineStep.Unit.WORKING_DAYS for s in notified_steps + agency_steps)

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
            for step in (notified_steps if anchor.kind == Anchor.NOTIFICATION_SENT
                         else agency_steps):
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
    # days from an anchor before C, and due on or after C, moves to the next working day.
    before = default_calendar()
    expected = {}
    for deadline, _step, anchor_on in rows:
        due = deadline.due_date
        expected[deadline.pk] = (next_working_day(due, before)
                                 if anchor_on < CLOSURE <= due else due)
    should_move = sum(expected[d.pk] != d.due_date for d, _s, _a in rows)

    # Directly, not calendar_day_add: that also queues the same recompute as a Celery task.
    CalendarDay.objects.create(partnership=partnership, date=CLOSURE,
                               kind=CalendarDay.Kind.CLOSURE, reason="Benchmark closure")
    with _timed(results, "recompute_100k_deadlines_s", "recompute_queries"):
        moved = deadlines_recompute(partnership=partnership)
    results["recompute_moved"] = moved
    assert moved == should_move > 0, f"moved {moved}, expected {should_move}"

    stored = dict(Deadline.objects.filter(status=DeadlineStatus.OPEN)
                  .values_list("id", "due_date"))
    assert len(stored) == DEADLINES
    wrong = [(pk, stored[pk], due) for pk, due in expected.items() if stored[pk] != due]
    assert not wrong, f"{len(wrong)} deadlines have the wrong due date, e.g. {wrong[:5]}"

    # Nothing left to move: the same pass again (every row read, nothing written).
    with _timed(results, "recompute_again_nothing_moves_s"):
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
    from django.core import mail
    from django.db.models import Count

    from calendars.models import Reminder
    from calendars.services.reminders import reminders_plan, reminders_send

    spread = _respread(data, rng)
    kinds, emails = _expected_reminders(spread, data["people"])
    mail.outbox = []
    with _timed(results, "reminder_sweep_100k_deadlines_s"):
        with _timed(results, "reminder_plan_s", "reminder_plan_queries"):
            planned = reminders_plan(today=TODAY)
        with _timed(results, "reminder_send_s", "reminder_send_queries"):
            sent = reminders_send(today=TODAY)
    results.update(reminders_planned=planned, reminders_sent=sent, emails_sent=len(mail.outbox))
    stored = Counter(dict(Reminder.objects.values_list("kind").annotate(n=Count("id"))))
    assert stored == kinds, f"reminders {dict(stored)}, expected {dict(kinds)}"
    assert planned == sent == sum(kinds.values()), (planned, sent, sum(kinds.values()))
    assert len(mail.outbox) == emails, f"{len(mail.outbox)} emails, expected {emails}"
    assert not Reminder.objects.filter(sent_at__isnull=True).exists()
    results["reminders_by_kind"] = dict(sorted(stored.items()))

    # The sweep is idempotent: a second one inserts nothing and emails nobody.
    reminders_plan(today=TODAY)
    assert reminders_send(today=TODAY) == 0
    assert Reminder.objects.count() == sum(kinds.values())
    assert len(mail.outbox) == emails


def _child() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    _check_database()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    assert settings.EMAIL_BACKEND == "django.core.mail.backends.locmem.EmailBackend"
    results = {"database": connection.vendor, "deadlines": DEADLINES}
    with _timed(results, "migrate_s"):
        call_command("migrate", verbosity=0, interactive=False)
    rng = random.Random(SEED)
    with _timed(results, "build_data_s"):
        data = _build(rng)
    _recompute(data, results)
    _sweep(data, rng, results)
    sys.stdout.write(json.dumps(results, sort_keys=True) + "\n")


if __name__ == "__main__":
    if "--child" in sys.argv[1:]:
        _child()
    else:
        print(json.dumps(run(), indent=2, sort_keys=True))
