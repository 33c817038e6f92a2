"""Recording the Panel notification starts the rapid review and its clock."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import Role
from calendars.models import Deadline, DeadlineStatus
from cases import services as case_services
from cases.models import Stage, TriageDecision
from notifications.services import notification_record
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
def test_looked_after_child_death_needs_secretary_of_state_and_ofsted(rapid_review_case):
    case, officer = rapid_review_case
    case.incident.looked_after_child_death = True
    case.incident.save()
    with pytest.raises(ValidationError) as error:
        _record(case, officer)
    assert set(error.value.message_dict) == {"secretary_of_state_notified_on",
                                             "ofsted_notified_on"}
    _record(case, officer, secretary_of_state_notified_on=d("2026-11-18"),
            ofsted_notified_on=d("2026-11-18"))


@time_machine.travel(TODAY)
def test_bad_dates_and_wrong_stage_are_refused(rapid_review_case, partnership):
    case, officer = rapid_review_case
    with pytest.raises(ValidationError, match="same as or after"):
        _record(case, officer, notified_on=d("2026-11-13"))
    with pytest.raises(ValidationError, match="today or in the past"):
        _record(case, officer, notified_on=d("2026-11-26"))
    referral = complete_draft(partnership)
    referred = case_services.referral_submit(actor=referral.referrer, referral=referral)
    with pytest.raises(ValidationError, match="once triage has decided"):
        _record(referred, officer, children=list(referred.children.all()))


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
def test_stopping_the_review_stops_the_clock(rapid_review_case):
    case, officer = rapid_review_case
    _record(case, officer)
    review = RapidReview.objects.get(case=case)
    with pytest.raises(ValidationError, match="Enter why"):
        rapid_review_stop(actor=officer, review=review, reason="")
    rapid_review_stop(actor=officer, review=review, reason="Abuse or neglect ruled out")
    review.refresh_from_db()
    assert not Deadline.objects.filter(case=case, status=DeadlineStatus.OPEN,
                                       anchor_event__kind="notification_sent").exists()
    with time_machine.travel(datetime.datetime(2026, 12, 25, tzinfo=datetime.UTC)):
        assert review_clock(review).day == 5
    assert case.stage == Stage.RAPID_REVIEW
