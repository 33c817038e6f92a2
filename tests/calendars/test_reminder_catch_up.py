"""Sweeps that catch up: the day's reminders are planned once, from 07:00, by whichever
comes first (the 07:00 sweep, a worker or beat starting, the hourly sweep), and sending
them queues their emails in the outbox, audited, without talking to a mail server."""

import datetime

import pytest
import time_machine
from celery.signals import beat_init, worker_ready

from accounts.models import AuditEvent, Role
from calendars import services
from calendars.models import Anchor, Reminder, StepAction, SweepRun
from calendars.services.reminders import reminders_plan, reminders_send
from calendars.tasks import reminder_sweep, reminder_sweep_hourly
from config.celery import app
from outbox.models import Message
from tests.factories import AgencyFactory, MembershipFactory

from .conftest import d

pytestmark = pytest.mark.django_db
RETURN_DUE = d("2027-01-04")  # a Monday; London is on GMT, so local time is UTC


def _at(day: datetime.date, hour: int, minute: int = 0):
    return time_machine.travel(datetime.datetime.combine(
        day, datetime.time(hour, minute), tzinfo=datetime.UTC), tick=False)


@pytest.fixture
def agency_user(case, partnership):
    """An information request sent on 23 December 2026: its return is due 4 January."""
    agency = AgencyFactory(partnerships=[partnership])
    user = MembershipFactory(partnership=partnership, role=Role.AGENCY_USER,
                             agency=agency).user
    MembershipFactory(partnership=partnership, role=Role.BUSINESS_MANAGER)
    with _at(d("2026-12-23"), 12):
        services.anchor_record(actor=None, case=case, kind=Anchor.INFORMATION_REQUEST_SENT,
                               occurred_on=d("2026-12-23"), related_key="request:1",
                               responsible_agency=agency)
        services.deadline_meet(actor=None, case=case, action=StepAction.RECEIPT_CONFIRMED,
                               related_key="request:1")
    return user


@pytest.fixture
def eager():
    """Tasks run in this process as they are queued (Celery's own testing mode), so the
    signal handlers' tasks run on this test's clock and database."""
    saved = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = saved


def _due_today_emails(user, case) -> list[Message]:
    return list(Message.objects.filter(
        to=user.email, subject=f"Due today: Agency returns due ({case.reference})"))


def test_a_beat_started_at_0930_still_plans_the_days_reminders(agency_user, case, eager):
    with _at(RETURN_DUE, 9, 30):
        beat_init.send(sender=None)  # beat starts with a fresh schedule: 07:00 has passed
    run = SweepRun.objects.get(kind=SweepRun.Kind.REMINDER_PLAN, date=RETURN_DUE)
    assert run.planned == 1
    reminder = Reminder.objects.get(for_date=RETURN_DUE)
    assert reminder.kind == Reminder.Kind.ON_DAY and reminder.sent_at is not None
    [email] = _due_today_emails(agency_user, case)
    assert email.status == "pending" and email.related == {
        "reminder": reminder.pk, "deadline": reminder.deadline_id}

    # A worker (or a second beat) starting later that day plans nothing again.
    with _at(RETURN_DUE, 10):
        worker_ready.send(sender=None)
        beat_init.send(sender=None)
    assert SweepRun.objects.count() == 1
    assert len(_due_today_emails(agency_user, case)) == 1


def test_before_0700_a_starting_beat_waits_for_the_0700_sweep(agency_user, case, eager):
    with _at(RETURN_DUE, 6, 30):
        beat_init.send(sender=None)
    assert not SweepRun.objects.exists() and not Reminder.objects.exists()
    with _at(RETURN_DUE, 7):
        assert reminder_sweep() == {"planned": 1, "sent": 1}
    assert SweepRun.objects.get().date == RETURN_DUE
    assert len(_due_today_emails(agency_user, case)) == 1


def test_the_hourly_sweep_plans_the_day_once_when_0700_was_missed(agency_user, case):
    with _at(RETURN_DUE, 11, 5):
        first = reminder_sweep_hourly()
    with _at(RETURN_DUE, 12, 5):
        second = reminder_sweep_hourly()
    assert (first["planned_daily"], first["sent"]) == (1, 1)
    assert (second["planned_daily"], second["sent"]) == (None, 0)
    assert len(_due_today_emails(agency_user, case)) == 1
    # The next day is planned afresh: the overdue reminder and the escalation.
    with _at(d("2027-01-05"), 8, 5):
        assert reminder_sweep_hourly()["planned_daily"] == 2
    assert SweepRun.objects.count() == 2


def test_sending_is_audited_per_batch_with_the_reminder_ids(agency_user, case, partnership):
    with _at(d("2027-01-05"), 7):
        assert reminders_plan() == 2  # overdue, and escalated to the business manager
        assert reminders_send(batch_size=1) == 2
    events = AuditEvent.objects.filter(detail__event="reminders_sent").order_by("id")
    ids = sorted(Reminder.objects.values_list("id", flat=True))
    assert [e.detail["reminders"] for e in events] == [[ids[0]], [ids[1]]]
    assert all(e.detail["count"] == 1 and e.partnership_id == partnership.pk for e in events)
    assert all(e.action == AuditEvent.Action.UPDATE and e.actor is None for e in events)


def test_reminders_are_queued_without_talking_to_a_mail_server(agency_user, case, settings):
    """No SMTP inside the sweep's transaction: with the mail server unreachable the
    reminders are still marked sent, their emails waiting in the outbox."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there
    with _at(d("2027-01-05"), 7):
        reminders_plan()
        assert reminders_send() == 2
    assert not Reminder.objects.filter(sent_at__isnull=True).exists()
    assert Message.objects.filter(status="pending", kind="reminder").count() == 2
