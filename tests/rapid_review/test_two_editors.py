"""Two people editing the same thing (docs/decisions/0006): the second save is refused with a
GOV.UK error that shows the first person's change, what the second typed stays in the form,
and saving again once both are read saves. Nothing is overwritten unseen."""

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from cases.services import EditConflict
from rapid_review.models import ReportRevision, ReviewReport, TermsOfReference
from rapid_review.report import ASSESSED_CRITERIA
from rapid_review.services import (
    report_assessment_save,
    report_decision_record,
    report_section_save,
    terms_save,
)
from tests.factories import MembershipFactory
from tests.rapid_review.builders import (
    agency_with_user,
    held_quorate_meeting,
    review_for,
    send_requests,
)

pytestmark = pytest.mark.django_db
NOTIFIED = datetime.date(2026, 11, 2)
MEETING = datetime.date(2026, 11, 17)
NOT_KNOWN = {code: {"met": "not_known", "evidence": ""} for code, _g, _l in ASSESSED_CRITERIA}


@pytest.fixture
def alice(make_user):
    return make_user(Role.BUSINESS_UNIT_OFFICER, user__full_name="Alice Officer")


@pytest.fixture
def bob(make_user):
    return make_user(Role.BUSINESS_UNIT_OFFICER, user__full_name="Bob Officer")


@pytest.fixture
def report(partnership, alice):
    review = review_for(partnership, alice, notified_on=NOTIFIED)
    meeting = held_quorate_meeting(review, alice, MEETING)
    return ReviewReport.objects.create(
        review=review, sections={"introduction": "The introduction (fictional)."},
        criteria=NOT_KNOWN, may_be_complex_or_national=False, decision_meeting=meeting,
        updated_by=alice, revision=1)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _hidden(response, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', response.content.decode())
    assert match, f"no hidden {name} on the page"
    return match.group(1)


def _conflict_panel(html: str) -> str:
    start = html.index('id="edit-conflict"')
    return html[start:html.index("The form below still holds", start)]


def test_the_second_officer_saving_a_section_sees_the_first_ones_text_and_keeps_theirs(
        report, alice, bob, django_assert_max_num_queries):
    url = reverse("rapid_review:report-section",
                  args=[report.review.case.reference, "background"])
    first, second = _client(alice), _client(bob)
    read_by_alice, read_by_bob = _hidden(first.get(url), "revision"), \
        _hidden(second.get(url), "revision")
    assert first.post(url, {"text": "Background as Alice wrote it",
                            "revision": read_by_alice}).status_code == 302

    with django_assert_max_num_queries(15):
        refused = second.post(url, {"text": "Background as Bob wrote it",
                                    "revision": read_by_bob})
    html = refused.content.decode()
    assert "govuk-error-summary" in html and "There is a problem" in html
    assert "Alice Officer saved background" in html
    assert 'id="id_text_1_error"' in html  # the message by the field too
    assert "Background as Alice wrote it" in _conflict_panel(html)
    assert re.search(r"<textarea[^>]*>\s*Background as Bob wrote it</textarea>", html)
    report.refresh_from_db()
    assert report.sections["background"] == "Background as Alice wrote it"
    assert _hidden(refused, "revision") == str(report.revision)

    # Bob has read Alice's text; saving again saves his, and hers stays in the history.
    assert second.post(url, {"text": "Background as Alice and Bob agreed",
                             "revision": _hidden(refused, "revision")}).status_code == 302
    report.refresh_from_db()
    assert report.sections["background"] == "Background as Alice and Bob agreed"
    assert set(ReportRevision.objects.filter(report=report, part="background")
               .values_list("text", flat=True)) == {"Background as Alice wrote it",
                                                    "Background as Alice and Bob agreed"}


def test_editing_two_different_sections_at_once_is_not_a_conflict(report, alice, bob):
    read_at = report.revision
    report_section_save(actor=alice, report=report, key="background", text="By Alice",
                        revision=read_at)
    report_section_save(actor=bob, report=report, key="incident", text="By Bob",
                        revision=read_at)
    report.refresh_from_db()
    assert (report.sections["background"], report.sections["incident"]) == ("By Alice",
                                                                          "By Bob")


def test_the_assessment_and_the_decision_are_not_overwritten_unseen(report, alice, bob):
    read_at = report.revision
    code = ASSESSED_CRITERIA[0][0]
    report_assessment_save(actor=alice, report=report, may_be_complex_or_national=False,
                           reason="", revision=read_at, criteria={
                               **NOT_KNOWN, code: {"met": "yes", "evidence": "Alice's view"}})
    with pytest.raises(EditConflict) as refused:
        report_assessment_save(actor=bob, report=report, criteria=NOT_KNOWN,
                               may_be_complex_or_national=False, reason="", revision=read_at)
    assert refused.value.who == "Alice Officer"
    assert ("Met: Alice's view" in dict(refused.value.theirs).values())
    report.refresh_from_db()
    assert report.criteria[code]["evidence"] == "Alice's view"

    meeting = report.decision_meeting
    read_at = report.revision
    report_decision_record(actor=alice, report=report, decision="local_cspr", meeting=meeting,
                           key_lines_of_enquiry="Alice's questions", revision=read_at)
    with pytest.raises(EditConflict) as refused:
        report_decision_record(actor=bob, report=report, decision="no_further_review",
                               meeting=meeting, no_further_learning_reason="Bob's reason",
                               dissemination="Bob's plan", revision=read_at)
    assert dict(refused.value.theirs)["Key lines of enquiry"] == "Alice's questions"
    # Read, Bob saves against the revision the refusal gave him.
    report_decision_record(actor=bob, report=report, decision="no_further_review",
                           meeting=meeting, no_further_learning_reason="Bob's reason",
                           dissemination="Bob's plan", revision=refused.value.current)
    report.refresh_from_db()
    assert report.decision == "no_further_review"


def _terms_post(case, version: str, history: str) -> dict:
    return {"children": [c.pk for c in case.children.all()],
            "scope_from_0": "1", "scope_from_1": "11", "scope_from_2": "2025",
            "scope_to_0": "1", "scope_to_1": "11", "scope_to_2": "2026",
            "earlier_history": history, "other_contributors": "",
            "meeting_date_1_0": "17", "meeting_date_1_1": "11", "meeting_date_1_2": "2026",
            "returns_due_on_0": "9", "returns_due_on_1": "11", "returns_due_on_2": "2026",
            "version": version}


def test_the_second_officer_changing_the_terms_of_reference_sees_the_first_ones_version(
        report, alice, bob):
    case = report.review.case
    terms_save(actor=alice, review=report.review, children=list(case.children.all()),
               people=[], scope_from=datetime.date(2025, 11, 1),
               scope_to=datetime.date(2026, 11, 1), meeting_dates=[MEETING],
               returns_due_on=datetime.date(2026, 11, 9))
    url = reverse("rapid_review:terms-edit", args=[case.reference])
    first, second = _client(alice), _client(bob)
    read_by_alice, read_by_bob = _hidden(first.get(url), "version"), \
        _hidden(second.get(url), "version")
    assert first.post(url, _terms_post(case, read_by_alice, "History Alice added")
                      ).status_code == 302
    refused = second.post(url, _terms_post(case, read_by_bob, "History Bob added"))
    html = refused.content.decode()
    assert "govuk-error-summary" in html and "Alice Officer saved version 2" in html
    assert "History Alice added" in _conflict_panel(html)
    assert re.search(r"<textarea[^>]*>\s*History Bob added</textarea>", html)
    assert TermsOfReference.objects.get(review=report.review).earlier_history == \
        "History Alice added"
    assert second.post(url, _terms_post(case, _hidden(refused, "version"),
                                        "History Bob added")).status_code == 302
    terms = TermsOfReference.objects.get(review=report.review)
    assert (terms.version, terms.earlier_history) == (3, "History Bob added")


def test_two_people_of_an_agency_saving_one_section_of_its_return(report, partnership):
    police = agency_with_user(partnership, "Alphashire Police (fictional)")
    [request] = send_requests(report.review, [police.agency])
    first_user, colleague = (MembershipFactory(
        partnership=partnership, role=Role.AGENCY_USER, agency=police.agency,
        user__full_name=name).user for name in ("Pat Constable", "Sam Sergeant"))
    url = reverse("rapid_review:return-section", args=[request.pk, "summary"])
    first, second = _client(first_user), _client(colleague)
    read_by_first, read_by_second = _hidden(first.get(url), "revision"), \
        _hidden(second.get(url), "revision")
    assert first.post(url, {"summary": "The first summary",
                            "revision": read_by_first}).status_code == 302
    refused = second.post(url, {"summary": "The second summary", "revision": read_by_second})
    html = refused.content.decode()
    assert "govuk-error-summary" in html and "Pat Constable saved this return" in html
    assert "The first summary" in _conflict_panel(html)
    assert re.search(r"<textarea[^>]*>\s*The second summary</textarea>", html)
    request.agency_return.refresh_from_db()
    assert request.agency_return.summary == "The first summary"
    assert second.post(url, {"summary": "The second summary",
                             "revision": _hidden(refused, "revision")}).status_code == 302
    request.agency_return.refresh_from_db()
    assert request.agency_return.summary == "The second summary"
