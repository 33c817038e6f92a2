"""Further information from agencies during the LCSPR, through the rapid review's own
requests, returns and chronologies; and the rapid review's returns and master chronology
carried over to the LCSPR's reviewer, for their review only."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts import rules
from calendars.models import CalendarDay, Deadline, DeadlineStatus, StepAction
from calendars.services import calendar_day_add, deadlines_recompute
from cases.models import CaseDocument
from outbox.models import Message
from rapid_review.models import InformationRequest
from rapid_review.selectors import requests_to_chase, review_requests
from rapid_review.selectors.chronology import submitted_entries
from rapid_review.services import (
    agency_return_missing,
    agency_return_save,
    agency_return_submit,
    further_information_request_send,
    information_requests_send,
)
from rapid_review.services.chronology import chronology_entry_add
from rapid_review.services.returns import sections_for
from tests.lcspr.builders import appointed_reviewer, lcspr_after_rapid_review
from tests.rapid_review.builders import agency_with_user, review_for, user_of
from tests.readback import docx_text, flat, has_name, pdf_text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]
d = datetime.date.fromisoformat
ANSWER_BY = datetime.date(2027, 1, 20)
SEEN_ON = datetime.date(2026, 12, 1)
QUESTIONS = "1. When did the school nurse last see the child? (fictional)"


@pytest.fixture
def after_rapid_review(partnership, manager):
    return lcspr_after_rapid_review(partnership, manager)


def _ask(manager, review, agency, return_by=ANSWER_BY, **kwargs):
    return further_information_request_send(actor=manager, review=review, agency=agency,
                                            questions=QUESTIONS, return_by=return_by,
                                            **kwargs)


def _entry(user, agency_return, day=SEEN_ON):
    return chronology_entry_add(actor=user, agency_return=agency_return, date=day,
                                source="Health record", agency_department="School nursing",
                                subjects="Child", contact_type="Home visit",
                                by_whom="School nurse", details="Seen at home (fictional)",
                                comments="")


def test_a_further_request_is_due_on_the_date_set_on_the_partnerships_calendar(
        partnership, manager, after_rapid_review):
    _lcspr, review, returned = after_rapid_review
    request = _ask(manager, review, returned.agency)  # asked again: the LCSPR's own request
    assert request.is_further and request.questions == QUESTIONS
    deadline = request.return_deadline
    assert deadline.due_date == d("2027-01-20") and deadline.status == DeadlineStatus.OPEN
    assert deadline.step.met_by == StepAction.RETURN_SUBMITTED
    assert deadline.responsible_agency == returned.agency
    # A Saturday becomes the Friday before; a closure later moves it to the working day
    # before, and the agency hears of it; reopening the day puts the set date back.
    saturday = _ask(manager, review, returned.agency, return_by=d("2027-01-23"))
    assert saturday.due_on == d("2027-01-22")
    calendar_day_add(actor=manager, partnership=partnership, date=d("2027-01-20"),
                     kind=CalendarDay.Kind.CLOSURE, reason="Office move (fictional)")
    deadlines_recompute(partnership=partnership)
    request = InformationRequest.objects.select_related("return_deadline").get(pk=request.pk)
    assert request.due_on == d("2027-01-19")
    told = Message.objects.filter(kind="return_date_changed", related__request=request.pk)
    assert told.exists() and "19 January 2027" in told[0].body
    count = told.count()
    deadlines_recompute(partnership=partnership)  # counted again: it stays, told once
    request = InformationRequest.objects.select_related("return_deadline").get(pk=request.pk)
    assert request.due_on == d("2027-01-19") and told.count() == count
    email = Message.objects.filter(kind="information_request",
                                   related__request=request.pk).first()
    assert "further information for a local child safeguarding practice review" in email.body
    assert reverse("rapid_review:return", args=[request.pk]) in email.body


def test_the_request_pack_reads_back_with_the_questions(manager, after_rapid_review):
    _lcspr, review, returned = after_rapid_review
    request = _ask(manager, review, returned.agency)
    pack = CaseDocument.objects.get(kind=CaseDocument.Kind.INFORMATION_REQUEST,
                                    related_key=request.deadline_key)
    for text in (docx_text(pack.docx), pdf_text(pack.pdf, layout=False)):
        text = flat(text)
        for part in ("Request for further information", QUESTIONS, "20 January 2027",
                     returned.agency.name, review.case.reference, "local child safeguarding "
                     "practice review", "master chronology"):
            assert has_name(text, part), part
        for internal in ("seed", "InformationRequest", "lcspr", "rapid_review"):
            assert internal not in text, internal


def test_what_a_further_request_needs(partnership, manager, after_rapid_review):
    _lcspr, review, returned = after_rapid_review
    with pytest.raises(ValidationError) as refused:
        further_information_request_send(actor=manager, review=review, agency=None,
                                          questions=" ", return_by=d("2027-01-06"))
    assert set(refused.value.message_dict) == {"agency", "questions", "return_by"}
    stranger = agency_with_user(partnership).agency
    stranger.partnerships.clear()
    with pytest.raises(ValidationError, match="not in the partnership's directory"):
        _ask(manager, review, stranger)
    # Only while the case is at its LCSPR: a rapid review still running is refused.
    running = review_for(partnership)
    with pytest.raises(ValidationError, match="while the case is at its LCSPR"):
        _ask(manager, running, returned.agency)
    assert not InformationRequest.objects.filter(requested_for="lcspr").exists()


def test_the_same_form_posted_twice_asks_once(manager, after_rapid_review):
    _lcspr, review, returned = after_rapid_review
    token = "6f0f7e4c-8d55-4f55-9a55-0d7d5e9e1a11"
    first = _ask(manager, review, returned.agency, form_token=token)
    assert _ask(manager, review, returned.agency, form_token=token) == first
    assert InformationRequest.objects.filter(requested_for="lcspr").count() == 1


def test_the_agency_answers_through_the_same_return_and_its_entries_join_the_chronology(
        manager, after_rapid_review):
    _lcspr, review, returned = after_rapid_review
    request = _ask(manager, review, returned.agency)
    user = user_of(request)
    agency_return = request.agency_return
    assert agency_return_missing(agency_return) == {"answers": "Answer the reviewer's questions"}
    agency_return_save(actor=user, agency_return=agency_return, section="answers",
                       further_answers="Seen on 1 December 2026 (fictional)")
    _entry(user, agency_return)
    before = submitted_entries(review).count()
    agency_return_submit(actor=user, agency_return=agency_return,
                         authorised_by="Pat Example-Lead")
    assert submitted_entries(review).count() == before + 1
    deadline = Deadline.objects.get(pk=request.return_deadline_id)
    assert deadline.status == DeadlineStatus.MET
    told = Message.objects.filter(kind="return_submitted", related__return=agency_return.pk)
    assert told and "local child safeguarding practice review" in told[0].body
    # A rapid review return has no such section.
    assert "answers" not in sections_for(returned)
    assert sections_for(request)[0] == "answers"


def test_the_rapid_reviews_own_requests_are_unaffected(partnership, manager,
                                                       after_rapid_review):
    _lcspr, review, returned = after_rapid_review
    request = _ask(manager, review, returned.agency)
    assert review_requests(review) == [returned]
    assert review_requests(review, "lcspr") == [request]
    # The agency already asked for the rapid review is still refused a second one there.
    with pytest.raises(ValidationError, match="already been sent a request"):
        information_requests_send(actor=manager, review=review,
                                  agencies_with_reasons=[(returned.agency, "child")])
    # The chase list has the LCSPR's open request, not the rapid review's returned one.
    assert list(requests_to_chase(partnership)) == [request]
    still_running = review_for(partnership)
    school = agency_with_user(partnership).agency
    [first] = information_requests_send(actor=manager, review=still_running,
                                        agencies_with_reasons=[(school, "child")])
    assert not first.is_further and first.due_on is not None
    assert set(requests_to_chase(partnership)) == {request, first}


def test_the_reviewer_reads_the_returns_of_their_review_only(partnership, manager,
                                                            after_rapid_review, make_user):
    lcspr, review, returned = after_rapid_review
    reviewer = appointed_reviewer(lcspr, manager).user
    other, other_review, other_returned = lcspr_after_rapid_review(
        partnership, manager, agency_name="Betashire Police (fictional)")
    other_reviewer = appointed_reviewer(other, manager, email="reviewer.two@example.org").user
    assert rules.can_view_information_request(reviewer, returned)
    assert rules.can_view_master_chronology(reviewer, review.case)
    assert not rules.can_view_information_request(reviewer, other_returned)
    assert not rules.can_view_master_chronology(reviewer, other_review.case)
    assert not rules.can_view_information_request(other_reviewer, returned)
    assert not rules.can_edit_return(reviewer, returned.agency_return)
    # An agency user of another agency never sees it.
    assert not rules.can_view_information_request(
        agency_with_user(partnership).user, returned)
