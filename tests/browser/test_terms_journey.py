"""The officer sets the terms of reference; the three partners each agree them; the PDF
opens."""

import datetime
from pathlib import Path

import pytest
import time_machine
from django.urls import reverse
from playwright.sync_api import expect

from accounts.models import Role
from tests.conftest import emails_in, sign_in
from tests.factories import PASSWORD
from tests.notifications.builders import notified_case, partner_representatives
from tests.readback import pdf_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fill_date(page, name: str, value: datetime.date) -> None:
    for part, number in enumerate((value.day, value.month, value.year)):
        page.locator(f"[name={name}_{part}]").fill(str(number))


def test_officer_sets_the_terms_and_the_three_partners_agree(page, make_user, partnership):
    officer = make_user(Role.BUSINESS_UNIT_OFFICER)
    with time_machine.travel(datetime.datetime(2026, 11, 25, 12, tzinfo=datetime.UTC)):
        case = notified_case(partnership, officer)
    partners = partner_representatives(partnership)
    terms_url = reverse("rapid_review:terms", args=[case.reference])

    sign_in(page, officer.email, PASSWORD)
    page.goto(reverse("rapid_review:overview", args=[case.reference]))
    page.check_accessibility()
    page.get_by_role("link", name="Terms of reference").click()
    page.check_accessibility()
    page.get_by_role("link", name="Set the terms of reference").click()
    page.check_accessibility()
    expect(page.get_by_label("Testchild Example")).to_be_checked()  # from the notification
    _fill_date(page, "scope_from", datetime.date(2025, 11, 1))
    _fill_date(page, "scope_to", datetime.date(2026, 11, 14))
    _fill_date(page, "meeting_date_1", datetime.date(2026, 12, 3))
    page.get_by_label("Other contributors (optional)").fill("School nurse service")
    page.get_by_role("button", name="Save terms of reference").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("version 1")
    page.check_accessibility()

    for user in partners.values():
        page.context.clear_cookies()
        sign_in(page, user.email, PASSWORD)
        page.get_by_role("link", name="Rapid reviews", exact=True).click()
        page.check_accessibility()
        page.get_by_role("link", name=f"terms of reference for {case.reference}").click()
        page.check_accessibility()
        page.get_by_role("button", name="Agree for").click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text("You agreed version 1")
        page.check_accessibility()

    expect(page.locator("#agreement")).to_contain_text("Agreed by all three partners")
    assert page.url.endswith(terms_url)
    with page.expect_download() as download:
        page.get_by_role("link", name="Terms of reference (PDF)").click()
    text = pdf_text(Path(download.value.path()).read_bytes())
    assert "Terms of Reference for the Rapid Review" in text
    assert "School nurse service" in text and "Agreed for the Police" in text


@pytest.mark.celery
def test_officer_sends_the_letter_to_the_review_group(page, celery_worker, make_user,
                                                      partnership):
    _queue, mail = celery_worker
    officer = make_user(Role.BUSINESS_UNIT_OFFICER)
    with time_machine.travel(datetime.datetime(2026, 11, 25, 12, tzinfo=datetime.UTC)):
        case = notified_case(partnership, officer)
    partners = partner_representatives(partnership)

    sign_in(page, officer.email, PASSWORD)
    page.goto(reverse("rapid_review:overview", args=[case.reference]))
    page.check_accessibility()
    page.get_by_role("link", name="Letters to the partners and the review group").click()
    page.check_accessibility()
    page.get_by_role("button", name="Create the letters from the record").click()
    page.check_accessibility()
    page.get_by_role("link", name="Send SCSI-3").click()
    page.check_accessibility()
    expect(page.locator("#recipients")).to_contain_text(partners["police"].email)
    page.get_by_label("Other review group members").fill("chair@review.example")
    page.get_by_role("button", name="Send the letter").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("sent to 4 people")
    page.check_accessibility()
    expect(page.locator("#letter-review-group")).to_contain_text("chair@review.example")
    for _ in range(300):
        if any("(SCSI-3)" in m and "To: chair@review.example" in m for m in emails_in(mail)):
            break
        page.wait_for_timeout(100)
    assert any("(SCSI-3)" in m and "To: chair@review.example" in m for m in emails_in(mail))
