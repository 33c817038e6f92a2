"""Issue 6 end to end: a quorate meeting records the decision; the three partners sign,
one first disagrees; the business unit edits the report, which voids the signatures and
the signers are told; all three sign the new version; the business unit downloads the
submission pack, whose documents hold every Appendix G heading, the decision and the three
signatures with names and dates."""

from __future__ import annotations

import functools
import io
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Role, StatutoryPartner
from calendars.services import calendar_for
from calendars.working_days import add_working_days
from rapid_review.models import ReviewReport
from rapid_review.report import SECTIONS, assessment_groups
from rapid_review.services import (
    meeting_attendee_add,
    meeting_schedule,
    report_assessment_save,
    terms_save,
)
from tests.conftest import emails_in, sign_in, sign_out
from tests.factories import PASSWORD
from tests.notifications.builders import partner_representatives
from tests.rapid_review.builders import review_for
from tests.readback import docx_text, flat, has_name, pdf_text

pytestmark = [pytest.mark.browser, pytest.mark.celery, pytest.mark.django_db(transaction=True)]


def _sign(page, partner, signoff_url: str, version: int) -> None:
    sign_in(page, partner.email, PASSWORD)
    page.goto(signoff_url)
    page.check_accessibility()
    expect(page.locator("#signoff-status")).to_contain_text(f"Version {version}")
    page.get_by_label("Your role").fill("Director (fictional)")
    page.get_by_label("I have read this version").check()
    page.get_by_role("button", name="Sign this version").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        f"You signed version {version}")
    page.check_accessibility()
    sign_out(page)


def test_from_a_quorate_meeting_to_three_signatures_and_the_pack(page, celery_worker,
                                                                 make_user, partnership):
    _queue, mail = celery_worker
    officer = make_user(Role.BUSINESS_UNIT_OFFICER)
    partners = partner_representatives(partnership)
    today = timezone.localdate()
    notified = add_working_days(today, -11, calendar_for(partnership))
    review = review_for(partnership, officer, notified_on=notified)
    case = review.case
    terms_save(actor=officer, review=review, children=list(case.children.all()), people=[],
               scope_from=notified.replace(year=notified.year - 1), scope_to=notified,
               meeting_dates=[today], returns_due_on=today)
    meeting = meeting_schedule(actor=officer, review=review, held_on=today, starts_at=None,
                               location="Room 1 (fictional)")
    meeting_attendee_add(actor=officer, meeting=meeting, name="Lena Example",
                         role="la_representative")
    meeting_attendee_add(actor=officer, meeting=meeting, name="Percy Example",
                         role="police_representative")
    ref = case.reference

    # The officer completes the attendance: with the ICB there, the meeting is quorate.
    sign_in(page, officer.email, PASSWORD)
    page.goto(reverse("rapid_review:overview", args=[ref]))
    page.check_accessibility()
    page.get_by_role("link", name="Rapid review meeting").click()
    page.check_accessibility()
    page.locator("#sessions").get_by_role("link").first.click()
    page.check_accessibility()
    expect(page.locator("#quorum")).to_contain_text("Not quorate")
    page.get_by_role("link", name="Add an attendee").click()
    page.check_accessibility()
    page.get_by_label("Name").fill("Ivy Example")
    page.get_by_label("ICB representative").check()
    page.get_by_role("button", name="Add attendee").click()
    page.check_accessibility()
    expect(page.locator("#quorum")).to_contain_text("Quorate")
    page.get_by_role("button", name="Confirm the meeting took place").click()
    page.check_accessibility()

    # The report, started from the record; the decision recorded at that meeting.
    page.goto(reverse("rapid_review:overview", args=[ref]))
    page.check_accessibility()
    page.get_by_role("link", name="Rapid review report and decision").click()
    page.check_accessibility()
    page.get_by_role("button", name="Start the report").click()
    page.check_accessibility()
    page.get_by_role("link", name="Change Case summary").click()
    page.check_accessibility()
    page.get_by_label("Case summary").fill("A fictional summary of the facts.")
    page.get_by_role("button", name="Save and return to the report").click()
    page.check_accessibility()
    report = ReviewReport.objects.get(review=review)
    report_assessment_save(
        actor=officer, report=report,
        criteria={code: {"met": "yes", "evidence": "Fictional evidence"}
                  for _group, criteria in assessment_groups() for code, _label in criteria},
        may_be_complex_or_national=False, reason="")
    page.get_by_role("link", name="Record the decision").click()
    page.check_accessibility()
    page.locator("input[name=meeting]").first.check()
    page.get_by_label("Local child safeguarding practice review (LCSPR)").check()
    page.get_by_label("For a local review: the key lines of enquiry").fill(
        "How did agencies share what they knew? (fictional)")
    page.get_by_role("button", name="Record the decision").click()
    page.check_accessibility()
    expect(page.locator("#decision")).to_contain_text("Local child safeguarding practice")

    # Sent for signature as version 1.
    page.goto(reverse("rapid_review:signoff", args=[ref]))
    page.check_accessibility()
    page.get_by_role("button", name="Send for signature").click()
    page.check_accessibility()
    expect(page.locator("#signoff-status")).to_contain_text("Version 1 is out for signature")
    sign_out(page)
    signoff_url = reverse("rapid_review:signoff", args=[ref])

    # The local authority signs; the police disagree instead.
    la, police, icb = (partners[p] for p in (StatutoryPartner.LOCAL_AUTHORITY,
                                             StatutoryPartner.POLICE, StatutoryPartner.ICB))
    _sign(page, la, signoff_url, 1)
    sign_in(page, police.email, PASSWORD)
    page.goto(signoff_url)
    page.check_accessibility()
    page.get_by_role("link", name="Record a disagreement instead").click()
    page.check_accessibility()
    page.get_by_label("What does your organisation disagree with?").fill(
        "Background must include the 2024 police contact (fictional)")
    page.get_by_role("button", name="Record the disagreement").click()
    page.check_accessibility()
    sign_out(page)

    # The officer edits the report (version 2, signatures void) and answers the police.
    sign_in(page, officer.email, PASSWORD)
    page.goto(reverse("rapid_review:report", args=[ref]))
    page.check_accessibility()
    page.get_by_role("link", name="Change Background", exact=True).click()
    page.check_accessibility()
    page.get_by_label("Background").fill("Includes the 2024 police contact (fictional).")
    page.get_by_role("button", name="Save and return to the report").click()
    page.check_accessibility()
    page.goto(signoff_url)
    page.check_accessibility()
    expect(page.locator("#signoff-status")).to_contain_text("Version 2 is out for signature")
    expect(page.locator("#voided-versions")).to_contain_text(f"Signed for the local authority "
                                                             f"by {la.full_name}")
    expect(page.locator("#signatures")).not_to_contain_text(la.full_name)
    page.get_by_role("link", name="Resolve the Police disagreement").click()
    page.check_accessibility()
    page.get_by_label("How was the disagreement resolved?").fill(
        "Background rewritten with the police (fictional)")
    page.get_by_role("button", name="Save the resolution").click()
    page.check_accessibility()
    sign_out(page)
    for _ in range(300):  # the worker tells the local authority to sign again
        if any(la.email in m and "signature is needed again" in m for m in emails_in(mail)):
            break
        page.wait_for_timeout(100)
    else:
        pytest.fail("The signer of the voided version was not emailed")

    for partner in (la, police, icb):
        _sign(page, partner, signoff_url, 2)

    # The pack: every heading, the decision, the three signatures with names and dates.
    sign_in(page, officer.email, PASSWORD)
    page.goto(reverse("rapid_review:overview", args=[ref]))
    page.check_accessibility()
    page.get_by_role("link", name="Submission to the National Panel").click()
    page.check_accessibility()
    expect(page.locator("#signoff-summary")).to_contain_text("Version 2 signed by all three")
    with page.expect_download() as info:
        page.get_by_role("button", name="Download the submission pack (ZIP)").click()
    with open(info.value.path(), "rb") as handle:
        archive = zipfile.ZipFile(io.BytesIO(handle.read()))
    signed_on = f"{today:%-d %B %Y}"
    for fmt, read in (("docx", docx_text), ("pdf", functools.partial(pdf_text, layout=False))):
        report_text = flat(read(archive.read(f"{ref}-1-rapid-review-report.{fmt}")))
        positions = [report_text.find(heading) for _key, heading, _guidance in SECTIONS]
        assert -1 not in positions and positions == sorted(positions), (fmt, positions)
        assert "Local child safeguarding practice review (LCSPR)" in report_text
        assert "2024 police contact" in report_text
        record = flat(read(archive.read(f"{ref}-2-decision-record-signed.{fmt}")))
        for partner in (la, police, icb):
            assert has_name(record, partner.full_name), (fmt, partner.full_name)
        assert record.count(signed_on) >= 3, fmt
        assert "Local child safeguarding practice review (LCSPR)" in record
