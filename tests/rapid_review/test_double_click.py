"""A double click does one thing (docs/decisions/0006): each page that creates something
carries a token made when it renders; the same form posted twice creates one record, and
the second post says it was done."""

import datetime
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from accounts.models import AuditEvent, Role, StatutoryPartner
from cases.models import DocumentDispatch
from outbox.models import Message
from rapid_review.models import (
    InformationRequest,
    LearningItem,
    PanelResponse,
    PanelSubmission,
    PartnerSignature,
    ReportVersion,
    ReviewReport,
)
from rapid_review.services.signoff import report_send_for_signature
from tests.cases.builders import adopt_plan
from tests.notifications.builders import partner_representatives, referred_serious_incident
from tests.rapid_review import test_submission as submission_tests
from tests.rapid_review.builders import (
    agency_with_user,
    completed_return,
    held_quorate_meeting,
    review_for,
    send_requests,
    user_of,
)

pytestmark = pytest.mark.django_db
NOTIFIED = datetime.date(2026, 11, 2)


@pytest.fixture
def officer(make_user):
    return make_user(Role.BUSINESS_UNIT_OFFICER)


@pytest.fixture
def partners(partnership):
    return partner_representatives(partnership)


@pytest.fixture
def report(partnership, officer):
    review = review_for(partnership, officer, notified_on=NOTIFIED)
    meeting = held_quorate_meeting(review, officer, datetime.date(2026, 11, 17))
    return ReviewReport.objects.create(
        review=review, sections={"introduction": "A rapid review (fictional)."},
        decision=ReviewReport.Decision.LOCAL_CSPR, decision_meeting=meeting,
        key_lines_of_enquiry="Information sharing (fictional)", updated_by=officer)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _token(response) -> str:
    match = re.search(r'name="form_token" value="([0-9a-f-]{36})"', response.content.decode())
    assert match, "the page has no form token"
    return match.group(1)


def _twice(client: Client, url: str, data: dict):
    """Post the same form twice, as a double click does; both are answered by a redirect."""
    first, second = client.post(url, data), client.post(url, data)
    assert (first.status_code, second.status_code) == (302, 302), \
        second.content.decode()[:3000]
    return second


def test_a_letter_sent_with_a_double_click_is_sent_once(partnership, officer, partners):
    adopt_plan(partnership)
    case = referred_serious_incident(partnership)
    client = _client(officer)
    url = reverse("notifications:letter-send", args=[case.reference, "partners"])
    _twice(client, url, {"form_token": _token(client.get(url))})
    dispatch = DocumentDispatch.objects.get(document__case=case)
    assert Message.objects.filter(kind="letter").count() == len(dispatch.recipients) == 3
    # A new visit to the page is a new letter to send.
    _twice(client, url, {"form_token": _token(client.get(url))})
    assert DocumentDispatch.objects.filter(document__case=case).count() == 2


def test_signing_and_disagreeing_with_a_double_click_record_once(report, officer, partners):
    version = report_send_for_signature(actor=officer, report=report)
    case = report.review.case
    police = _client(partners[StatutoryPartner.POLICE])
    page = police.get(reverse("rapid_review:signoff", args=[case.reference]))
    second = _twice(police, reverse("rapid_review:signoff-sign", args=[case.reference]), {
        "content_sha256": version.content_sha256, "signer_role": "Chief Superintendent",
        "confirm": "on", "form_token": _token(page)})
    assert PartnerSignature.objects.get(version=version).partner == StatutoryPartner.POLICE
    assert "You signed version 1" in police.get(second.url).content.decode()

    icb = _client(partners[StatutoryPartner.ICB])
    url = reverse("rapid_review:signoff-disagree", args=[case.reference])
    _twice(icb, url, {"content_sha256": version.content_sha256, "form_token": _token(
        icb.get(url)), "comment": "Section 4 needs the GP's view (fictional)"})
    assert PartnerSignature.objects.filter(
        version=version, outcome=PartnerSignature.Outcome.DISAGREED).count() == 1


def test_sending_for_signature_twice_freezes_one_version(report, officer):
    client = _client(officer)
    _twice(client, reverse("rapid_review:signoff-send", args=[report.review.case.reference]),
           {})
    assert ReportVersion.objects.filter(report=report).count() == 1


def test_sending_information_requests_with_a_double_click_sends_once(report, officer,
                                                                     partnership):
    school = agency_with_user(partnership, "Alphashire Primary School (fictional)")
    client = _client(officer)
    url = reverse("rapid_review:requests-send", args=[report.review.case.reference])
    _twice(client, url, {"agencies": [school.agency.pk], f"reason_{school.agency.pk}": "child",
                         "form_token": _token(client.get(url))})
    assert InformationRequest.objects.filter(review=report.review).count() == 1
    assert Message.objects.filter(kind="information_request").count() == \
        len(set(Message.objects.filter(kind="information_request")
                .values_list("to", flat=True)))


def test_adding_a_learning_item_with_a_double_click_adds_it_once(report, officer):
    client = _client(officer)
    url = reverse("rapid_review:report-learning-add", args=[report.review.case.reference])
    _twice(client, url, {"kind": "learning_point", "text": "Share repeat calls (fictional)",
                         "form_token": _token(client.get(url))})
    assert LearningItem.objects.filter(report=report).count() == 1


def test_an_agency_submitting_its_return_with_a_double_click_submits_once(report,
                                                                          partnership):
    school = agency_with_user(partnership, "Alphashire Primary School (fictional)")
    [request] = send_requests(report.review, [school.agency])
    completed_return(request)
    client = _client(user_of(request))
    url = reverse("rapid_review:return-submit", args=[request.pk])
    _twice(client, url, {"authorised_by": "Pat Example-Lead",
                         "form_token": _token(client.get(url))})
    assert AuditEvent.objects.filter(object_type="rapid_review.agencyreturn",
                                     object_id=str(request.agency_return.pk),
                                     detail__submitted=True).count() == 1


def test_recording_the_submission_and_the_panels_response_twice_records_each_once(
        partnership, officer, partners):
    review, _school = submission_tests._report(partnership, officer, partners)
    client = _client(officer)
    reference = review.case.reference
    with time_machine.travel(datetime.datetime(2026, 11, 23, 12, tzinfo=datetime.UTC)):
        page = client.get(reverse("rapid_review:submission", args=[reference]))
        _twice(client, reverse("rapid_review:submission-record", args=[reference]), {
            "submitted_on_0": "23", "submitted_on_1": "11", "submitted_on_2": "2026",
            "method": PanelSubmission.Method.PANEL_FORM, "form_token": _token(page)})
    assert PanelSubmission.objects.filter(review=review).count() == 1

    url = reverse("rapid_review:panel-response-record", args=[reference])
    _twice(client, url, {
        "received_on_0": "1", "received_on_1": "12", "received_on_2": "2026",
        "outcome": PanelResponse.Outcome.AGREES, "summary": "The Panel agrees (fictional)",
        "form_token": _token(client.get(url))})
    assert PanelResponse.objects.filter(review=review).count() == 1
