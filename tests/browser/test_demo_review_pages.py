"""The demo's rapid reviews at sign-off, submitted and answered: every page of the meeting,
sign-off, submission and Panel response opens for the people who use it and passes axe,
including its error states."""

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from accounts.demo import DEMO_PASSWORD
from cases.models import Case
from tests.conftest import sign_in

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


def test_the_demo_review_pages_open_and_pass_axe(page):
    call_command("seed_demo", verbosity=0)
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
