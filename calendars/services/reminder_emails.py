"""What each reminder's email says and to whom: the sending half of the reminder sweep
(``reminders.reminders_send``) reads a batch of reminders as ``Due`` rows, and these build
their emails in memory, one a reminder and person or one digest a person. No personal
details in email: the case reference, the step and the date only.
"""

from __future__ import annotations

import datetime
import functools
from collections import Counter, defaultdict
from dataclasses import dataclass
from urllib.parse import quote

from django.conf import settings
from django.urls import get_script_prefix, reverse

from accounts.models import Membership, Role, User
from outbox.services import Email

from ..models import Reminder, TimelineStep
from ..step_pages import ACTION_STEPS, action_page_of

DIGEST_MAX_ITEMS = 50  # a digest lists this many; the rest are on the deadlines page


@dataclass(frozen=True, slots=True)
class Due:
    """An unsent reminder and what its email needs, read with its lock."""

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


# A reminder's deadline as ``Due`` needs it after the reminder's own id, kind and deadline id
# (with the status first, to leave out deadlines no longer open).
DUE_FIELDS = ("id", "status", "partnership_id", "case__reference", "related_key", "due_date",
              "due_at", "responsible_role", "responsible_agency_id", "responsible_user_id",
              "step_id")


@dataclass(frozen=True, slots=True)
class Person:
    pk: int
    email: str


class Recipients:
    """What one sweep reads once and keeps: steps, and each partnership's people (one
    query for every partnership a batch brings that is not known yet)."""

    def __init__(self):
        self.steps: dict[int, TimelineStep] = {}
        self.people: dict[int, dict] = {}
        self.users: dict[int, Person] = {}

    def load(self, batch: list[Due]) -> None:
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
                person = self.users.setdefault(user_id, Person(user_id, email))
                self.people[partnership_id]["roles"][role].add(person)
                if agency_id:
                    self.people[partnership_id]["agencies"][agency_id].add(person)
        named = {d.responsible_user_id for d in batch if d.responsible_user_id} - self.users.keys()
        if named:
            self.users.update((pk, Person(pk, email)) for pk, email in
                              User.objects.filter(pk__in=named).values_list("pk", "email"))

    def told(self, due: Due) -> list[Person]:
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


def _due_text(due: Due) -> str:
    return due.due_at.strftime("%H:%M on %d %B %Y") if due.due_at \
        else due.due_date.strftime("%d %B %Y")


_REFERENCE = "REFERENCE0"  # stands for the case reference in a reversed URL


@functools.cache
def _deadlines_page(site_url: str) -> str:
    """The case's deadlines page with a stand-in for its reference: a sweep links tens of
    thousands of emails, and reversing a URL for each cost more than writing them."""
    return _deadlines_page_under(site_url, get_script_prefix())


@functools.lru_cache(maxsize=8)
def _deadlines_page_under(site_url: str, prefix: str) -> str:
    """Reversed once a process (per address and prefix), not once an email."""
    return site_url + reverse("cases:case-deadlines", args=[_REFERENCE])


def _link(due: Due, step: TimelineStep) -> tuple[str, str]:
    if step.met_by in ACTION_STEPS:
        # The agency that owns an action does it on the action's page.
        return "Open the action", settings.SITE_URL + action_page_of(due.reference,
                                                                     due.related_key)
    return "See the case's deadlines", _deadlines_page(settings.SITE_URL).replace(
        _REFERENCE, quote(due.reference, safe=""))


def _text(due: Due, step: TimelineStep) -> tuple[str, str]:
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


def emails_each(batch: list[Due], recipients: Recipients) -> tuple[list[Email], dict]:
    """One email a reminder and person (one text a reminder, for all its people);
    returns the emails and who each reminder told."""
    emails, told = [], {}
    for due in batch:
        people = recipients.told(due)
        subject, body = _text(due, recipients.steps[due.step_id])
        related = {"reminder": due.pk, "deadline": due.deadline_id}
        emails += [Email(to=p.email, subject=subject, body=body, kind="reminder",
                         partnership_id=due.partnership_id, reference=due.reference,
                         related=related, dedupe_key=f"reminder:{due.pk}:{p.pk}")
                   for p in people]
        told[due.pk] = [p.pk for p in people]
    return emails, told


def _digest(person: Person, partnership_id: int, dues: list[Due],
            recipients: Recipients) -> Email:
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
        step = recipients.steps[due.step_id]
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


def emails_digest(batch: list[Due], recipients: Recipients) -> tuple[list[Email], dict]:
    """One email a person (per partnership) listing all their reminders."""
    mine: dict[tuple[int, Person], list[Due]] = defaultdict(list)
    told = {}
    for due in batch:
        people = recipients.told(due)
        for person in people:
            mine[(due.partnership_id, person)].append(due)
        told[due.pk] = [p.pk for p in people]
    emails = [_digest(person, partnership_id, dues, recipients)
              for (partnership_id, person), dues in sorted(
                  mine.items(), key=lambda item: (item[0][0], item[0][1].pk))]
    return emails, told
