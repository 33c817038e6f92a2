"""Referral and triage rules, enforced by the services whatever the screen does."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError

from accounts.models import AuditEvent, Role
from calendars.models import Deadline, DeadlineStatus
from cases import services
from cases.models import Case, Stage, TriageDecision
from cases.validators import nhs_number_is_valid
from notifications.services import decision_not_to_notify_record
from tests.conftest import deliver_emails
from tests.factories import AgencyFactory

from .builders import adopt_plan, agency_user, complete_draft

pytestmark = pytest.mark.django_db
TODAY = datetime.datetime(2026, 11, 25, 12, 0, tzinfo=datetime.UTC)


@pytest.mark.parametrize("number, valid", [
    ("9434765919", True), ("943 476 5919", True), ("9434765918", False),
    ("123456789", False), ("abcdefghij", False), ("4010232137", True)])
def test_nhs_number_check_digit(number, valid):
    assert nhs_number_is_valid(number) is valid


@time_machine.travel(TODAY)
def test_submitting_twice_creates_one_case_with_a_fresh_reference(partnership):
    adopt_plan(partnership)
    referral = complete_draft(partnership)
    first = services.referral_submit(actor=referral.referrer, referral=referral)
    second = services.referral_submit(actor=referral.referrer, referral=referral)
    assert first.pk == second.pk and first.reference == "ALPHA-2026-001"
    assert Case.objects.exclude(stage=Stage.DRAFT).count() == 1
    another = complete_draft(partnership)
    assert services.referral_submit(actor=another.referrer,
                                    referral=another).reference == "ALPHA-2026-002"


@time_machine.travel(TODAY)
def test_submission_starts_the_notification_clock(partnership):
    adopt_plan(partnership)
    referral = complete_draft(partnership)
    case = services.referral_submit(actor=referral.referrer, referral=referral)
    notify = Deadline.objects.get(case=case, step__key="notify_panel")
    assert notify.due_date == datetime.date(2026, 12, 2)  # 5 working days after 25 Nov
    assert case.stage == Stage.REFERRED


@time_machine.travel(TODAY)
def test_an_incomplete_referral_cannot_be_submitted(partnership):
    user = agency_user(partnership)
    agency = user.memberships.get().agency
    referral = services.referral_start(actor=user, agency=agency, partnership=partnership)
    with pytest.raises(ValidationError) as error:
        services.referral_submit(actor=user, referral=referral)
    assert set(error.value.message_dict) == {"children", "incident", "reason", "authorisation"}


@time_machine.travel(TODAY)
def test_dates_are_checked_against_each_other(partnership):
    referral = complete_draft(partnership)
    user = referral.referrer
    with pytest.raises(ValidationError, match="after each child's date of birth"):
        services.incident_save(actor=user, referral=referral,
                               occurred_on=datetime.date(2018, 1, 1), place="x",
                               description="x", immediate_actions="x")
    with pytest.raises(ValidationError, match="before the date of the incident"):
        services.child_save(actor=user, referral=referral, full_name="Second Child",
                            date_of_birth=datetime.date(2026, 11, 21), gender="male")
    with pytest.raises(ValidationError, match="same as or after the date of birth"):
        services.child_save(actor=user, referral=referral, full_name="Second Child",
                            date_of_birth=datetime.date(2020, 1, 2), gender="male",
                            date_of_death=datetime.date(2020, 1, 1))
    with pytest.raises(ValidationError, match="today or in the past"):
        services.child_save(actor=user, referral=referral, full_name="Second Child",
                            date_of_birth=datetime.date(2026, 11, 26), gender="male")
    with pytest.raises(ValidationError, match="valid NHS number"):
        services.child_save(actor=user, referral=referral, full_name="Second Child",
                            date_of_birth=datetime.date(2020, 1, 2), gender="male",
                            nhs_number="9434765918")


@time_machine.travel(TODAY)
def test_a_submitted_referral_cannot_be_edited(partnership):
    referral = complete_draft(partnership)
    services.referral_submit(actor=referral.referrer, referral=referral)
    with pytest.raises(ValidationError, match="can no longer be changed"):
        services.referral_update(actor=referral.referrer, referral=referral, reason="Changed")


@time_machine.travel(TODAY)
def test_question_and_answer_return_the_case_to_where_it_was(partnership, make_user):
    referral = complete_draft(partnership)
    case = services.referral_submit(actor=referral.referrer, referral=referral)
    officer = make_user(Role.BUSINESS_UNIT_OFFICER)
    services.case_take_to_triage(actor=officer, case=case)
    query = services.referral_query_ask(actor=officer, referral=referral,
                                        question="Which school does the child attend?")
    case.refresh_from_db()
    assert case.stage == Stage.MORE_INFORMATION
    services.referral_query_answer(actor=referral.referrer, query=query, answer="Fictional")
    case.refresh_from_db()
    assert case.stage == Stage.TRIAGE
    with pytest.raises(ValidationError, match="already been answered"):
        services.referral_query_answer(actor=referral.referrer, query=query, answer="Again")


@time_machine.travel(TODAY)
def test_illegal_transitions_are_refused(partnership, make_user):
    referral = complete_draft(partnership)
    case = services.referral_submit(actor=referral.referrer, referral=referral)
    officer = make_user(Role.BUSINESS_UNIT_OFFICER)
    with pytest.raises(ValidationError, match="Take the referral to triage"):
        services.triage_decide(actor=officer, case=case, meeting_date=datetime.date(2026, 11, 25),
                               attendees="Group", attending_agencies=[], criteria_met=[],
                               decision=TriageDecision.Decision.RAPID_REVIEW, rationale="x")
    with pytest.raises(ValidationError, match="cannot move to"):
        services.case_stage_change(actor=officer, case=case, to_stage=Stage.LCSPR)


def _decide(case, officer, decision, **extra):
    return services.triage_decide(
        actor=officer, case=case, meeting_date=datetime.date(2026, 11, 25),
        attendees="SIRG members", attending_agencies=[], criteria_met=["serious_case"],
        decision=decision, rationale="Criteria met", **extra)


@time_machine.travel(TODAY)
def test_rapid_review_decision_moves_the_case_and_starts_the_clock(partnership, make_user):
    adopt_plan(partnership)
    referral = complete_draft(partnership)
    case = services.referral_submit(actor=referral.referrer, referral=referral)
    officer = make_user(Role.BUSINESS_UNIT_OFFICER)
    services.case_take_to_triage(actor=officer, case=case)
    _decide(case, officer, TriageDecision.Decision.RAPID_REVIEW)
    case.refresh_from_db()
    assert (case.stage, case.pathway) == (Stage.RAPID_REVIEW, "rapid_review")
    assert case.anchor_events.filter(kind="triage_decided").exists()
    assert list(case.stage_changes.values_list("to_stage", flat=True)) == [
        Stage.REFERRED, Stage.TRIAGE, Stage.RAPID_REVIEW]


@time_machine.travel(TODAY)
def test_no_further_action_closes_the_review_steps_not_the_duty_to_notify(partnership,
                                                                          make_user):
    adopt_plan(partnership)
    referral = complete_draft(partnership)
    case = services.referral_submit(actor=referral.referrer, referral=referral)
    officer = make_user(Role.BUSINESS_UNIT_OFFICER)
    services.case_take_to_triage(actor=officer, case=case)
    decision = _decide(case, officer, TriageDecision.Decision.NO_FURTHER_ACTION)
    # Every step of the plan's rapid review closes, with the reason...
    review_steps = Deadline.objects.filter(case=case, anchor_event__kind="referral_received")
    assert review_steps.count() > 5
    assert not review_steps.filter(status=DeadlineStatus.OPEN).exists()
    assert all("No further action" in d.waived_reason for d in review_steps)
    # ...but the local authority's duty to notify is its own, until it decides.
    notify = Deadline.objects.get(case=case, step__key="notify_panel")
    assert notify.status == DeadlineStatus.OPEN
    decision_not_to_notify_record(actor=officer, case=case, decided_on=TODAY.date(),
                                  decided_by="Duty manager", reason="Criteria not met")
    notify.refresh_from_db()
    assert notify.status == DeadlineStatus.WAIVED
    assert "decided not to notify" in notify.waived_reason
    assert not case.deadlines.filter(status=DeadlineStatus.OPEN).exists()
    challenge = services.challenge_record(
        actor=officer, decision=decision, agency=referral.referring_agency,
        raised_on=datetime.date(2026, 11, 25), grounds="We think it meets the criteria")
    services.challenge_resolve(actor=officer, challenge=challenge, outcome="upheld",
                               notes="To be looked at again")
    case.refresh_from_db()
    assert case.stage == Stage.TRIAGE


@time_machine.travel(TODAY)
def test_executive_approval_makes_the_decision_a_recommendation(partnership, make_user):
    partnership.triage_needs_executive_approval = True
    partnership.save()
    referral = complete_draft(partnership)
    case = services.referral_submit(actor=referral.referrer, referral=referral)
    officer = make_user(Role.BUSINESS_MANAGER)
    services.case_take_to_triage(actor=officer, case=case)
    first = _decide(case, officer, TriageDecision.Decision.RAPID_REVIEW)
    case.refresh_from_db()
    assert case.stage == Stage.TRIAGE and first.awaiting_executive
    with pytest.raises(ValidationError, match="not yet responded"):
        _decide(case, officer, TriageDecision.Decision.NO_FURTHER_ACTION)
    services.triage_executive_respond(
        actor=officer, decision=first, response="disagree", rationale="Not notifiable",
        meeting_date=datetime.date(2026, 11, 25), attendees="Assurance Executive")
    case.refresh_from_db()
    assert case.stage == Stage.TRIAGE
    second = _decide(case, officer, TriageDecision.Decision.LEARNING_REVIEW_PARTNERSHIP)
    services.triage_executive_respond(
        actor=officer, decision=second, response="agree", rationale="Agreed",
        meeting_date=datetime.date(2026, 11, 25), attendees="Assurance Executive")
    case.refresh_from_db()
    assert case.stage == Stage.LEARNING_REVIEW


@time_machine.travel(TODAY)
def test_emails_name_the_case_but_not_the_child(partnership, make_user):
    officer = make_user(Role.BUSINESS_UNIT_OFFICER)
    referral = complete_draft(partnership)
    case = services.referral_submit(actor=referral.referrer, referral=referral)
    [received] = deliver_emails()  # queued with the submission
    assert received.to == [officer.email]
    assert case.reference in received.body
    services.case_take_to_triage(actor=officer, case=case)
    _decide(case, officer, TriageDecision.Decision.SINGLE_AGENCY_REVIEW)
    assert len(deliver_emails()) == 2  # queued with the decision
    assert mail.outbox[1].to == [referral.referrer.email]
    assert "Single-agency review" in mail.outbox[1].body
    assert all("Testchild" not in m.body and "9434765919" not in m.body for m in mail.outbox)


def test_every_change_is_audited(partnership):
    with time_machine.travel(TODAY):
        referral = complete_draft(partnership)
        services.referral_submit(actor=referral.referrer, referral=referral)
    types = set(AuditEvent.objects.filter(actor=referral.referrer)
                .values_list("object_type", flat=True))
    assert {"cases.referral", "cases.child", "cases.incident", "cases.case"} <= types


def test_only_agencies_of_the_partnership_can_be_named(partnership, other_partnership):
    with time_machine.travel(TODAY):
        referral = complete_draft(partnership)
    foreign = AgencyFactory(partnerships=[other_partnership])
    with pytest.raises(ValidationError, match="works in this partnership"):
        services.involvement_save(actor=referral.referrer, referral=referral, agency=foreign,
                                  nature="GP")
