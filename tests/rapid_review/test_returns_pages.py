"""The agency's pages: its requests only, the task list, question pages, attachments, check
and submit, and 404 for anyone else's."""

import datetime
import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document

from accounts.models import AuditEvent
from cases.models import CaseDocument
from rapid_review.models import AgencyReturn, ChronologyEntry
from rapid_review.services import return_attachment_add
from tests.factories import MembershipFactory

from .builders import (
    agency_with_user,
    completed_return,
    officer_of,
    review_for,
    send_requests,
    submitted_return,
)

pytestmark = pytest.mark.django_db
SENT = datetime.datetime(2026, 11, 25, 10, 0, tzinfo=datetime.UTC)
PDF = b"%PDF-1.4\n%%EOF\n"


def _date(prefix: str, day: int, month: int, year: int) -> dict:
    return {f"{prefix}_0": str(day), f"{prefix}_1": str(month), f"{prefix}_2": str(year)}


def _r(name: str, pk: int, **kwargs) -> str:
    return reverse(f"rapid_review:{name}", kwargs={"pk": pk, **kwargs})


@pytest.fixture
def two_agencies(partnership):
    """One review with requests to the police and a school; each has one user."""
    with time_machine.travel(SENT):
        review = review_for(partnership)
        police = agency_with_user(partnership, "Alphashire Police (fictional)")
        school = agency_with_user(partnership, "Alphashire Primary (fictional)")
        police_request, school_request = send_requests(review, [police.agency, school.agency])
    return review, (police, police_request), (school, school_request)


@time_machine.travel(SENT)
def test_an_agency_sees_only_its_own_requests(client, two_agencies, partnership,
                                              django_assert_max_num_queries):
    review, (police, police_request), (school, _) = two_agencies
    with time_machine.travel(SENT):
        other_review = review_for(partnership)
        send_requests(other_review, [police.agency])
    client.force_login(police.user)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("rapid_review:agency-requests"))
    assert [r.agency for r in response.context["page"]] == [police.agency, police.agency]
    html = response.content.decode()
    assert review.case.reference in html and other_review.case.reference in html
    assert school.agency.name not in html
    home = client.get(reverse("dashboards:home")).content.decode()
    assert f'href="{_r("return", police_request.pk)}"' in home
    assert "Information requests" in home  # navigation


@time_machine.travel(SENT)
def test_another_agencys_return_is_404_everywhere(client, two_agencies):
    _review, (police, police_request), (school, school_request) = two_agencies
    attachment = return_attachment_add(actor=school.user,
                                       agency_return=school_request.agency_return,
                                       filename="school.pdf", data=PDF)
    pack = CaseDocument.objects.get(related_key=school_request.deadline_key)
    client.force_login(police.user)
    pk = school_request.pk
    for url in (_r("return", pk), _r("return-section", pk, section="summary"),
                _r("return-nil", pk), _r("return-attachments", pk), _r("return-submit", pk),
                _r("return-attachment", pk, attachment_pk=attachment.pk),
                reverse("cases:document-download",
                        args=[school_request.review.case.reference, pack.pk, "pdf"])):
        assert client.get(url).status_code == 404, url
    assert client.post(_r("return-section", pk, section="summary"),
                       {"summary": "Overwritten"}).status_code == 404
    assert client.post(_r("return-attachment-remove", pk,
                          attachment_pk=attachment.pk)).status_code == 404
    school_request.agency_return.refresh_from_db()
    assert school_request.agency_return.summary == ""
    assert school_request.agency_return.attachments.count() == 1


@time_machine.travel(SENT)
def test_another_partnerships_agency_user_gets_404(client, two_agencies, other_partnership):
    _review, (police, police_request), _ = two_agencies
    # The same agency serving partnership B, with a user only there.
    police.agency.partnerships.add(other_partnership)
    b_user = MembershipFactory(partnership=other_partnership, role="agency_user",
                               agency=police.agency).user
    client.force_login(b_user)
    assert client.get(_r("return", police_request.pk)).status_code == 404
    assert client.get(reverse("rapid_review:agency-requests")).context["page"].object_list == []


@time_machine.travel(SENT)
def test_the_task_list_offers_the_pack_and_every_section(client, two_agencies):
    review, (police, request), _ = two_agencies
    client.force_login(police.user)
    response = client.get(_r("return", request.pk))
    html = response.content.decode()
    pack = CaseDocument.objects.get(related_key=request.deadline_key)
    pdf_url = reverse("cases:document-download", args=[review.case.reference, pack.pk, "pdf"])
    assert pdf_url in html
    for task in ("Involvement", "Summary of involvement", "Analysis", "Immediate learning",
                 "Records secured", "Chronology", "Attachments", "Make a nil return"):
        assert task in html, task
    assert "0 entries" in html
    assert f'href="{_r("return-chronology", request.pk)}"' in html
    for n in (1, 2):
        ChronologyEntry.objects.create(
            agency_return=request.agency_return, review=review, agency=police.agency,
            date=datetime.date(2026, 10, n), agency_department="Response", subjects="Child",
            contact_type="Visit", details="Fictional visit")
    assert "2 entries" in client.get(_r("return", request.pk)).content.decode()
    download = client.get(pdf_url)
    assert download.status_code == 200 and download.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action=AuditEvent.Action.VIEW,
                                     object_type="rapid_review.agencyreturn").exists()


@time_machine.travel(SENT)
def test_a_section_with_errors_keeps_what_was_typed(client, two_agencies):
    _review, (police, request), _ = two_agencies
    client.force_login(police.user)
    url = _r("return-section", request.pk, section="involvement")
    response = client.post(url, {"involved_with": ["child"], **_date("involvement_from", 1, 6,
                                                                     2026),
                                 **_date("involvement_to", 1, 5, 2026),
                                 "services": "School nursing (fictional)"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "must be the same as or after the date it started" in html
    assert "School nursing (fictional)" in html
    assert response.context["form"]["involved_with"].value() == ["child"]
    assert 'href="#id_involvement_to' in html
    response = client.post(url, {"involved_with": ["child", "perpetrator"],
                                 **_date("involvement_from", 1, 6, 2026),
                                 "services": "School nursing (fictional)"})
    assert response.status_code == 302
    request.agency_return.refresh_from_db()
    assert request.agency_return.involved_with == "child,perpetrator"
    # Drafts survive: a new session sees the saved answer.
    client.logout()
    client.force_login(police.user)
    assert "School nursing (fictional)" in client.get(url).content.decode()


@time_machine.travel(SENT)
def test_records_secured_yes_needs_its_date_next_to_the_field(client, two_agencies):
    _review, (police, request), _ = two_agencies
    client.force_login(police.user)
    url = _r("return-section", request.pk, section="records")
    response = client.post(url, {"records_secured": "yes"})
    assert "Enter the date the records were secured" in response.content.decode()
    response = client.post(url, {"records_secured": "yes",
                                 **_date("records_secured_on", 25, 11, 2026)})
    assert response.status_code == 302


@time_machine.travel(SENT)
def test_attachments_are_checked_with_a_clear_error_next_to_the_field(client, two_agencies):
    _review, (police, request), _ = two_agencies
    client.force_login(police.user)
    url = _r("return-attachments", request.pk)
    response = client.post(url, {"file": SimpleUploadedFile("virus.pdf", b"MZ not a pdf")})
    html = response.content.decode()
    assert response.status_code == 200 and "The selected file is not a real PDF file" in html
    assert 'href="#id_file"' in html
    response = client.post(url, {"file": SimpleUploadedFile("notes.txt", b"text")})
    assert "must be a PDF, DOCX or XLSX" in response.content.decode()
    out = io.BytesIO()
    Document().save(out)
    response = client.post(url, {"file": SimpleUploadedFile("notes.docx", out.getvalue())})
    assert response.status_code == 302
    attachment = request.agency_return.attachments.get()
    download = client.get(_r("return-attachment", request.pk, attachment_pk=attachment.pk))
    assert download.status_code == 200 and download.content == out.getvalue()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DOWNLOAD,
                                     object_type="rapid_review.returnattachment").exists()
    # The business unit reads it too.
    client.force_login(officer_of(request.review.case.partnership))
    assert client.get(_r("return-attachment", request.pk,
                         attachment_pk=attachment.pk)).status_code == 200


@time_machine.travel(SENT)
def test_the_check_page_lists_what_is_missing_with_links(client, two_agencies):
    _review, (police, request), _ = two_agencies
    client.force_login(police.user)
    response = client.get(_r("return-submit", request.pk))
    html = response.content.decode()
    assert "There is a problem" in html
    assert (f'href="{_r("return-section", request.pk, section="summary")}#id_summary"'
            in html)
    assert "Enter the summary of involvement" in html
    response = client.post(_r("return-submit", request.pk), {"authorised_by": "Pat"})
    assert response.status_code == 200
    request.agency_return.refresh_from_db()
    assert request.agency_return.status == AgencyReturn.Status.DRAFT


@time_machine.travel(SENT)
def test_submitting_locks_every_edit_page(client, two_agencies):
    _review, (police, request), _ = two_agencies
    completed_return(request, police.user)
    client.force_login(police.user)
    response = client.post(_r("return-submit", request.pk), {"authorised_by": ""})
    assert "Enter the name of the safeguarding lead officer" in response.content.decode()
    response = client.post(_r("return-submit", request.pk),
                           {"authorised_by": "Pat Example-Lead"})
    assert response.status_code == 302
    request.agency_return.refresh_from_db()
    assert request.agency_return.status == AgencyReturn.Status.SUBMITTED
    page = client.get(_r("return", request.pk)).content.decode()
    assert "Return submitted" in page and "Pat Example-Lead" in page
    for url in (_r("return-section", request.pk, section="summary"), _r("return-nil", request.pk),
                _r("return-attachments", request.pk), _r("return-submit", request.pk)):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {}).status_code == 404, url


@time_machine.travel(SENT)
def test_a_nil_return_through_the_pages(client, two_agencies):
    _review, _, (school, request) = two_agencies
    client.force_login(school.user)
    url = _r("return-nil", request.pk)
    response = client.post(url, {"is_nil": "yes", "nil_reason": ""})
    assert "Enter why your agency is making a nil return" in response.content.decode()
    assert client.post(url, {"is_nil": "yes",
                             "nil_reason": "No record of the family"}).status_code == 302
    page = client.get(_r("return", request.pk)).content.decode()
    assert "You are making a nil return" in page and "Not needed" in page
    response = client.post(_r("return-submit", request.pk), {"authorised_by": "Sam SLO"})
    assert response.status_code == 302
    request.agency_return.refresh_from_db()
    assert request.agency_return.is_nil_return and request.agency_return.is_locked


@time_machine.travel(SENT)
def test_a_reopened_return_shows_why_and_can_be_edited(client, two_agencies):
    review, (police, request), _ = two_agencies
    submitted_return(request, police.user)
    officer = officer_of(review.case.partnership)
    client.force_login(officer)
    client.post(reverse("rapid_review:return-reopen",
                        args=[review.case.reference, request.pk]),
                {"reason": "Add the dates of the two home visits"})
    client.force_login(police.user)
    page = client.get(_r("return", request.pk)).content.decode()
    assert "Add the dates of the two home visits" in page and "Reopened" in page
    assert client.get(_r("return-section", request.pk, section="summary")).status_code == 200
