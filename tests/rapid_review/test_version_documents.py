"""A version's documents are rendered after the edit that froze it commits, from its stored
snapshot; a PDF failure costs only the PDF (the edit and the Word version stand, the pages
say what failed, and making the documents again tries it again); an edit voiding a fully
signed version reopens the plan's "partners sign" step and says so (docs/decisions/0006)."""

import datetime
import re
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import AuditEvent, Role, StatutoryPartner
from calendars.models import DeadlineStatus
from cases.documents import DocumentContent, Paragraph, document_generate
from cases.models import CaseDocument
from rapid_review.models import ReviewReport
from rapid_review.services import report_section_save
from rapid_review.services.signoff import (
    REOPENED,
    live_version,
    report_send_for_signature,
    report_sign,
)
from tests.notifications.builders import partner_representatives
from tests.rapid_review.builders import held_quorate_meeting, review_for
from tests.readback import docx_text

pytestmark = pytest.mark.django_db
NOTIFIED = datetime.date(2026, 11, 2)
PDF_FAILURE = RuntimeError("cairo surface could not be created")


@pytest.fixture
def officer(make_user):
    return make_user(Role.BUSINESS_UNIT_OFFICER)


@pytest.fixture
def partners(partnership):
    return partner_representatives(partnership)


@pytest.fixture
def report(partnership, officer, django_capture_on_commit_callbacks):
    """Out for signature as version 1, its documents made."""
    review = review_for(partnership, officer, notified_on=NOTIFIED)
    meeting = held_quorate_meeting(review, officer, datetime.date(2026, 11, 17))
    report = ReviewReport.objects.create(
        review=review, sections={"introduction": "A rapid review (fictional)."},
        decision=ReviewReport.Decision.LOCAL_CSPR, decision_meeting=meeting,
        key_lines_of_enquiry="Information sharing (fictional)", updated_by=officer)
    with django_capture_on_commit_callbacks(execute=True):
        report_send_for_signature(actor=officer, report=report)
    return report


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _documents(report, number: int):
    return CaseDocument.objects.filter(case=report.review.case,
                                       related_key=f"report-version-{number}")


def _pdf_fails():
    """WeasyPrint (not ours) failing: every PDF it is asked for raises."""
    html = mock.patch("weasyprint.HTML", autospec=True)
    patched = html.start()
    patched.return_value.write_pdf.side_effect = PDF_FAILURE
    return html


def test_an_edit_commits_first_and_the_next_versions_documents_come_from_its_snapshot(
        report, officer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as after_commit:
        report_section_save(actor=officer, report=report, key="background",
                            text="Background as frozen in version 2 (fictional)")
        # Nothing was rendered inside the edit's transaction.
        assert not _documents(report, 2).exists()
    # Before the documents are made the live report moves on (behind the services' back):
    # version 2's documents still say what version 2 froze.
    ReviewReport.objects.filter(pk=report.pk).update(
        sections={"introduction": "A rapid review (fictional).",
                  "background": "Changed after the freeze (fictional)"})
    for callback in after_commit:
        callback()
    words = docx_text(_documents(report, 2).get(kind=CaseDocument.Kind.RAPID_REVIEW_REPORT).docx)
    assert "Background as frozen in version 2 (fictional)" in words
    assert "Changed after the freeze" not in words
    assert live_version(report).content_sha256 in words
    assert {d.kind for d in _documents(report, 2)} == {
        CaseDocument.Kind.RAPID_REVIEW_REPORT, CaseDocument.Kind.DECISION_RECORD,
        CaseDocument.Kind.DECISION_RECORD_LETTER}


def test_documents_not_made_after_the_commit_are_listed_and_made_from_the_sign_off_page(
        report, officer, partners, django_capture_on_commit_callbacks,
        django_assert_max_num_queries):
    with django_capture_on_commit_callbacks(execute=False):  # as if the process died
        report_section_save(actor=officer, report=report, key="background",
                            text="A new background (fictional)")
    client = _client(officer)
    url = reverse("rapid_review:signoff", args=[report.review.case.reference])
    with django_assert_max_num_queries(15):
        html = client.get(url).content.decode()
    assert html.count("Not made yet") == 3 and "Make the documents of version 2" in html
    make = reverse("rapid_review:signoff-documents", args=[report.review.case.reference])
    partner = _client(partners[StatutoryPartner.POLICE])  # reads the papers, runs nothing
    assert "Make the documents" not in partner.get(url).content.decode()
    assert partner.post(make).status_code == 404 and not _documents(report, 2).exists()
    response = client.post(make)
    assert response.status_code == 302
    assert _documents(report, 2).count() == 3
    assert "Not made yet" not in client.get(url).content.decode()


def test_a_pdf_failure_keeps_the_edit_and_the_word_version_and_the_pages_say_so(
        report, officer, django_capture_on_commit_callbacks):
    client = _client(officer)
    reference = report.review.case.reference
    section = reverse("rapid_review:report-section", args=[reference, "background"])
    patcher = _pdf_fails()
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(section, {"text": "Saved although the PDF fails",
                                             "revision": report.revision})
    finally:
        patcher.stop()
    assert response.status_code == 302  # the edit went through
    report.refresh_from_db()
    assert report.sections["background"] == "Saved although the PDF fails"
    documents = list(_documents(report, 2))
    assert len(documents) == 3
    for document in documents:
        assert "Saved although" in docx_text(document.docx) or \
            document.kind != CaseDocument.Kind.RAPID_REVIEW_REPORT
        assert document.docx_sha256 and not bytes(document.pdf)
        assert document.pdf_error == ("the PDF renderer failed (RuntimeError: cairo surface "
                                      "could not be created)")
    assert AuditEvent.objects.filter(object_type="cases.casedocument",
                                     detail__pdf_failed=True).count() == 3

    page = client.get(reverse("rapid_review:signoff", args=[reference])).content.decode()
    listed = page[page.index('id="version-documents"'):]
    listed = listed[:listed.index("</ul>")]
    assert listed.count("PDF could not be made") == 3
    assert "cairo surface could not be created" in listed
    for document in documents:
        pdf = reverse("cases:document-download", args=[reference, document.pk, "pdf"])
        assert pdf not in listed
        missing = client.get(pdf)
        assert missing.status_code == 404 and "The PDF could not be made" in \
            missing.content.decode()
        assert reverse("cases:document-download", args=[reference, document.pk, "docx"]) in \
            missing.content.decode()
    assert "Make the documents of version 2" in page

    # WeasyPrint works again: making the documents again makes the PDFs, same versions.
    client.post(reverse("rapid_review:signoff-documents", args=[reference]))
    for document in _documents(report, 2):
        assert bytes(document.pdf).startswith(b"%PDF") and not document.pdf_error
        assert document.version == 1
    assert "PDF could not be made" not in client.get(
        reverse("rapid_review:signoff", args=[reference])).content.decode()


def test_a_pdf_failure_does_not_fail_the_word_version(report, officer):
    content = DocumentContent("A fictional paper", "Alphashire", "ALPHA-1").add(
        Paragraph("Nothing about a child"))
    patcher = _pdf_fails()
    try:
        document = document_generate(actor=officer, case=report.review.case,
                                     kind=CaseDocument.Kind.MASTER_CHRONOLOGY, content=content)
    finally:
        patcher.stop()
    assert "Nothing about a child" in docx_text(document.docx) and document.pdf_error
    again = document_generate(actor=officer, case=report.review.case,
                              kind=CaseDocument.Kind.MASTER_CHRONOLOGY, content=content)
    assert again.pk == document.pk and not again.pdf_error
    assert bytes(CaseDocument.objects.get(pk=document.pk).pdf).startswith(b"%PDF")


def test_an_edit_voiding_a_fully_signed_version_reopens_the_partners_sign_step(
        report, officer, partners):
    version = live_version(report)
    for partner in StatutoryPartner.values:
        report_sign(actor=partners[partner], version=version,
                    content_sha256=version.content_sha256, signer_role="Director")
    step = report.review.case.deadlines.get(step__key="partners_sign")
    assert step.status in (DeadlineStatus.MET, DeadlineStatus.MISSED)

    client = _client(officer)
    reference = report.review.case.reference
    response = client.post(
        reverse("rapid_review:report-section", args=[reference, "background"]),
        {"text": "Changed after the three signatures (fictional)",
         "revision": report.revision}, follow=True)
    message = response.content.decode()
    assert re.search(r"Version 1, which was out for signature, is now void with its "
                     r"signatures: the partners are asked to sign version 2\. All three "
                     r"partners had signed it, so the plan(&#x27;|')s step for their "
                     r"signatures is open again", message)
    step.refresh_from_db()
    assert (step.status, step.met_at) == (DeadlineStatus.OPEN, None)
    assert AuditEvent.objects.filter(object_type="calendars.deadline", object_id=str(step.pk),
                                     detail__reopened=True).exists()
    version.refresh_from_db()
    assert version.void_reason.endswith(REOPENED)
    page = client.get(reverse("rapid_review:signoff", args=[reference])).content.decode()
    assert "so the plan&#x27;s step for their signatures is open again" in page

    # The new version signed by all three meets the step again.
    new = live_version(report)
    for partner in StatutoryPartner.values:
        report_sign(actor=partners[partner], version=new,
                    content_sha256=new.content_sha256, signer_role="Director")
    step.refresh_from_db()
    assert step.status in (DeadlineStatus.MET, DeadlineStatus.MISSED)
