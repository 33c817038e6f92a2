"""A partnership's working-day calendar: England and Wales plus its own exceptions."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.audit import audit_record
from accounts.models import AuditEvent, Partnership, User

from ..models import CalendarDay
from ..working_days import WorkingDayCalendar, default_calendar, is_working_day


def calendar_for(partnership: Partnership | int) -> WorkingDayCalendar:
    """The partnership's calendar (one query; tables are cached per distinct set of days)."""
    partnership_id = partnership if isinstance(partnership, int) else partnership.pk
    return calendars_for([partnership_id])[partnership_id]


def calendars_for(partnership_ids: Iterable[int]) -> dict[int, WorkingDayCalendar]:
    """Each partnership's calendar, in one query: a sweep over every partnership's
    deadlines asks once, not once a partnership."""
    ids = set(partnership_ids)
    closures: dict[int, set] = defaultdict(set)
    working: dict[int, set] = defaultdict(set)
    for partnership_id, date, kind in CalendarDay.objects.filter(
            partnership_id__in=ids).values_list("partnership_id", "date", "kind"):
        (closures if kind == CalendarDay.Kind.CLOSURE else working)[partnership_id].add(date)
    return {pk: WorkingDayCalendar(extra_closures=frozenset(closures[pk]),
                                   extra_working_days=frozenset(working[pk]))
            if closures.get(pk) or working.get(pk) else default_calendar()
            for pk in ids}


def _queue_recompute(partnership: Partnership) -> None:
    from .recompute import deadlines_recompute_request

    deadlines_recompute_request(partnership=partnership)


@transaction.atomic
def calendar_day_add(*, actor: User | None, partnership: Partnership, date: datetime.date,
                     kind: str, reason: str) -> CalendarDay:
    """Close the partnership on a working day, or open it on a bank holiday or weekend."""
    default_working = is_working_day(date)
    if kind == CalendarDay.Kind.CLOSURE and not default_working:
        raise ValidationError({"date": "This day is already not a working day"})
    if kind == CalendarDay.Kind.WORKING and default_working:
        raise ValidationError({"date": "This day is already a working day"})
    if CalendarDay.objects.filter(partnership=partnership, date=date).exists():
        raise ValidationError({"date": "This day already has a change. Remove it first"})
    day = CalendarDay(partnership=partnership, date=date, kind=kind, reason=reason.strip())
    day.full_clean()
    day.save()
    audit_record(action=AuditEvent.Action.CREATE, actor=actor, obj=day,
                 detail={"date": date.isoformat(), "kind": kind})
    _queue_recompute(partnership)
    return day


@transaction.atomic
def calendar_day_remove(*, actor: User | None, day: CalendarDay) -> None:
    audit_record(action=AuditEvent.Action.DELETE, actor=actor, obj=day,
                 detail={"date": day.date.isoformat(), "kind": day.kind})
    partnership = day.partnership
    day.delete()
    _queue_recompute(partnership)
