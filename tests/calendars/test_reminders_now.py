"""A business manager sends today's reminders from the service without waiting for 07:00:
audited, planned in the database before the sending is queued, and nothing sent twice (a
double click, or a click after the 07:00 sweep)."""

import datetime
import time
from collections import Counter

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, Role
from calendars import services
from calendars.models import Anchor, CalendarDay, Reminder, TimelineTemplate
from calendars.services.reminders import reminders_plan, reminders_send
from calendars.tasks import reminder_sweep
from calendars.working_days import add_working_days, is_working_day
from cases.services import case_create
from outbox.models import Message
from tests.operations.conftest import broker_down

from .conftest import PLAN_003

WORKING_MONDAY = datetime.datetime(2026, 11, 23, 6, 30, tzinfo=datetime.UTC)  # before 07:00
SATURDAY = datetime.datetime(2026, 11, 28, 10, 0, tzinfo=datetime.UTC)


def _referred_12_working_days_ago(case, partnership, today: datetime.date) -> None:
    """Some steps overdue (and escalated), some due soon: reminders due today."""
    calendar = services.calendar_for(partnership)
    for kind in (Anchor.REFERRAL_RECEIVED, Anchor.NOTIFICATION_SENT):
        services.anchor_record(actor=None, case=case, kind=kind,
                               occurred_on=add_working_days(today, -12, calendar))


def _banner(response) -> str:
    html = response.content.decode()
    start = html.index('class="govuk-notification-banner')
    return html[start:html.index("</main>", start)]


def _send_now(client):
    return client.post(reverse("calendars:reminders-send-now"), follow=True)


@pytest.mark.django_db
def test_manager_sends_todays_reminders_before_7_and_the_run_is_audited(
        client, make_user, case, partnership, django_capture_on_commit_callbacks):
    manager = make_user(Role.BUSINESS_MANAGER)
    make_user(Role.BUSINESS_UNIT_OFFICER)
    with time_machine.travel(WORKING_MONDAY, tick=False):
        _referred_12_working_days_ago(case, partnership, timezone.localdate())
        client.force_login(manager)
        with django_capture_on_commit_callbacks() as queued:
            response = _send_now(client)

    due = Reminder.objects.filter(sent_at__isnull=True)
    assert due.count() > 0  # planned in the database before the sending is queued
    assert len(queued) == 1  # one task to send them, queued once the plan commits
    assert response.redirect_chain[-1][0] == reverse("calendars:deadlines")
    banner = _banner(response)
    assert "govuk-notification-banner--success" in banner
    assert f"Sending {due.count()} reminders due today" in banner
    event = AuditEvent.objects.get(detail__event="reminders_send_now")
    assert (event.actor, event.partnership) == (manager, partnership)
    assert event.detail["to_send"] == due.count()


@pytest.mark.django_db
def test_after_the_7_oclock_sweep_nothing_is_sent_again(
        client, make_user, case, partnership, django_capture_on_commit_callbacks):
    client.force_login(make_user(Role.BUSINESS_MANAGER))
    with time_machine.travel(WORKING_MONDAY + datetime.timedelta(hours=2), tick=False):
        _referred_12_working_days_ago(case, partnership, timezone.localdate())
        reminders_plan()
        sent = reminders_send()
        emails = Message.objects.count()
        with django_capture_on_commit_callbacks() as queued:
            response = _send_now(client)

    assert sent > 0 and not queued
    assert Message.objects.count() == emails
    assert not Reminder.objects.filter(sent_at__isnull=True).exists()
    assert f"Nothing more to send: {sent} reminders have already been sent today" in _banner(
        response)


@pytest.mark.django_db
def test_on_a_day_that_is_not_a_working_day_the_page_says_so(client, make_user, case,
                                                             partnership):
    client.force_login(make_user(Role.BUSINESS_MANAGER))
    with time_machine.travel(SATURDAY, tick=False):
        _referred_12_working_days_ago(case, partnership, timezone.localdate())
        response = _send_now(client)
    assert "today is not a working day, so no reminders are due" in _banner(response)
    assert not Reminder.objects.exists()


@pytest.mark.django_db
def test_only_the_partnerships_own_reminders_are_planned(client, make_user, case, partnership,
                                                         other_partnership):
    services.template_adopt(actor=None, partnership=other_partnership, builtin=(
        TimelineTemplate.objects.get(partnership__isnull=True, name=PLAN_003)))
    other_case = case_create(actor=None, partnership=other_partnership)
    client.force_login(make_user(Role.BUSINESS_MANAGER))
    with time_machine.travel(WORKING_MONDAY, tick=False):
        for each in (case, other_case):
            _referred_12_working_days_ago(each, each.partnership, timezone.localdate())
        _send_now(client)
    assert other_case.deadlines.exists()
    assert Reminder.objects.exists()
    assert not Reminder.objects.filter(deadline__partnership=other_partnership).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.BUSINESS_UNIT_OFFICER, Role.MANAGER,
                                  Role.ADMINISTRATOR, Role.SCRUTINEER])
def test_only_a_business_manager_may_send_reminders_now(client, make_user, case, partnership,
                                                        role):
    client.force_login(make_user(role))
    with time_machine.travel(WORKING_MONDAY, tick=False):
        _referred_12_working_days_ago(case, partnership, timezone.localdate())
        assert client.post(reverse("calendars:reminders-send-now")).status_code == 404
        deadlines = client.get(reverse("calendars:deadlines"))
    assert not Reminder.objects.exists()
    assert not AuditEvent.objects.filter(detail__event="reminders_send_now").exists()
    if deadlines.status_code == 200:
        assert "Send today's reminders now" not in deadlines.content.decode()


@pytest.mark.django_db
def test_the_deadlines_page_offers_the_button_to_a_business_manager(client, make_user):
    client.force_login(make_user(Role.BUSINESS_MANAGER))
    html = client.get(reverse("calendars:deadlines")).content.decode()
    action = reverse("calendars:reminders-send-now")
    assert f'action="{action}"' in html and "Send today's reminders now" in html
    assert 'data-prevent-double-click="true"' in html
    page = client.get(action)
    assert page.status_code == 200 and f'action="{action}"' in page.content.decode()


@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_the_reminders_wait_for_the_hourly_sweep(
        client, make_user, case, partnership):
    client.force_login(make_user(Role.BUSINESS_MANAGER))
    with time_machine.travel(WORKING_MONDAY, tick=False):
        _referred_12_working_days_ago(case, partnership, timezone.localdate())
        with broker_down():
            response = _send_now(client)
        waiting = Reminder.objects.filter(sent_at__isnull=True).count()
        assert waiting > 0
        banner = _banner(response)
        assert f"{waiting} reminders are waiting to be sent" in banner
        assert "sent automatically when it is back" in banner
        # The hourly sweep sends the same rows: planned once, sent once.
        assert reminders_send() == waiting


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_a_double_click_on_a_real_worker_sends_each_reminder_once(
        celery_worker, client, make_user, case, partnership):
    today = timezone.localdate()
    if not is_working_day(today):  # the worker runs on the real clock: make today count
        CalendarDay.objects.create(partnership=partnership, date=today,
                                   kind=CalendarDay.Kind.WORKING, reason="Test day")
    make_user(Role.BUSINESS_UNIT_OFFICER)
    client.force_login(make_user(Role.BUSINESS_MANAGER))
    _referred_12_working_days_ago(case, partnership, today)

    for _ in range(2):
        assert _send_now(client).status_code == 200

    deadline = time.monotonic() + 90
    while Reminder.objects.filter(sent_at__isnull=True).exists():
        assert time.monotonic() < deadline, "The worker did not send the reminders"
        time.sleep(0.5)
    reminders = list(Reminder.objects.all())
    assert reminders
    emails = Counter(Message.objects.filter(kind="reminder").values_list("to", "subject"))
    assert sum(emails.values()) == sum(len(r.recipients) for r in reminders)
    assert emails.most_common(1)[0][1] == 1  # nobody is told the same thing twice
    assert AuditEvent.objects.filter(detail__event="reminders_send_now").count() == 2
    # The 07:00 sweep after it finds nothing left to send.
    assert reminder_sweep.apply_async(queue=celery_worker[0]).get(timeout=120)["sent"] == 0
    assert Message.objects.filter(kind="reminder").count() == sum(emails.values())
