"""The reminder sweep: decide which reminders are due today, then send each exactly once.

Two phases, both safe to run twice or concurrently:
1. ``reminders_plan`` inserts ``Reminder`` rows; the unique (deadline, kind, date) key
   makes a second run, a retry or a second worker insert nothing new.
2. ``reminders_send`` locks unsent rows (``skip_locked``), emails, and marks them sent in
   the same transaction, so no reminder is emailed twice.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, Role

from ..models import Deadline, DeadlineStatus, Reminder, TimelineStep
from ..working_days import add_working_days, is_working_day, working_days_between
from .calendar import calendar_for

SOON_HOURS = 2


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


def reminders_plan(*, today: datetime.date | None = None) -> int:
    """Insert today's reminders for every open deadline; returns how many rows it tried."""
    today = today or timezone.localdate()
    steps = {s.pk: s for s in TimelineStep.objects.all()}
    horizon_days = max([d for s in steps.values() for d in (s.remind_days_before or [])],
                       default=0)
    calendars, working_today, horizon = {}, {}, {}
    planned: list[Reminder] = []
    rows = Deadline.objects.filter(status=DeadlineStatus.OPEN).values_list(
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


def reminders_plan_hourly(*, now: datetime.datetime | None = None) -> int:
    """For steps counted in hours: 'due soon' two hours ahead, 'overdue' once it passes."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    planned = []
    for pk, due_at in Deadline.objects.filter(
        status=DeadlineStatus.OPEN, due_at__isnull=False,
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
    link = settings.SITE_URL + reverse("cases:case-deadlines", args=[deadline.case.reference])
    body = (
        f"{SUBJECTS[reminder.kind]}: {deadline.step.label}\n\n"
        f"Case: {deadline.case.reference}\nDue: {due}\n\n"
        f"See the case's deadlines: {link}\n"
    )
    if reminder.kind == Reminder.Kind.ESCALATION:
        body += ("\nYou are told because this is overdue by more than "
                 f"{deadline.step.escalate_after} working day(s).\n")
    subject = f"{SUBJECTS[reminder.kind]}: {deadline.step.label} ({deadline.case.reference})"
    return subject, body


def reminders_send(*, today: datetime.date | None = None, batch_size: int = 500) -> int:
    """Email every unsent reminder planned for today; each row is sent at most once."""
    today = today or timezone.localdate()
    recipients = _Recipients()
    sent = 0
    connection = get_connection()
    while True:
        with transaction.atomic():
            batch = list(
                Reminder.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(sent_at__isnull=True, for_date__lte=today,
                        deadline__status=DeadlineStatus.OPEN)
                .select_related("deadline__step", "deadline__case", "deadline__responsible_user")
                .only("kind", "deadline__partnership_id", "deadline__due_date",
                      "deadline__due_at", "deadline__responsible_role",
                      "deadline__responsible_agency_id", "deadline__step__label",
                      "deadline__step__escalate_after", "deadline__case__reference",
                      "deadline__responsible_user__email")
                .order_by("id")[:batch_size]
            )
            if not batch:
                return sent
            now = timezone.now()
            # One UPDATE per set of recipients, not a CASE over the batch: people are few.
            told: dict[tuple[int, ...], list[int]] = defaultdict(list)
            for reminder in batch:
                users = recipients.for_reminder(reminder)
                subject, body = _text(reminder)
                messages = [EmailMessage(subject=subject, body=body, to=[user.email],
                                         connection=connection) for user in users]
                if messages:
                    connection.send_messages(messages)
                told[tuple(u.pk for u in users)].append(reminder.pk)
            for user_ids, reminder_ids in told.items():
                Reminder.objects.filter(pk__in=reminder_ids).update(
                    sent_at=now, recipients=list(user_ids))
            sent += len(batch)
