"""The LCSPR's timetable in the browser: the appointed reviewer puts a family meeting on a
Saturday (the page asks them to confirm a day the partnership does not work), moves it with
a reason; the business unit records it held from the item's page."""

import datetime

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from calendars.working_days import add_working_days, default_calendar
from tests.conftest import fill_date, sign_in, sign_out
from tests.factories import PASSWORD
from tests.lcspr.builders import lcspr_with_reviewer_who_signs_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_reviewer_and_the_business_unit_keep_the_timetable(page, make_user, partnership):
    manager = make_user(Role.BUSINESS_MANAGER)
    today = datetime.date.today()
    lcspr, reviewer = lcspr_with_reviewer_who_signs_in(partnership, manager, decided_on=today)
    ref = lcspr.case.reference
    saturday = today + datetime.timedelta(days=(5 - today.weekday()) % 7 or 7)

    sign_in(page, reviewer.email, PASSWORD)
    page.goto(f"/cases/{ref}/lcspr/")
    page.check_accessibility()
    page.get_by_role("link", name="Timetable").click()
    page.check_accessibility()
    page.get_by_role("button", name="Add to the timetable").click()
    page.check_accessibility()
    page.get_by_label("Family meeting").check()
    page.get_by_label("Describe it").fill("Meeting with the child's grandmother")
    fill_date(page, "When is it?", saturday)
    page.get_by_label("Start time (optional)").fill("10am")
    page.get_by_role("button", name="Add to the timetable").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "is not a working day on the partnership's calendar")
    page.check_accessibility()
    expect(page.get_by_label("Describe it")).to_have_value(
        "Meeting with the child's grandmother")
    page.get_by_label("The date is not a working day").check()
    page.get_by_role("button", name="Add to the timetable").click()
    expect(page.locator("#timetable")).to_contain_text("Meeting with the child's grandmother")
    page.check_accessibility()

    page.get_by_role("link", name="Meeting with the child's grandmother").click()
    page.check_accessibility()
    page.get_by_role("button", name="Move it").click()
    page.check_accessibility()
    fill_date(page, "What is the new date?", add_working_days(saturday, 2, default_calendar()))
    page.get_by_label("Why is it moving?").fill("The grandmother asked for a weekday")
    page.get_by_role("button", name="Move the item").click()
    expect(page.locator("#item")).to_contain_text("The grandmother asked for a weekday")
    page.check_accessibility()
    sign_out(page)

    sign_in(page, manager.email, PASSWORD)
    page.goto(f"/cases/{ref}/lcspr/timetable/")
    page.check_accessibility()
    page.get_by_role("link", name="Meeting with the child's grandmother").click()
    page.check_accessibility()
    page.get_by_role("button", name="Record it as held or done").click()
    page.check_accessibility()
    fill_date(page, "When was it held or done?", today)
    page.get_by_role("button", name="Record it as held or done").click()
    expect(page.locator("#item-status")).to_contain_text("Held or done")
    page.check_accessibility()
