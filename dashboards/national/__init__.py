"""The national data set (issue 16): all 132 partnerships of England in one instance, ten
years of cases, for load tests and query plans. ``seed_national(scale)`` builds it through
COPY in minutes; scale 1 is the national size, a small scale a consistent miniature for
tests. Everything in it is fictional, and every account shares one published password:
``manage.py seed_national`` refuses to run with DEBUG off."""

from __future__ import annotations

import datetime
import random
import time
from collections import Counter
from collections.abc import Callable
from typing import NamedTuple

from django.db import connection, transaction
from django.utils import timezone

from accounts.models import AuditEvent, Partnership

from . import deadlines, people
from .bulk import copy_in
from .cases import CaseBuilder
from .people import EMAIL_DOMAIN, NATIONAL_PASSWORD, totp_key
from .plan import plan_cases

__all__ = ["EMAIL_DOMAIN", "NATIONAL_PASSWORD", "AlreadySeeded", "Size", "seed_national",
           "totp_key"]

SEED = 20261206


class Size(NamedTuple):
    """How much to build: the national figures times a scale, never below what keeps every
    role and page present."""

    partnerships: int
    agencies: int
    users: int
    cases: int
    requests: int
    entries: int
    open_deadlines: int
    audit_rows: int

    @classmethod
    def of(cls, scale: float) -> Size:
        def n(national: int, least: int) -> int:
            return max(least, round(national * scale))

        partnerships = n(132, 2)
        cases = n(5_000, partnerships * 20)
        return cls(partnerships=partnerships, agencies=n(2_469, partnerships * 8),
                   users=n(6_996, partnerships * 30), cases=cases,
                   requests=n(50_000, cases * 2), entries=n(1_000_000, 2_500),
                   open_deadlines=n(100_000, 200), audit_rows=n(300_000, 1_000))


class AlreadySeeded(Exception):
    pass


def seed_national(scale: float = 1.0, *, log: Callable[[str], None] = lambda _m: None,
                  seed: int = SEED) -> dict:
    """Build the set; returns what it wrote, by table, and the seconds it took."""
    if connection.vendor != "postgresql":
        raise NotImplementedError("The national data set is for PostgreSQL (it loads with COPY)")
    size, rng = Size.of(scale), random.Random(seed)  # noqa: S311 - fictional data, not secrets
    today = timezone.localdate()
    started, written = time.perf_counter(), Counter()
    with transaction.atomic():
        if Partnership.objects.filter(name__endswith="Partnership (fictional)",
                                      agencies__email__endswith=EMAIL_DOMAIN).exists():
            raise AlreadySeeded("The national data set is already in this database")
        partnerships = people.build_partnerships(size.partnerships)
        agencies = people.build_agencies(partnerships, size.agencies)
        areas = people.build_people(partnerships, agencies, size.users, rng)
        log(f"{len(partnerships)} partnerships, {sum(map(len, agencies))} agency places, "
            f"people: {time.perf_counter() - started:.0f} s")
        plans = plan_cases([len(a) for a in agencies], cases=size.cases,
                           requests=size.requests, entries=size.entries, today=today, rng=rng)
        steps = [deadlines.steps_by_anchor(p) for p in partnerships]
        totals = [deadlines.counts(mine, s) for mine, s in zip(plans, steps, strict=True)]
        forced = sum(t[0] for t in totals)
        open_share = min(1.0, max(0.0, (size.open_deadlines - forced)
                                  / max(1, sum(t[1] for t in totals))))
        for n, (area, mine, area_steps) in enumerate(zip(areas, plans, steps, strict=True), 1):
            builder = CaseBuilder(area, rng, today)
            builder.build(mine)
            written.update(builder.batch.write())
            written.update(deadlines.build(builder, area_steps, open_share=open_share,
                                           today=today))
            written.update(builder.write_requests())
            written["accounts.auditevent"] += copy_in(
                AuditEvent, _audit_rows(builder, size.audit_rows // len(areas)
                                        + (n <= size.audit_rows % len(areas)), rng, today),
                with_pk=False)
            if n % 10 == 0 or n == len(areas):
                log(f"{n} of {len(areas)} partnerships: {written['cases.case']} cases, "
                    f"{written['rapid_review.chronologyentry']} entries, "
                    f"{time.perf_counter() - started:.0f} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh statistics: the planner's first plans are real ones
    written.update(partnerships=len(partnerships), users=sum(
        len(a.agency_users.get(ag.pk, [])) for a in areas for ag in a.agencies)
        + sum(len(v) for a in areas for v in a.staff.values()),
        agencies=len({ag.pk for a in agencies for ag in a}))
    return {**dict(sorted(written.items())), "seconds": round(time.perf_counter() - started, 1)}


def _audit_rows(builder: CaseBuilder, count: int, rng: random.Random, today: datetime.date):
    """What ten years of work leaves in the audit trail: mostly pages read, some changes,
    about the partnership's cases, by its staff."""
    if not builder.cases:
        return
    staff = [u for users in builder.area.staff.values() for u in users]
    actions = [AuditEvent.Action.VIEW] * 7 + [AuditEvent.Action.UPDATE] * 2 + [
        AuditEvent.Action.CREATE]
    for _ in range(count):
        case, plan, _dates = rng.choice(builder.cases)
        days = rng.randint(0, max(0, (today - plan.created).days))
        yield AuditEvent(
            occurred_at=case.created_at + datetime.timedelta(days=days, minutes=rng.randint(
                0, 600)), actor=rng.choice(staff), action=rng.choice(actions),
            object_type="cases.case", object_id=str(case.pk),
            partnership=builder.partnership, detail={})
