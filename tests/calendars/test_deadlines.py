"""Anchors create deadlines from the partnership's plan; corrections move only open ones."""

import datetime
from io import StringIO

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import AuditEvent
from calendars import services
from calendars.models import (
    Anchor,
    CalendarDay,
    Deadline,
    DeadlineStatus,
    StepAction,
    TimelineTemplate,
)
from cases.services import case_create

from .conftest import PLAN_003, d

pytestmark = pytest.mark.django_db

# Wednesday 25 November 2026; the plan counts from the notification.
TODAY = datetime.datetime(2026, 11, 25, 12, 0, tzinfo=datetime.UTC)


def _due(case, key, related_key=""):
    return Deadline.objects.get(case=case, step__key=key, related_key=related_key).due_date


def _received_and_notified(case, received="2026-11-16", notified="2026-11-16"):
    services.anchor_record(actor=None, case=case, kind=Anchor.REFERRAL_RECEIVED,
                           occurred_on=d(received))
    services.anchor_record(actor=None, case=case, kind=Anchor.NOTIFICATION_SENT,
                           occurred_on=d(notified))


@time_machine.travel(TODAY)
def test_the_referral_and_the_notification_each_start_their_own_steps(case):
    services.anchor_record(actor=None, case=case, kind=Anchor.REFERRAL_RECEIVED,
                           occurred_on=d("2026-11-16"))
    # The plan counts from receiving the referral (Monday 16 November): day 1 is the 17th,
    # day 11 Tuesday 1 December, day 15 Monday 7 December.
    assert _due(case, "inform_partners") == d("2026-11-17")
    assert _due(case, "send_information_requests") == d("2026-11-18")
    assert _due(case, "rapid_review_meeting") == d("2026-12-01")
    assert _due(case, "partners_sign") == d("2026-12-04")
    assert _due(case, "send_to_panel") == d("2026-12-07")
    assert not Deadline.objects.filter(case=case, step__key="submit_rapid_review").exists()
    # The statutory 15 working days count from the notification, two days later.
    services.anchor_record(actor=None, case=case, kind=Anchor.NOTIFICATION_SENT,
                           occurred_on=d("2026-11-18"))
    assert _due(case, "submit_rapid_review") == d("2026-12-09")
    assert not Deadline.objects.filter(case=case, step__key="notify_panel").exists()


@time_machine.travel(TODAY)
def test_christmas_bank_holidays_are_skipped(case):
    services.anchor_record(actor=None, case=case, kind=Anchor.INFORMATION_REQUEST_SENT,
                           occurred_on=d("2026-11-20"), related_key="request:1")
    assert _due(case, "agency_returns_due", "request:1") == d("2026-11-27")
    with time_machine.travel(datetime.datetime(2026, 12, 23, 12, tzinfo=datetime.UTC)):
        services.anchor_record(actor=None, case=case, kind=Anchor.INFORMATION_REQUEST_SENT,
                               occurred_on=d("2026-12-23"), related_key="request:2")
    # 24 Dec (Thu), 29, 30, 31 Dec, 4 Jan: Christmas Day Fri, Boxing Day substitute Mon 28.
    assert _due(case, "agency_returns_due", "request:2") == d("2027-01-04")


@time_machine.travel(TODAY)
def test_correcting_the_referral_date_moves_open_deadlines_not_met_ones(case):
    _received_and_notified(case)
    services.deadline_meet(actor=None, case=case, action=StepAction.PARTNER_LETTER_SENT,
                           met_at=timezone.make_aware(datetime.datetime(2026, 11, 17, 10)))
    services.anchor_record(actor=None, case=case, kind=Anchor.REFERRAL_RECEIVED,
                           occurred_on=d("2026-11-18"))
    assert _due(case, "send_to_panel") == d("2026-12-09")
    assert _due(case, "submit_rapid_review") == d("2026-12-07")  # counts from the notification
    met = Deadline.objects.get(case=case, step__key="inform_partners")
    assert (met.status, met.due_date) == (DeadlineStatus.MET, d("2026-11-17"))
    event = AuditEvent.objects.filter(object_type="calendars.anchorevent").latest("id")
    assert event.action == AuditEvent.Action.UPDATE
    assert event.detail["previous"] == "2026-11-16"


@time_machine.travel(TODAY)
def test_meeting_late_is_recorded_as_met_late(case):
    _received_and_notified(case)
    [late] = services.deadline_meet(actor=None, case=case,
                                    action=StepAction.PARTNER_LETTER_SENT,
                                    met_at=timezone.make_aware(datetime.datetime(2026, 11, 18)))
    assert late.status == DeadlineStatus.MISSED
    [on_time] = services.deadline_meet(
        actor=None, case=case, action=StepAction.INFORMATION_REQUESTS_SENT,
        met_at=timezone.make_aware(datetime.datetime(2026, 11, 18, 23, 59)))
    assert on_time.status == DeadlineStatus.MET


def test_meeting_names_an_action_the_product_does(case):
    with pytest.raises(ValueError, match="Not a step action"):
        services.deadline_meet(actor=None, case=case, action="inform_partners")


@time_machine.travel(TODAY)
def test_a_future_anchor_date_is_refused_unless_it_is_a_plan(case):
    with pytest.raises(ValidationError, match="today or in the past"):
        services.anchor_record(actor=None, case=case, kind=Anchor.NOTIFICATION_SENT,
                               occurred_on=d("2026-11-26"))
    services.anchor_record(actor=None, case=case, kind=Anchor.PLANNED_PUBLICATION,
                           occurred_on=d("2027-03-31"))
    # Wednesday 31 March 2027, 7 working days back over Easter Monday (29th) and Good
    # Friday (26th): 30, 25, 24, 23, 22, 19, 18 March.
    assert _due(case, "send_final_lcspr_report") == d("2027-03-18")


@time_machine.travel(TODAY)
def test_window_hours_and_months_steps(partnership):
    builtin = TimelineTemplate.objects.get(partnership__isnull=True,
                                           name="Rapid review plan (Lincolnshire)")
    services.template_adopt(actor=None, partnership=partnership, builtin=builtin)
    case = case_create(actor=None, partnership=partnership)
    services.anchor_record(actor=None, case=case, kind=Anchor.REFERRAL_RECEIVED,
                           occurred_on=d("2026-11-16"))
    meeting = Deadline.objects.get(case=case, step__key="rapid_review_meeting")
    assert (meeting.window_start, meeting.due_date) == (d("2026-11-26"), d("2026-12-03"))

    # Friday 20 November, 16:30: 24 hours on working days is Monday 16:30, 48 Tuesday.
    decided = timezone.make_aware(datetime.datetime(2026, 11, 20, 16, 30))
    services.anchor_record(actor=None, case=case, kind=Anchor.TRIAGE_DECIDED,
                           occurred_on=d("2026-11-20"), occurred_at=decided)
    group = Deadline.objects.get(case=case, step__key="inform_review_group")
    assert group.due_at == timezone.make_aware(datetime.datetime(2026, 11, 23, 16, 30))
    assert group.due_date == d("2026-11-23")
    terms = Deadline.objects.get(case=case, step__key="terms_of_reference_meeting")
    assert terms.due_at == timezone.make_aware(datetime.datetime(2026, 11, 24, 16, 30))

    services.anchor_record(actor=None, case=case, kind=Anchor.DECISION_TO_COMMISSION_LCSPR,
                           occurred_on=d("2026-08-31"))
    # 28 February 2027 is a Sunday: the target rolls back to Friday 26 February.
    assert _due(case, "complete_lcspr") == d("2027-02-26")


@time_machine.travel(TODAY)
def test_report_due_seven_working_days_before_publication(case):
    services.anchor_record(actor=None, case=case, kind=Anchor.PLANNED_PUBLICATION,
                           occurred_on=d("2026-11-20"))
    assert _due(case, "send_final_lcspr_report") == d("2026-11-11")


@time_machine.travel(TODAY)
def test_calendar_change_recomputes_open_local_deadlines_only(case, partnership):
    _received_and_notified(case)
    services.deadline_meet(actor=None, case=case, action=StepAction.PARTNER_LETTER_SENT,
                           met_at=timezone.make_aware(datetime.datetime(2026, 11, 17, 9)))
    CalendarDay.objects.create(partnership=partnership, date=d("2026-11-17"),
                               kind=CalendarDay.Kind.CLOSURE, reason="Closure")
    CalendarDay.objects.create(partnership=partnership, date=d("2026-12-05"),
                               kind=CalendarDay.Kind.WORKING, reason="Saturday working")
    moved = services.deadlines_recompute(partnership=partnership)
    assert moved > 0
    assert _due(case, "inform_partners") == d("2026-11-17")  # met: unchanged
    assert _due(case, "send_information_requests") == d("2026-11-19")
    # One closure and one extra working day cancel out by day 15.
    assert _due(case, "send_to_panel") == d("2026-12-07")
    assert services.deadlines_recompute(partnership=partnership) == 0


@time_machine.travel(TODAY)
def test_a_closure_never_moves_a_statutory_deadline(case, partnership):
    _received_and_notified(case)
    statutory = {key: _due(case, key) for key in ("submit_rapid_review", "tell_panel_if_late",
                                                   "panel_response")}
    for day in ("2026-11-23", "2026-11-24", "2026-11-25", "2026-11-26", "2026-11-27"):
        services.calendar_day_add(actor=None, partnership=partnership, date=d(day),
                                  kind=CalendarDay.Kind.CLOSURE, reason="Office move")
    assert services.deadlines_recompute(partnership=partnership) > 0
    assert {key: _due(case, key) for key in statutory} == statutory
    # The partnership's own steps move a week later.
    assert _due(case, "send_to_panel") == d("2026-12-14")


def test_waiving_needs_a_reason_and_the_database_agrees(case, make_user):
    with time_machine.travel(TODAY):
        services.anchor_record(actor=None, case=case, kind=Anchor.REFERRAL_RECEIVED,
                               occurred_on=d("2026-11-16"))
    deadline = Deadline.objects.get(case=case, step__key="collate_returns")
    with pytest.raises(ValidationError, match="Enter why"):
        services.deadline_waive(actor=make_user(), deadline=deadline, reason="  ")
    with pytest.raises(IntegrityError), transaction.atomic():
        Deadline.objects.filter(pk=deadline.pk).update(status=DeadlineStatus.WAIVED)
    services.deadline_waive(actor=make_user(), deadline=deadline, reason="Meeting moved")
    deadline.refresh_from_db()
    assert (deadline.status, deadline.waived_reason) == (DeadlineStatus.WAIVED, "Meeting moved")


def test_built_in_plans_are_shipped_and_cannot_be_edited():
    names = set(TimelineTemplate.objects.filter(partnership__isnull=True)
                .values_list("name", flat=True))
    assert names == {"Statutory minimum (Working Together 2023)",
                     "15 working day plan (North East Lincolnshire)",
                     "Rapid review plan (Lincolnshire)", "Rapid review plan (West Midlands)"}
    builtin = TimelineTemplate.objects.filter(partnership__isnull=True).first()
    with pytest.raises(ValidationError, match="Built-in plans cannot be changed"):
        services.template_step_update(actor=None, step=builtin.steps.first(), offset=3)


def test_adopting_a_plan_makes_it_the_only_active_one(partnership, plan):
    other = TimelineTemplate.objects.get(partnership__isnull=True,
                                         name="Rapid review plan (West Midlands)")
    copy = services.template_adopt(actor=None, partnership=partnership, builtin=other)
    assert list(TimelineTemplate.objects.filter(partnership=partnership, is_active=True)) == [
        copy]
    assert copy.steps.count() == other.steps.count()
    with pytest.raises(IntegrityError), transaction.atomic():
        TimelineTemplate.objects.filter(pk=plan.pk).update(is_active=True)


@time_machine.travel(TODAY)
def test_recomputing_every_partnership_reads_each_thing_once_and_moves_only_what_moved(
        case, partnership, other_partnership, django_assert_max_num_queries):
    services.template_adopt(actor=None, partnership=other_partnership, builtin=(
        TimelineTemplate.objects.get(partnership__isnull=True, name=PLAN_003)))
    other_case = case_create(actor=None, partnership=other_partnership)
    for each in (case, other_case):
        _received_and_notified(each)
    statutory = _due(case, "submit_rapid_review")
    theirs = dict(other_case.deadlines.values_list("pk", "due_date"))
    CalendarDay.objects.create(partnership=partnership, date=d("2026-11-17"),
                               kind=CalendarDay.Kind.CLOSURE, reason="Closure")
    out = StringIO()
    with django_assert_max_num_queries(10):  # the same for 2 partnerships or 132
        call_command("recompute_deadlines", stdout=out)
    moved = int(out.getvalue().split()[0])
    assert moved > 0 and _due(case, "send_information_requests") == d("2026-11-19")
    assert _due(case, "submit_rapid_review") == statutory  # England's bank holidays only
    assert dict(other_case.deadlines.values_list("pk", "due_date")) == theirs
    [event] = AuditEvent.objects.filter(detail__reason="recompute")
    assert (event.partnership, event.detail["deadlines_moved"]) == (partnership, moved)
    assert services.deadlines_recompute_all() == 0
