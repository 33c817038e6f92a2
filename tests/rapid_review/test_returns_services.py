"""Agency returns: drafts, attachments, nil returns, submission (locks, late) and reopening."""

import datetime
import io

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import ValidationError
from docx import Document
from openpyxl import Workbook

from accounts import rules
from accounts.models import AuditEvent
from calendars.models import Deadline, DeadlineStatus
from outbox.models import Message
from rapid_review.models import AgencyReturn
from rapid_review.services import (
    agency_return_missing,
    agency_return_nil,
    agency_return_reopen,
    agency_return_save,
    agency_return_submit,
    return_attachment_add,
)

from .builders import (
    agency_with_user,
    completed_return,
    officer_of,
    review_for,
    send_requests,
    submitted_return,
)

pytestmark = pytest.mark.django_db
d = datetime.date.fromisoformat
SENT = datetime.datetime(2026, 11, 25, 10, 0, tzinfo=datetime.UTC)  # due Wed 2 December
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _docx() -> bytes:
    out = io.BytesIO()
    Document().save(out)
    return out.getvalue()


def _xlsx() -> bytes:
    out = io.BytesIO()
    Workbook().save(out)
    return out.getvalue()


@pytest.fixture
def sent(partnership):
    with time_machine.travel(SENT):
        review = review_for(partnership)
        police = agency_with_user(partnership)
        [request] = send_requests(review, [police.agency])
    return request, police.user


@time_machine.travel(SENT)
def test_a_return_needs_its_required_sections_before_it_can_be_submitted(sent):
    request, user = sent
    agency_return = request.agency_return
    assert set(agency_return_missing(agency_return)) == {"involvement", "summary", "analysis",
                                                         "records"}
    with pytest.raises(ValidationError) as error:
        agency_return_submit(actor=user, agency_return=agency_return, authorised_by="Pat")
    assert set(error.value.message_dict) == {"involvement", "summary", "analysis", "records"}
    completed_return(request, user)
    assert agency_return_missing(request.agency_return) == {}
    with pytest.raises(ValidationError, match="safeguarding lead officer"):
        agency_return_submit(actor=user, agency_return=agency_return, authorised_by="  ")


@time_machine.travel(SENT)
def test_sections_check_their_dates(sent):
    request, user = sent
    agency_return = request.agency_return
    with pytest.raises(ValidationError) as error:
        agency_return_save(actor=user, agency_return=agency_return, section="records",
                           records_secured=True, records_secured_on=None)
    assert "records_secured_on" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        agency_return_save(actor=user, agency_return=agency_return, section="involvement",
                           involved_with=["child"], involvement_from=d("2026-06-01"),
                           involvement_to=d("2026-05-01"), services="GP")
    assert "involvement_to" in error.value.message_dict
    with pytest.raises(ValidationError, match="today or in the past"):
        agency_return_save(actor=user, agency_return=agency_return, section="records",
                           records_secured=True, records_secured_on=d("2026-11-26"))
    agency_return_save(actor=user, agency_return=agency_return, section="records",
                       records_secured=False, records_secured_on=d("2026-11-20"))
    agency_return.refresh_from_db()
    assert agency_return.records_secured is False and agency_return.records_secured_on is None


@time_machine.travel(SENT)
def test_submitting_locks_the_return_and_meets_the_deadline_on_time(sent, make_user):
    request, user = sent
    officer = officer_of(request.review.case.partnership)
    agency_return = submitted_return(request, user)
    assert agency_return.status == AgencyReturn.Status.SUBMITTED
    assert agency_return.submitted_by == user and agency_return.authorised_by
    assert agency_return.submitted_late is False
    deadline = Deadline.objects.get(pk=request.return_deadline_id)
    assert deadline.status == DeadlineStatus.MET
    assert not rules.can_edit_return(user, agency_return)
    with pytest.raises(ValidationError, match="has been submitted"):
        agency_return_save(actor=user, agency_return=agency_return, section="summary",
                           summary="Changed after submitting")
    with pytest.raises(ValidationError, match="has been submitted"):
        return_attachment_add(actor=user, agency_return=agency_return, filename="a.pdf",
                              data=PDF)
    with pytest.raises(ValidationError, match="has been submitted"):
        agency_return_nil(actor=user, agency_return=agency_return, is_nil=True, reason="x")
    [email] = Message.objects.filter(kind="return_submitted")  # queued with the submission
    assert email.to == officer.email and email.related == {"return": agency_return.pk}
    assert request.review.case.reference in email.body
    assert "Testchild" not in email.body


def test_a_return_after_its_due_date_is_marked_late_and_the_deadline_missed(sent):
    request, user = sent
    with time_machine.travel(datetime.datetime(2026, 12, 3, 9, 0, tzinfo=datetime.UTC)):
        agency_return = submitted_return(request, user)
    assert agency_return.submitted_late is True
    assert Deadline.objects.get(pk=request.return_deadline_id).status == \
        DeadlineStatus.MISSED


def test_on_the_due_date_itself_it_is_not_late(sent):
    request, user = sent
    with time_machine.travel(datetime.datetime(2026, 12, 2, 16, 0, tzinfo=datetime.UTC)):
        assert submitted_return(request, user).submitted_late is False


@time_machine.travel(SENT)
def test_a_nil_return_needs_a_reason_and_nothing_else(sent):
    request, user = sent
    with pytest.raises(ValidationError, match="Enter why"):
        agency_return_nil(actor=user, agency_return=request.agency_return, is_nil=True,
                          reason=" ")
    agency_return = submitted_return(request, user, nil=True)
    assert agency_return.is_nil_return and agency_return.status == "submitted"
    assert agency_return.summary == ""


@time_machine.travel(SENT)
def test_choosing_no_after_a_nil_return_clears_the_reason(sent):
    request, user = sent
    agency_return_nil(actor=user, agency_return=request.agency_return, is_nil=True,
                      reason="No record")
    agency_return_nil(actor=user, agency_return=request.agency_return, is_nil=False,
                      reason="No record")
    request.agency_return.refresh_from_db()
    assert not request.agency_return.is_nil_return and request.agency_return.nil_reason == ""
    assert "summary" in agency_return_missing(request.agency_return)


@time_machine.travel(SENT)
def test_reopening_needs_a_reason_lets_the_agency_edit_and_submit_again(sent):
    request, user = sent
    officer = officer_of(request.review.case.partnership)
    agency_return = submitted_return(request, user)
    with pytest.raises(ValidationError, match="Enter why"):
        agency_return_reopen(actor=officer, agency_return=agency_return, reason="")
    agency_return = agency_return_reopen(actor=officer, agency_return=agency_return,
                                         reason="Please add the health visitor's contacts")
    assert agency_return.status == AgencyReturn.Status.REOPENED
    assert rules.can_edit_return(user, agency_return)
    with pytest.raises(ValidationError, match="Only a submitted return"):
        agency_return_reopen(actor=officer, agency_return=agency_return, reason="Again")
    [email] = Message.objects.filter(kind="return_reopened")  # queued with the reopening
    assert email.to == user.email and "health visitor" not in email.body  # reason: page only
    agency_return_save(actor=user, agency_return=agency_return, section="summary",
                       summary="Updated summary")
    agency_return = agency_return_submit(actor=user, agency_return=agency_return,
                                         authorised_by="Pat Example-Lead")
    assert agency_return.status == AgencyReturn.Status.SUBMITTED
    assert agency_return.summary == "Updated summary"


@time_machine.travel(SENT)
@pytest.mark.parametrize(("filename", "data", "problem"), [
    ("notes.txt", b"hello", "must be a PDF, DOCX or XLSX"),
    ("report.exe", b"MZ", "must be a PDF, DOCX or XLSX"),
    ("fake.pdf", b"<html>not a pdf</html>", "not a real PDF"),
    ("fake.docx", b"PK\x03\x04garbage", "not a real DOCX"),
    ("swapped.docx", None, "not a real DOCX"),  # an XLSX renamed .docx
    ("empty.pdf", b"", "empty"),
    ("huge.pdf", b"%PDF-" + b"0" * settings.UPLOAD_MAX_FILE_BYTES, "smaller than 10 MB"),
])
def test_attachments_are_checked_by_extension_content_and_size(sent, filename, data, problem):
    request, user = sent
    data = _xlsx() if data is None else data
    with pytest.raises(ValidationError) as error:
        return_attachment_add(actor=user, agency_return=request.agency_return,
                              filename=filename, data=data)
    assert problem in error.value.message_dict["file"][0]
    assert not request.agency_return.attachments.exists()


@time_machine.travel(SENT)
def test_real_pdf_docx_and_xlsx_files_are_kept_with_their_hash(sent):
    request, user = sent
    for name, data in (("letter.pdf", PDF), ("notes.docx", _docx()), ("log.xlsx", _xlsx())):
        attachment = return_attachment_add(actor=user, agency_return=request.agency_return,
                                           filename=f"C:\\Users\\x\\{name}", data=data)
        assert attachment.filename == name and attachment.size == len(data)
        assert bytes(attachment.data) == data
    assert request.agency_return.attachments.count() == 3
    assert AuditEvent.objects.filter(object_type="rapid_review.returnattachment").count() == 3


def test_a_stopped_review_takes_no_more_changes(sent):
    request, user = sent
    from rapid_review.services import rapid_review_stop

    with time_machine.travel(SENT):
        rapid_review_stop(actor=officer_of(request.review.case.partnership),
                          review=request.review, reason="Criteria not met",
                          panel_told_on=request.review.started_on)
        request.agency_return.refresh_from_db()
        assert not rules.can_edit_return(user, request.agency_return)
        with pytest.raises(ValidationError, match="stopped"):
            agency_return_save(actor=user, agency_return=request.agency_return,
                               section="summary", summary="x")
