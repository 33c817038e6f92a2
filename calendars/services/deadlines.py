"""Anchors and the deadlines that hang from them.

Due dates are computed once, from the stored anchor date, the step and a calendar, and
stored. A statutory step counts England's bank holidays only; every other step counts the
partnership's calendar with its closure days. Dates move only when the anchor is corrected
or the calendar or the step changes; a deadline met, met late or closed never moves.

Apps above this one learn that their deadlines moved through ``on_deadlines_moved`` (an
information request's pack must never disagree with its deadline), the same way
``cases.documents.document_preparer`` lets them register work.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from accounts.audit import audit_record, audit_records
from accounts.models import Agency, AuditEvent, Partnership, User
from config.bulk import update_from_values

from ..builtin_templates import DEFAULT_PLAN
from ..models import (
    FUTURE_ANCHORS,
    AnchorEvent,
    Deadline,
    DeadlineStatus,
    StepAction,
    TimelineStep,
    TimelineTemplate,
    anchors_of,
)
from ..working_days import (
    WorkingDayCalendar,
    add_working_days,
    default_calendar,
    is_working_day,
    next_working_day,
    previous_working_day,
)
from .calendar import calendar_for, calendars_for

# A case (cases.Case): the ground floor does not import the apps above it.
Case = Model


@dataclass(frozen=True)
class DueDates:
    due_date: datetime.date
    due_at: datetime.datetime | None
    window_start: datetime.date | None


def step_calendar(step: TimelineStep, partnership_calendar: WorkingDayCalendar
                  ) -> WorkingDayCalendar:
    """The calendar a step counts on: statutory limits ignore the partnership's closures."""
    return default_calendar() if step.is_statutory else partnership_calendar


def _on_or_next(day: datetime.date, sign: int, calendar: WorkingDayCalendar) -> datetime.date:
    """``day`` if it is a working day, else the next one (the previous one counting back)."""
    if is_working_day(day, calendar):
        return day
    return next_working_day(day, calendar) if sign > 0 else previous_working_day(day, calendar)


def _shift(step: TimelineStep, anchor_on: datetime.date, anchor_at: datetime.datetime | None,
           amount: int, calendar: WorkingDayCalendar
           ) -> tuple[datetime.date, datetime.datetime | None]:
    sign = -1 if step.direction == TimelineStep.Direction.BEFORE else 1
    if step.unit == TimelineStep.Unit.WORKING_DAYS:
        if amount == 0:  # "the same day": that day if it is a working day
            return _on_or_next(anchor_on, sign, calendar), None
        return add_working_days(anchor_on, sign * amount, calendar), None
    if step.unit == TimelineStep.Unit.HOURS:
        # "Within 24 hours" on working days: each whole 24 hours is a working day, the
        # time of day is kept, and a time that lands on a closed day moves to the next
        # working day. A decision at 16:00 on a Friday is due 16:00 on the Monday.
        start = timezone.localtime(anchor_at) if anchor_at else timezone.make_aware(
            datetime.datetime.combine(anchor_on, datetime.time(9, 0)))
        days, hours = divmod(amount, 24)
        day = add_working_days(start.date(), sign * days, calendar) if days else start.date()
        due_at = timezone.make_aware(datetime.datetime.combine(day, start.time())) \
            + sign * datetime.timedelta(hours=hours)
        due_on = timezone.localdate(due_at)
        moved = _on_or_next(due_on, sign, calendar)
        if moved != due_on:
            due_at = timezone.make_aware(datetime.datetime.combine(
                moved, timezone.localtime(due_at).time()))
        return moved, due_at
    # Calendar months: a target date; if it is not a working day, the working day before.
    target = anchor_on + relativedelta(months=sign * amount)
    return _on_or_next(target, -1, calendar), None


def due_dates_for(step: TimelineStep, anchor_on: datetime.date,
                  anchor_at: datetime.datetime | None,
                  partnership_calendar: WorkingDayCalendar) -> DueDates:
    calendar = step_calendar(step, partnership_calendar)
    due_date, due_at = _shift(step, anchor_on, anchor_at, step.offset, calendar)
    window_start = None
    if step.window_start is not None:
        window_start, _ = _shift(step, anchor_on, anchor_at, step.window_start, calendar)
    return DueDates(due_date, due_at, window_start)


def active_template(partnership: Partnership) -> TimelineTemplate | None:
    return TimelineTemplate.objects.filter(partnership=partnership, is_active=True).first()


def plan_for(partnership: Partnership) -> TimelineTemplate | None:
    """The partnership's plan. One that has not chosen a plan follows the statutory minimum
    (a copy, made the first time it is needed), so the statutory clock always runs."""
    template = active_template(partnership)
    if template is not None:
        return template
    builtin = TimelineTemplate.objects.filter(partnership__isnull=True,
                                              name=DEFAULT_PLAN).first()
    if builtin is None:
        return None
    from .templates import template_adopt

    return template_adopt(actor=None, partnership=partnership, builtin=builtin)


# Apps above calendars register here to hear that deadlines met by one of their actions
# moved (after a calendar, step or anchor change), inside the transaction that moved them.
MovedListener = Callable[[list[Deadline]], None]
_MOVED_LISTENERS: dict[str, list[MovedListener]] = defaultdict(list)


def on_deadlines_moved(action: str) -> Callable[[MovedListener], MovedListener]:
    def register(listener: MovedListener) -> MovedListener:
        if listener not in _MOVED_LISTENERS[action]:
            _MOVED_LISTENERS[action].append(listener)
        return listener
    return register


def _tell_moved(deadline_ids: Iterable[int]) -> None:
    ids = list(deadline_ids)
    if not ids or not _MOVED_LISTENERS:
        return
    by_action: dict[str, list[Deadline]] = defaultdict(list)
    for start in range(0, len(ids), 10000):  # a recompute may move a hundred thousand
        for deadline in Deadline.objects.filter(
                pk__in=ids[start:start + 10000], step__met_by__in=list(_MOVED_LISTENERS)
        ).select_related("step"):
            by_action[deadline.step.met_by].append(deadline)
    for action, deadlines in by_action.items():
        for listener in _MOVED_LISTENERS[action]:
            listener(deadlines)


@transaction.atomic
def anchor_record(*, actor: User | None, case: Case, kind: str, occurred_on: datetime.date,
                  occurred_at: datetime.datetime | None = None, related_key: str = "",
                  responsible_agency: Agency | None = None) -> AnchorEvent:
    """Record (or correct) when an event happened, and create or move its deadlines.

    Only a plan (a planned publication date) may be in the future.
    """
    if kind not in FUTURE_ANCHORS and occurred_on > timezone.localdate():
        raise ValidationError({"occurred_on": "The date must be today or in the past"})
    event, created = AnchorEvent.objects.select_for_update(of=("self",)).get_or_create(
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
    template = plan_for(case.partnership)
    steps = list(template.steps.filter(anchor=kind)) if template else []
    existing = {d.step_id: d for d in event.deadlines.select_for_update(of=("self",))}
    moved = []
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
        elif deadline.status == DeadlineStatus.OPEN and (
                deadline.due_date, deadline.due_at, deadline.window_start) != (
                dates.due_date, dates.due_at, dates.window_start):
            deadline.due_date, deadline.due_at = dates.due_date, dates.due_at
            deadline.window_start = dates.window_start
            deadline.save(update_fields=["due_date", "due_at", "window_start"])
            moved.append(deadline.pk)
    audit_record(
        action=AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE,
        actor=actor, obj=event, partnership=case.partnership,
        detail={"case": case.pk, "kind": kind, "occurred_on": occurred_on.isoformat(),
                **({"previous": previous.isoformat()} if previous else {})},
    )
    _tell_moved(moved)
    return event


@transaction.atomic
def deadline_meet(*, actor: User | None, case: Case, action: str, related_key: str = "",
                  met_at: datetime.datetime | None = None) -> list[Deadline]:
    """Called by the service that does ``action``: every open step it meets is met, or met
    late. Lateness is judged against the stored due date, which a statutory step counted on
    the statutory calendar."""
    if action not in StepAction.values:
        raise ValueError(f"Not a step action: {action!r}")
    met_at = met_at or timezone.now()
    met_on = timezone.localdate(met_at)
    deadlines = list(Deadline.objects.select_for_update(of=("self",)).filter(
        case=case, step__met_by=action, related_key=related_key,
        status=DeadlineStatus.OPEN))
    for deadline in deadlines:
        late = (met_at > deadline.due_at) if deadline.due_at else (met_on > deadline.due_date)
        deadline.status = DeadlineStatus.MISSED if late else DeadlineStatus.MET
        deadline.met_at = met_at
        deadline.save(update_fields=["status", "met_at"])
        audit_record(action=AuditEvent.Action.UPDATE, actor=actor, obj=deadline,
                     partnership_id=deadline.partnership_id,
                     detail={"status": deadline.status, "case": case.pk, "action": action})
    return deadlines


def _close(actor: User | None, deadline: Deadline, reason: str) -> None:
    deadline.status, deadline.waived_reason = DeadlineStatus.WAIVED, reason
    deadline.save(update_fields=["status", "waived_reason"])
    audit_record(action=AuditEvent.Action.UPDATE, actor=actor, obj=deadline,
                 partnership_id=deadline.partnership_id,
                 detail={"status": deadline.status, "case": deadline.case_id})


@transaction.atomic
def deadline_waive(*, actor: User, deadline: Deadline, reason: str) -> Deadline:
    """Someone decides a step no longer applies, and says why."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Enter why this deadline no longer applies"})
    deadline = Deadline.objects.select_for_update(of=("self",)).get(pk=deadline.pk)
    if deadline.status != DeadlineStatus.OPEN:
        raise ValidationError("Only an open deadline can be waived")
    _close(actor, deadline, reason)
    return deadline


@transaction.atomic
def deadline_move(*, actor: User | None, deadline: Deadline, due_date: datetime.date,
                  reason: str) -> Deadline:
    """An open step moved to a date people decided (an LCSPR's revised target), with the
    reason audited; a day that is not a working day on the step's calendar becomes the
    working day before. Steps count from their anchors again when the anchor, the step or the
    calendar changes: the app that moved one keeps it moved (``on_deadlines_moved``)."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Enter why the date is moving"})
    deadline = Deadline.objects.select_for_update(of=("self",)).select_related("step").get(
        pk=deadline.pk)
    if deadline.status != DeadlineStatus.OPEN:
        raise ValidationError("Only an open deadline can move")
    calendar = step_calendar(deadline.step, calendar_for(deadline.partnership_id))
    moved_to = _on_or_next(due_date, -1, calendar)
    if moved_to == deadline.due_date and deadline.due_at is None:
        return deadline
    previous = deadline.due_date
    deadline.due_date, deadline.due_at = moved_to, None
    deadline.save(update_fields=["due_date", "due_at"])
    audit_record(action=AuditEvent.Action.UPDATE, actor=actor, obj=deadline,
                 partnership_id=deadline.partnership_id,
                 detail={"case": deadline.case_id, "due_date": moved_to.isoformat(),
                         "previous": previous.isoformat(), "reason": reason[:300]})
    _tell_moved([deadline.pk])
    return deadline


def _open_of_anchor(case: Case, kind: str, related_key: str) -> list[Deadline]:
    return list(Deadline.objects.select_for_update(of=("self",)).filter(
        case=case, anchor_event__kind=kind, related_key=related_key,
        status=DeadlineStatus.OPEN).order_by("pk"))


@transaction.atomic
def anchor_reschedule(*, actor: User, case: Case, kind: str, related_key: str,
                      occurred_on: datetime.date, reason: str) -> list[Deadline]:
    """A date people set (an LCSPR's checkpoint or timetable item) moved, for a reason: each
    open step counting from it moves (``deadline_move``, the reason audited), and the anchor
    takes the new date, so a later recompute counts from it. Steps already met stay met."""
    deadlines = _open_of_anchor(case, kind, related_key)
    for deadline in deadlines:
        deadline_move(actor=actor, deadline=deadline, due_date=occurred_on, reason=reason)
    anchor_record(actor=actor, case=case, kind=kind, occurred_on=occurred_on,
                  related_key=related_key)
    return [Deadline.objects.get(pk=d.pk) for d in deadlines]


@transaction.atomic
def anchor_withdraw(*, actor: User, case: Case, kind: str, related_key: str,
                    reason: str) -> int:
    """What a date was set for will not happen (a cancelled meeting): its open steps no
    longer apply, each with the reason. Returns how many closed."""
    deadlines = _open_of_anchor(case, kind, related_key)
    for deadline in deadlines:
        deadline_waive(actor=actor, deadline=deadline, reason=reason)
    return len(deadlines)


@transaction.atomic
def deadlines_assign(*, actor: User | None, case: Case, actions: Iterable[str],
                     user: User | None) -> int:
    """Open steps one named person holds (an LCSPR's appointed reviewer): their reminders
    go to that person only, not to everyone with the step's role. Returns how many."""
    deadlines = list(Deadline.objects.select_for_update(of=("self",)).filter(
        case=case, step__met_by__in=list(actions), status=DeadlineStatus.OPEN).exclude(
        responsible_user=user).order_by("pk"))
    for deadline in deadlines:
        deadline.responsible_user = user
        deadline.save(update_fields=["responsible_user"])
        audit_record(action=AuditEvent.Action.UPDATE, actor=actor, obj=deadline,
                     partnership_id=deadline.partnership_id,
                     detail={"case": deadline.case_id,
                             "responsible_user": user.pk if user else None})
    return len(deadlines)


@transaction.atomic
def deadlines_close(*, actor: User | None, case: Case, reason: str,
                    parts: Iterable[str] = (), anchors: Iterable[str] = (),
                    actions: Iterable[str] = (), related_key: str | None = None) -> int:
    """The pathway changed: close the open steps that no longer apply (those of the parts
    of the process, counted from the anchors, or met by the actions; only those of one
    related object when ``related_key`` is given), each with the reason. Returns how many
    closed."""
    anchors, actions = [*anchors_of(*parts), *anchors], list(actions)
    if not anchors and not actions:
        return 0
    rows = Deadline.objects.select_for_update(of=("self",)).filter(
        case=case, status=DeadlineStatus.OPEN)
    if related_key is not None:
        rows = rows.filter(related_key=related_key)
    deadlines = [d for d in rows.select_related("anchor_event", "step")
                 if d.anchor_event.kind in anchors or d.step.met_by in actions]
    for deadline in deadlines:
        _close(actor, deadline, reason)
    return len(deadlines)


@transaction.atomic
def deadlines_reopen(*, actor: User | None, case: Case, actions: Iterable[str],
                     reason: str, related_key: str | None = None) -> list[Deadline]:
    """What met these steps no longer stands (a fully signed version voided by an edit: the
    new version needs signing again): each met step is open again, with the reason audited.
    The due date is kept, so lateness is still judged on it. Closed steps stay closed."""
    rows = Deadline.objects.select_for_update(of=("self",)).filter(
        case=case, step__met_by__in=list(actions),
        status__in=[DeadlineStatus.MET, DeadlineStatus.MISSED])
    if related_key is not None:
        rows = rows.filter(related_key=related_key)
    deadlines = list(rows.order_by("pk"))
    for deadline in deadlines:
        was = deadline.status
        deadline.status, deadline.met_at = DeadlineStatus.OPEN, None
        deadline.save(update_fields=["status", "met_at"])
        audit_record(action=AuditEvent.Action.UPDATE, actor=actor, obj=deadline,
                     partnership_id=deadline.partnership_id,
                     detail={"status": deadline.status, "case": case.pk, "reopened": True,
                             "was": was, "reason": reason[:300]})
    return deadlines


@transaction.atomic
def deadline_mark_done(*, actor: User, deadline: Deadline, note: str = "") -> Deadline:
    """A step the product cannot see done (arranging a conference by telephone, say): the
    business unit records that it was done, now. Marking it done again (a double click,
    two people at once) does nothing more: the step is met once, when first marked."""
    deadline = Deadline.objects.select_for_update(of=("self",)).select_related("step").get(
        pk=deadline.pk)
    if deadline.step.met_by != StepAction.MARKED_DONE:
        raise ValidationError("This step is met by doing it in the service, not by marking "
                              "it done")
    if deadline.status in (DeadlineStatus.MET, DeadlineStatus.MISSED):
        return deadline
    if deadline.status != DeadlineStatus.OPEN:
        raise ValidationError("This step is no longer open")
    now = timezone.now()
    late = (now > deadline.due_at) if deadline.due_at else (
        timezone.localdate(now) > deadline.due_date)
    deadline.status = DeadlineStatus.MISSED if late else DeadlineStatus.MET
    deadline.met_at = now
    deadline.save(update_fields=["status", "met_at"])
    audit_record(action=AuditEvent.Action.UPDATE, actor=actor, obj=deadline,
                 partnership_id=deadline.partnership_id,
                 detail={"status": deadline.status, "case": deadline.case_id,
                         "marked_done": True, **({"note": note.strip()[:300]}
                                                 if note.strip() else {})})
    return deadline


def deadlines_recompute(*, partnership: Partnership | int,
                        step_ids: Iterable[int] | None = None) -> int:
    """Recompute a partnership's open deadlines after a calendar or step change; returns
    how many moved."""
    partnership_id = partnership if isinstance(partnership, int) else partnership.pk
    return _recompute([partnership_id], step_ids)


def deadlines_recompute_all() -> int:
    """Recompute every partnership's open deadlines (England's bank holidays changed: a new
    release of the holidays data); returns how many moved."""
    return _recompute(None, None)


def _recompute(partnership_ids: list[int] | None, step_ids: Iterable[int] | None) -> int:
    """One pass over the open deadlines, whatever their number: the steps and every
    partnership's calendar read once, each date compared in memory (memoised per step and
    anchor), and only those that moved written, in a few statements."""
    rows = Deadline.objects.filter(status=DeadlineStatus.OPEN)
    steps = TimelineStep.objects.all()
    if partnership_ids is None:
        partnership_ids = list(Partnership.objects.order_by().values_list("pk", flat=True))
    else:
        rows = rows.filter(partnership_id__in=partnership_ids)
        steps = steps.filter(template__partnership_id__in=partnership_ids)
    if step_ids is not None:
        step_ids = list(step_ids)
        rows, steps = rows.filter(step_id__in=step_ids), steps.filter(pk__in=step_ids)
    steps = {s.pk: s for s in steps}
    calendars = calendars_for(partnership_ids)
    memo: dict[tuple, DueDates] = {}
    changes, moved = [], Counter()
    for pk, partnership_id, step_id, due, due_at, window, anchor_on, anchor_at in (
            rows.values_list("id", "partnership_id", "step_id", "due_date", "due_at",
                             "window_start", "anchor_event__occurred_on",
                             "anchor_event__occurred_at").iterator(chunk_size=10000)):
        key = (partnership_id, step_id, anchor_on, anchor_at)
        dates = memo.get(key)
        if dates is None:
            if step_id not in steps:  # a step of another partnership's plan: never expected
                steps[step_id] = TimelineStep.objects.get(pk=step_id)
            step = steps[step_id]
            dates = memo[key] = due_dates_for(step, anchor_on, anchor_at,
                                              calendars[partnership_id])
        if (dates.due_date, dates.due_at, dates.window_start) != (due, due_at, window):
            changes.append((pk, dates.due_date, dates.due_at, dates.window_start))
            moved[partnership_id] += 1
    with transaction.atomic():
        update_from_values(Deadline, ["due_date", "due_at", "window_start"], changes,
                           where={"status": DeadlineStatus.OPEN})
        audit_records(action=AuditEvent.Action.UPDATE, events=[
            (partnership_id, {"deadlines_moved": count, "reason": "recompute"})
            for partnership_id, count in sorted(moved.items())])
        _tell_moved(pk for pk, *_ in changes)
    return len(changes)
