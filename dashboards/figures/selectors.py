"""The partnership's figures for a period (issue 14, "Figures"; seed 002 l.308 for the yearly
report): timeliness against the statutory limits, volumes and outcomes, and the themes of
the serious incidents notified, in the national categories (docs/decisions/0014-figures.md).

Every figure is read here, once, by aggregate queries whose number does not grow with the
data (one row per partnership, or one row per late deadline or child notified); the pages,
the CSV files, the spreadsheet and the yearly report all take their tables from
``tables.py``, which reads only what this module returns.

Which period a record belongs to: the date of the event it counts (a referral by the day it
was received, a notification by the day the Panel was notified, a decision by the day it
was made); a time limit by the day it fell due, judged on the stored deadline, whose due date
the calendars app counted on the statutory calendar.
"""

from __future__ import annotations

import datetime
import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, JSONField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, JSONObject
from django.utils import timezone

from accounts import rules
from accounts.models import Partnership, User
from actionplans.models import Action, ActionPlan, Source
from actionplans.models import Recommendation as PlanRecommendation
from calendars.models import Anchor, CalendarDay, CalendarKind, Deadline, DeadlineStatus, StepAction
from calendars.working_days import WorkingDayCalendar, default_calendar, working_days_between
from cases.models import INCIDENT_CHARACTERISTICS, Involvement, Referral, TriageDecision
from lcspr.models import Lcspr
from notifications.models import PanelNotification
from rapid_review.models import DelayNotice, RapidReview, ReviewReport

from .categories import child_categories

# Periods ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date
    label: str

    def __contains__(self, day: datetime.date) -> bool:
        return self.start <= day <= self.end


def financial_year(starting: int) -> Period:
    """1 April to 31 March: the year partnerships report on."""
    return Period(datetime.date(starting, 4, 1), datetime.date(starting + 1, 3, 31),
                  f"1 April {starting} to 31 March {starting + 1}")


def financial_year_of(day: datetime.date) -> int:
    return day.year if day.month >= 4 else day.year - 1


def last_financial_year(today: datetime.date) -> Period:
    return financial_year(financial_year_of(today) - 1)


def figures_partnerships(user: User) -> list[Partnership]:
    """The partnerships whose figures the user reads (a regional service: several)."""
    return sorted({m.partnership for m in rules.memberships_of(user)
                   if m.role in rules.FIGURES_READERS}, key=lambda p: p.name)


# Timeliness -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    action: str
    anchor: str
    before: bool = False  # counted back from a later date: "7 working days before"


MEASURES = [
    Measure("notification", "Panel notified within 5 working days of becoming aware",
            StepAction.PANEL_NOTIFIED, Anchor.BECAME_AWARE),
    Measure("rapid_review", "Rapid review sent to the Panel within 15 working days of the "
            "notification", StepAction.RAPID_REVIEW_SUBMITTED, Anchor.NOTIFICATION_SENT),
    Measure("lcspr", "LCSPR completed within 6 months of the decision to commission it",
            StepAction.FINAL_REPORT_SENT, Anchor.DECISION_TO_COMMISSION_LCSPR),
    Measure("final_report", "Final LCSPR report sent 7 working days before publication",
            StepAction.FINAL_REPORT_SENT, Anchor.PLANNED_PUBLICATION, before=True),
]
MEASURE_BY_STEP = {(m.action, m.anchor): m for m in MEASURES}


@dataclass
class Late:
    measure: Measure
    partnership: str
    reference: str
    due_on: datetime.date
    done_on: datetime.date | None  # None: not done yet
    working_days_late: int
    reason: str = ""


@dataclass
class Timeliness:
    measure: Measure
    partnership: str
    on_time: int = 0
    late: int = 0
    taken: list[int] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.on_time + self.late

    @property
    def median(self) -> float | None:
        """Working days taken (for the final report: working days before publication)."""
        return statistics.median(self.taken) if self.taken else None


def _calendars(partnership_ids: list[int]) -> dict[int, WorkingDayCalendar]:
    """Each partnership's calendar, as ``calendars.services.calendar_for`` builds it, in
    one query for them all."""
    days = defaultdict(lambda: (set(), set()))
    for pid, date, kind in CalendarDay.objects.filter(
            partnership_id__in=partnership_ids).values_list("partnership_id", "date", "kind"):
        days[pid][0 if kind == CalendarDay.Kind.CLOSURE else 1].add(date)
    return {pid: WorkingDayCalendar(extra_closures=frozenset(c), extra_working_days=frozenset(w))
            if pid in days else default_calendar()
            for pid, (c, w) in ((p, days[p]) for p in partnership_ids)}


def timeliness(partnerships: list[Partnership], period: Period, today: datetime.date
               ) -> tuple[list[Timeliness], list[Late]]:
    """Each time limit that fell due in the period: met on time, met late, or still not met
    after its due date (late so far). Steps that no longer applied are not counted."""
    names = {p.pk: p.name for p in partnerships}
    which = Q()
    for m in MEASURES:
        which |= Q(step__met_by=m.action, step__anchor=m.anchor)
    rows = (Deadline.objects.filter(which, partnership_id__in=names,
                                    due_date__range=(period.start, period.end))
            .filter(Q(status__in=[DeadlineStatus.MET, DeadlineStatus.MISSED])
                    | Q(status=DeadlineStatus.OPEN, due_date__lt=today))
            .order_by("due_date", "id")
            .values("partnership_id", "case_id", "case__reference", "due_date", "met_at",
                    "status", "anchor_event__occurred_on", "step__met_by", "step__anchor",
                    "step__calendar"))
    calendars = _calendars(list(names))
    results = {(m.key, pid): Timeliness(m, names[pid]) for m in MEASURES for pid in names}
    late = []
    for row in rows:
        m = MEASURE_BY_STEP[(row["step__met_by"], row["step__anchor"])]
        calendar = (default_calendar() if row["step__calendar"] == CalendarKind.STATUTORY
                    else calendars[row["partnership_id"]])
        result = results[(m.key, row["partnership_id"])]
        done_on = timezone.localdate(row["met_at"]) if row["met_at"] else None
        anchor_on = row["anchor_event__occurred_on"]
        if done_on is not None:
            result.taken.append(working_days_between(done_on, anchor_on, calendar) if m.before
                                else working_days_between(anchor_on, done_on, calendar))
        if row["status"] == DeadlineStatus.MET:
            result.on_time += 1
            continue
        result.late += 1
        late.append(Late(m, names[row["partnership_id"]], row["case__reference"],
                         row["due_date"], done_on,
                         working_days_between(row["due_date"], done_on or today, calendar)))
        late[-1].case_id = row["case_id"]
    _reasons(late)
    return list(results.values()), late


def _reasons(late: list[Late]) -> None:
    """The reason on record: the notification's late reason, the Panel's delay notice."""
    by_key = {"notification": {}, "rapid_review": {}}
    cases = {key: [x.case_id for x in late if x.measure.key == key] for key in by_key}
    if cases["notification"]:
        by_key["notification"] = dict(PanelNotification.objects.filter(
            case_id__in=cases["notification"]).exclude(late_reason="")
            .values_list("case_id", "late_reason"))
    if cases["rapid_review"]:
        for case_id, reason in DelayNotice.objects.filter(
                review__case_id__in=cases["rapid_review"]).order_by("created_at", "id") \
                .values_list("review__case_id", "reason"):
            by_key["rapid_review"][case_id] = reason  # the latest notice's
    for x in late:
        x.reason = by_key.get(x.measure.key, {}).get(x.case_id, "")


# Volumes and outcomes ---------------------------------------------------------------------

def _count(queryset, link: str):
    """A correlated count per partnership, so every volume is one column of one query."""
    return Coalesce(Subquery(queryset.filter(**{link: OuterRef("pk")}).order_by()
                             .values(link).annotate(n=Count("pk")).values("n")[:1]), 0)


def _counts(queryset, link: str, **counts: Q) -> Subquery:
    """Several counts of one table per partnership in one correlated subquery, as a JSON
    object ``{key: count of the rows matching its condition}``: a subquery a volume made the
    figures page's query 28 subqueries, whose building and planning were most of the page's
    time (docs/performance.md). Only to-one joins in ``counts``, so no row counts twice."""
    return Subquery(queryset.filter(**{link: OuterRef("pk")}).order_by().values(link)
                    .annotate(counts=JSONObject(**{key: Count("pk", filter=where)
                                                   for key, where in counts.items()}))
                    .values("counts")[:1], output_field=JSONField())


# (key, label): the order they are shown in.
VOLUMES = [
    ("referrals", "Referrals received"),
    ("notifications", "Serious incidents notified to the Panel"),
    ("notified_deaths", "of which the child died"),
    ("notified_serious_harm", "of which the child was seriously harmed"),
    ("rapid_reviews_started", "Rapid reviews started"),
    ("rapid_reviews_submitted", "Rapid reviews sent to the Panel"),
    ("outcome_lcspr", "of which the partners decided on an LCSPR"),
    ("outcome_national", "of which the partners recommended a national review"),
    ("outcome_no_further", "of which the partners decided no further review"),
    ("lcsprs_commissioned", "LCSPRs commissioned"),
    ("lcsprs_published", "LCSPRs published"),
    ("learning_reviews", "Learning reviews started"),
    ("single_agency_reviews", "Single-agency reviews started"),
    ("plans_started", "Action plans started"),
    ("plans_closed", "Action plans signed off by the board"),
    ("plans_open", "Action plans open at the end of the period"),
    ("actions", "Actions in the plans open during the period"),
    ("actions_evidenced", "of which complete, with their impact evidenced"),
    ("actions_complete", "of which complete, impact not yet evidenced"),
    ("actions_not_implemented", "of which not implemented"),
    ("actions_open", "of which still open"),
]
TRIAGE = list(TriageDecision.Decision.choices)


def plans_live(period: Period):
    """Action plans open at some time in the period: started by its end, not signed off
    before its start. The yearly report's actions are theirs."""
    return ActionPlan.objects.filter(created_at__date__lte=period.end).filter(
        Q(signed_off_on__isnull=True) | Q(signed_off_on__gte=period.start))


def volumes(partnerships: list[Partnership], period: Period) -> dict[int, dict[str, int]]:
    """Every volume, one row per partnership: one query whatever the data size, with a
    subquery for each table counted."""
    span = (period.start, period.end)
    everything = Q(pk__isnull=False)
    submitted = Q(submission__submitted_on__range=span)
    decided = Q(decided_on__range=span)
    begun = Q(created_at__date__lte=period.end)
    Status, Impact = Action.Status, Action.Impact
    Decision = ReviewReport.Decision
    by_table = {
        "referrals": _counts(Referral.objects.filter(submitted_at__date__range=span),
                             "case__partnership", referrals=everything),
        "notifications": _counts(
            PanelNotification.objects.filter(notified_on__range=span), "case__partnership",
            notifications=everything, notified_deaths=Q(case__incident__harm="death"),
            notified_serious_harm=Q(case__incident__harm="serious_harm")),
        "rapid_reviews": _counts(
            RapidReview.objects.filter(Q(started_on__range=span) | submitted),
            "case__partnership",
            rapid_reviews_started=Q(started_on__range=span), rapid_reviews_submitted=submitted,
            outcome_lcspr=submitted & Q(report__decision=Decision.LOCAL_CSPR),
            outcome_national=submitted & Q(report__decision=Decision.NATIONAL_REVIEW),
            outcome_no_further=submitted & Q(report__decision=Decision.NO_FURTHER_REVIEW)),
        "reviews": _counts(
            Lcspr.objects.filter(decided | Q(kind=Lcspr.Kind.LCSPR,
                                             publication__published_on__range=span)),
            "case__partnership",
            lcsprs_commissioned=decided & Q(kind=Lcspr.Kind.LCSPR),
            lcsprs_published=Q(kind=Lcspr.Kind.LCSPR, publication__published_on__range=span),
            learning_reviews=decided & Q(kind=Lcspr.Kind.LEARNING_REVIEW),
            single_agency_reviews=decided & Q(kind=Lcspr.Kind.SINGLE_AGENCY_REVIEW)),
        "plans": _counts(
            ActionPlan.objects.filter(begun | Q(signed_off_on__range=span)),
            "case__partnership",
            plans_started=Q(created_at__date__range=span),
            plans_closed=Q(signed_off_on__range=span),
            plans_open=begun & (Q(signed_off_on__isnull=True)
                                | Q(signed_off_on__gt=period.end))),
        "actions": _counts(
            Action.objects.filter(recommendation__plan__in=plans_live(period)),
            "recommendation__plan__case__partnership",
            actions=everything,
            actions_evidenced=Q(status=Status.COMPLETE, impact=Impact.EVIDENCED),
            actions_complete=Q(status=Status.COMPLETE) & ~Q(impact=Impact.EVIDENCED),
            actions_not_implemented=Q(status=Status.NOT_IMPLEMENTED),
            actions_open=~Q(status__in=[Status.COMPLETE, Status.NOT_IMPLEMENTED])),
        "triage": _counts(
            TriageDecision.objects.filter(meeting_date__range=span), "case__partnership",
            **{f"triage_{value}": Q(decision=value) for value, _label in TRIAGE}),
    }
    keys = [key for key, _label in VOLUMES] + [f"triage_{value}" for value, _label in TRIAGE]
    rows = Partnership.objects.filter(pk__in=[p.pk for p in partnerships]).annotate(
        **by_table).values("pk", *by_table)
    result = {}
    for row in rows:
        counted = {}
        for table in by_table:
            counted.update(row[table] or {})
        result[row["pk"]] = {key: counted.get(key, 0) for key in keys}
    return result


# The yearly report: findings, actions, and the reason for any action not taken ------------

@dataclass(frozen=True)
class Finding:
    partnership: str
    reference: str
    number: int
    finding: str
    recommendation: str
    source: str
    actions: int
    complete: int
    not_implemented: int


def findings(partnerships: list[Partnership], period: Period) -> list[Finding]:
    """Each recommendation of the plans open during the period, with what became of its
    actions: one query."""
    def actions_where(**where):
        return _count(Action.objects.filter(**where), "recommendation")

    rows = (PlanRecommendation.objects
            .filter(plan__in=plans_live(period),
                    plan__case__partnership__in=[p.pk for p in partnerships])
            .annotate(n_actions=actions_where(),
                      n_complete=actions_where(status=Action.Status.COMPLETE),
                      n_not=actions_where(status=Action.Status.NOT_IMPLEMENTED))
            .order_by("plan__case__partnership__name", "plan__case__reference", "number")
            .values("plan__case__partnership__name", "plan__case__reference", "number",
                    "finding", "text", "source", "n_actions", "n_complete", "n_not"))
    return [Finding(r["plan__case__partnership__name"], r["plan__case__reference"],
                    r["number"], r["finding"], r["text"], Source(r["source"]).label,
                    r["n_actions"], r["n_complete"], r["n_not"]) for r in rows]


@dataclass(frozen=True)
class NotTaken:
    partnership: str
    reference: str
    action: str
    agency: str
    text: str
    reason: str


def actions_not_taken(partnerships: list[Partnership], period: Period) -> list[NotTaken]:
    rows = (Action.objects.filter(
        status=Action.Status.NOT_IMPLEMENTED, recommendation__plan__in=plans_live(period),
        recommendation__plan__case__partnership__in=[p.pk for p in partnerships])
        .order_by("recommendation__plan__case__partnership__name",
                  "recommendation__plan__case__reference", "recommendation__number", "number")
        .values("recommendation__plan__case__partnership__name",
                "recommendation__plan__case__reference", "recommendation__number", "number",
                "agency__name", "text", "not_implemented_reason"))
    return [NotTaken(r["recommendation__plan__case__partnership__name"],
                     r["recommendation__plan__case__reference"],
                     f"{r['recommendation__number']}.{r['number']}", r["agency__name"],
                     r["text"], r["not_implemented_reason"]) for r in rows]


# Themes and characteristics ---------------------------------------------------------------

def themes(partnerships: list[Partnership], period: Period
           ) -> dict[int, dict[tuple[str, str], int]]:
    """The children named in the notifications made in the period, counted in the national
    categories (``categories.py``); the incident's characteristics once per notification.
    One query: a row per child notified."""
    through = PanelNotification.children.through
    known = Involvement.objects.filter(case=OuterRef("panelnotification__case"))
    rows = (through.objects.filter(
        panelnotification__notified_on__range=(period.start, period.end),
        panelnotification__case__partnership__in=[p.pk for p in partnerships])
        .annotate(known=Exists(known), partnership=F("panelnotification__case__partnership"),
                  notification=F("panelnotification"))
        .order_by("pk")
        .values("partnership", "notification", "known", "child__date_of_birth",
                "child__gender", "child__ethnicity", "child__disability",
                "child__legal_status", "panelnotification__case__incident__occurred_on",
                "panelnotification__case__incident__harm",
                "panelnotification__case__incident__concern",
                "panelnotification__case__incident__characteristics"))
    counts: dict[int, dict[tuple[str, str], int]] = {p.pk: defaultdict(int) for p in partnerships}
    labels = dict(INCIDENT_CHARACTERISTICS)
    seen = set()
    for row in rows:
        tally = counts[row["partnership"]]
        for category in child_categories(
                date_of_birth=row["child__date_of_birth"], gender=row["child__gender"],
                ethnicity=row["child__ethnicity"], disability=row["child__disability"],
                legal_status=row["child__legal_status"], known=row["known"],
                incident_on=row["panelnotification__case__incident__occurred_on"],
                harm=row["panelnotification__case__incident__harm"],
                concern=row["panelnotification__case__incident__concern"]):
            tally[category] += 1
        if row["notification"] not in seen:
            seen.add(row["notification"])
            for code in row["panelnotification__case__incident__characteristics"] or []:
                tally[("Characteristics of the incident (notifications)",
                       labels.get(code, "Other"))] += 1
    return counts
