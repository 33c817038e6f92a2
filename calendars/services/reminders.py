"""The reminder sweep: decide which reminders are due today, then send each exactly once.

Two phases, both safe to run twice or concurrently:
1. ``reminders_plan`` inserts ``Reminder`` rows; the unique (deadline, kind, date) key
   makes a second run, a retry or a second worker insert nothing new. ``reminders_plan_daily``
   runs it once a day from 07:00, whenever the first sweep, worker or beat of the day after
   that comes (a ``SweepRun`` row records the day), so a beat that was down at 07:00 still
   plans the day's reminders.
2. ``reminders_send`` reads the ids of the unsent reminders once (the partial index of
   unsent reminders), then takes them a batch of ids at a time (so each batch costs the
   same however many are left, whatever the table's statistics say): locks them
   (``skip_locked``), works out in memory who is told what, then in the same transaction
   queues the emails in the outbox (one INSERT), marks the reminders sent with their
   recipients (one UPDATE) and writes one audit event per partnership. No SMTP inside it:
   a crash leaves each reminder queued and marked, or neither, and the outbox delivers
   each email once (outbox/services.py).

A partnership that prefers a digest (``Partnership.reminder_digest``) has its unsent
reminders sent in one transaction, one email a person listing all theirs.

``reminders_send_now`` is a business manager's "send today's reminders now": phase 1 for
their partnership in the request, phase 2 queued; the same rows, so nothing is sent twice.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from accounts.audit import audit_record, audit_records
from accounts.models import AuditEvent, Partnership, User
from config.bulk import insert_rows, update_from_values
from config.celery import publish_after_commit
from outbox.services import Email, messages_queue

from ..models import Deadline, DeadlineStatus, Reminder, SweepRun, TimelineStep
from ..working_days import add_working_days, is_working_day, working_days_between
from .calendar import calendar_for, calendars_for
from .reminder_emails import DUE_FIELDS, Due, Recipients, emails_digest, emails_each

SOON_HOURS = 2
DAILY_PLAN_FROM = datetime.time(7, 0)  # the beat's daily sweep; catch-ups wait until then
BATCH_SIZE = 2000  # reminders a transaction: a few thousand emails, one INSERT


def _due_kinds(step: TimelineStep, due: datetime.date, today: datetime.date,
               calendar) -> list[tuple[str, datetime.date]]:
    kinds = []
    if due > today:
        if working_days_between(today, due, calendar) in (step.remind_days_before or []):
            kinds.append((Reminder.Kind.BEFORE, today))
    elif due == today:
        if step.remind_on_day:
            kinds.append((Reminder.Kind.ON_DAY, today))
    else:
        if step.remind_daily_when_overdue:
            kinds.append((Reminder.Kind.OVERDUE, today))
        if step.escalate_after is not None and working_days_between(
                due, today, calendar) >= step.escalate_after:
            kinds.append((Reminder.Kind.ESCALATION, due))  # keyed on the due date: once
    return kinds


def _open_deadlines(partnership_id: int | None):
    rows = Deadline.objects.filter(status=DeadlineStatus.OPEN)
    return rows if partnership_id is None else rows.filter(partnership_id=partnership_id)


def reminders_plan(*, today: datetime.date | None = None,
                   partnership_id: int | None = None) -> int:
    """Insert today's reminders for every open deadline (of one partnership, or all);
    returns how many rows it tried. Reads only the deadlines due before the furthest
    'remind N working days before' of any partnership (overdue ones included)."""
    today = today or timezone.localdate()
    steps = {s.pk: s for s in TimelineStep.objects.all()}
    horizon_days = max([d for s in steps.values() for d in (s.remind_days_before or [])],
                       default=0)
    open_rows = _open_deadlines(partnership_id)
    calendars = calendars_for(
        [partnership_id] if partnership_id is not None
        else Partnership.objects.values_list("pk", flat=True))
    working = {pk for pk, calendar in calendars.items() if is_working_day(today, calendar)}
    if not working:
        return 0
    horizon = {pk: add_working_days(today, horizon_days, calendars[pk]) for pk in working}
    planned: list[tuple] = []
    rows = open_rows.filter(partnership_id__in=working,
                            due_date__lte=max(horizon.values())).values_list(
        "id", "partnership_id", "step_id", "due_date")
    for pk, partnership_id, step_id, due in rows.iterator(chunk_size=10000):
        if due > horizon[partnership_id]:
            continue
        for kind, for_date in _due_kinds(steps[step_id], due, today, calendars[partnership_id]):
            planned.append((pk, kind, for_date))
    insert_rows(Reminder, ("deadline_id", "kind", "for_date"), planned,
                same={"created_at": timezone.now(), "recipients": []}, ignore_conflicts=True)
    return len(planned)


def reminders_plan_daily(*, now: datetime.datetime | None = None,
                         force: bool = False) -> int | None:
    """Plan today's reminders if it is 07:00 or later and nobody has yet today (``force``:
    the 07:00 sweep itself, which plans whatever the record says); returns how many it
    tried, or None when there was nothing to do. Planning and its ``SweepRun`` row commit
    together, so a crash mid-plan leaves the day to plan again."""
    local = timezone.localtime(now or timezone.now())
    today = local.date()
    if not force:
        if local.time() < DAILY_PLAN_FROM:
            return None
        if SweepRun.objects.filter(kind=SweepRun.Kind.REMINDER_PLAN, date=today).exists():
            return None
    with transaction.atomic():
        planned = reminders_plan(today=today)
        SweepRun.objects.bulk_create(
            [SweepRun(kind=SweepRun.Kind.REMINDER_PLAN, date=today, planned=planned,
                      finished_at=timezone.now())], ignore_conflicts=True)
    return planned


def reminders_plan_hourly(*, now: datetime.datetime | None = None,
                          partnership_id: int | None = None) -> int:
    """For steps counted in hours: 'due soon' two hours ahead, 'overdue' once it passes."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    planned = []
    for pk, due_at in _open_deadlines(partnership_id).filter(
        due_at__isnull=False,
        due_at__lte=now + datetime.timedelta(hours=SOON_HOURS),
    ).values_list("id", "due_at"):
        kind = Reminder.Kind.OVERDUE if due_at < now else Reminder.Kind.BEFORE
        planned.append(Reminder(deadline_id=pk, kind=kind, for_date=today))
    Reminder.objects.bulk_create(planned, ignore_conflicts=True)
    return len(planned)


# --------------------------------------------------------------------------- sending


def _unsent(today: datetime.date, partnership_id: int | None):
    rows = Reminder.objects.filter(sent_at__isnull=True, for_date__lte=today,
                                   deadline__status=DeadlineStatus.OPEN)
    return rows if partnership_id is None else rows.filter(
        deadline__partnership_id=partnership_id)


def _unsent_ids(today: datetime.date, partnership_id: int | None) -> list[int]:
    """The sweep's plan: the unsent reminders due, in id order, read once over the partial
    index of unsent reminders, without locking anything (the batches lock)."""
    rows = Reminder.objects.filter(sent_at__isnull=True, for_date__lte=today)
    if partnership_id is not None:
        rows = rows.filter(deadline__partnership_id=partnership_id)
    return list(rows.order_by("id").values_list("id", flat=True))


def _lock(ids: list[int]) -> list[Due]:
    """These reminders and what their emails need, locked, if still unsent and their
    deadline still open. Those another sweep holds are skipped: it is sending them.

    Two queries, each driven by its list of ids: joined in one, SQLite's planner started
    from the open deadlines instead, and took seconds a batch."""
    reminders = list(Reminder.objects.filter(pk__in=ids, sent_at__isnull=True)
                     .select_for_update(skip_locked=True).order_by("id")
                     .values_list("id", "kind", "deadline_id"))
    deadlines = {row[0]: row[2:] for row in Deadline.objects.filter(
        pk__in={deadline_id for _pk, _kind, deadline_id in reminders}).values_list(*DUE_FIELDS)
        if row[1] == DeadlineStatus.OPEN}
    return [Due(pk, kind, deadline_id, *deadlines[deadline_id])
            for pk, kind, deadline_id in reminders if deadline_id in deadlines]


def _record(batch: list[Due], emails: list[Email], told: dict) -> None:
    """In the caller's transaction: the emails queued, the reminders marked sent with whom
    they told, one audit event per partnership (the reminder ids and their count)."""
    messages_queue(emails)
    update_from_values(Reminder, ["recipients"], [(d.pk, told[d.pk]) for d in batch],
                       same={"sent_at": timezone.now()})
    by_partnership: dict[int, list[int]] = defaultdict(list)
    for due in batch:
        by_partnership[due.partnership_id].append(due.pk)
    audit_records(action=AuditEvent.Action.UPDATE, events=[
        (partnership_id, {"event": "reminders_sent", "count": len(ids), "reminders": ids})
        for partnership_id, ids in by_partnership.items()])


def reminders_send(*, today: datetime.date | None = None, batch_size: int = BATCH_SIZE,
                   partnership_id: int | None = None) -> int:
    """Queue the emails of every unsent reminder planned for today or before (of one
    partnership, or all) and mark it sent; returns how many reminders. Each reminder's
    emails are queued once: the row is locked, and marked in the transaction that queues
    them.

    The unsent reminders are read once, then sent a batch of ids a transaction; those of
    partnerships that prefer a digest are set aside and sent afterwards, all of a
    partnership's in one transaction, one email a person."""
    today = today or timezone.localdate()
    ids = _unsent_ids(today, partnership_id)
    digests = set(Partnership.objects.filter(reminder_digest=True).values_list("pk", flat=True))
    recipients = Recipients()
    held: dict[int, list[Due]] = defaultdict(list)  # digest partnership: its reminders
    sent = 0
    for start in range(0, len(ids), batch_size):
        with transaction.atomic():
            each = []
            for due in _lock(ids[start:start + batch_size]):
                if due.partnership_id in digests:
                    held[due.partnership_id].append(due)
                else:
                    each.append(due)
            if each:
                recipients.load(each)
                _record(each, *emails_each(each, recipients))
        sent += len(each)
    recipients.load([due for dues in held.values() for due in dues])  # their people, at once
    for partnership in sorted(held):
        mine = [due.pk for due in held[partnership]]
        with transaction.atomic():
            batch = [due for start in range(0, len(mine), batch_size)
                     for due in _lock(mine[start:start + batch_size])]
            if batch:
                recipients.load(batch)
                _record(batch, *emails_digest(batch, recipients))
        sent += len(batch)
    return sent


@dataclass(frozen=True)
class RemindersNow:
    """What "send today's reminders now" did, for the page to say."""

    working_day: bool
    to_send: int  # due today or before and not yet sent: queued to send now
    sent_today: int  # already sent today (by the 07:00 sweep or an earlier run)
    queued: bool  # False: the broker did not answer, and the hourly sweep sends them


def reminders_send_now(*, actor: User, partnership: Partnership) -> RemindersNow:
    """Plan the partnership's reminders due today (whatever the hour: a demo need not wait
    for 07:00), record the run in the audit trail, and queue their sending after commit.

    The planned rows are the record of the work: a double click or a run after the sweep
    plans nothing new and sends each reminder at most once (``reminders_send``); if the
    broker is down, the hourly sweep sends the same rows."""
    today = timezone.localdate()
    not_queued = []
    with transaction.atomic():
        reminders_plan(today=today, partnership_id=partnership.pk)
        reminders_plan_hourly(partnership_id=partnership.pk)
        to_send = _unsent(today, partnership.pk).count()
        sent_today = Reminder.objects.filter(deadline__partnership=partnership,
                                             sent_at__date=today).count()
        audit_record(action=AuditEvent.Action.UPDATE, actor=actor, partnership=partnership,
                     detail={"event": "reminders_send_now", "to_send": to_send,
                             "sent_today": sent_today})
        if to_send:
            from ..tasks import reminders_send_for_partnership

            publish_after_commit(reminders_send_for_partnership, partnership.pk,
                                 on_failure=lambda: not_queued.append(True))
    return RemindersNow(working_day=is_working_day(today, calendar_for(partnership)),
                        to_send=to_send, sent_today=sent_today,
                        queued=bool(to_send) and not not_queued)
