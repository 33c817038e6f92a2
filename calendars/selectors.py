"""Reads for calendars and deadlines, scoped to the user asking."""

from __future__ import annotations

import datetime

import holidays
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts import rules
from accounts.models import Partnership, User

from .models import CalendarDay, Deadline, DeadlineRecompute, DeadlineStatus, TimelineTemplate
from .services.calendar import calendar_for
from .working_days import add_working_days


def calendar_days_visible_to(user: User, partnership: Partnership) -> QuerySet[CalendarDay]:
    if not rules.can_view_calendar(user, partnership):
        return CalendarDay.objects.none()
    return CalendarDay.objects.filter(partnership=partnership)


def deadlines_recompute_waiting(user: User, partnership: Partnership) -> bool:
    """True while a change's recompute could not be queued (the broker is down): open
    deadlines show their old dates until the sweep queues it."""
    return rules.can_view_calendar(user, partnership) and DeadlineRecompute.objects.filter(
        partnership=partnership, queued_at=None).exists()


def bank_holidays_between(start: datetime.date, end: datetime.date) -> list[tuple]:
    """England's bank holidays in a range, with their names, for showing on the calendar."""
    days = holidays.country_holidays("GB", subdiv="ENG", years=range(start.year, end.year + 1))
    return sorted((d, name) for d, name in days.items() if start <= d <= end)


def active_template_for(user: User, partnership: Partnership) -> TimelineTemplate | None:
    if not rules.can_view_calendar(user, partnership):
        return None
    return (TimelineTemplate.objects.filter(partnership=partnership, is_active=True)
            .prefetch_related("steps").first())


def builtin_templates() -> QuerySet[TimelineTemplate]:
    return TimelineTemplate.objects.filter(partnership__isnull=True).prefetch_related("steps")


def _with_related(qs: QuerySet[Deadline]) -> QuerySet[Deadline]:
    return qs.select_related("case", "step", "responsible_agency", "responsible_user")


def partnership_deadlines(user: User, partnership: Partnership, *,
                          due_within_working_days: int | None = 5) -> QuerySet[Deadline]:
    """Open deadlines overdue or due within N working days (None: all open)."""
    if not rules.can_view_partnership_deadlines(user, partnership):
        return Deadline.objects.none()
    qs = Deadline.objects.filter(partnership=partnership, status=DeadlineStatus.OPEN)
    if due_within_working_days is not None:
        horizon = add_working_days(timezone.localdate(), due_within_working_days,
                                   calendar_for(partnership))
        qs = qs.filter(due_date__lte=horizon)
    return _with_related(qs).order_by("due_date", "due_at", "id")


def my_deadlines(user: User, partnership: Partnership | None, *,
                 due_within_working_days: int = 5) -> QuerySet[Deadline]:
    """The user's own open deadlines (by name, role or agency), overdue or due soon."""
    if partnership is None:
        return Deadline.objects.none()
    roles = rules.roles_in(user, partnership)
    agencies = rules.agency_ids_of(user, partnership)
    mine = Q(responsible_user=user) | Q(responsible_agency__in=agencies)
    if roles:
        mine |= Q(responsible_user__isnull=True, responsible_agency__isnull=True,
                  responsible_role__in=roles)
    horizon = add_working_days(timezone.localdate(), due_within_working_days,
                               calendar_for(partnership))
    qs = Deadline.objects.filter(mine, partnership=partnership, status=DeadlineStatus.OPEN,
                                 due_date__lte=horizon)
    return _with_related(qs).order_by("due_date", "due_at", "id")


def case_deadlines(user: User, case) -> QuerySet[Deadline]:
    if not rules.can_view_case(user, case):
        return Deadline.objects.none()
    return _with_related(case.deadlines.all()).order_by("due_date", "due_at", "step__position")


def step_deadline(case, action: str) -> Deadline | None:
    """The case's deadline for a step of its plan met by ``action`` (the earliest still
    applying): what documents print as "by when"."""
    return (Deadline.objects.filter(case=case, step__met_by=action, related_key="")
            .exclude(status=DeadlineStatus.WAIVED).order_by("due_date", "id").first())
