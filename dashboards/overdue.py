"""The overdue dashboard (issue 14): what is late now, who holds it, and what is about to be.

For the people who oversee cases (``rules.CASE_READERS``), every open deadline overdue or due
in the next 5 working days across the partnerships they oversee, grouped by case or by who
holds it, the statutory ones (counted on England's bank holidays: Panel notification, rapid
review submission, final report) first. For an agency's users, only their own agency's late
returns and action plan actions, in the partnerships where they act for it.

Reads only, from calendars' deadlines and step pages and the accounts rules. A page costs a
fixed number of queries whatever the data size: the calendars (one), the counts (one
aggregate, which also gives the number of rows to page through), the page's order and its
rows (two), the agencies for the filter (one).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    IntegerField,
    Max,
    Min,
    Q,
    QuerySet,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts import rules
from accounts.models import Agency, Partnership, Role, User
from calendars.models import CalendarDay, CalendarKind, Deadline, DeadlineStatus, StepAction
from calendars.services.deadlines import step_calendar
from calendars.step_pages import agency_link, business_unit_link
from calendars.working_days import (
    WorkingDayCalendar,
    add_working_days,
    default_calendar,
    working_days_between,
)
from cases.models import Stage

HORIZON_WORKING_DAYS = 5
PAGE_SIZE = 50
# What an agency owes on its own pages: its returns and its action plan actions.
AGENCY_STEPS = (StepAction.RETURN_SUBMITTED, StepAction.ACTION_COMPLETED,
                StepAction.ACTION_UPDATE_GIVEN)
ACTION_STEPS = (StepAction.ACTION_COMPLETED, StepAction.ACTION_UPDATE_GIVEN)


class Owner:
    """Who holds a deadline, in the words the dashboard's filter uses."""

    BUSINESS_UNIT = "business_unit"
    AGENCY = "agency"
    PARTNER = "partner"
    REVIEWER = "reviewer"
    CHOICES = [(BUSINESS_UNIT, "The business unit"), (AGENCY, "An agency"),
               (PARTNER, "The safeguarding partners"), (REVIEWER, "The reviewer")]


class GroupBy:
    CASE = "case"
    HOLDER = "holder"
    CHOICES = [(CASE, "Case"), (HOLDER, "Who holds it")]


@dataclass(frozen=True)
class Filters:
    """The dashboard's filters, already validated (an empty one filters nothing)."""

    stage: str = ""
    agency: int | None = None
    owner: str = ""
    partnership: int | None = None
    due_from: datetime.date | None = None
    due_to: datetime.date | None = None
    group_by: str = GroupBy.CASE


@dataclass(frozen=True)
class Counts:
    overdue_statutory: int = 0
    overdue_local: int = 0
    due_soon: int = 0
    agencies_late: int = 0

    @property
    def rows(self) -> int:
        """Every row the dashboard lists: overdue (statutory or not) or due soon."""
        return self.overdue_statutory + self.overdue_local + self.due_soon


class DashboardRows:
    """The dashboard's rows in order, a slice (a page) at a time. The order is worked out on
    the deadlines' ids alone, a window over every row listed that is narrow enough to sort
    in memory; then the slice's rows are read whole (on the national data set the window
    over whole rows sorted 7 KB a row on disk). Their number is the counts' at the top,
    which add up to it, so paging asks no COUNT of its own."""

    def __init__(self, order: QuerySet, rows: QuerySet[Deadline], number: int):
        self.order, self.rows, self.number = order, rows, number

    def count(self) -> int:
        return self.number

    def __len__(self) -> int:
        return self.number

    def __iter__(self):
        return iter(self[0:self.number])

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index:index + 1][0]
        ids = list(self.order[index])
        by_id = self.rows.in_bulk(ids)
        return [by_id[pk] for pk in ids if pk in by_id]  # one deleted meanwhile is left out


@dataclass
class Row:
    deadline: Deadline
    href: str | None
    who: str
    days_late: int  # working days; 0 when not yet due
    due_in: int  # working days from today; 0 when due today or late

    @property
    def is_statutory(self) -> bool:
        return self.deadline.step.calendar == CalendarKind.STATUTORY

    @property
    def is_overdue(self) -> bool:
        return self.days_late > 0


@dataclass
class Group:
    """One case's rows (or one holder's), in the order the page shows them."""

    heading: str
    case_reference: str = ""
    partnership: str = ""
    stage: str = ""
    rows: list[Row] = field(default_factory=list)


# Scope ----------------------------------------------------------------------------------

def partnerships_overseen(user: User) -> list[Partnership]:
    """The partnerships where the user may read every case's deadlines (no query: the
    memberships are loaded once per request)."""
    ids = rules.partnership_ids_with_roles(user, rules.CASE_READERS)
    seen = {m.partnership_id: m.partnership for m in rules.memberships_of(user)
            if m.partnership_id in ids}
    return sorted(seen.values(), key=lambda p: p.name)


def can_view_overdue(user: User) -> bool:
    return bool(rules.partnership_ids_with_roles(user, rules.CASE_READERS))


def agency_pairs(user: User) -> set[tuple[int, int]]:
    """(partnership, agency) for each agency the user acts for, where they act for it: an
    agency serving several partnerships is seen in each its user holds the role in."""
    return {(m.partnership_id, m.agency_id) for m in rules.memberships_of(user)
            if m.role == Role.AGENCY_USER and m.agency_id}


def calendars_for(partnership_ids: list[int]) -> dict[int, WorkingDayCalendar]:
    """Each partnership's working-day calendar, in one query (``calendar_for`` is one per
    partnership; a regional service oversees several)."""
    days: dict[int, tuple[set, set]] = {pk: (set(), set()) for pk in partnership_ids}
    for partnership_id, date, kind in CalendarDay.objects.filter(
            partnership_id__in=partnership_ids).values_list("partnership_id", "date", "kind"):
        days[partnership_id][0 if kind == CalendarDay.Kind.CLOSURE else 1].add(date)
    return {pk: (WorkingDayCalendar(extra_closures=closures, extra_working_days=working)
                 if closures or working else default_calendar())
            for pk, (closures, working) in days.items()}


def _window(calendars: dict[int, WorkingDayCalendar], today: datetime.date) -> Q:
    """Due on or before the 5th working day from today, on each partnership's calendar."""
    window = Q(pk__in=[])
    for partnership_id, calendar in calendars.items():
        window |= Q(partnership_id=partnership_id,
                    due_date__lte=add_working_days(today, HORIZON_WORKING_DAYS, calendar))
    return window


_HOLDER_KIND = Case(
    When(Q(responsible_agency__isnull=False) | Q(responsible_role=Role.AGENCY_USER),
         then=Value(Owner.AGENCY)),
    When(responsible_role=Role.PARTNER_REPRESENTATIVE, then=Value(Owner.PARTNER)),
    When(responsible_role=Role.REVIEWER, then=Value(Owner.REVIEWER)),
    default=Value(Owner.BUSINESS_UNIT), output_field=CharField())
_ROLE_LABELS = [When(responsible_role=value, then=Value(label)) for value, label in Role.choices]
_HOLDER = Coalesce("responsible_agency__name", "responsible_user__full_name",
                   Case(*_ROLE_LABELS, default=Value("The business unit"),
                        output_field=CharField()), output_field=CharField())
_STATUTORY = Case(When(step__calendar=CalendarKind.STATUTORY, then=Value(1)), default=Value(0),
                  output_field=IntegerField())
_STATUTORY_DUE = Case(When(step__calendar=CalendarKind.STATUTORY, then=F("due_date")),
                      default=None)


def _apply(qs: QuerySet[Deadline], filters: Filters) -> QuerySet[Deadline]:
    if filters.stage:
        qs = qs.filter(case__stage=filters.stage)
    if filters.agency:
        qs = qs.filter(responsible_agency_id=filters.agency)
    if filters.owner:
        qs = qs.filter(holder_kind=filters.owner)
    if filters.partnership:
        qs = qs.filter(partnership_id=filters.partnership)
    if filters.due_from:
        qs = qs.filter(due_date__gte=filters.due_from)
    if filters.due_to:
        qs = qs.filter(due_date__lte=filters.due_to)
    return qs


@dataclass
class Dashboard:
    """What the page shows: the counts, and the rows (a page at a time) to group."""

    deadlines: DashboardRows  # filtered and ordered; the view pages through it
    counts: Counts
    calendars: dict[int, WorkingDayCalendar]
    today: datetime.date
    group_by: str


def overdue_dashboard(user: User, filters: Filters, *,
                      today: datetime.date | None = None) -> Dashboard:
    """Every open deadline overdue or due in the next 5 working days, in the partnerships
    the user oversees, filtered; statutory first (by case or by holder)."""
    today = today or timezone.localdate()
    partnerships = [p.pk for p in partnerships_overseen(user)]
    if filters.partnership and filters.partnership not in partnerships:
        partnerships = []  # never another partnership's: the form offers only the user's
    calendars = calendars_for(partnerships) if partnerships else {}
    qs = (Deadline.objects.filter(partnership_id__in=partnerships, status=DeadlineStatus.OPEN)
          .filter(_window(calendars, today))
          .exclude(case__stage__in=[Stage.DRAFT, Stage.CLOSED])
          .annotate(holder_kind=_HOLDER_KIND))
    qs = _apply(qs, filters)
    counts = _counts(qs, today)
    # Groups holding a statutory step first, the most overdue statutory step first; then
    # the others, the most overdue step first.
    by_holder = filters.group_by == GroupBy.HOLDER
    group = [F("holder")] if by_holder else [F("case_id")]
    order = qs.annotate(
        statutory=_STATUTORY, **({"holder": _HOLDER} if by_holder else {}),
        group_statutory=Window(Max(_STATUTORY), partition_by=group),
        group_statutory_due=Window(Min(_STATUTORY_DUE), partition_by=group),
        group_due=Window(Min("due_date"), partition_by=group),
    ).order_by(F("group_statutory").desc(), F("group_statutory_due").asc(nulls_last=True),
               F("group_due").asc(), "holder" if by_holder else "case__reference",
               F("statutory").desc(), "due_date", "due_at", "id").values_list("id", flat=True)
    rows = DashboardRows(order, Deadline.objects.select_related(
        "case", "step", "partnership", "responsible_agency", "responsible_user"),
        counts.rows)
    return Dashboard(deadlines=rows, counts=counts, calendars=calendars, today=today,
                     group_by=filters.group_by)


def _counts(qs: QuerySet[Deadline], today: datetime.date) -> Counts:
    """The four counts at the top of the page, in one aggregate query."""
    late = Q(due_date__lt=today)
    statutory = Q(step__calendar=CalendarKind.STATUTORY)
    figures = qs.aggregate(
        overdue_statutory=Count("id", filter=late & statutory),
        overdue_local=Count("id", filter=late & ~statutory),
        due_soon=Count("id", filter=Q(due_date__gte=today)),
        agencies_late=Count("responsible_agency", distinct=True,
                            filter=late & Q(step__met_by=StepAction.RETURN_SUBMITTED)))
    return Counts(**figures)


def _row(deadline: Deadline, today: datetime.date, calendar: WorkingDayCalendar, link) -> Row:
    counted = step_calendar(deadline.step, calendar)  # statutory: bank holidays only
    late = working_days_between(deadline.due_date, today, counted) \
        if deadline.due_date < today else 0
    due_in = working_days_between(today, deadline.due_date, counted) \
        if deadline.due_date > today else 0
    return Row(deadline=deadline, href=link(deadline), who=_who(deadline), days_late=late,
               due_in=due_in)


def _who(deadline: Deadline) -> str:
    if deadline.responsible_agency_id:
        return deadline.responsible_agency.name
    if deadline.responsible_user_id:
        return deadline.responsible_user.full_name
    if deadline.responsible_role in rules.BUSINESS_UNIT or not deadline.responsible_role:
        return "The business unit"
    return deadline.get_responsible_role_display()


def grouped(dashboard: Dashboard, deadlines: list[Deadline], *, link=business_unit_link
            ) -> list[Group]:
    """One page's deadlines as groups, in their order (a group split across two pages is
    headed on both)."""
    groups: list[Group] = []
    for deadline in deadlines:
        row = _row(deadline, dashboard.today, dashboard.calendars[deadline.partnership_id],
                   link)
        if dashboard.group_by == GroupBy.HOLDER:
            heading, reference = row.who, ""
        else:
            heading = reference = deadline.case.reference
        if not groups or groups[-1].heading != heading:
            groups.append(Group(heading=heading, case_reference=reference,
                                partnership=deadline.partnership.name,
                                stage=deadline.case.get_stage_display() if reference else ""))
        groups[-1].rows.append(row)
    return groups


def agencies_for_filter(user: User) -> QuerySet[Agency]:
    """The agencies serving the partnerships the user oversees, for the agency filter."""
    ids = rules.partnership_ids_with_roles(user, rules.CASE_READERS)
    return Agency.objects.filter(partnerships__in=ids).distinct().order_by("name")


def overdue_returns(user: User, partnership: Partnership, *,
                    today: datetime.date | None = None) -> int:
    """How many returns are late in the partnership, for the chase-all button (0 unless the
    user may chase returns there)."""
    if not rules.can_chase_returns(user, partnership):
        return 0
    today = today or timezone.localdate()
    return Deadline.objects.filter(partnership=partnership, status=DeadlineStatus.OPEN,
                                   step__met_by=StepAction.RETURN_SUBMITTED,
                                   due_date__lt=today).count()


# The agency's own view -----------------------------------------------------------------------

@dataclass
class AgencyView:
    returns: list[Row]
    actions: list[Row]
    returns_total: int
    actions_total: int


def agency_overdue(user: User, *, today: datetime.date | None = None,
                   limit: int = PAGE_SIZE) -> AgencyView:
    """The agency's own late returns and late action plan actions, in every partnership
    where the user acts for it; nothing of any other agency."""
    today = today or timezone.localdate()
    pairs = agency_pairs(user)
    if not pairs:
        return AgencyView([], [], 0, 0)
    mine = Q(pk__in=[])
    for partnership_id, agency_id in pairs:
        mine |= Q(partnership_id=partnership_id, responsible_agency_id=agency_id)
    calendars = calendars_for(sorted({p for p, _a in pairs}))
    qs = (Deadline.objects.filter(mine, status=DeadlineStatus.OPEN, due_date__lt=today,
                                  step__met_by__in=AGENCY_STEPS)
          .exclude(case__stage__in=[Stage.DRAFT, Stage.CLOSED])
          .select_related("case", "step", "partnership", "responsible_agency")
          .order_by("due_date", "id"))
    totals = qs.aggregate(
        returns=Count("id", filter=Q(step__met_by=StepAction.RETURN_SUBMITTED)),
        actions=Count("id", filter=Q(step__met_by__in=ACTION_STEPS)))
    returns = list(qs.filter(step__met_by=StepAction.RETURN_SUBMITTED)[:limit])
    actions = list(qs.filter(step__met_by__in=ACTION_STEPS)[:limit])
    rows = [[_row(d, today, calendars[d.partnership_id], agency_link) for d in part]
            for part in (returns, actions)]
    return AgencyView(rows[0], rows[1], totals["returns"], totals["actions"])
