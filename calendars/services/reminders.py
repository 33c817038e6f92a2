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
import functools
from collections import Counter, defaultdict
from dataclasses import dataclass
from urllib.parse import quote

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.audit import audit_record, audit_records
from accounts.models import AuditEvent, Membership, Partnership, Role, User
from config.bulk import insert_rows, update_from_values
from config.celery import publish_after_commit
from outbox.services import Email, messages_queue

from ..models import Deadline, DeadlineStatus, Reminder, SweepRun, TimelineStep
from ..step_pages import ACTION_STEPS, action_page_of
from ..working_days import add_working_days, is_working_day, working_days_between
from .calendar import calendar_for, calendars_for

SOON_HOURS = 2
DAILY_PLAN_FROM = datetime.time(7, 0)  # the beat's daily sweep; catch-ups wait until then
BATCH_SIZE = 2000  # reminders a transaction: a few thousand emails, one INSERT
DIGEST_MAX_ITEMS = 50  # a digest lists this many; the rest are on the deadlines page


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


@dataclass(frozen=True, slots=True)
class _Due:
    """An unsent reminder and what its email needs, read with its lock in one query."""

    pk: int
    kind: str
    deadline_id: int
    partnership_id: int
    reference: str
    related_key: str
    due_date: datetime.date
    due_at: datetime.datetime | None
    responsible_role: str
    responsible_agency_id: int | None
    responsible_user_id: int | None
    step_id: int


_DUE_FIELDS = ("id", "kind", "deadline_id", "deadline__partnership_id",
               "deadline__case__reference", "deadline__related_key", "deadline__due_date",
               "deadline__due_at", "deadline__responsible_role",
               "deadline__responsible_agency_id", "deadline__responsible_user_id",
               "deadline__step_id")


@dataclass(frozen=True, slots=True)
class _Person:
    pk: int
    email: str


class _Sweep:
    """What one sweep reads once and keeps: steps, and each partnership's people (one
    query for every partnership a batch brings that is not known yet)."""

    def __init__(self):
        self.steps: dict[int, TimelineStep] = {}
        self.people: dict[int, dict] = {}
        self.users: dict[int, _Person] = {}

    def load(self, batch: list[_Due]) -> None:
        if not batch:
            return
        steps = {d.step_id for d in batch} - self.steps.keys()
        if steps:
            self.steps.update((s.pk, s) for s in TimelineStep.objects.filter(pk__in=steps).only(
                "label", "met_by", "escalate_after"))
        partnerships = {d.partnership_id for d in batch} - self.people.keys()
        for pk in partnerships:
            self.people[pk] = {"roles": defaultdict(set), "agencies": defaultdict(set)}
        if partnerships:
            for partnership_id, role, agency_id, user_id, email in Membership.objects.filter(
                    partnership_id__in=partnerships, user__is_active=True).values_list(
                    "partnership_id", "role", "agency_id", "user_id", "user__email"):
                person = self.users.setdefault(user_id, _Person(user_id, email))
                self.people[partnership_id]["roles"][role].add(person)
                if agency_id:
                    self.people[partnership_id]["agencies"][agency_id].add(person)
        named = {d.responsible_user_id for d in batch if d.responsible_user_id} - self.users.keys()
        if named:
            self.users.update((pk, _Person(pk, email)) for pk, email in
                              User.objects.filter(pk__in=named).values_list("pk", "email"))

    def told(self, due: _Due) -> list[_Person]:
        """Who is told: the responsible people, or the business managers of an escalation."""
        people = self.people[due.partnership_id]
        if due.kind == Reminder.Kind.ESCALATION:
            users = people["roles"][Role.BUSINESS_MANAGER]
        elif due.responsible_user_id:
            users = {self.users[due.responsible_user_id]}
        elif due.responsible_agency_id:
            users = people["agencies"][due.responsible_agency_id]
        else:
            users = people["roles"][due.responsible_role or Role.BUSINESS_UNIT_OFFICER]
        return sorted(users, key=lambda u: u.pk)


SUBJECTS = {
    Reminder.Kind.BEFORE: "Due soon",
    Reminder.Kind.ON_DAY: "Due today",
    Reminder.Kind.OVERDUE: "Overdue",
    Reminder.Kind.ESCALATION: "Escalation: overdue",
}
# A digest's summary, the most pressing first.
DIGEST_SUMMARY = {Reminder.Kind.ESCALATION: "escalated", Reminder.Kind.OVERDUE: "overdue",
                  Reminder.Kind.ON_DAY: "due today", Reminder.Kind.BEFORE: "due soon"}
DIGEST_ORDER = list(DIGEST_SUMMARY)


def _due_text(due: _Due) -> str:
    return due.due_at.strftime("%H:%M on %d %B %Y") if due.due_at \
        else due.due_date.strftime("%d %B %Y")


_REFERENCE = "REFERENCE0"  # stands for the case reference in a reversed URL


@functools.cache
def _deadlines_page(site_url: str) -> str:
    """The case's deadlines page with a stand-in for its reference: a sweep links tens of
    thousands of emails, and reversing a URL for each cost more than writing them."""
    return site_url + reverse("cases:case-deadlines", args=[_REFERENCE])


def _link(due: _Due, step: TimelineStep) -> tuple[str, str]:
    if step.met_by in ACTION_STEPS:
        # The agency that owns an action does it on the action's page.
        return "Open the action", settings.SITE_URL + action_page_of(due.reference,
                                                                     due.related_key)
    return "See the case's deadlines", _deadlines_page(settings.SITE_URL).replace(
        _REFERENCE, quote(due.reference, safe=""))


def _text(due: _Due, step: TimelineStep) -> tuple[str, str]:
    """Subject and body. No personal details in email: the case reference, the step and
    the date only."""
    where, link = _link(due, step)
    body = (
        f"{SUBJECTS[due.kind]}: {step.label}\n\n"
        f"Case: {due.reference}\nDue: {_due_text(due)}\n\n"
        f"{where}: {link}\n"
    )
    if due.kind == Reminder.Kind.ESCALATION:
        body += ("\nYou are told because this is overdue by more than "
                 f"{step.escalate_after} working day(s).\n")
    return f"{SUBJECTS[due.kind]}: {step.label} ({due.reference})", body


def _emails_each(batch: list[_Due], sweep: _Sweep) -> tuple[list[Email], dict]:
    """One email a reminder and person (one text a reminder, for all its people);
    returns the emails and who each reminder told."""
    emails, told = [], {}
    for due in batch:
        people = sweep.told(due)
        subject, body = _text(due, sweep.steps[due.step_id])
        related = {"reminder": due.pk, "deadline": due.deadline_id}
        emails += [Email(to=p.email, subject=subject, body=body, kind="reminder",
                         partnership_id=due.partnership_id, reference=due.reference,
                         related=related, dedupe_key=f"reminder:{due.pk}:{p.pk}")
                   for p in people]
        told[due.pk] = [p.pk for p in people]
    return emails, told


def _digest(person: _Person, partnership_id: int, dues: list[_Due],
            sweep: _Sweep) -> Email:
    """One person's reminders in one email, the most pressing first."""
    counts = Counter(d.kind for d in dues)
    dues = sorted(dues, key=lambda d: (DIGEST_ORDER.index(d.kind), d.due_date, d.reference))
    summary = ", ".join(f"{counts[k]} {DIGEST_SUMMARY[k]}" for k in DIGEST_ORDER if counts[k])
    lines = [f"Your deadline reminders today: {summary}."]
    kind = None
    for due in dues[:DIGEST_MAX_ITEMS]:
        if due.kind != kind:
            kind = due.kind
            lines += ["", f"{SUBJECTS[kind]} ({counts[kind]})"]
        step = sweep.steps[due.step_id]
        _where, link = _link(due, step)
        lines.append(f"- {due.reference}: {step.label}, due {_due_text(due)}. {link}")
    if len(dues) > DIGEST_MAX_ITEMS:
        lines += ["", f"And {len(dues) - DIGEST_MAX_ITEMS} more."]
    lines += ["", "See all the deadlines: " + settings.SITE_URL + reverse("calendars:deadlines")]
    first = min(d.pk for d in dues)  # each reminder is sent once: a key no other digest has
    return Email(to=person.email, subject=f"Deadline reminders: {summary}",
                 body="\n".join(lines) + "\n", kind="reminder_digest",
                 partnership_id=partnership_id,
                 related={"reminders": sorted(d.pk for d in dues)},
                 dedupe_key=f"reminder-digest:{first}:{person.pk}")


def _emails_digest(batch: list[_Due], sweep: _Sweep) -> tuple[list[Email], dict]:
    """One email a person (per partnership) listing all their reminders."""
    mine: dict[tuple[int, _Person], list[_Due]] = defaultdict(list)
    told = {}
    for due in batch:
        people = sweep.told(due)
        for person in people:
            mine[(due.partnership_id, person)].append(due)
        told[due.pk] = [p.pk for p in people]
    emails = [_digest(person, partnership_id, dues, sweep)
              for (partnership_id, person), dues in sorted(
                  mine.items(), key=lambda item: (item[0][0], item[0][1].pk))]
    return emails, told


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


def _lock(ids: list[int]) -> list[_Due]:
    """These reminders and what their emails need, locked, if still unsent and their
    deadline still open. Those another sweep holds are skipped: it is sending them."""
    return [_Due(*row) for row in Reminder.objects.filter(
        pk__in=ids, sent_at__isnull=True, deadline__status=DeadlineStatus.OPEN,
    ).select_for_update(skip_locked=True, of=("self",)).order_by("id").values_list(
        *_DUE_FIELDS)]


def _record(batch: list[_Due], emails: list[Email], told: dict) -> None:
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
    sweep = _Sweep()
    held: dict[int, list[_Due]] = defaultdict(list)  # digest partnership: its reminders
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
                sweep.load(each)
                _record(each, *_emails_each(each, sweep))
        sent += len(each)
    sweep.load([due for dues in held.values() for due in dues])  # their people, at once
    for partnership in sorted(held):
        mine = [due.pk for due in held[partnership]]
        with transaction.atomic():
            batch = [due for start in range(0, len(mine), batch_size)
                     for due in _lock(mine[start:start + batch_size])]
            if batch:
                sweep.load(batch)
                _record(batch, *_emails_digest(batch, sweep))
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
