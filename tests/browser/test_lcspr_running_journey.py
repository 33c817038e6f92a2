"""Running an LCSPR in the browser: a parallel criminal investigation that moves the target
date with a reason, a Regulation 14 checkpoint with the reviewer's update and the partners'
review, the family's offers (one member not wishing to take part) and a practitioner
event."""

import datetime

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from tests.browser.lcspr_steps import revise_the_target_for_the_investigation
from tests.conftest import fill_date, sign_in, sign_out
from tests.factories import PASSWORD, AgencyFactory
from tests.lcspr.builders import lcspr_with_reviewer_who_signs_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_business_unit_and_reviewer_run_an_lcspr(page, make_user, partnership):
    manager = make_user(Role.BUSINESS_MANAGER)
    today = datetime.date.today()
    lcspr, reviewer = lcspr_with_reviewer_who_signs_in(partnership, manager, decided_on=today)
    AgencyFactory(partnerships=[partnership], name="Alpha School (fictional)")
    ref = lcspr.case.reference
    sign_in(page, manager.email, PASSWORD)
    page.goto(f"/cases/{ref}/lcspr/")
    expect(page.locator("#running")).to_be_visible()
    page.check_accessibility()

    # A criminal investigation runs alongside; it moves the target date.
    page.get_by_role("link", name="Parallel processes").click()
    page.check_accessibility()
    page.get_by_role("button", name="Add a parallel process").click()
    page.check_accessibility()
    page.get_by_label("Criminal investigation").check()
    page.get_by_label("Under way").check()
    page.get_by_label("How does the review keep in contact with it?").fill(
        "Monthly call with the senior investigating officer")
    page.get_by_role("button", name="Add the process").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter who leads the process")
    page.check_accessibility()
    expect(page.get_by_label("How does the review keep in contact with it?")).to_have_value(
        "Monthly call with the senior investigating officer")
    page.get_by_label("Who leads it?").fill("DI Example (fictional)")
    fill_date(page, "When was its lead last contacted?", today)
    page.get_by_label("What is its effect on the review's timetable?").fill(
        "Interviews wait for the charging decision")
    page.get_by_role("button", name="Add the process").click()
    expect(page.locator("#processes")).to_contain_text("DI Example (fictional)")
    page.check_accessibility()
    page.get_by_role("link", name="The target date").click()
    page.check_accessibility()
    page.get_by_role("button", name="Revise the target date").click()
    page.check_accessibility()
    revised = today.replace(year=today.year + 1)
    fill_date(page, "What is the revised target date?", revised)
    page.get_by_role("button", name="Revise the target date").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the reason")
    page.check_accessibility()
    revise_the_target_for_the_investigation(page, revised)
    page.get_by_role("link", name="Back to the LCSPR").click()

    # A progress checkpoint.
    page.get_by_role("link", name="Progress checkpoints").click()
    page.check_accessibility()
    page.get_by_role("button", name="Add a checkpoint on a date").click()
    page.check_accessibility()
    fill_date(page, "When is the checkpoint?", today + datetime.timedelta(days=28))
    page.get_by_role("button", name="Add the checkpoint").click()
    expect(page.locator("#checkpoints")).to_contain_text("Due")
    page.check_accessibility()
    page.get_by_role("button", name="Set checkpoints at regular intervals").click()
    page.check_accessibility()
    page.get_by_role("link", name="Back to the progress checkpoints").click()
    page.locator("#checkpoints a").first.click()
    page.check_accessibility()
    page.get_by_role("link", name="Record the partners' review").click()
    page.check_accessibility()
    fill_date(page, "When did the partners review progress?", today)
    page.get_by_label("The partners' view of time").fill("On track (fictional)")
    page.get_by_label("The partners' view of quality").fill("Thorough (fictional)")
    page.get_by_label("Learning agreed to be released early (optional)").fill(
        "Share the school's learning now")
    page.get_by_role("button", name="Record the partners' review").click()
    expect(page.locator("#checkpoint-status")).to_contain_text("Met")
    page.check_accessibility()
    page.get_by_role("link", name="Back to the progress checkpoints").click()
    page.get_by_role("link", name="Back to the LCSPR").click()

    # The family: one member takes part, one does not wish to.
    page.get_by_role("link", name="Family involvement").click()
    page.check_accessibility()
    page.get_by_role("button", name="Add a family member").click()
    page.check_accessibility()
    page.get_by_label("Name").fill("Alex Example (fictional)")
    page.get_by_label("Parent", exact=True).check()
    page.get_by_role("button", name="Add the family member").click()
    page.check_accessibility()
    fill_date(page, "Notified of the review process", today)
    fill_date(page, "When did they say so?", today)
    page.get_by_label("What did they say? (optional)").fill("Not at present")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#family")).to_contain_text("Does not wish to take part")
    page.check_accessibility()
    page.get_by_role("link", name="Back to the LCSPR").click()

    # Practitioners.
    page.get_by_role("link", name="Practitioners").click()
    page.check_accessibility()
    page.get_by_role("button", name="Record practitioners' involvement").click()
    page.check_accessibility()
    page.get_by_label("A practitioner event").check()
    fill_date(page, "When?", today, exact=True)
    page.get_by_label("Alpha School (fictional)").check()
    page.get_by_label("Who attended or contributed?").fill("Class teacher, school DSL")
    page.get_by_role("button", name="Record the involvement").click()
    expect(page.locator("#practitioners")).to_contain_text("Alpha School (fictional)")
    page.check_accessibility()
    page.get_by_role("link", name="Back to the LCSPR").click()
    expect(page.locator("#running")).to_contain_text("Revised")
    page.check_accessibility()
    sign_out(page)

    # The reviewer writes their update at the checkpoint.
    sign_in(page, reviewer.email, PASSWORD)
    page.goto(f"/cases/{ref}/lcspr/")
    page.get_by_role("link", name="Progress checkpoints").click()
    page.check_accessibility()
    expect(page.get_by_role("button", name="Add a checkpoint on a date")).to_have_count(0)
    page.locator("#checkpoints a").first.click()
    page.get_by_role("link", name="Write the reviewer's update").click()
    page.check_accessibility()
    page.get_by_label("The reviewer's update").fill("Chronologies merged (fictional)")
    page.get_by_role("button", name="Save the update").click()
    expect(page.locator("#reviewer-update")).to_contain_text("Chronologies merged")
    page.check_accessibility()
