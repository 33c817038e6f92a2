"""The reminder sweep: decide which reminders are due today, then send each exactly once.

Two phases, both safe to run twice or concurrently:
1. ``reminders_plan`` inserts ``Reminder`` rows; the unique (deadline, kind, date) key
   makes a second run, a retry or a second worker insert nothing new. ``reminders_plan_daily``
   runs it once a day from 07:00, whenever the first sweep, worker or beat of the day after
   that comes (a ``SweepRun`` row records the day), so a beat that was down at 07:00 still
   plans the day's reminders.
2. ``reminders_send`` locks unsent rows (``skip_locked``), queues their emails in the
   outbox, marks them sent and writes the audit event, all in one transaction: no SMTP
   inside it, so a crash leaves each reminder queued and marked, or neither, and the outbox
   delivers each email once (outbox/services.py).

``reminders_send_now`` is a business manager's "send today's reminders now": phase 1 for
their partnership in the request, phase 2 queued; the same rows, so nothing is sent twice.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.audit import audit_record
from accounts.models import AuditEvent, Membership, Partnership, Role, User
from config.celery import publish_after_commit
from outbox.services import Email, messages_queue

from ..models import Deadline, DeadlineStatus, Reminder, SweepRun, TimelineStep
from ..step_pages import ACTION_STEPS, action_page
from ..working_days import add_working_days, is_working_day, working_days_between
from .calendar import calendar_for

SOON_HOURS = 2
DAILY_PLAN_FROM = datetime.time(7, 0)  # the beat's daily sweep; catch-ups wait until then


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
    returns how many rows it tried."""
    today = today or timezone.localdate()
    steps = {s.pk: s for s in TimelineStep.objects.all()}
    horizon_days = max([d for s in steps.values() for d in (s.remind_days_before or [])],
                       default=0)
    calendars, working_today, horizon = {}, {}, {}
    planned: list[Reminder] = []
    rows = _open_deadlines(partnership_id).values_list(
        "id", "partnership_id", "step_id", "due_date")
    for pk, partnership_id, step_id, due in rows.iterator(chunk_size=10000):
        if partnership_id not in calendars:
            calendar = calendars[partnership_id] = calendar_for(partnership_id)
            working_today[partnership_id] = is_working_day(today, calendar)
            horizon[partnership_id] = add_working_days(today, horizon_days, calendar)
        if not working_today[partnership_id] or due > horizon[partnership_id]:
            continue
        for kind, for_date in _due_kinds(steps[step_id], due, today, calendars[partnership_id]):
            planned.append(Reminder(deadline_id=pk, kind=kind, for_date=for_date))
    Reminder.objects.bulk_create(planned, ignore_conflicts=True, batch_size=5000)
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


class _Recipients:
    """Who is told, per partnership: the responsible people, or business managers."""

    def __init__(self):
        self.by_partnership: dict[int, dict] = {}

    def _load(self, partnership_id: int) -> dict:
        if partnership_id not in self.by_partnership:
            roles, agencies = defaultdict(set), defaultdict(set)
            for m in Membership.objects.filter(partnership_id=partnership_id,
                                               user__is_active=True).select_related("user"):
                roles[m.role].add(m.user)
                if m.agency_id:
                    agencies[m.agency_id].add(m.user)
            self.by_partnership[partnership_id] = {"roles": roles, "agencies": agencies}
        return self.by_partnership[partnership_id]

    def for_reminder(self, reminder: Reminder) -> list:
        deadline = reminder.deadline
        people = self._load(deadline.partnership_id)
        if reminder.kind == Reminder.Kind.ESCALATION:
            users = set(people["roles"][Role.BUSINESS_MANAGER])
        elif deadline.responsible_user_id:
            users = {deadline.responsible_user}
        elif deadline.responsible_agency_id:
            users = set(people["agencies"][deadline.responsible_agency_id])
        else:
            users = set(people["roles"][deadline.responsible_role or Role.BUSINESS_UNIT_OFFICER])
        return sorted(users, key=lambda u: u.pk)


SUBJECTS = {
    Reminder.Kind.BEFORE: "Due soon",
    Reminder.Kind.ON_DAY: "Due today",
    Reminder.Kind.OVERDUE: "Overdue",
    Reminder.Kind.ESCALATION: "Escalation: overdue",
}


def _text(reminder: Reminder) -> tuple[str, str]:
    """Subject and body. No personal details in email: the case reference, the step and
    the date only."""
    deadline = reminder.deadline
    due = deadline.due_at.strftime("%H:%M on %d %B %Y") if deadline.due_at \
        else deadline.due_date.strftime("%d %B %Y")
    if deadline.step.met_by in ACTION_STEPS:
        # The agency that owns an action does it on the action's page.
        where = "Open the action"
        link = settings.SITE_URL + action_page(deadline)
    else:
        where = "See the case's deadlines"
        link = settings.SITE_URL + reverse("cases:case-deadlines",
                                           args=[deadline.case.reference])
    body = (
        f"{SUBJECTS[reminder.kind]}: {deadline.step.label}\n\n"
        f"Case: {deadline.case.reference}\nDue: {due}\n\n"
        f"{where}: {link}\n"
    )
    if reminder.kind == Reminder.Kind.ESCALATION:
        body += ("\nYou are told because this is overdue by more than "
                 f"{deadline.step.escalate_after} working day(s).\n")
    subject = f"{SUBJECTS[reminder.kind]}: {deadline.step.label} ({deadline.case.reference})"
    return subject, body


def _unsent(today: datetime.date, partnership_id: int | None):
    rows = Reminder.objects.filter(sent_at__isnull=True, for_date__lte=today,
                                   deadline__status=DeadlineStatus.OPEN)
    return rows if partnership_id is None else rows.filter(
        deadline__partnership_id=partnership_id)


def reminders_send(*, today: datetime.date | None = None, batch_size: int = 500,
                   partnership_id: int | None = None) -> int:
    """Queue the emails of every unsent reminder planned for today or before (of one
    partnership, or all) and mark it sent, a batch per transaction; returns how many
    reminders. Each reminder's emails are queued once: the row is locked, and marked in the
    transaction that queues them."""
    today = today or timezone.localdate()
    recipients = _Recipients()
    sent = 0
    while True:
        with transaction.atomic():
            batch = list(
                _unsent(today, partnership_id)
                .select_for_update(skip_locked=True, of=("self",))
                .select_related("deadline__step", "deadline__case", "deadline__responsible_user")
                .only("kind", "deadline__partnership_id", "deadline__due_date",
                      "deadline__due_at", "deadline__responsible_role",
                      "deadline__responsible_agency_id", "deadline__related_key",
                      "deadline__step__label", "deadline__step__met_by",
                      "deadline__step__escalate_after", "deadline__case__reference",
                      "deadline__responsible_user__email")
                .order_by("id")[:batch_size]
            )
            if not batch:
                return sent
            now = timezone.now()
            # One UPDATE per set of recipients, not a CASE over the batch: people are few.
            told: dict[tuple[int, ...], list[int]] = defaultdict(list)
            by_partnership: dict[int, list[int]] = defaultdict(list)
            emails: list[Email] = []
            for reminder in batch:
                deadline = reminder.deadline
                users = recipients.for_reminder(reminder)
                subject, body = _text(reminder)  # one text per reminder, for all its people
                related = {"reminder": reminder.pk, "deadline": deadline.pk}
                emails += [Email(to=user.email, subject=subject, body=body, kind="reminder",
                                 partnership_id=deadline.partnership_id,
                                 reference=deadline.case.reference, related=related,
                                 dedupe_key=f"reminder:{reminder.pk}:{user.pk}")
                           for user in users]
                told[tuple(u.pk for u in users)].append(reminder.pk)
                by_partnership[deadline.partnership_id].append(reminder.pk)
            messages_queue(emails)
            for user_ids, reminder_ids in told.items():
                Reminder.objects.filter(pk__in=reminder_ids).update(
                    sent_at=now, recipients=list(user_ids))
            for partnership_id, reminder_ids in by_partnership.items():
                audit_record(action=AuditEvent.Action.UPDATE, partnership_id=partnership_id,
                             detail={"event": "reminders_sent", "count": len(reminder_ids),
                                     "reminders": reminder_ids})
            sent += len(batch)


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
