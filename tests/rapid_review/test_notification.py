"""Recording the Panel notification starts the rapid review and its clock."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import Role
from calendars.models import Deadline, DeadlineStatus
from cases import services as case_services
from cases.models import Referral, Stage, TriageDecision
from notifications.services import looked_after_death_notices_record, notification_record
from rapid_review.models import RapidReview
from rapid_review.selectors import review_clock
from rapid_review.services import rapid_review_stop
from tests.cases.builders import adopt_plan, complete_draft

pytestmark = pytest.mark.django_db
TODAY = datetime.datetime(2026, 11, 25, 12, 0, tzinfo=datetime.UTC)
d = datetime.date.fromisoformat


@pytest.fixture
def rapid_review_case(partnership, make_user):
    adopt_plan(partnership)
    officer = make_user(Role.BUSINESS_UNIT_OFFICER)
    with time_machine.travel(TODAY):
        referral = complete_draft(partnership)
        case = case_services.referral_submit(actor=referral.referrer, referral=referral)
        case_services.case_take_to_triage(actor=officer, case=case)
        case_services.triage_decide(
            actor=officer, case=case, meeting_date=d("2026-11-25"), attendees="Group",
            attending_agencies=[], criteria_met=["serious_case"],
            decision=TriageDecision.Decision.RAPID_REVIEW, rationale="Notifiable")
    case.refresh_from_db()
    return case, officer


def _record(case, officer, **overrides):
    values = dict(became_aware_on=d("2026-11-16"), notified_on=d("2026-11-18"),
                  notified_by="Duty manager", children=list(case.children.all()))
    values.update(overrides)
    return notification_record(actor=officer, case=case, **values)


@time_machine.travel(TODAY)
def test_notification_opens_the_rapid_review_and_its_deadlines(rapid_review_case):
    case, officer = rapid_review_case
    notification = _record(case, officer)
    review = RapidReview.objects.get(case=case)
    assert review.notification == notification and review.started_on == d("2026-11-18")
    assert str(review_clock(review)) == "working day 5 of 15"
    submit = Deadline.objects.get(case=case, step__key="submit_rapid_review")
    assert submit.due_date == d("2026-12-09")
    notify = Deadline.objects.get(case=case, step__key="notify_panel")
    assert notify.status == DeadlineStatus.MET and notify.due_date == d("2026-11-23")


@time_machine.travel(TODAY)
def test_a_late_notification_needs_a_reason(rapid_review_case):
    case, officer = rapid_review_case
    with pytest.raises(ValidationError, match="enter the reason"):
        _record(case, officer, notified_on=d("2026-11-24"))
    _record(case, officer, notified_on=d("2026-11-24"), late_reason="Awaiting police view")
    notify = Deadline.objects.get(case=case, step__key="notify_panel")
    assert notify.status == DeadlineStatus.MISSED


@time_machine.travel(TODAY)
def test_a_looked_after_childs_death_is_told_to_the_secretary_of_state_and_ofsted(
        partnership, make_user):
    """Whatever the pathway or the incident's box: the child's record says looked after and
    died, so two statutory deadlines run, met when the local authority records each."""
    adopt_plan(partnership)
    officer = make_user(Role.BUSINESS_UNIT_OFFICER)
    referral = complete_draft(partnership, request_type=Referral.RequestType.LEARNING_REVIEW)
    child = referral.case.children.get()
    case_services.child_save(actor=referral.referrer, referral=referral, child=child,
                             full_name=child.full_name, date_of_birth=child.date_of_birth,
                             gender=child.gender, legal_status="looked_after",
                             date_of_death=d("2026-11-20"))
    case = case_services.referral_submit(actor=referral.referrer, referral=referral)
    assert not case.incident.looked_after_child_death  # the box was not ticked
    due = {d.step.key: d for d in case.deadlines.filter(
        anchor_event__kind="looked_after_child_died").select_related("step")}
    assert set(due) == {"notify_secretary_of_state", "notify_ofsted"}
    # Wednesday 25 November + 5 working days on the statutory calendar.
    assert {x.due_date for x in due.values()} == {d("2026-12-02")}
    with pytest.raises(ValidationError, match="Enter when the Secretary of State"):
        looked_after_death_notices_record(actor=officer, case=case,
                                          secretary_of_state_notified_on=None,
                                          ofsted_notified_on=None)
    looked_after_death_notices_record(actor=officer, case=case,
                                      secretary_of_state_notified_on=d("2026-11-25"),
                                      ofsted_notified_on=None)
    statuses = dict(case.deadlines.filter(anchor_event__kind="looked_after_child_died")
                    .values_list("step__key", "status"))
    assert statuses == {"notify_secretary_of_state": "met", "notify_ofsted": "open"}


@time_machine.travel(TODAY)
def test_bad_dates_and_wrong_stage_are_refused(rapid_review_case, partnership):
    case, officer = rapid_review_case
    with pytest.raises(ValidationError, match="same as or after"):
        _record(case, officer, notified_on=d("2026-11-13"))
    with pytest.raises(ValidationError, match="today or in the past"):
        _record(case, officer, notified_on=d("2026-11-26"))
    closed = case_services.case_create(actor=officer, partnership=partnership,
                                       stage=Stage.CLOSED)
    with pytest.raises(ValidationError, match="this case is at 'Closed'"):
        _record(closed, officer, children=[])


@time_machine.travel(TODAY)
def test_the_local_authority_can_notify_before_triage_and_the_review_starts(partnership,
                                                                           make_user):
    """Its duty is its own: a referral not yet triaged moves straight to a rapid review."""
    adopt_plan(partnership)
    officer = make_user(Role.BUSINESS_UNIT_OFFICER)
    referral = complete_draft(partnership)
    case = case_services.referral_submit(actor=referral.referrer, referral=referral)
    assert case.stage == Stage.REFERRED
    _record(case, officer, became_aware_on=d("2026-11-24"), notified_on=d("2026-11-25"))
    case.refresh_from_db()
    assert (case.stage, case.pathway) == (Stage.RAPID_REVIEW, "rapid_review")
    assert RapidReview.objects.get(case=case).started_on == d("2026-11-25")
    notify = Deadline.objects.get(case=case, step__key="notify_panel")
    assert notify.status == DeadlineStatus.MET
    # The plan's own steps still count from receiving the referral (today).
    assert case.deadlines.get(step__key="send_to_panel").due_date == d("2026-12-16")


@time_machine.travel(datetime.datetime(2026, 1, 7, 12, tzinfo=datetime.UTC))
def test_lateness_is_judged_on_the_statutory_calendar_whatever_the_closures(partnership,
                                                                           make_user):
    """Aware on 23 December 2025: due 2 January 2026 on England's bank holidays. A
    Christmas closure of 29-31 December would make 7 January look on time; it is late."""
    from calendars.models import CalendarDay

    for day in ("2025-12-29", "2025-12-30", "2025-12-31"):
        CalendarDay.objects.create(partnership=partnership, date=d(day),
                                   kind=CalendarDay.Kind.CLOSURE, reason="Christmas closure")
    adopt_plan(partnership)
    officer = make_user(Role.BUSINESS_UNIT_OFFICER)
    with time_machine.travel(datetime.datetime(2025, 12, 23, 10, tzinfo=datetime.UTC)):
        referral = complete_draft(partnership, incident_on=d("2025-12-22"))
        case = case_services.referral_submit(actor=referral.referrer, referral=referral)
    notify = case.deadlines.get(step__key="notify_panel")
    assert notify.due_date == d("2026-01-02")
    # The partnership's own steps do move for its closure: day 1 is 24 December, day 2
    # (past Christmas, Boxing Day and the closure) is 2 January.
    assert case.deadlines.get(step__key="send_information_requests").due_date == d(
        "2026-01-02")
    with pytest.raises(ValidationError) as refused:
        _record(case, officer, became_aware_on=d("2025-12-23"), notified_on=d("2026-01-07"))
    assert "due by 2 January 2026" in refused.value.message_dict["late_reason"][0]
    _record(case, officer, became_aware_on=d("2025-12-23"), notified_on=d("2026-01-07"),
            late_reason="The strategy discussion was delayed")
    notify.refresh_from_db()
    assert notify.status == DeadlineStatus.MISSED


def test_a_rapid_review_cannot_exist_without_a_notification(rapid_review_case):
    case, _ = rapid_review_case
    with pytest.raises(IntegrityError), transaction.atomic():
        RapidReview.objects.create(case=case, notification_id=None, started_on=d("2026-11-18"))


@time_machine.travel(TODAY)
def test_correcting_the_notification_moves_the_clock(rapid_review_case):
    case, officer = rapid_review_case
    _record(case, officer)
    _record(case, officer, notified_on=d("2026-11-20"))
    review = RapidReview.objects.get(case=case)
    assert review.started_on == d("2026-11-20")
    assert Deadline.objects.get(case=case, step__key="submit_rapid_review").due_date == d(
        "2026-12-11")


@time_machine.travel(TODAY)
def test_stopping_the_review_closes_every_step_and_needs_the_panel_told(rapid_review_case):
    case, officer = rapid_review_case
    _record(case, officer)
    review = RapidReview.objects.get(case=case)
    with pytest.raises(ValidationError) as refused:
        rapid_review_stop(actor=officer, review=review, reason="", panel_told_on=None)
    assert set(refused.value.message_dict) == {"reason", "panel_told_on"}
    rapid_review_stop(actor=officer, review=review, reason="Abuse or neglect ruled out",
                      panel_told_on=d("2026-11-25"))
    review.refresh_from_db()
    assert review.stop_panel_told_on == d("2026-11-25")
    # No step of the review stays open: not the information requests, not the meeting.
    assert not case.deadlines.filter(status=DeadlineStatus.OPEN).exists()
    assert case.deadlines.filter(step__key="rapid_review_meeting",
                                 waived_reason__contains="criteria are not met").exists()
    with time_machine.travel(datetime.datetime(2026, 12, 25, tzinfo=datetime.UTC)):
        assert review_clock(review).day == 5
    case.refresh_from_db()
    assert case.stage == Stage.NO_FURTHER_ACTION
