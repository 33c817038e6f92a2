"""Submission to the Panel: the signed pack (the same from the page and from
export_submission), recording it against the working-day 15 step, the outcome emails, and
the delay notice."""

import datetime
import io
import zipfile

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from accounts.models import AuditEvent, Role, StatutoryPartner
from calendars.models import DeadlineStatus
from cases.models import CaseDocument
from outbox.models import Message
from rapid_review.models import PanelSubmission, ReviewReport
from rapid_review.services import (
    terms_save,
)
from rapid_review.services.signoff import report_send_for_signature, report_sign
from rapid_review.services.submission import (
    delay_notice_create,
    delay_notice_mark_sent,
    submission_pack,
    submission_record,
)
from tests.notifications.builders import partner_representatives
from tests.rapid_review.builders import (
    agency_with_user,
    held_quorate_meeting,
    review_for,
    send_requests,
)
from tests.readback import docx_text, flat, has_name, pdf_text

pytestmark = pytest.mark.django_db
NOTIFIED = datetime.date(2026, 11, 2)
DAY_15 = datetime.date(2026, 11, 23)
SIGNED = datetime.datetime(2026, 11, 19, 12, tzinfo=datetime.UTC)


@pytest.fixture
def officer(make_user):
    return make_user(Role.BUSINESS_UNIT_OFFICER)


@pytest.fixture
def partners(partnership):
    return partner_representatives(partnership)


def _report(partnership, officer, partners, *, sign=True):
    with time_machine.travel(datetime.datetime(2026, 11, 2, 12, tzinfo=datetime.UTC)):
        review = review_for(partnership, officer, notified_on=NOTIFIED)
        school = agency_with_user(partnership, "Alphashire Primary School (fictional)")
        send_requests(review, [school.agency], officer)
        terms_save(actor=officer, review=review, children=list(review.case.children.all()),
                   people=[], scope_from=datetime.date(2025, 11, 1),
                   scope_to=datetime.date(2026, 11, 1),
                   meeting_dates=[datetime.date(2026, 11, 17)],
                   returns_due_on=datetime.date(2026, 11, 9))
    with time_machine.travel(SIGNED):
        meeting = held_quorate_meeting(review, officer, datetime.date(2026, 11, 17))
        report = ReviewReport.objects.create(
            review=review, sections={"introduction": "A rapid review (fictional)."},
            decision=ReviewReport.Decision.NO_FURTHER_REVIEW, decision_meeting=meeting,
            no_further_learning_reason="Learning already known (fictional)",
            dissemination="Seven-minute briefing (fictional)", updated_by=officer)
        version = report_send_for_signature(actor=officer, report=report)
        if sign:
            for partner in StatutoryPartner.values:
                report_sign(actor=partners[partner], version=version,
                            content_sha256=version.content_sha256, signer_role="Director")
    return review, school


def test_the_pack_holds_every_document_and_is_the_same_from_the_command(
        partnership, officer, partners, tmp_path):
    review, _school = _report(partnership, officer, partners)
    filename, data = submission_pack(actor=officer, review=review)
    ref = review.case.reference
    assert filename == f"{ref}-submission-to-the-panel.zip"
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = sorted(archive.namelist())
    assert names == sorted(["MANIFEST.txt"] + [
        f"{ref}-{part}.{fmt}" for part in ("1-rapid-review-report", "2-decision-record-signed",
                                           "3-covering-letter", "4-terms-of-reference")
        for fmt in ("docx", "pdf")])
    letter = docx_text(archive.read(f"{ref}-3-covering-letter.docx"))
    assert "No further review" in letter and partners["police"].full_name in letter
    record = flat(pdf_text(archive.read(f"{ref}-2-decision-record-signed.pdf"), layout=False))
    assert has_name(record, partners["icb"].full_name)
    call_command("export_submission", ref, "--out", str(tmp_path))
    assert (tmp_path / filename).read_bytes() == data
    assert (tmp_path / filename).stat().st_mode & 0o777 == 0o600  # its owner's only
    exported = AuditEvent.objects.get(action=AuditEvent.Action.DOWNLOAD,
                                      detail__via="export_submission")
    assert exported.detail["run_by"]  # the account that ran it

    # Never written through a symbolic link, at the file or the folder.
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("untouched")
    linked = tmp_path / "linked"
    linked.mkdir()
    (linked / filename).symlink_to(elsewhere)
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="symbolic link"):
        call_command("export_submission", ref, "--out", str(linked))
    (tmp_path / "folder-link").symlink_to(tmp_path / "linked")
    with pytest.raises(CommandError, match="symbolic link"):
        call_command("export_submission", ref, "--out", str(tmp_path / "folder-link"))
    assert elsewhere.read_text() == "untouched"


def test_no_pack_and_no_submission_until_all_three_have_signed(partnership, officer,
                                                               partners, tmp_path):
    review, _school = _report(partnership, officer, partners, sign=False)
    with pytest.raises(ValidationError, match="must sign"):
        submission_pack(actor=officer, review=review)
    with pytest.raises(ValidationError, match="must sign"):
        submission_record(actor=officer, review=review, submitted_on=DAY_15,
                          method="panel_form")
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="must sign"):
        call_command("export_submission", review.case.reference, "--out", str(tmp_path))


def test_recording_the_submission_meets_day_15_and_tells_the_contributors(
        partnership, officer, partners):
    review, school = _report(partnership, officer, partners)
    with time_machine.travel(datetime.datetime(2026, 11, 24, 12, tzinfo=datetime.UTC)):
        with pytest.raises(ValidationError) as refused:
            submission_record(actor=officer, review=review,
                              submitted_on=datetime.date(2026, 11, 25), method="panel_form")
        assert "submitted_on" in refused.value.message_dict
        submission = submission_record(actor=officer, review=review, submitted_on=DAY_15,
                                       method="panel_form")
        with pytest.raises(ValidationError, match="already been recorded"):
            submission_record(actor=officer, review=review, submitted_on=DAY_15,
                              method="panel_form")
    assert submission.working_day == 15
    step = review.case.deadlines.get(step__key="submit_rapid_review")
    assert step.status == DeadlineStatus.MET
    # On time: the Panel did not need telling of a delay, and that step says so.
    delay = review.case.deadlines.get(step__key="tell_panel_if_late")
    assert delay.status == DeadlineStatus.WAIVED and "Submitted on time" in delay.waived_reason
    queued = Message.objects.filter(kind="outcome")  # with the submission, once
    assert {m.related["submission"] for m in queued} == {submission.pk}
    recipients = list(queued.values_list("to", flat=True))
    assert len(set(recipients)) == len(recipients)
    assert school.user.email in recipients
    assert review.case.referral.referrer.email in recipients
    assert all("No further review" in m.body and "Testchild" not in m.body for m in queued)


def test_a_late_submission_needs_the_panel_told_why(partnership, officer, partners):
    """After working day 15 (statutory calendar) the reason goes with the submission, unless
    a delay notice was already sent."""
    review, _school = _report(partnership, officer, partners)
    late = datetime.date(2026, 11, 25)  # working day 17
    with time_machine.travel(datetime.datetime(2026, 11, 25, 12, tzinfo=datetime.UTC)):
        with pytest.raises(ValidationError) as refused:
            submission_record(actor=officer, review=review, submitted_on=late,
                              method="panel_form")
        assert "due by 23 November 2026" in refused.value.message_dict["late_reason"][0]
        submission = submission_record(actor=officer, review=review, submitted_on=late,
                                       method="panel_form",
                                       late_reason="A partner was unavailable (fictional)")
    assert submission.working_day == 17
    [notice] = review.delay_notices.all()
    assert (notice.sent_on, notice.reason) == (late, "A partner was unavailable (fictional)")
    statuses = dict(review.case.deadlines.filter(
        step__key__in=["submit_rapid_review", "tell_panel_if_late"]).values_list(
        "step__key", "status"))
    assert statuses == {"submit_rapid_review": DeadlineStatus.MISSED,
                        "tell_panel_if_late": DeadlineStatus.MISSED}


def test_a_delay_notice_sent_in_time_meets_its_step(partnership, officer, partners):
    review, _school = _report(partnership, officer, partners)
    with time_machine.travel(datetime.datetime(2026, 11, 20, 12, tzinfo=datetime.UTC)):
        notice = delay_notice_create(actor=officer, review=review, reason="Leave (fictional)",
                                     expected_on=datetime.date(2026, 11, 26))
        delay_notice_mark_sent(actor=officer, notice=notice, sent_on=datetime.date(2026, 11, 20))
    assert review.case.deadlines.get(step__key="tell_panel_if_late").status == \
        DeadlineStatus.MET
    with time_machine.travel(datetime.datetime(2026, 11, 26, 12, tzinfo=datetime.UTC)):
        submission_record(actor=officer, review=review, submitted_on=datetime.date(2026, 11, 26),
                          method="panel_form")  # the Panel already knows why: no reason asked
    assert review.case.deadlines.get(step__key="submit_rapid_review").status == \
        DeadlineStatus.MISSED


def test_a_delay_notice_says_why_and_when(partnership, officer, partners):
    review, _school = _report(partnership, officer, partners, sign=False)
    with pytest.raises(ValidationError) as refused:
        delay_notice_create(actor=officer, review=review, reason="",
                            expected_on=datetime.date(2026, 11, 20))
    assert set(refused.value.message_dict) == {"reason", "expected_on"}
    notice = delay_notice_create(actor=officer, review=review,
                                 reason="The ICB representative is on leave (fictional)",
                                 expected_on=datetime.date(2026, 11, 27))
    document = review.case.documents.get(related_key=f"delay-notice-{notice.pk}")
    text = pdf_text(document.pdf)
    assert "27 November 2026" in text and "on leave" in text
    delay_notice_mark_sent(actor=officer, notice=notice, sent_on=notice.created_at.date())
    notice.refresh_from_db()
    assert notice.sent_on is not None


# --- Pages ---------------------------------------------------------------------------------

def test_the_business_unit_downloads_the_pack_and_records_the_submission(
        client, partnership, officer, partners):
    review, _school = _report(partnership, officer, partners)
    ref = review.case.reference
    client.force_login(officer)
    page = client.get(reverse("rapid_review:submission", args=[ref])).content.decode()
    assert "Download the submission pack (ZIP)" in page
    pack = reverse("rapid_review:submission-pack", args=[ref])
    response = client.post(pack)
    assert response.status_code == 302 and response["Location"] == pack
    documents = CaseDocument.objects.filter(case=review.case).count()
    response = client.get(pack)  # the stored documents, packed: nothing made
    assert CaseDocument.objects.filter(case=review.case).count() == documents
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert zipfile.ZipFile(io.BytesIO(response.content)).testzip() is None
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DOWNLOAD,
                                     detail__kind="submission_pack").exists()
    url = reverse("rapid_review:submission-record", args=[ref])
    with time_machine.travel(datetime.datetime(2026, 11, 24, 12, tzinfo=datetime.UTC)):
        response = client.post(url, {"submitted_on_0": "23", "submitted_on_1": "11",
                                     "submitted_on_2": "2026"})
        assert response.status_code == 400
        assert "Select how it was submitted" in response.content.decode()
        assert 'value="23"' in response.content.decode()
        response = client.post(url, {"submitted_on_0": "23", "submitted_on_1": "11",
                                     "submitted_on_2": "2026", "method": "panel_form"})
    assert response.status_code == 302
    assert PanelSubmission.objects.get(review=review).working_day == 15


def test_partners_read_the_submission_page_but_not_the_pack(client, partnership, officer,
                                                            partners, other_partnership):
    review, school = _report(partnership, officer, partners)
    ref = review.case.reference
    client.force_login(partners["police"])
    assert client.get(reverse("rapid_review:submission", args=[ref])).status_code == 200
    assert client.get(reverse("rapid_review:submission-pack", args=[ref])).status_code == 404
    assert client.post(reverse("rapid_review:submission-pack", args=[ref])).status_code == 404
    client.force_login(school.user)
    assert client.get(reverse("rapid_review:submission", args=[ref])).status_code == 404


def test_the_referrer_sees_the_outcome_in_the_app(client, partnership, officer, partners):
    review, _school = _report(partnership, officer, partners)
    referrer = review.case.referral.referrer
    page = reverse("cases:my-referral", args=[review.case.reference])
    client.force_login(referrer)
    assert 'id="review-outcome"' not in client.get(page).content.decode()
    with time_machine.travel(datetime.datetime(2026, 11, 24, 12, tzinfo=datetime.UTC)):
        submission_record(actor=officer, review=review, submitted_on=DAY_15,
                          method="panel_form")
    body = client.get(page).content.decode()
    assert "No further review (sent to the National Panel on 23 November 2026)" in body


def test_the_submission_closes_gathering_steps_still_open_so_none_shows_overdue(
        client, partnership, officer, partners):
    """The school never confirmed receipt nor returned: once the review is with the Panel,
    those steps no longer apply, and the case page shows none of them as due."""
    review, _school = _report(partnership, officer, partners)
    open_before = set(review.case.deadlines.filter(status=DeadlineStatus.OPEN, step__met_by__in=[
        "receipt_confirmed", "return_submitted"]).values_list("pk", flat=True))
    assert open_before
    with time_machine.travel(datetime.datetime(2026, 11, 24, 12, tzinfo=datetime.UTC)):
        submission_record(actor=officer, review=review, submitted_on=DAY_15,
                          method="panel_form")
        closed = review.case.deadlines.filter(pk__in=open_before)
        assert {d.status for d in closed} == {DeadlineStatus.WAIVED}
        assert all("submitted to the Panel" in d.waived_reason for d in closed)
        client.force_login(officer)
        html = client.get(reverse("cases:case-detail", args=[review.case.reference])).content
    due_next = html.decode().split("What is due next")[1].split("</table>")[0]
    for deadline in closed.select_related("step"):
        assert deadline.step.label not in due_next
