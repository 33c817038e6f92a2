"""Reminders follow each step's policy on working days, and each is emailed once: queued in
the outbox with the reminder marked sent, delivered by the outbox."""

import datetime
from collections import Counter

import pytest
import time_machine
from django.core import mail

from accounts.models import Role
from calendars import services
from calendars.models import Anchor, AnchorEvent, Deadline, Reminder, StepAction
from calendars.services.reminders import reminders_plan, reminders_plan_hourly, reminders_send
from cases.models import Case, Stage
from outbox.models import Message
from tests.conftest import deliver_emails
from tests.factories import AgencyFactory, MembershipFactory

from .conftest import d

pytestmark = pytest.mark.django_db


def _on(day: str, hour: int = 7):
    return time_machine.travel(datetime.datetime.fromisoformat(f"{day}T{hour:02d}:00:00+00:00"))


def _sweep() -> list[tuple[str, str]]:
    """Run the daily sweep; return (recipient, subject) of the emails it sent."""
    mail.outbox.clear()
    reminders_plan()
    reminders_send()
    return sorted((m.to[0], m.subject) for m in deliver_emails())


@pytest.fixture
def agency_request(case, partnership, make_user):
    """An information request sent on 23 December 2026: the return is due on 4 January."""
    agency = AgencyFactory(partnerships=[partnership])
    agency_user = MembershipFactory(partnership=partnership, role=Role.AGENCY_USER,
                                    agency=agency).user
    manager = make_user(Role.BUSINESS_MANAGER)
    with _on("2026-12-23", 12):
        services.anchor_record(actor=None, case=case, kind=Anchor.INFORMATION_REQUEST_SENT,
                               occurred_on=d("2026-12-23"), related_key="request:1",
                               responsible_agency=agency)
        # The follow-up call the same day (the plan's other step for each request).
        services.deadline_meet(actor=None, case=case, action=StepAction.RECEIPT_CONFIRMED,
                               related_key="request:1")
    return agency_user, manager


def test_reminders_across_the_christmas_bank_holidays(agency_request, case):
    agency_user, manager = agency_request
    subject = f"Agency returns due ({case.reference})"
    expected = {
        "2026-12-29": [],  # 3 working days before: the policy says 2 and 1
        "2026-12-30": [(agency_user.email, f"Due soon: {subject}")],
        "2026-12-31": [(agency_user.email, f"Due soon: {subject}")],
        "2027-01-01": [],  # New Year's Day
        "2027-01-02": [],  # Saturday
        "2027-01-04": [(agency_user.email, f"Due today: {subject}")],
        "2027-01-05": sorted([(agency_user.email, f"Overdue: {subject}"),
                              (manager.email, f"Escalation: overdue: {subject}")]),
        "2027-01-06": [(agency_user.email, f"Overdue: {subject}")],  # escalated once only
    }
    for day, emails in expected.items():
        with _on(day):
            assert _sweep() == emails, day


def test_running_the_sweep_twice_sends_nothing_twice(agency_request):
    with _on("2027-01-05"):
        first = _sweep()
        second = _sweep()
    assert len(first) == 2 and second == []
    assert Reminder.objects.filter(sent_at__isnull=False).count() == 2


def test_a_met_deadline_is_not_chased(agency_request, case):
    with _on("2027-01-04", 12):
        services.deadline_meet(actor=None, case=case, action=StepAction.RETURN_SUBMITTED,
                               related_key="request:1")
    with _on("2027-01-05"):
        assert _sweep() == []


def test_emails_carry_the_case_reference_and_a_link_but_no_personal_details(agency_request,
                                                                          case):
    with _on("2027-01-04"):
        _sweep()
    [message] = [m for m in mail.outbox]
    assert case.reference in message.body
    assert f"/cases/{case.reference}/deadlines/" in message.body


def test_hour_based_steps_are_chased_by_the_hourly_sweep(partnership, make_user):
    from calendars.models import TimelineTemplate
    from cases.services import case_create

    builtin = TimelineTemplate.objects.get(partnership__isnull=True,
                                           name="Rapid review plan (Lincolnshire)")
    services.template_adopt(actor=None, partnership=partnership, builtin=builtin)
    manager = make_user(Role.BUSINESS_MANAGER)
    case = case_create(actor=None, partnership=partnership)
    decided = datetime.datetime(2026, 11, 24, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(decided):
        services.anchor_record(actor=None, case=case, kind=Anchor.TRIAGE_DECIDED,
                               occurred_on=d("2026-11-24"), occurred_at=decided)
    # Due at 09:00 on 25 November: 'due soon' from 07:00, 'overdue' after 09:00, once each.
    for hour, minute, expected in ((6, 30, 0), (7, 30, 1), (8, 0, 0), (9, 30, 1), (10, 30, 0)):
        when = datetime.datetime(2026, 11, 25, hour, minute, tzinfo=datetime.UTC)
        with time_machine.travel(when):
            mail.outbox.clear()
            reminders_plan_hourly()
            reminders_send()
            assert len(deliver_emails()) == expected, (hour, minute)
            if expected:
                assert mail.outbox[0].to == [manager.email]


def test_a_partnership_that_prefers_a_digest_sends_each_person_one_email(
        agency_request, case, partnership):
    agency_user, manager = agency_request
    agency = agency_user.memberships.get().agency
    with _on("2026-12-23", 12):  # a second request to the same agency, due the same day
        services.anchor_record(actor=None, case=case, kind=Anchor.INFORMATION_REQUEST_SENT,
                               occurred_on=d("2026-12-23"), related_key="request:2",
                               responsible_agency=agency)
        services.deadline_meet(actor=None, case=case, action=StepAction.RECEIPT_CONFIRMED,
                               related_key="request:2")
    partnership.reminder_digest = True
    partnership.save(update_fields=["reminder_digest"])
    with _on("2027-01-05"):
        emails = _sweep()
        assert _sweep() == []  # every reminder was sent once, in the digests
    assert emails == sorted([(agency_user.email, "Deadline reminders: 2 overdue"),
                             (manager.email, "Deadline reminders: 2 escalated")])
    reminders = Reminder.objects.all()
    assert reminders.count() == 4 and not reminders.filter(sent_at__isnull=True).exists()
    assert {tuple(r.recipients) for r in reminders} == {(agency_user.pk,), (manager.pk,)}
    [digest] = [m for m in Message.objects.filter(to=agency_user.email)]
    assert digest.kind == "reminder_digest" and len(digest.related["reminders"]) == 2
    assert digest.body.count(f"- {case.reference}: Agency returns due, due 04 January 2027") == 2
    assert f"/cases/{case.reference}/deadlines/" in digest.body


def test_the_sweep_reads_and_writes_a_batch_in_a_fixed_number_of_queries(
        partnership, plan, make_user, django_assert_max_num_queries):
    """Forty reminders to people found three ways (an agency, a role, one named person):
    one batch, the same statements whatever their number."""
    agency = AgencyFactory(partnerships=[partnership])
    agency_user = MembershipFactory(partnership=partnership, role=Role.AGENCY_USER,
                                    agency=agency).user
    officer, named = make_user(Role.BUSINESS_UNIT_OFFICER), make_user(Role.SCRUTINEER)
    step = plan.steps.first()
    today = d("2026-11-25")
    cases = Case.objects.bulk_create(Case(partnership=partnership, stage=Stage.RAPID_REVIEW,
                                          reference=f"ALPHA-2026-{n:03d}") for n in range(40))
    anchors = AnchorEvent.objects.bulk_create(
        AnchorEvent(case=c, kind=step.anchor, occurred_on=today) for c in cases)
    deadlines = Deadline.objects.bulk_create(
        Deadline(partnership=partnership, case=c, step=step, anchor_event=a, due_date=today,
                 responsible_agency=agency if n % 3 == 0 else None,
                 responsible_user=named if n % 3 == 1 else None)
        for n, (c, a) in enumerate(zip(cases, anchors, strict=True)))
    Reminder.objects.bulk_create(Reminder(deadline=dl, kind=Reminder.Kind.ON_DAY,
                                          for_date=today) for dl in deadlines)
    with django_assert_max_num_queries(11):
        assert reminders_send(today=today) == 40
    told = Counter(Message.objects.values_list("to", flat=True))
    assert told == {agency_user.email: 14, named.email: 13, officer.email: 13}
