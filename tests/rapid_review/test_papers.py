"""The review group's papers page ("Rapid reviews"): the partners read the letters sent
before the Panel is notified (SCSI-2, SCSI-3, SCSI-4) as well as the running reviews'
papers, in a number of queries that does not grow with the cases."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from accounts.models import Role
from cases import services as case_services
from cases.models import CaseDocument, Stage, TriageDecision
from notifications.services import letter_generate, letter_send
from rapid_review.services import rapid_review_stop
from tests.cases.builders import adopt_plan
from tests.notifications.builders import (
    notified_case,
    partner_representatives,
    referred_serious_incident,
)

pytestmark = pytest.mark.django_db
TODAY = datetime.datetime(2026, 11, 25, 12, 0, tzinfo=datetime.UTC)
PARTNERS, GROUP, RAPID = (CaseDocument.Kind.PARTNER_LETTER,
                          CaseDocument.Kind.REVIEW_GROUP_LETTER,
                          CaseDocument.Kind.RAPID_REVIEW_LETTER)


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(TODAY):
        yield


@pytest.fixture
def officer(make_user):
    return make_user(Role.BUSINESS_UNIT_OFFICER)


@pytest.fixture
def partners(partnership):
    adopt_plan(partnership)
    return partner_representatives(partnership)


def _decide(officer, case, decision):
    case_services.case_take_to_triage(actor=officer, case=case)
    case_services.triage_decide(
        actor=officer, case=case, meeting_date=TODAY.date(), attendees="Group",
        attending_agencies=[], criteria_met=["serious_case"], rationale="Fictional",
        decision=decision)
    case.refresh_from_db()
    return case


def _incidents(partnership, officer):
    """One case at each stage before the notification, each sent one letter."""
    referred = referred_serious_incident(partnership)
    letter_send(actor=officer, case=referred, kind=PARTNERS)
    in_triage = referred_serious_incident(partnership)
    case_services.case_take_to_triage(actor=officer, case=in_triage)
    letter_send(actor=officer, case=in_triage, kind=GROUP)
    waiting = referred_serious_incident(partnership)
    case_services.referral_query_ask(actor=officer, referral=waiting.referral,
                                     question="Which school? (fictional)")
    letter_send(actor=officer, case=waiting, kind=RAPID)
    decided = _decide(officer, referred_serious_incident(partnership),
                      TriageDecision.Decision.RAPID_REVIEW)
    letter_send(actor=officer, case=decided, kind=PARTNERS)
    for case in (referred, in_triage, waiting, decided):
        case.refresh_from_db()
    return referred, in_triage, waiting, decided


def _section(html: str, id_: str) -> str:
    start = html.index(f'id="{id_}"')
    return html[start:html.index("</table>", start)]


def test_the_partners_read_the_letters_sent_before_the_notification(
        client, officer, partnership, partners):
    referred, in_triage, waiting, decided = _incidents(partnership, officer)
    assert [c.stage for c in (referred, in_triage, waiting, decided)] == [
        Stage.REFERRED, Stage.TRIAGE, Stage.MORE_INFORMATION, Stage.RAPID_REVIEW]
    running = notified_case(partnership, officer, plan=False)
    letter_send(actor=officer, case=running, kind=PARTNERS)
    created_only = referred_serious_incident(partnership)
    letter_generate(actor=officer, case=created_only, kind=PARTNERS)  # not sent yet
    quiet = referred_serious_incident(partnership)  # no letters
    closed = _decide(officer, referred_serious_incident(partnership),
                     TriageDecision.Decision.NO_FURTHER_ACTION)  # no letters
    # The local authority may still notify after the group's decision: the partners told
    # of the incident still read what they were sent.
    not_reviewed = _decide(officer, referred_serious_incident(partnership),
                           TriageDecision.Decision.NO_FURTHER_ACTION)
    letter_send(actor=officer, case=not_reviewed, kind=PARTNERS)
    stopped = notified_case(partnership, officer, plan=False)
    letter_send(actor=officer, case=stopped, kind=PARTNERS)
    rapid_review_stop(actor=officer, review=stopped.rapid_review, reason="Not met (fictional)",
                      panel_told_on=TODAY.date())

    client.force_login(partners["icb"])
    html = client.get(reverse("rapid_review:papers")).content.decode()
    before = _section(html, "not-yet-notified")
    reviews = _section(html, "reviews")
    for case in (referred, in_triage, waiting, decided, not_reviewed):
        assert case.reference in before and case.reference not in reviews, case.stage
    assert running.reference in reviews and running.reference not in before
    for case in (created_only, quiet, closed, stopped):
        assert case.reference not in html, case.reference
    for status in ("Referred", "Triage", "More information requested",
                   "Rapid review decided: waiting for the notification", "No further action"):
        assert status in before, status

    letter = CaseDocument.objects.get(case=in_triage, kind=GROUP)
    link = reverse("cases:document-download", args=[in_triage.reference, letter.pk, "pdf"])
    assert link in before
    assert "Letter to the review group (SCSI-3) (PDF, version 1)" in before
    assert before.count("Letter to the safeguarding partners (SCSI-2) (PDF, version 1)") == 3
    assert reverse("rapid_review:terms", args=[in_triage.reference]) not in html
    response = client.get(link)
    assert response.status_code == 200 and bytes(response.content) == bytes(letter.pdf)


@pytest.mark.slow
def test_the_page_keeps_its_query_count_as_cases_and_letters_grow(
        client, officer, partnership, partners, django_assert_max_num_queries):
    _incidents(partnership, officer)
    notified_case(partnership, officer, plan=False)
    client.force_login(partners["police"])
    url = reverse("rapid_review:papers")
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    more = [c for _ in range(2) for c in _incidents(partnership, officer)]
    for case in more[:3]:
        for kind in (PARTNERS, GROUP, RAPID):
            letter_send(actor=officer, case=case, kind=kind)
    for _ in range(2):
        notified_case(partnership, officer, plan=False)
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get(url).content.decode()
    assert all(case.reference in html for case in more)
    assert html.count("Rapid review decided: waiting for the notification") == 3


def test_another_partnerships_partners_see_none_of_it(client, officer, partnership,
                                                      partners, other_partnership):
    cases = _incidents(partnership, officer)
    outsider = partner_representatives(other_partnership)["police"]
    client.force_login(outsider)
    html = client.get(reverse("rapid_review:papers")).content.decode()
    assert "There are no incidents waiting for the notification" in html
    for case in cases:
        assert case.reference not in html
        letter = case.documents.first()
        assert client.get(reverse("cases:document-download",
                                  args=[case.reference, letter.pk, "pdf"])).status_code == 404
