"""Anchors and the deadlines that hang from them.

Due dates are computed once, from the stored anchor date, the step and the partnership's
calendar, and stored. They move only when the anchor is corrected or the calendar or the
step changes; a deadline already met, met late or waived never moves.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from accounts.audit import audit_record
from accounts.models import Agency, AuditEvent, Partnership, User
from cases.models import Case

from ..models import (
    AnchorEvent,
    Deadline,
    DeadlineStatus,
    TimelineStep,
    TimelineTemplate,
)
from ..working_days import WorkingDayCalendar, add_working_days, is_working_day
from .calendar import calendar_for


@dataclass(frozen=True)
class DueDates:
    due_date: datetime.date
    due_at: datetime.datetime | None
    window_start: datetime.date | None


def _shift(step: TimelineStep, anchor_on: datetime.date, anchor_at: datetime.datetime | None,
           amount: int, calendar: WorkingDayCalendar
           ) -> tuple[datetime.date, datetime.datetime | None]:
    sign = -1 if step.direction == TimelineStep.Direction.BEFORE else 1
    if step.unit == TimelineStep.Unit.WORKING_DAYS:
        return add_working_days(anchor_on, sign * amount, calendar), None
    if step.unit == TimelineStep.Unit.HOURS:
        start = anchor_at or timezone.make_aware(
            datetime.datetime.combine(anchor_on, datetime.time(9, 0)))
        due_at = start + sign * datetime.timedelta(hours=amount)
        return timezone.localdate(due_at), due_at
    # Calendar months: a target date; if it is not a working day, the working day before.
    target = anchor_on + relativedelta(months=sign * amount)
    return (target if is_working_day(target, calendar)
            else add_working_days(target, 0, calendar)), None


def due_dates_for(step: TimelineStep, anchor_on: datetime.date,
                  anchor_at: datetime.datetime | None,
                  calendar: WorkingDayCalendar) -> DueDates:
    due_date, due_at = _shift(step, anchor_on, anchor_at, step.offset, calendar)
    window_start = None
    if step.window_start is not None:
        window_start, _ = _shift(step, anchor_on, anchor_at, step.window_start, calendar)
    return DueDates(due_date, due_at, window_start)


def active_template(partnership: Partnership) -> TimelineTemplate | None:
    return TimelineTemplate.objects.filter(partnership=partnership, is_active=True).first()


@transaction.atomic
def anchor_record(*, actor: User | None, case: Case, kind: str, occurred_on: datetime.date,
                  occurred_at: datetime.datetime | None = None, related_key: str = "",
                  responsible_agency: Agency | None = None) -> AnchorEvent:
    """Record (or correct) when an event happened, and create or move its deadlines."""
    if occurred_on > timezone.localdate():
        raise ValidationError({"occurred_on": "The date must be today or in the past"})
    event, created = AnchorEvent.objects.select_for_update().get_or_create(
        case=case, kind=kind, related_key=related_key,
        defaults={"occurred_on": occurred_on, "occurred_at": occurred_at,
                  "responsible_agency": responsible_agency},
    )
    previous = None if created else event.occurred_on
    if not created:
        event.occurred_on, event.occurred_at = occurred_on, occurred_at
        event.responsible_agency = responsible_agency or event.responsible_agency
        event.save()
    calendar = calendar_for(case.partnership_id)
    template = active_template(case.partnership)
    steps = list(template.steps.filter(anchor=kind)) if template else []
    existing = {d.step_id: d for d in event.deadlines.select_for_update()}
    for step in steps:
        dates = due_dates_for(step, occurred_on, occurred_at, calendar)
        deadline = existing.get(step.pk)
        if deadline is None:
            Deadline.objects.create(
                partnership_id=case.partnership_id, case=case, step=step, anchor_event=event,
                related_key=related_key, due_date=dates.due_date, due_at=dates.due_at,
                window_start=dates.window_start, responsible_role=step.responsible_role,
                responsible_agency=event.responsible_agency if step.responsible_is_agency
                else None,
            )
        elif deadline.status == DeadlineStatus.OPEN:
            deadline.due_date, deadline.due_at = dates.due_date, dates.due_at
            deadline.window_start = dates.window_start
            deadline.save(update_fields=["due_date", "due_at", "window_start"])
    audit_record(
        action=AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE,
        actor=actor, obj=event, partnership=case.partnership,
        detail={"case": case.pk, "kind": kind, "occurred_on": occurred_on.isoformat(),
                **({"previous": previous.isoformat()} if previous else {})},
    )
    return event


@transaction.atomic
def deadline_meet(*, actor: User | None, case: Case, step_key: str, related_key: str = "",
                  met_at: datetime.datetime | None = None) -> list[Deadline]:
    """Called by the service that does the thing a deadline stands for. Late is recorded."""
    met_at = met_at or timezone.now()
    met_on = timezone.localdate(met_at)
    deadlines = list(Deadline.objects.select_for_update().filter(
        case=case, step__key=step_key, related_key=related_key, status=DeadlineStatus.OPEN))
    for deadline in deadlines:
        late = (met_at > deadline.due_at) if deadline.due_at else (met_on > deadline.due_date)
        deadline.status = DeadlineStatus.MISSED if late else DeadlineStatus.MET
        deadline.met_at = met_at
        deadline.save(update_fields=["status", "met_at"])
        audit_record(action=AuditEvent.Action.UPDATE, actor=actor, obj=deadline,
                     detail={"status": deadline.status, "case": case.pk})
    return deadlines


@transaction.atomic
def deadline_waive(*, actor: User, deadline: Deadline, reason: str) -> Deadline:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Enter why this deadline no longer applies"})
    deadline = Deadline.objects.select_for_update().get(pk=deadline.pk)
    if deadline.status != DeadlineStatus.OPEN:
        raise ValidationError("Only an open deadline can be waived")
    deadline.status, deadline.waived_reason = DeadlineStatus.WAIVED, reason
    deadline.save(update_fields=["status", "waived_reason"])
    audit_record(action=AuditEvent.Action.UPDATE, actor=actor, obj=deadline,
                 detail={"status": deadline.status, "case": deadline.case_id})
    return deadline


def _bulk_set_due(changes: list[tuple[int, datetime.date, datetime.date | None]]) -> None:
    """Write many new due dates in a few statements (UPDATE ... FROM a VALUES list)."""
    table = Deadline._meta.db_table
    with connection.cursor() as cursor:
        for start in range(0, len(changes), 5000):
            chunk = changes[start:start + 5000]
            values = ", ".join(["(%s, %s, %s)"] * len(chunk))
            params = [p for row in chunk for p in (row[0], row[1], row[2])]
            cast = "::date" if connection.vendor == "postgresql" else ""
            cursor.execute(
                f"WITH v(id, due, win) AS (VALUES {values}) "  # noqa: S608 - only placeholders
                f"UPDATE {table} SET due_date = v.due{cast}, window_start = v.win{cast} "
                f"FROM v WHERE {table}.id = v.id{'::bigint' if cast else ''} "
                f"AND {table}.status = %s",
                [*params, DeadlineStatus.OPEN],
            )


def deadlines_recompute(*, partnership: Partnership | int,
                        step_ids: Iterable[int] | None = None) -> int:
    """Recompute open deadlines after a calendar or step change; returns how many moved.

    Done in one pass with cached working-day tables so 100,000 deadlines take seconds.
    """
    partnership_id = partnership if isinstance(partnership, int) else partnership.pk
    calendar = calendar_for(partnership_id)
    rows = Deadline.objects.filter(partnership_id=partnership_id, status=DeadlineStatus.OPEN)
    if step_ids is not None:
        rows = rows.filter(step_id__in=list(step_ids))
    rows = rows.values_list("id", "step_id", "due_date", "window_start",
                            "anchor_event__occurred_on", "anchor_event__occurred_at")
    steps: dict[int, TimelineStep] = {}
    memo: dict[tuple[int, datetime.date], DueDates] = {}
    changes = []
    for pk, step_id, due, window, anchor_on, anchor_at in rows.iterator(chunk_size=10000):
        step = steps.get(step_id)
        if step is None:
            step = steps[step_id] = TimelineStep.objects.get(pk=step_id)
        if step.unit == TimelineStep.Unit.HOURS:
            continue  # hour-based steps do not depend on the calendar
        key = (step_id, anchor_on)
        dates = memo.get(key)
        if dates is None:
            dates = memo[key] = due_dates_for(step, anchor_on, anchor_at, calendar)
        if (dates.due_date, dates.window_start) != (due, window):
            changes.append((pk, dates.due_date, dates.window_start))
    with transaction.atomic():
        _bulk_set_due(changes)
        if changes:
            audit_record(action=AuditEvent.Action.UPDATE, actor=None,
                         partnership=Partnership.objects.get(pk=partnership_id),
                         detail={"deadlines_moved": len(changes), "reason": "recompute"})
    return len(changes)
