"""Publication: the approved final report sent to the Panel, the Secretary of State and
Ofsted (each dispatch dated), the decision to publish or exceptionally not, the publication
and the statement; both move the case to its action plan."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Role
from calendars.models import DeadlineStatus
from cases.models import CaseDocument, Stage
from lcspr.models import Publication
from lcspr.report_selectors import approved_recommendations
from lcspr.services import lcspr_final_report_sent, lcspr_publication_plan
from lcspr.services.publication import publication_decide, publication_record
from lcspr.services.redaction import anonymised_copy_make, anonymised_copy_ready
from tests.conftest import deliver_emails
from tests.lcspr.builders import (
    approved_version,
    written_report,
)
from tests.notifications.builders import partner_representatives
from tests.readback import docx_text, flat, pdf_text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]
TODAY = datetime.date(2027, 1, 6)


@pytest.fixture
def reps(partnership):
    return partner_representatives(partnership)


@pytest.fixture
def approved(lcspr, manager, reps):
    written_report(lcspr, manager)
    approved_version(lcspr, manager, reps)
    lcspr_publication_plan(actor=manager, case=lcspr.case, planned_on=datetime.date(2027, 3, 31))
    lcspr.refresh_from_db()
    return lcspr


def test_the_final_report_cannot_be_sent_before_the_report_is_approved(lcspr, manager):
    written_report(lcspr, manager)
    with pytest.raises(ValidationError, match="only once the report is approved"):
        lcspr_final_report_sent(actor=manager, case=lcspr.case, sent_on=TODAY)
    assert not lcspr.final_report_dispatches.exists()
    assert approved_recommendations(lcspr) == []


def test_each_dispatch_is_dated_and_all_three_meet_the_steps(approved, manager):
    case = approved.case
    lcspr_final_report_sent(actor=manager, case=case, sent_on=TODAY, recipients=["panel"],
                            method="online")
    approved.refresh_from_db()
    assert approved.final_report_sent_on is None
    assert case.deadlines.get(step__key="send_final_lcspr_report").status == \
        DeadlineStatus.OPEN
    with pytest.raises(ValidationError, match="already been recorded"):
        lcspr_final_report_sent(actor=manager, case=case, sent_on=TODAY, recipients=["panel"])
    lcspr_final_report_sent(actor=manager, case=case, sent_on=TODAY,
                            recipients=["secretary_of_state", "ofsted"])
    approved.refresh_from_db()
    assert approved.final_report_sent_on == TODAY
    assert case.deadlines.get(step__key="send_final_lcspr_report").status == DeadlineStatus.MET
    assert {d.recipient: d.method for d in approved.final_report_dispatches.all()} == {
        "panel": "online", "secretary_of_state": "email", "ofsted": "email"}
    # The report sent is final: no more edits.
    from lcspr.services.report import report_section_save

    with pytest.raises(ValidationError, match="can no longer change"):
        report_section_save(actor=manager, lcspr=approved, key="the_case", text="x",
                            revision=approved.overview_report.revision)


def test_not_publishing_needs_a_reason_and_the_final_report_sent_then_moves_the_case(
        approved, manager):
    with pytest.raises(ValidationError) as refused:
        publication_decide(actor=manager, lcspr=approved, decision="not_publish",
                           decided_on=TODAY, decided_by="The Assurance Executive", reason=" ")
    assert "Enter why the report is not published" in str(refused.value)
    with pytest.raises(ValidationError, match="they receive the full report"):
        publication_decide(actor=manager, lcspr=approved, decision="not_publish",
                           decided_on=TODAY, decided_by="The Assurance Executive",
                           reason="The surviving sibling could be identified (fictional).")
    lcspr_final_report_sent(actor=manager, case=approved.case, sent_on=TODAY)
    publication_decide(actor=manager, lcspr=approved, decision="not_publish", decided_on=TODAY,
                       decided_by="The Assurance Executive",
                       reason="The surviving sibling could be identified (fictional).")
    approved.case.refresh_from_db()
    assert approved.case.stage == Stage.ACTION_PLAN
    statement = CaseDocument.objects.get(case=approved.case,
                                         kind=CaseDocument.Kind.LCSPR_PUBLICATION_STATEMENT)
    for text in (flat(pdf_text(statement.pdf, layout=False)), flat(docx_text(statement.docx))):
        assert "Exceptionally, not publish the report" in text
        assert "The surviving sibling could be identified" in text


def test_publishing_after_the_copy_is_ready_moves_the_case_to_its_action_plan(
        approved, manager, reps, mailoutbox):
    case = approved.case
    publication_decide(actor=manager, lcspr=approved, decision="publish", decided_on=TODAY,
                       decided_by="The three safeguarding partners")
    with pytest.raises(ValidationError, match="Record the final report sent"):
        publication_record(actor=manager, lcspr=approved, published_on=TODAY,
                           link="https://www.example.org/report")
    lcspr_final_report_sent(actor=manager, case=case, sent_on=TODAY)
    with pytest.raises(ValidationError, match="Mark the anonymised copy ready"):
        publication_record(actor=manager, lcspr=approved, published_on=TODAY,
                           link="https://www.example.org/report")
    copy = anonymised_copy_make(actor=manager, lcspr=approved)
    anonymised_copy_ready(actor=manager, copy=copy, content_sha256=copy.content_sha256)
    with pytest.raises(ValidationError) as refused:
        publication_record(actor=manager, lcspr=approved, published_on=TODAY,
                           link=" ")
    assert "Enter the address of the published report" in str(refused.value)
    publication_record(actor=manager, lcspr=approved, published_on=TODAY,
                       link="https://www.example.org/report",
                       early_reason="Published with the inquest's findings")
    case.refresh_from_db()
    assert case.stage == Stage.ACTION_PLAN
    assert Publication.objects.get(lcspr=approved).published_on == TODAY
    assert [r.what for r in approved_recommendations(approved)] == [
        "Agencies share information about children like Ada Example-Child."]
    statement = CaseDocument.objects.get(case=case,
                                         kind=CaseDocument.Kind.LCSPR_PUBLICATION_STATEMENT)
    for text in (flat(pdf_text(statement.pdf, layout=False)), flat(docx_text(statement.docx))):
        assert "https://www.example.org/report" in text and "6 January 2027" in text
        assert "Final report sent to Ofsted" in text
    emails = deliver_emails()
    assert any("statement on the review's publication" in m.subject
               and reps["police"].email in m.to for m in emails)


def test_the_pages_record_the_publication(client, approved, manager, reps, make_user,
                                          django_assert_max_num_queries):
    reference = approved.case.reference
    client.force_login(manager)
    response = client.post(reverse("lcspr:final-report-sent", args=[reference]), {
        "recipients": ["panel", "secretary_of_state", "ofsted"], "method": "email",
        "sent_on_0": "6", "sent_on_1": "1", "sent_on_2": "2027"})
    assert response.status_code == 302
    response = client.post(reverse("lcspr:publication-decision", args=[reference]), {
        "decision": "not_publish", "decided_on_0": "6", "decided_on_1": "1",
        "decided_on_2": "2027", "decided_by": "The Assurance Executive", "reason": ""})
    assert "Enter why the report is not published" in response.content.decode()
    assert 'value="The Assurance Executive"' in response.content.decode()
    with django_assert_max_num_queries(15):
        page = client.get(reverse("lcspr:publication", args=[reference])).content.decode()
    assert "Sent on 6 January 2027" in page
    client.force_login(reps["icb"])
    assert client.get(reverse("lcspr:publication", args=[reference])).status_code == 200
    assert client.get(reverse("lcspr:publication-decision",
                              args=[reference])).status_code == 404
    client.force_login(make_user(Role.SCRUTINEER))
    assert client.get(reverse("lcspr:publication-record", args=[reference])).status_code == 404


def test_publishing_sooner_than_7_statutory_working_days_after_the_final_report_says_why(
        approved, manager, partnership):
    """Sent on Monday 22 March 2027: with Good Friday and Easter Monday, the 7th working day
    after is Friday 2 April. A closure of the partnership's own does not move it."""
    from calendars.models import CalendarDay

    case = approved.case
    CalendarDay.objects.create(partnership=partnership, date=datetime.date(2027, 3, 23),
                               kind=CalendarDay.Kind.CLOSURE, reason="Office move (fictional)")
    publication_decide(actor=manager, lcspr=approved, decision="publish", decided_on=TODAY,
                       decided_by="The three safeguarding partners")
    copy = anonymised_copy_make(actor=manager, lcspr=approved)
    anonymised_copy_ready(actor=manager, copy=copy, content_sha256=copy.content_sha256)
    with time_machine.travel(datetime.date(2027, 3, 22), tick=False):
        lcspr_final_report_sent(actor=manager, case=case, sent_on=datetime.date(2027, 3, 22))
    with time_machine.travel(datetime.date(2027, 4, 2), tick=False):
        with pytest.raises(ValidationError) as refused:
            publication_record(actor=manager, lcspr=approved,
                               published_on=datetime.date(2027, 4, 1),
                               link="https://www.example.org/report", early_reason=" ")
        assert refused.value.message_dict == {"early_reason": [
            "The final report was sent on 22 March 2027, fewer than 7 working days before "
            "1 April 2027: enter why the report was published sooner"]}
        publication_record(actor=manager, lcspr=approved, published_on=datetime.date(2027, 4, 2),
                           link="https://www.example.org/report",
                           early_reason="Not needed: kept only when it was sooner")
    publication = Publication.objects.get(lcspr=approved)
    assert publication.published_on == datetime.date(2027, 4, 2)
    assert publication.early_reason == ""


def test_the_publication_page_asks_why_and_shows_the_reason(client, approved, manager):
    reference = approved.case.reference
    publication_decide(actor=manager, lcspr=approved, decision="publish", decided_on=TODAY,
                       decided_by="The three safeguarding partners")
    lcspr_final_report_sent(actor=manager, case=approved.case, sent_on=TODAY)
    copy = anonymised_copy_make(actor=manager, lcspr=approved)
    anonymised_copy_ready(actor=manager, copy=copy, content_sha256=copy.content_sha256)
    client.force_login(manager)
    url = reverse("lcspr:publication-record", args=[reference])
    posted = {"published_on_0": "6", "published_on_1": "1", "published_on_2": "2027",
              "link": "https://www.example.org/report", "early_reason": ""}
    page = client.post(url, posted).content.decode()
    assert "enter why the report was published sooner" in page
    assert 'value="https://www.example.org/report"' in page  # nothing typed is lost
    response = client.post(url, {**posted, "early_reason": "Published with the inquest"})
    assert response.status_code == 302
    page = client.get(reverse("lcspr:publication", args=[reference])).content.decode()
    assert "Sooner than 7 working days after the final report was sent, because: " \
           "Published with the inquest" in page
