"""The reminder sweep on a real Celery worker and Redis: run twice at once, sent once
(queued in the outbox, then delivered by the worker's outbox sweep)."""

from collections import Counter

import pytest
from django.utils import timezone

from accounts.models import Role
from calendars import services
from calendars.models import Anchor, CalendarDay, Reminder
from calendars.tasks import reminder_sweep
from calendars.working_days import add_working_days, is_working_day
from outbox.tasks import outbox_sweep
from tests.conftest import emails_in

pytestmark = [pytest.mark.celery,
              pytest.mark.django_db(transaction=True)]


def _header(email: str, name: str) -> str:
    return next(line for line in email.splitlines() if line.startswith(f"{name}: "))


def test_two_concurrent_sweeps_send_each_due_reminder_exactly_once(celery_worker, case,
                                                                    partnership, make_user):
    queue, mail_folder = celery_worker
    today = timezone.localdate()
    if not is_working_day(today):  # the worker runs on the real clock: make today count
        CalendarDay.objects.create(partnership=partnership, date=today,
                                   kind=CalendarDay.Kind.WORKING, reason="Test day")
    officer, manager = make_user(Role.BUSINESS_UNIT_OFFICER), make_user(Role.BUSINESS_MANAGER)
    partner = make_user(Role.PARTNER_REPRESENTATIVE)
    calendar = services.calendar_for(partnership)
    # Referred and notified 12 working days ago: some steps overdue (and escalated), some
    # due soon.
    for kind in (Anchor.REFERRAL_RECEIVED, Anchor.NOTIFICATION_SENT):
        services.anchor_record(actor=None, case=case, kind=kind,
                               occurred_on=add_working_days(today, -12, calendar))

    runs = [reminder_sweep.apply_async(queue=queue) for _ in range(2)]
    results = [run.get(timeout=120) for run in runs]

    reminders = list(Reminder.objects.all())
    assert reminders and all(r.sent_at for r in reminders)
    assert sum(r["sent"] for r in results) == len(reminders)
    kinds = Counter(r.kind for r in reminders)
    assert kinds[Reminder.Kind.ESCALATION] > 0 and kinds[Reminder.Kind.BEFORE] > 0
    # The sweeps' own requests for delivery go to the worker's default queue, which this
    # test's worker does not take: its outbox sweep delivers, twice at once, as beat would.
    delivered = [outbox_sweep.apply_async(queue=queue) for _ in range(2)]
    assert sum(run.get(timeout=120).get("sent", 0) for run in delivered) == sum(
        len(r.recipients) for r in reminders)
    emails = emails_in(mail_folder)
    expected = sum(len(r.recipients) for r in reminders)
    assert len(emails) == expected
    sent_to = Counter((_header(e, "To"), _header(e, "Subject")) for e in emails)
    assert sent_to.most_common(1)[0][1] == 1  # nobody got the same reminder twice
    escalations = [e for e in emails if "Subject: Escalation" in e]
    assert escalations and all(f"To: {manager.email}" in e for e in escalations)
    assert any(f"To: {partner.email}" in e for e in emails)  # partners sign: due soon
    assert any(f"To: {officer.email}" in e for e in emails)

    again = reminder_sweep.apply_async(queue=queue).get(timeout=120)
    assert again["sent"] == 0 and len(emails_in(mail_folder)) == expected


def test_the_beat_schedule_runs_the_sweeps():
    from django.conf import settings

    schedule = {entry["task"]: entry["schedule"]
                for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    daily = schedule["calendars.tasks.reminder_sweep"]
    assert (daily.hour, daily.minute) == ({7}, {0})
    assert schedule["calendars.tasks.reminder_sweep_hourly"].minute == {5}
    assert schedule["outbox.tasks.outbox_sweep"] == settings.OUTBOX_SWEEP_SECONDS == 60
    # Beat keeps its schedule in a file under var/, so a restart knows what already ran.
    assert settings.CELERY_BEAT_SCHEDULE_FILENAME.startswith(str(settings.VAR_DIR))
