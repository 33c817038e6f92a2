"""The demo's rapid reviews at sign-off, submitted and answered: every page of the meeting,
sign-off, submission and Panel response opens for the people who use it and passes axe,
including its error states; then the two partners still to sign the waiting review sign it
and the business unit downloads its pack."""

import io
import zipfile

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.demo import DEMO_PASSWORD
from accounts.models import User
from cases.models import Case
from tests.conftest import sign_in, sign_out
from tests.readback import flat, has_name, pdf_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _case(child: str) -> Case:
    return Case.objects.get(children__full_name=f"{child} (fictional)")


def _visit(page, name: str, *args) -> None:
    page.goto(reverse(f"rapid_review:{name}", args=args))
    page.check_accessibility()
    expect(page.locator("h1")).to_be_visible()


def _submit_empty(page, button: str) -> None:
    page.get_by_role("button", name=button).click()
    page.check_accessibility()
    expect(page.locator(".govuk-error-summary")).to_be_visible()


def test_the_demo_review_pages_open_and_pass_axe(page, demo):
    waiting, submitted, answered = (_case(f"Demo Child {n}") for n in (6, 7, 8))
    meeting = waiting.rapid_review.meetings.get()

    sign_in(page, "officer@demo.example", DEMO_PASSWORD)
    _visit(page, "meetings", waiting.reference)
    _visit(page, "meeting", waiting.reference, meeting.pk)
    _visit(page, "meeting-referral-paper", waiting.reference)
    _visit(page, "meeting-schedule", waiting.reference)
    _submit_empty(page, "Schedule the session")
    _visit(page, "signoff", waiting.reference)
    expect(page.locator("#signatures")).to_contain_text("Signed")
    expect(page.locator("#signatures")).to_contain_text("Not signed")
    _visit(page, "submission", waiting.reference)
    _visit(page, "delay-notice", waiting.reference)
    _submit_empty(page, "Prepare the notice")

    _visit(page, "submission", submitted.reference)
    expect(page.locator("#submission-status")).to_contain_text("working day 15")
    _visit(page, "panel-response-record", submitted.reference)
    _submit_empty(page, "Record the response")

    _visit(page, "submission", answered.reference)
    response = answered.rapid_review.panel_responses.get()
    expect(page.locator("main")).to_contain_text(response.summary[:40])
    _visit(page, "panel-response-move-on", answered.reference)
    _submit_empty(page, "Move the case on")

    # A partner representative signs the waiting review's version.
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()
    page.check_accessibility()
    sign_in(page, "la.partner@demo.example", DEMO_PASSWORD)
    _visit(page, "signoff", waiting.reference)
    _submit_empty(page, "Sign this version")
    _visit(page, "signoff-disagree", waiting.reference)
    _submit_empty(page, "Record the disagreement")
    _visit(page, "meeting-referral-paper", waiting.reference)

    sign_out(page)

    # The local authority and the ICB sign; the pack holds the three signatures.
    for email in ("la.partner@demo.example", "icb.partner@demo.example"):
        sign_in(page, email, DEMO_PASSWORD)
        _visit(page, "signoff", waiting.reference)
        page.get_by_label("Your role").fill("Director (fictional)")
        page.get_by_label("I have read this version").check()
        page.get_by_role("button", name="Sign this version").click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text("You signed version")
        page.check_accessibility()
        sign_out(page)
    sign_in(page, "officer@demo.example", DEMO_PASSWORD)
    _visit(page, "submission", waiting.reference)
    expect(page.locator("#signoff-summary")).to_contain_text("signed by all three")
    with page.expect_download() as info:
        page.get_by_role("button", name="Download the submission pack (ZIP)").click()
    archive = zipfile.ZipFile(io.BytesIO(info.value.path().read_bytes()))
    record = flat(pdf_text(archive.read(
        f"{waiting.reference}-2-decision-record-signed.pdf"), layout=False))
    for email in ("la.partner@demo.example", "police.partner@demo.example",
                  "icb.partner@demo.example"):
        assert has_name(record, User.objects.get(email=email).full_name), email
