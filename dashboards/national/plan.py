"""What the national data set will hold, decided before anything is written: each case's
stage and dates, the agencies asked for information, each return's state and its number of
chronology entries. Planning first lets the totals come out as asked (5,000 cases, 50,000
requests, 1,000,000 entries at scale 1) while the rows are written one partnership at a
time."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field

from calendars.working_days import add_working_days
from cases.models import Stage

# Share of cases at each stage: ten years of work, most of it finished.
STAGE_WEIGHTS = {
    Stage.DRAFT: 2, Stage.REFERRED: 3, Stage.TRIAGE: 2, Stage.MORE_INFORMATION: 1,
    Stage.RAPID_REVIEW: 16, Stage.LEARNING_REVIEW: 5, Stage.SINGLE_AGENCY_REVIEW: 3,
    Stage.NO_FURTHER_ACTION: 18, Stage.LCSPR: 10, Stage.ACTION_PLAN: 12, Stage.CLOSED: 28,
}
ACTIVE = {Stage.DRAFT, Stage.REFERRED, Stage.TRIAGE, Stage.MORE_INFORMATION,
          Stage.RAPID_REVIEW}
BIG_CHRONOLOGY = (2_000, 2_400)  # entries in a "some cases" review, at every scale
BIG_SHARE = 100 / 1_000_000  # 100 big reviews among a million entries


@dataclass
class ReturnPlan:
    agency_index: int  # into the partnership's agencies
    submitted: bool
    nil: bool
    entries: int = 0


@dataclass
class CasePlan:
    stage: str
    created: datetime.date
    reviewed: bool  # has a rapid review
    returns: list[ReturnPlan] = field(default_factory=list)
    big: bool = False
    actions: list[int] = field(default_factory=list)  # per recommendation of its plan

    @property
    def plan_open(self) -> bool:
        """Its action plan is being monitored (an LCSPR's is a living plan)."""
        return self.stage in (Stage.ACTION_PLAN, Stage.LCSPR)


def open_due(today: datetime.date, rng: random.Random) -> datetime.date:
    """An open deadline's date: a tenth overdue, a twentieth today, some within a week,
    most later."""
    u = rng.random()
    k = (-rng.randint(1, 30) if u < 0.1 else 0 if u < 0.15 else rng.randint(1, 5) if u < 0.3
         else rng.randint(6, 120))
    return add_working_days(today, k)


def _created(stage: str, today: datetime.date, rng: random.Random) -> datetime.date:
    if stage in ACTIVE:
        days = rng.randint(3, 45) if stage == Stage.RAPID_REVIEW else rng.randint(0, 20)
    elif stage in (Stage.LEARNING_REVIEW, Stage.SINGLE_AGENCY_REVIEW, Stage.LCSPR,
                   Stage.ACTION_PLAN):
        days = rng.randint(60, 720)
    else:
        days = rng.randint(30, 3650)
    return today - datetime.timedelta(days=days)


def _spread(total: int, parts: int) -> list[int]:
    per, extra = divmod(total, parts)
    return [per + (1 if i < extra else 0) for i in range(parts)]


def plan_cases(agency_counts: list[int], *, cases: int, requests: int, entries: int,
               today: datetime.date, rng: random.Random) -> list[list[CasePlan]]:
    """Each partnership's cases (``agency_counts``: how many agencies each has)."""
    stages, weights = zip(*STAGE_WEIGHTS.items(), strict=True)
    plans = []
    for count in _spread(cases, len(agency_counts)):
        mine = []
        for _ in range(count):
            stage = rng.choices(stages, weights)[0]
            reviewed = stage in (Stage.RAPID_REVIEW, Stage.LCSPR, Stage.ACTION_PLAN) or (
                stage == Stage.CLOSED and rng.random() < 0.8)
            case = CasePlan(stage, _created(stage, today, rng), reviewed)
            if case.plan_open or (stage == Stage.CLOSED and reviewed):
                case.actions = [rng.randint(2, 4) for _ in range(rng.randint(3, 8))]
            mine.append(case)
        plans.append(mine)
    reviews = [(p, c) for p, mine in enumerate(plans) for c in mine if c.reviewed]
    if not reviews:
        return plans
    asked = _requests_per_review([agency_counts[p] for p, _c in reviews], requests, rng)
    for (p, case), count in zip(reviews, asked, strict=True):
        agencies = rng.sample(range(agency_counts[p]), count)
        active = case.stage == Stage.RAPID_REVIEW
        for index in agencies:
            submitted = not active or rng.random() < 0.55
            case.returns.append(ReturnPlan(index, submitted, submitted and rng.random() < 0.1))
    _plan_entries(reviews, entries, rng)
    return plans


def _requests_per_review(room: list[int], total: int, rng: random.Random) -> list[int]:
    """Between half and one and a half times the mean each, never more than the
    partnership's agencies (one request per agency), adding up to ``total`` where there is
    room."""
    mean = total / len(room)
    low, high = max(1, round(mean * 0.5)), max(1, round(mean * 1.5))
    counts = [min(rng.randint(low, high), r) for r in room]
    short = total - sum(counts)
    open_ = [i for i, r in enumerate(room) if counts[i] < r]
    while short > 0 and open_:
        i = rng.randrange(len(open_))
        counts[open_[i]] += 1
        short -= 1
        if counts[open_[i]] == room[open_[i]]:
            open_[i] = open_[-1]
            open_.pop()
    return counts


def _plan_entries(reviews: list, total: int, rng: random.Random) -> None:
    """A few big chronologies (2,000+ entries, active reviews first, one partnership each
    while there are partnerships enough), the rest spread over the other returns."""
    def carrying(case):
        return [r for r in case.returns if r.submitted and not r.nil]

    big_count = max(1, round(total * BIG_SHARE)) if total >= BIG_CHRONOLOGY[0] else 0
    ordered = sorted(reviews, key=lambda pc: (pc[1].stage != Stage.RAPID_REVIEW, rng.random()))
    chosen, seen = [], set()
    for p, case in ordered:
        if len(chosen) < big_count and p not in seen and len(case.returns) >= 3:
            chosen.append(case)
            seen.add(p)
    for _p, case in ordered:
        if len(chosen) < big_count and case not in chosen and len(case.returns) >= 3:
            chosen.append(case)
    for case in chosen:
        case.big = True
        for agency_return in case.returns:
            agency_return.submitted, agency_return.nil = True, False
        size = rng.randint(*BIG_CHRONOLOGY)
        for agency_return, n in zip(case.returns, _spread(size, len(case.returns)),
                                    strict=True):
            agency_return.entries = n
        total -= size
    rest = [r for _p, case in reviews if not case.big for r in carrying(case)]
    if rest and total > 0:
        mean = total / len(rest)
        for agency_return in rest:
            agency_return.entries = max(1, round(rng.uniform(0.2, 1.8) * mean))
