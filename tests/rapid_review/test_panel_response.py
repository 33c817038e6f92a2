"""The Panel's response (working days 16 to 30): recording it after the submission, a
tracked reply to its questions, sharing it with the partners, and moving the case on to an
LCSPR (with its deadline), a national review or an action plan."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import AuditEvent, Role
from calendars.models import Anchor
from cases.models import Stage
from outbox.models import Message
from rapid_review.models import PanelResponse, RapidReview, ReviewReport
from rapid_review.services import (
    case_move_on,
    panel_response_record,
    panel_response_reply,
    panel_response_share,
)
from rapid_review.services.panel_response import email_panel_response
from rapid_review.services.submission import submission_record
from tests.notifications.builders import partner_representatives
from tests.rapid_review.test_submission import DAY_15, _report

pytestmark = pytest.mark.django_db
AFTER_SUBMISSION = datetime.datetime(2026, 11, 24, 12, tzinfo=datetime.UTC)
RESPONDED = datetime.date(2026, 12, 7)
LATER = datetime.datetime(2026, 12, 14, 12, tzinfo=datetime.UTC)
Outcome = PanelResponse.Outcome


@pytest.fixture
def officer(make_user):
    return make_user(Role.BUSINESS_UNIT_OFFICER)


@pytest.fixture
def partners(partnership):
    return partner_representatives(partnership)


@pytest.fixture
def submitted(partnership, officer, partners):
    """A rapid review signed by the three partners and submitted on working day 15."""
    review, _school = _report(partnership, officer, partners)
    with time_machine.travel(AFTER_SUBMISSION):
        submission_record(actor=officer, review=review, submitted_on=DAY_15,
                          method="panel_form")
    return RapidReview.objects.select_related("case__partnership").get(pk=review.pk)


@pytest.fixture(autouse=True)
def later():
    """The tests run in December 2026, after the submission."""
    with time_machine.travel(LATER, tick=False):
        yield


def _respond(review, officer, outcome=Outcome.QUESTIONS, received_on=RESPONDED):
    return panel_response_record(actor=officer, review=review, received_on=received_on,
                                 outcome=outcome, summary="Why was the school not invited? "
                                                          "(fictional)")


# --- Services ------------------------------------------------------------------------------

def test_no_response_before_the_submission_is_recorded(partnership, officer, partners):
    review, _school = _report(partnership, officer, partners)
    with pytest.raises(ValidationError, match="Record the submission"):
        _respond(review, officer)
    assert not PanelResponse.objects.exists()


def test_a_response_needs_a_date_after_the_submission_an_outcome_and_a_summary(
        submitted, officer):
    with pytest.raises(ValidationError) as refused:
        panel_response_record(actor=officer, review=submitted,
                              received_on=DAY_15 - datetime.timedelta(days=1),
                              outcome="maybe", summary="  ")
    assert set(refused.value.message_dict) == {"received_on", "outcome", "summary"}
    assert "23 November 2026" in refused.value.message_dict["received_on"][0]
    with pytest.raises(ValidationError) as refused:
        _respond(submitted, officer, received_on=datetime.date(2026, 12, 15))
    assert refused.value.message_dict["received_on"] == [
        "The date it was received must be today or in the past"]
    response = _respond(submitted, officer, received_on=DAY_15)
    assert response.outcome == Outcome.QUESTIONS and response.recorded_by == officer
    event = AuditEvent.objects.get(object_type="rapid_review.panelresponse",
                                   object_id=str(response.pk))
    assert event.action == AuditEvent.Action.CREATE
    assert event.detail == {"case": submitted.case_id, "outcome": "questions",
                            "received_on": "2026-11-23"}


def test_only_questions_or_disagreement_get_a_reply_and_only_once(submitted, officer):
    agrees = _respond(submitted, officer, outcome=Outcome.AGREES)
    with pytest.raises(ValidationError, match="needs a reply"):
        panel_response_reply(actor=officer, response=agrees, reply="Thanks",
                             replied_on=RESPONDED)
    questions = _respond(submitted, officer)
    with pytest.raises(ValidationError) as refused:
        panel_response_reply(actor=officer, response=questions, reply=" ",
                             replied_on=RESPONDED - datetime.timedelta(days=1))
    assert set(refused.value.message_dict) == {"reply", "replied_on"}
    panel_response_reply(actor=officer, response=questions,
                         reply="The school was invited (fictional)",
                         replied_on=datetime.date(2026, 12, 9))
    questions.refresh_from_db()
    assert questions.replied_on == datetime.date(2026, 12, 9)
    assert questions.reply == "The school was invited (fictional)"
    with pytest.raises(ValidationError, match="already been recorded"):
        panel_response_reply(actor=officer, response=questions, reply="Another",
                             replied_on=datetime.date(2026, 12, 10))
    questions.refresh_from_db()
    assert questions.reply == "The school was invited (fictional)"
    assert AuditEvent.objects.filter(object_type="rapid_review.panelresponse",
                                     object_id=str(questions.pk),
                                     action=AuditEvent.Action.UPDATE).count() == 1


def test_sharing_emails_the_partners_and_the_business_unit_once_after_commit(
        submitted, officer, partners, make_user, mailoutbox):
    manager = make_user(Role.BUSINESS_MANAGER)
    scrutineer = make_user(Role.SCRUTINEER)
    response = _respond(submitted, officer, outcome=Outcome.AGREES)
    mailoutbox.clear()
    panel_response_share(actor=officer, response=response)
    assert not mailoutbox  # queued in the outbox with the change, delivered after commit
    queued = Message.objects.filter(kind="panel_response")
    assert {m.related["panel_response"] for m in queued} == {response.pk}
    response.refresh_from_db()
    assert response.shared_at is not None
    recipients = set(queued.values_list("to", flat=True))
    assert len(recipients) == queued.count()  # once each
    assert recipients == {officer.email, manager.email,
                          *(p.email for p in partners.values())}
    assert scrutineer.email not in recipients
    reference = submitted.case.reference
    child = submitted.case.children.first()
    for message in queued:
        assert reference in message.subject and message.reference == reference
        assert reverse("rapid_review:submission", args=[reference]) in message.body
        assert child.full_name.split()[0] not in message.body
        assert "Why was the school" not in message.body  # the link, not the content
    with pytest.raises(ValidationError, match="already been shared"):
        panel_response_share(actor=officer, response=response)
    assert queued.count() == len(recipients)


def test_the_email_goes_to_active_users_only(submitted, officer, partners, mailoutbox):
    partners["icb"].is_active = False
    partners["icb"].save()
    response = _respond(submitted, officer)
    email_panel_response(response)
    queued = set(Message.objects.filter(kind="panel_response").values_list("to", flat=True))
    assert partners["police"].email in queued and partners["icb"].email not in queued


def test_an_lcspr_starts_its_deadlines_from_the_partners_decision(submitted, officer):
    with pytest.raises(ValidationError, match="Record the Panel's response"):
        case_move_on(actor=officer, review=submitted, next_step="lcspr")
    _respond(submitted, officer, outcome=Outcome.AGREES)
    decided = datetime.datetime(2026, 11, 18, 15, tzinfo=datetime.UTC)
    ReviewReport.objects.filter(review=submitted).update(decided_at=decided)
    case_move_on(actor=officer, review=submitted, next_step="lcspr")
    case = submitted.case
    case.refresh_from_db()
    assert case.stage == Stage.LCSPR
    assert case.stage_changes.filter(from_stage=Stage.RAPID_REVIEW,
                                     to_stage=Stage.LCSPR).exists()
    anchor = case.anchor_events.get(kind=Anchor.DECISION_TO_COMMISSION_LCSPR)
    assert anchor.occurred_on == datetime.date(2026, 11, 18)
    deadline = case.deadlines.get(step__key="complete_lcspr")
    assert deadline.due_date == datetime.date(2027, 5, 18)
    with pytest.raises(ValidationError, match="already moved on"):
        case_move_on(actor=officer, review=submitted, next_step="action_plan")


def test_without_a_decision_date_the_lcspr_counts_from_the_submission(submitted, officer):
    _respond(submitted, officer, outcome=Outcome.AGREES)
    ReviewReport.objects.filter(review=submitted).update(decided_at=None)
    case_move_on(actor=officer, review=submitted, next_step="lcspr")
    anchor = submitted.case.anchor_events.get(kind=Anchor.DECISION_TO_COMMISSION_LCSPR)
    assert anchor.occurred_on == DAY_15


def test_a_national_review_is_tracked_at_the_rapid_review_stage_once(submitted, officer):
    _respond(submitted, officer, outcome=Outcome.NATIONAL_REVIEW)
    case_move_on(actor=officer, review=submitted, next_step="national_review")
    submitted.case.refresh_from_db()
    assert submitted.case.stage == Stage.RAPID_REVIEW
    assert AuditEvent.objects.filter(object_type="rapid_review.rapidreview",
                                     object_id=str(submitted.pk),
                                     detail__next_step="national_review").exists()
    with pytest.raises(ValidationError, match="already moved on"):
        case_move_on(actor=officer, review=submitted, next_step="lcspr")
    assert not submitted.case.anchor_events.filter(
        kind=Anchor.DECISION_TO_COMMISSION_LCSPR).exists()


def test_an_action_plan_moves_the_stage_and_an_unknown_step_is_refused(submitted, officer):
    _respond(submitted, officer, outcome=Outcome.AGREES)
    with pytest.raises(ValidationError) as refused:
        case_move_on(actor=officer, review=submitted, next_step="closed")
    assert "next_step" in refused.value.message_dict
    case_move_on(actor=officer, review=submitted, next_step="action_plan")
    submitted.case.refresh_from_db()
    assert submitted.case.stage == Stage.ACTION_PLAN


# --- Pages ---------------------------------------------------------------------------------

def _url(name, review, *args):
    return reverse(f"rapid_review:{name}", args=[review.case.reference, *args])


def test_the_business_unit_records_a_response_with_errors_next_to_the_fields(
        client, submitted, officer):
    client.force_login(officer)
    page = client.get(_url("submission", submitted)).content.decode()
    assert "No response from the Panel recorded yet" in page
    assert "Record the Panel's response" in page
    assert "Move the case on" not in page
    url = _url("panel-response-record", submitted)
    assert client.get(url).status_code == 200
    response = client.post(url, {"received_on_0": "20", "received_on_1": "11",
                                 "received_on_2": "2026", "outcome": "questions",
                                 "summary": "Kept summary (fictional)"})
    assert response.status_code == 400
    content = response.content.decode()
    assert "must be on or after the submission, 23 November 2026" in content
    assert 'id="received_on-error"' in content or "govuk-error-message" in content
    assert "Kept summary (fictional)" in content and 'value="20"' in content
    response = client.post(url, {"received_on_0": "7", "received_on_1": "12",
                                 "received_on_2": "2026", "outcome": "questions"})
    assert response.status_code == 400
    assert "Enter a summary of the Panel&#x27;s response" in response.content.decode()
    response = client.post(url, {"received_on_0": "7", "received_on_1": "12",
                                 "received_on_2": "2026", "outcome": "questions",
                                 "summary": "Why was the school not invited? (fictional)"})
    assert response.status_code == 302
    saved = PanelResponse.objects.get(review=submitted)
    page = client.get(_url("submission", submitted)).content.decode()
    assert "Has questions for the partners" in page and "Why was the school" in page
    assert _url("panel-response-reply", submitted, saved.pk) in page
    assert _url("panel-response-share", submitted, saved.pk) in page
    assert _url("panel-response-move-on", submitted) in page


def test_the_business_unit_replies_shares_and_moves_the_case_on(
        client, submitted, officer, partners, mailoutbox):
    saved = _respond(submitted, officer)
    client.force_login(officer)
    reply_url = _url("panel-response-reply", submitted, saved.pk)
    response = client.post(reply_url, {"replied_on_0": "8", "replied_on_1": "12",
                                       "replied_on_2": "2026"})
    assert response.status_code == 400
    assert "Enter the reply to the Panel" in response.content.decode()
    response = client.post(reply_url, {"reply": "It was (fictional)", "replied_on_0": "8",
                                       "replied_on_1": "12", "replied_on_2": "2026"})
    assert response.status_code == 302
    assert client.get(reply_url).status_code == 404  # replied: nothing more to reply to
    mailoutbox.clear()
    share_url = _url("panel-response-share", submitted, saved.pk)
    assert client.get(share_url).status_code == 405
    assert client.post(share_url).status_code == 302
    assert not mailoutbox  # queued, not sent inside the request
    assert Message.objects.filter(kind="panel_response", to=partners["police"].email).exists()
    response = client.post(share_url)
    assert response.status_code == 400
    assert "already been shared" in response.content.decode()
    page = client.get(_url("submission", submitted)).content.decode()
    assert "Sent on 8 December 2026: It was (fictional)" in page
    assert "With the partners and the review group on 14 December 2026" in page
    move_url = _url("panel-response-move-on", submitted)
    response = client.post(move_url, {})
    assert response.status_code == 400
    assert "Select where the case goes next" in response.content.decode()
    assert client.post(move_url, {"next_step": "national_review"}).status_code == 302
    page = client.get(_url("submission", submitted)).content.decode()
    assert "The case has moved on: A national review" in page
    assert move_url not in page
    assert client.get(move_url).status_code == 404


def test_partners_read_the_responses_but_do_not_record_them(client, submitted, officer,
                                                             partners, make_user):
    saved = _respond(submitted, officer)
    client.force_login(partners["local_authority"])
    page = client.get(_url("submission", submitted))
    assert page.status_code == 200
    content = page.content.decode()
    assert "Why was the school" in content and "Not replied yet" in content
    assert _url("panel-response-record", submitted) not in content
    for url in (_url("panel-response-record", submitted),
                _url("panel-response-reply", submitted, saved.pk),
                _url("panel-response-move-on", submitted)):
        assert client.get(url).status_code == 404
    assert client.post(_url("panel-response-share", submitted, saved.pk)).status_code == 404
    client.force_login(make_user(Role.REVIEWER))
    assert client.get(_url("submission", submitted)).status_code == 404
    assert client.get(_url("panel-response-record", submitted)).status_code == 404


def test_pages_of_another_partnership_are_404(client, submitted, officer, other_partnership,
                                              make_user):
    saved = _respond(submitted, officer)
    client.force_login(make_user(Role.BUSINESS_UNIT_OFFICER, partnership=other_partnership))
    for url in (_url("submission", submitted), _url("panel-response-record", submitted),
                _url("panel-response-reply", submitted, saved.pk),
                _url("panel-response-move-on", submitted)):
        assert client.get(url).status_code == 404
    assert client.post(_url("panel-response-share", submitted, saved.pk)).status_code == 404


def test_no_response_pages_before_the_submission(client, partnership, officer, partners):
    review, _school = _report(partnership, officer, partners)
    client.force_login(officer)
    assert client.get(_url("panel-response-record", review)).status_code == 404
    assert "The Panel's response" not in client.get(
        _url("submission", review)).content.decode()


def test_after_an_lcspr_the_page_says_so_and_offers_no_second_move(client, submitted,
                                                                    officer):
    _respond(submitted, officer, outcome=Outcome.AGREES)
    case_move_on(actor=officer, review=submitted, next_step="lcspr")
    client.force_login(officer)
    page = client.get(_url("submission", submitted)).content.decode()
    assert "The case has moved on: A local child safeguarding practice review" in page
    assert _url("panel-response-move-on", submitted) not in page
    assert client.get(_url("panel-response-move-on", submitted)).status_code == 404
    # A later letter from the Panel can still be recorded against the rapid review.
    assert client.get(_url("panel-response-record", submitted)).status_code == 200


def test_the_submission_page_queries_do_not_grow_with_the_responses(
        client, submitted, officer, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _respond(submitted, officer)
    client.force_login(officer)
    url = _url("submission", submitted)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for outcome in (Outcome.AGREES, Outcome.DISAGREES, Outcome.NATIONAL_REVIEW):
        _respond(submitted, officer, outcome=outcome)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(url).status_code == 200


def test_a_response_that_agrees_has_no_reply_page(client, submitted, officer):
    agrees = _respond(submitted, officer, outcome=Outcome.AGREES)
    client.force_login(officer)
    assert client.get(_url("panel-response-reply", submitted, agrees.pk)).status_code == 404
    page = client.get(_url("submission", submitted)).content.decode()
    assert "Agrees with the partners&#x27; decision" in page
    assert _url("panel-response-reply", submitted, agrees.pk) not in page
