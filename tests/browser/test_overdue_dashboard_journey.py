"""The overdue dashboard in the browser (issue 14): a business manager sees the late Panel
notification first, filters to one agency (the URL keeps it), follows its late return and
chases it; an agency's user sees only their agency's late return."""

import datetime
import re

import pytest
import time_machine
from playwright.sync_api import expect

from accounts.models import Role
from calendars.working_days import add_working_days, default_calendar
from tests.conftest import sign_in, sign_out
from tests.factories import PASSWORD
from tests.rapid_review.builders import (
    agency_with_user,
    review_for,
    send_requests,
    triaged_to_rapid_review,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _on(day: datetime.date):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(10),
                                                         tzinfo=datetime.UTC))


def test_a_manager_chases_a_late_return_from_the_overdue_dashboard(page, make_user,
                                                                    partnership):
    manager = make_user(Role.BUSINESS_MANAGER)
    police = agency_with_user(partnership, "Alphashire Police")
    school = agency_with_user(partnership, "Alphashire School")
    today = datetime.date.today()
    with _on(add_working_days(today, -12, default_calendar())):
        unnotified = triaged_to_rapid_review(partnership)  # the Panel never told
    with _on(add_working_days(today, -8, default_calendar())):
        review = review_for(partnership)
        send_requests(review, [police.agency, school.agency])
    late_case = review.case.reference

    sign_in(page, manager.email, PASSWORD)
    page.get_by_role("link", name="Late and due soon", exact=True).click()
    page.check_accessibility()
    first = page.locator("#overdue-groups table").first
    expect(first.locator("caption")).to_contain_text(unnotified.reference)
    expect(first.locator("tbody tr").first).to_contain_text("Notify the National Panel")
    expect(first.locator("tbody tr").first).to_contain_text("Statutory")
    expect(page.locator("#overdue-counts")).to_contain_text("2agencies with late returns")

    page.get_by_label("Agency", exact=True).select_option(label="Alphashire Police")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(rf"[?&]agency={police.agency.pk}(&|$)"))
    page.check_accessibility()
    expect(page.locator("#overdue-groups")).not_to_contain_text("Alphashire School")
    page.locator("#overdue-groups").get_by_role("link", name="Agency returns due").click()
    expect(page.locator("h1")).to_contain_text("Alphashire Police")
    page.check_accessibility()

    page.go_back()
    page.get_by_role("button", name="Chase all overdue returns from this agency").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Chasing 1 late return")
    expect(page).to_have_url(re.compile(rf"[?&]agency={police.agency.pk}(&|$)"))
    page.check_accessibility()
    sign_out(page)

    sign_in(page, school.user.email, PASSWORD)
    page.get_by_role("link", name="Late and due soon", exact=True).click()
    page.check_accessibility()
    expect(page.locator("#late-returns + table")).to_contain_text(late_case)
    expect(page.locator("main")).not_to_contain_text("Alphashire Police")
    expect(page.locator("main")).not_to_contain_text(unnotified.reference)
