"""The rapid review report (seed 002 Appendix G): started from the record, edited section by
section with its history, assessed against the criteria, and the decision recorded only at
a quorate meeting that took place; the report and decision record (SRG-8) as documents."""

import datetime
import json
from unittest import mock

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import AuditEvent, Role
from calendars.working_days import add_working_days
from cases.documents import render_docx, render_pdf
from cases.models import CaseDocument, Person
from notifications.services import letter_send
from rapid_review.documents.report import decision_record_content, report_content
from rapid_review.models import LearningItem, PartnerSignature, ReportRevision, ReviewReport
from rapid_review.report import ASSESSED_CRITERIA, SECTIONS
from rapid_review.services import (
    learning_item_add,
    learning_item_remove,
    meeting_attendee_add,
    meeting_confirm_held,
    meeting_schedule,
    rapid_review_stop,
    report_assessment_save,
    report_decision_record,
    report_section_save,
    report_start,
    terms_member_add,
    terms_save,
)
from tests.factories import user_with_role
from tests.rapid_review.builders import (
    agency_with_user,
    review_for,
    send_requests,
    submitted_return,
)
from tests.readback import docx_text, pdf_text

pytestmark = pytest.mark.django_db
NOTIFIED = datetime.date(2026, 11, 2)  # a Monday
DAY_11 = add_working_days(NOTIFIED, 11)  # 17 November 2026
AFTER_MEETING = datetime.datetime(2026, 11, 18, 12, 0, tzinfo=datetime.UTC)
QUORUM = [("Lena Example", "la_representative"), ("Percy Example", "police_representative"),
          ("Ivy Example", "icb_representative")]
ALL_NOT_KNOWN = {code: {"met": "not_known", "evidence": ""}
                 for code, _group, _label in ASSESSED_CRITERIA}


@pytest.fixture
def officer(make_user):
    return make_user(Role.BUSINESS_UNIT_OFFICER)


@pytest.fixture
def review(partnership, officer):
    with time_machine.travel(datetime.datetime(2026, 11, 2, 12, tzinfo=datetime.UTC)):
        return review_for(partnership, officer, notified_on=NOTIFIED)


@pytest.fixture
def recorded(partnership, officer, review):
    """Terms of reference, two agencies asked (one returned, one nil), a parent."""
    Person.objects.create(case=review.case, relationship="parent",
                          full_name="Parent Example")
    with time_machine.travel(datetime.datetime(2026, 11, 3, 12, tzinfo=datetime.UTC)):
        terms = terms_save(actor=officer, review=review, children=list(review.case.children.all()),
                           people=[], scope_from=datetime.date(2025, 11, 1),
                           scope_to=datetime.date(2026, 11, 1),
                           earlier_history="A referral in 2023 (fictional)",
                           meeting_dates=[DAY_11], returns_due_on=datetime.date(2026, 11, 10))
        terms_member_add(actor=officer, terms=terms, role="chair", name="Chair Example",
                         organisation="Partnership (fictional)")
        police = agency_with_user(partnership, "Alphashire Police (fictional)")
        school = agency_with_user(partnership, "Betaville School (fictional)")
        requests = send_requests(review, [police.agency, school.agency], officer)
        submitted_return(requests[0])
        submitted_return(requests[1], nil=True)
        user_with_role(partnership, Role.PARTNER_REPRESENTATIVE, statutory_partner="police")
        letter_send(actor=officer, case=review.case,
                    kind=CaseDocument.Kind.PARTNER_LETTER)
    return review


def _meeting(officer, review, people=QUORUM, confirm=True):
    with time_machine.travel(datetime.datetime(2026, 11, 3, 12, tzinfo=datetime.UTC)):
        meeting = meeting_schedule(actor=officer, review=review, held_on=DAY_11,
                                   starts_at=datetime.time(10), location="Room 1 (fictional)")
    with time_machine.travel(AFTER_MEETING):
        for name, role in people:
            meeting_attendee_add(actor=officer, meeting=meeting, name=name, role=role)
        if confirm:
            meeting_confirm_held(actor=officer, meeting=meeting)
    return meeting


def _assessed(officer, report):
    return report_assessment_save(actor=officer, report=report, criteria=ALL_NOT_KNOWN,
                                  may_be_complex_or_national=False, reason="")


# --- Services ------------------------------------------------------------------------------

def test_starting_the_report_fills_it_from_the_record(officer, recorded):
    report = report_start(actor=officer, review=recorded)
    sections = report.sections
    assert list(sections) == [key for key, _h, _g in SECTIONS]
    assert "Working Together" in sections["introduction"]
    assert "Panel on 2 November 2026" in sections["methodology"]
    assert "informed the safeguarding partners on 3 November 2026" in sections["methodology"]
    assert "17 November 2026" in sections["methodology"]
    assert "Chair: Chair Example (Partnership (fictional))" in sections["methodology"]
    assert "1 November 2025 to 1 November 2026" in sections["scope"]
    assert "A referral in 2023 (fictional)" in sections["scope"]
    assert "Alphashire Police (fictional): returned information" in sections["contributors"]
    assert "Betaville School (fictional): nil return" in sections["contributors"]
    child = recorded.case.children.first()
    assert child.full_name in sections["family_composition"]
    assert "Parent Example: parent" in sections["family_composition"]
    assert "Home address" in sections["incident"]
    assert "Fictional test incident" in sections["incident"]
    assert sections["worked_well"] == "Alphashire Police (fictional): Contacts were timely"
    assert sections["worried_about"] == "Alphashire Police (fictional): Missed appointment"
    assert "Sibling placed with family" in sections["initial_actions"]
    for writer_only in ("case_summary", "background", "conclusions"):
        assert sections[writer_only] == ""
    assert report.revision == 1
    start = ReportRevision.objects.get(report=report)
    assert start.part == "start" and json.loads(start.text) == sections
    with pytest.raises(ValidationError, match="already been started"):
        report_start(actor=officer, review=recorded)


def test_saving_a_section_raises_the_revision_keeps_history_and_tells_the_signoff(
        officer, review):
    report = report_start(actor=officer, review=review)
    with mock.patch("rapid_review.services.signoff.report_changed", autospec=True) as changed:
        report = report_section_save(actor=officer, report=report, key="case_summary",
                                     text="  A summary (fictional)  ")
        changed.assert_called_once_with(actor=officer, report=report)
        report_section_save(actor=officer, report=report, key="case_summary",
                            text="A summary (fictional)")
        assert changed.call_count == 1  # saved unchanged: not an edit
    report.refresh_from_db()
    assert report.sections["case_summary"] == "A summary (fictional)"
    assert report.revision == 2
    revision = report.revisions.first()
    assert (revision.number, revision.part, revision.text, revision.edited_by) == \
        (2, "case_summary", "A summary (fictional)", officer)
    assert AuditEvent.objects.filter(object_type="rapid_review.reviewreport",
                                     object_id=str(report.pk),
                                     action=AuditEvent.Action.UPDATE).count() == 1
    with pytest.raises(ValidationError) as refused:
        report_section_save(actor=officer, report=report, key="case_summary", text="x" * 20_001)
    assert "20,000 characters" in refused.value.message_dict["text"][0]
    with pytest.raises(ValidationError):
        report_section_save(actor=officer, report=report, key="not_a_heading", text="x")


def test_the_assessment_needs_every_answer_and_evidence_for_a_criterion_met(officer, review):
    report = report_start(actor=officer, review=review)
    criteria = {**ALL_NOT_KNOWN, "improvements_needed": {"met": "yes", "evidence": " "}}
    del criteria["recurrent_themes"]
    with pytest.raises(ValidationError) as refused:
        report_assessment_save(actor=officer, report=report, criteria=criteria,
                               may_be_complex_or_national=True, reason="")
    errors = refused.value.message_dict
    assert set(errors) == {"improvements_needed_evidence", "recurrent_themes_met",
                           "complex_or_national_reason"}
    criteria["recurrent_themes"] = {"met": "no", "evidence": ""}
    criteria["improvements_needed"]["evidence"] = "Missed appointments were not followed up"
    report = report_assessment_save(actor=officer, report=report, criteria=criteria,
                                    may_be_complex_or_national=True,
                                    reason="Three local authorities involved")
    assert report.criteria["improvements_needed"]["met"] == "yes"
    assert report.revisions.first().part == "assessment"
    assert json.loads(report.revisions.first().text)["complex_or_national_reason"] == \
        "Three local authorities involved"


def test_a_decision_needs_a_confirmed_quorate_meeting(officer, review):
    report = _assessed(officer, report_start(actor=officer, review=review))
    unconfirmed = _meeting(officer, review, confirm=False)
    values = dict(decision=ReviewReport.Decision.NATIONAL_REVIEW)
    with pytest.raises(ValidationError) as refused:
        report_decision_record(actor=officer, report=report, meeting=unconfirmed, **values)
    assert "Confirm the meeting took place" in refused.value.message_dict["meeting"][0]
    not_quorate = _meeting(officer, review, people=QUORUM[:2] + [("Chair Example", "chair")])
    with pytest.raises(ValidationError) as refused:
        report_decision_record(actor=officer, report=report, meeting=not_quorate, **values)
    assert "not quorate: no representative of Integrated Care Board" in \
        refused.value.message_dict["meeting"][0]
    report.refresh_from_db()
    assert report.decision == "" and report.revision == 2
    quorate = _meeting(officer, review)
    report = report_decision_record(actor=officer, report=report, meeting=quorate, **values)
    assert report.decision == ReviewReport.Decision.NATIONAL_REVIEW
    assert report.decision_meeting == quorate and report.decided_by == officer


def test_each_decision_needs_its_own_reasons(officer, review):
    report = report_start(actor=officer, review=review)
    meeting = _meeting(officer, review)
    with pytest.raises(ValidationError) as refused:
        report_decision_record(actor=officer, report=report, meeting=meeting,
                               decision=ReviewReport.Decision.NATIONAL_REVIEW)
    assert "Record the assessment" in refused.value.message_dict["decision"][0]
    report = _assessed(officer, report)
    with pytest.raises(ValidationError) as refused:
        report_decision_record(actor=officer, report=report, meeting=meeting,
                               decision=ReviewReport.Decision.LOCAL_CSPR)
    assert set(refused.value.message_dict) == {"key_lines_of_enquiry"}
    with pytest.raises(ValidationError) as refused:
        report_decision_record(actor=officer, report=report, meeting=meeting,
                               decision=ReviewReport.Decision.NO_FURTHER_REVIEW,
                               key_lines_of_enquiry="Not for this decision")
    assert set(refused.value.message_dict) == {"no_further_learning_reason", "dissemination"}
    with pytest.raises(ValidationError) as refused:
        report_decision_record(actor=officer, report=report, meeting=None, decision="")
    assert set(refused.value.message_dict) == {"decision", "meeting"}
    report = report_decision_record(
        actor=officer, report=report, meeting=meeting,
        decision=ReviewReport.Decision.NO_FURTHER_REVIEW, key_lines_of_enquiry="Dropped",
        no_further_learning_reason="The learning is already known (fictional)",
        dissemination="Through the action plan (fictional)")
    assert report.key_lines_of_enquiry == ""
    assert report.dissemination == "Through the action plan (fictional)"


def test_learning_items_are_edits_of_the_report(officer, review, partnership):
    report = report_start(actor=officer, review=review)
    police = agency_with_user(partnership).agency
    with pytest.raises(ValidationError) as refused:
        learning_item_add(actor=officer, report=report, kind="learning_point", text=" ")
    assert refused.value.message_dict["text"] == ["Enter the learning point"]
    item = learning_item_add(actor=officer, report=report, kind="immediate_action",
                             text="Review the missed appointments policy", owner="Lead nurse",
                             agency=police, due_on=datetime.date(2027, 1, 29))
    report.refresh_from_db()
    assert report.revision == 2
    assert json.loads(report.revisions.first().text)[0]["text"] == \
        "Review the missed appointments policy"
    learning_item_remove(actor=officer, item=item)
    report.refresh_from_db()
    assert report.revision == 3 and not LearningItem.objects.filter(report=report).exists()
    assert report.revisions.first().text == "[]"


def test_a_stopped_review_refuses_edits(officer, review, client):
    report = report_start(actor=officer, review=review)
    rapid_review_stop(actor=officer, review=review, reason="Criteria not met (fictional)",
                      panel_told_on=review.started_on)
    with pytest.raises(ValidationError, match="stopped"):
        report_section_save(actor=officer, report=report, key="background", text="More")
    with pytest.raises(ValidationError, match="stopped"):
        learning_item_add(actor=officer, report=report, kind="learning_point", text="A point")
    client.force_login(officer)
    ref = review.case.reference
    assert client.get(reverse("rapid_review:report-section",
                              args=[ref, "background"])).status_code == 404
    page = client.get(reverse("rapid_review:report", args=[ref]))
    assert page.status_code == 200 and "Change<span" not in page.content.decode()


# --- Documents -----------------------------------------------------------------------------

def test_the_report_and_decision_record_read_back_from_docx_and_pdf(officer, recorded):
    report = report_start(actor=officer, review=recorded)
    report = report_section_save(actor=officer, report=report, key="conclusions",
                                 text="The group recommends a local review (fictional).")
    report = report_assessment_save(
        actor=officer, report=report,
        criteria={**ALL_NOT_KNOWN,
                  "agencies_working_together": {"met": "yes",
                                                "evidence": "Information not shared"}},
        may_be_complex_or_national=False, reason="")
    meeting = _meeting(officer, recorded)
    report = report_decision_record(actor=officer, report=report, meeting=meeting,
                                    decision=ReviewReport.Decision.LOCAL_CSPR,
                                    key_lines_of_enquiry="How was information shared?")
    learning_item_add(actor=officer, report=report, kind="learning_point",
                      text="Share missed appointments with the school")
    report.refresh_from_db()
    content = report_content(report)
    docx, pdf = docx_text(render_docx(content)), pdf_text(render_pdf(content))
    for text in (docx, pdf):
        positions = [text.find(heading) for _key, heading, _g in SECTIONS]
        assert -1 not in positions, [h for (_k, h, _g), p in zip(SECTIONS, positions,
                                                                strict=True) if p == -1]
        assert positions == sorted(positions)
        assert "Local child safeguarding practice review (LCSPR)" in text
        assert "How was information shared?" in text
        assert "Information not shared" in text
        assert "Share missed appointments with the school" in text

    signatures = [PartnerSignature(partner="police", outcome="signed", signer_name="Percy Example",
                                   signer_role="Chief Superintendent (fictional)",
                                   signed_at=AFTER_MEETING, content_sha256="ab" * 32)]
    record = decision_record_content(report, signatures)
    docx, pdf = (docx_text(render_docx(record)), pdf_text(render_pdf(record)))
    for text in (docx, pdf):
        assert "Recommendation to Safeguarding Partners" in text
        assert "Lena Example" in text and "ICB representative" in text
        assert "all three safeguarding partners represented" in text
        assert "Local child safeguarding practice review (LCSPR)" in text
        assert "Percy Example" in text and "18 November" in text
    assert "Chief Superintendent (fictional)" in docx and "18 November 2026" in docx
    assert "ab" * 32 in docx
    blank = docx_text(render_docx(decision_record_content(report)))
    assert "Chief Superintendent" not in blank and blank.count("______") >= 9


# --- Pages ---------------------------------------------------------------------------------

def test_starting_and_editing_through_the_pages(client, officer, recorded):
    client.force_login(officer)
    ref = recorded.case.reference
    page = reverse("rapid_review:report", args=[ref])
    assert "Start the report" in client.get(page).content.decode()
    assert client.post(reverse("rapid_review:report-start", args=[ref])).status_code == 302
    assert client.post(reverse("rapid_review:report-start", args=[ref])).status_code == 400
    section = reverse("rapid_review:report-section", args=[ref, "background"])
    response = client.post(section, {"text": "y" * 20_001})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Background must be 20,000 characters or fewer" in body
    assert 'id="id_text_1_error"' in body and "y" * 20_001 in body
    assert client.post(section, {"text": "Known to services since 2024 (fictional)"}
                       ).status_code == 302
    body = client.get(page).content.decode()
    assert "Known to services since 2024 (fictional)" in body
    history = client.get(reverse("rapid_review:report-history", args=[ref])).content.decode()
    assert "Known to services since 2024 (fictional)" in history
    assert "Report started from the record" in history


def test_the_assessment_page_keeps_what_was_typed(client, officer, review):
    report_start(actor=officer, review=review)
    client.force_login(officer)
    url = reverse("rapid_review:report-assessment", args=[review.case.reference])
    body = client.get(url).content.decode()
    assert "LCSPR criteria" in body and "Circumstances" in body
    response = client.post(url, {"improvements_needed_met": "yes",
                                 "improvements_needed_evidence": "",
                                 "recurrent_themes_evidence": "Typed evidence (fictional)",
                                 "may_be_complex_or_national": "yes"})
    body = response.content.decode()
    assert "Enter the evidence that this is met" in body
    assert "Enter why the case may be complex or of national importance" in body
    assert "Typed evidence (fictional)" in body
    data = {f"{code}_met": "no" for code, _g, _l in ASSESSED_CRITERIA}
    response = client.post(url, {**data, "may_be_complex_or_national": "no"})
    assert response.status_code == 302
    assert ReviewReport.objects.get(review=review).may_be_complex_or_national is False


def test_the_decision_page_shows_a_non_quorate_meeting_next_to_the_field(client, officer,
                                                                           review):
    _assessed(officer, report_start(actor=officer, review=review))
    not_quorate = _meeting(officer, review, people=QUORUM[:2])
    unconfirmed = _meeting(officer, review, confirm=False)
    client.force_login(officer)
    url = reverse("rapid_review:report-decision", args=[review.case.reference])
    body = client.get(url).content.decode()
    assert "not quorate: no representative of Integrated Care Board" in body
    assert f'value="{unconfirmed.pk}"' not in body
    response = client.post(url, {"meeting": not_quorate.pk, "decision": "local_cspr",
                                 "key_lines_of_enquiry": "Typed lines (fictional)"})
    body = response.content.decode()
    assert 'id="id_meeting_1_error"' in body
    assert "so it cannot record a decision" in body
    assert "Typed lines (fictional)" in body
    quorate = _meeting(officer, review)
    response = client.post(url, {"meeting": quorate.pk, "decision": "local_cspr",
                                 "key_lines_of_enquiry": "Typed lines (fictional)"})
    assert response.status_code == 302
    body = client.get(reverse("rapid_review:report", args=[review.case.reference])
                      ).content.decode()
    assert "Local child safeguarding practice review (LCSPR)" in body
    assert "Typed lines (fictional)" in body


def test_learning_items_through_the_pages(client, officer, review):
    report = report_start(actor=officer, review=review)
    client.force_login(officer)
    ref = review.case.reference
    add = reverse("rapid_review:report-learning-add", args=[ref])
    assert "Select whether this is a learning point" in client.post(add, {}).content.decode()
    assert client.post(add, {"kind": "learning_point", "text": "Point (fictional)"}
                       ).status_code == 302
    item = LearningItem.objects.get(report=report)
    remove = reverse("rapid_review:report-learning-remove", args=[ref, item.pk])
    assert "Point (fictional)" in client.get(remove).content.decode()
    assert client.post(remove).status_code == 302
    assert not LearningItem.objects.filter(report=report).exists()


def test_partners_read_the_report_agencies_and_other_partnerships_get_404(
        client, officer, review, partnership, other_partnership):
    report = report_start(actor=officer, review=review)
    item = learning_item_add(actor=officer, report=report, kind="learning_point", text="A")
    ref = review.case.reference
    readable = [reverse("rapid_review:report", args=[ref]),
                reverse("rapid_review:report-history", args=[ref]),
                reverse("rapid_review:report-preview", args=[ref, "report", "docx"])]
    editable = [reverse("rapid_review:report-section", args=[ref, "background"]),
                reverse("rapid_review:report-assessment", args=[ref]),
                reverse("rapid_review:report-decision", args=[ref]),
                reverse("rapid_review:report-learning-add", args=[ref]),
                reverse("rapid_review:report-learning-remove", args=[ref, item.pk])]
    partner = user_with_role(partnership, Role.PARTNER_REPRESENTATIVE,
                             statutory_partner="police")
    client.force_login(partner)
    assert [client.get(u).status_code for u in readable] == [200, 200, 200]
    body = client.get(readable[0]).content.decode()
    assert "Change<span" not in body and "Add a learning point" not in body
    assert [client.get(u).status_code for u in editable] == [404] * len(editable)
    assert client.post(editable[0], {"text": "Partner edit"}).status_code == 404
    assert client.post(reverse("rapid_review:report-start", args=[ref])).status_code == 404
    for outsider in (agency_with_user(partnership).user,
                     user_with_role(other_partnership, Role.BUSINESS_UNIT_OFFICER)):
        client.force_login(outsider)
        assert [client.get(u).status_code for u in readable + editable] == \
            [404] * (len(readable) + len(editable))
    report.refresh_from_db()
    assert report.sections["background"] == ""


def test_the_report_page_uses_a_fixed_number_of_queries(client, officer, review,
                                                        django_assert_max_num_queries):
    report = _assessed(officer, report_start(actor=officer, review=review))
    meeting = _meeting(officer, review, people=QUORUM * 3)
    report_decision_record(actor=officer, report=report, meeting=meeting,
                           decision=ReviewReport.Decision.NATIONAL_REVIEW)
    for number in range(8):
        learning_item_add(actor=officer, report=report,
                          kind="learning_point" if number % 2 else "immediate_action",
                          text=f"Item {number}")
    client.force_login(officer)
    ref = review.case.reference
    with django_assert_max_num_queries(9):
        assert client.get(reverse("rapid_review:report", args=[ref])).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(reverse("rapid_review:report-history", args=[ref])).status_code == 200


# --- Browser: every report page passes axe, with and without errors -----------------------

@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_every_report_page_passes_axe(page, officer, partnership):
    from playwright.sync_api import expect

    from tests.conftest import sign_in
    from tests.factories import PASSWORD

    with time_machine.travel(datetime.datetime(2026, 11, 2, 12, tzinfo=datetime.UTC)):
        review = review_for(partnership, officer, notified_on=NOTIFIED)
    _meeting(officer, review, people=QUORUM[:2])
    _meeting(officer, review)
    ref = review.case.reference
    sign_in(page, officer.email, PASSWORD)
    page.goto(reverse("rapid_review:overview", args=[ref]))
    page.check_accessibility()
    page.get_by_role("link", name="Rapid review report and decision").click()
    page.check_accessibility()
    page.get_by_role("button", name="Start the report").click()
    page.check_accessibility()
    page.get_by_role("link", name="Change Case summary").click()
    page.check_accessibility()
    page.get_by_label("Case summary").fill("A summary (fictional)")
    page.get_by_role("button", name="Save and return to the report").click()
    page.check_accessibility()
    page.get_by_role("link", name="Record the decision").click()
    page.check_accessibility()
    page.get_by_role("button", name="Record the decision").click()  # errors
    page.check_accessibility()
    page.goto(reverse("rapid_review:report-assessment", args=[ref]))
    page.check_accessibility()
    page.locator("[name=improvements_needed_met][value=yes]").check()
    page.get_by_role("button", name="Save the assessment").click()  # errors
    page.check_accessibility()
    for code, _group, _label in ASSESSED_CRITERIA:
        page.locator(f"[name={code}_met][value=not_known]").check()
    page.locator("[name=may_be_complex_or_national][value=no]").check()
    page.get_by_role("button", name="Save the assessment").click()
    page.check_accessibility()
    page.goto(reverse("rapid_review:report-decision", args=[ref]))
    page.check_accessibility()
    page.get_by_label("17 November 2026 (quorate)").check()
    page.get_by_label("Local child safeguarding practice review (LCSPR)").check()
    page.get_by_label("For a local review: the key lines of enquiry").fill(
        "How was information shared? (fictional)")
    page.get_by_role("button", name="Record the decision").click()
    page.check_accessibility()
    page.get_by_role("link", name="Add a learning point or initial action").click()
    page.check_accessibility()
    page.get_by_role("button", name="Add").click()  # errors
    page.check_accessibility()
    page.get_by_label("Provisional learning point").check()
    page.get_by_label("What is it?").fill("Share missed appointments (fictional)")
    page.get_by_role("button", name="Add").click()
    page.check_accessibility()
    page.get_by_role("link", name="Remove provisional learning point 1").click()
    page.check_accessibility()
    page.get_by_role("link", name="Cancel").click()
    page.check_accessibility()
    page.get_by_role("link", name="Version history").click()
    page.check_accessibility()
    partner = user_with_role(partnership, Role.PARTNER_REPRESENTATIVE, statutory_partner="icb")
    page.context.clear_cookies()
    sign_in(page, partner.email, PASSWORD)
    page.goto(reverse("rapid_review:report", args=[ref]))
    page.check_accessibility()
    expect(page.locator("#decision")).to_contain_text("How was information shared? (fictional)")
