"""The business manager commissions an LCSPR: the decision, the sub-group, the reviewer
(who then sees that review only), and the terms of reference agreed by the sub-group."""

import datetime

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from cases.models import Stage
from cases.services import case_create
from lcspr.models import Lcspr
from tests.browser.lcspr_steps import add_the_sub_group
from tests.cases.builders import adopt_plan
from tests.conftest import sign_in, sign_out
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_business_manager_commissions_an_lcspr_and_the_reviewer_sees_only_it(
        page, make_user, partnership):
    manager = make_user(Role.BUSINESS_MANAGER)
    adopt_plan(partnership)
    case = case_create(actor=None, partnership=partnership, stage=Stage.LCSPR)
    today = datetime.date.today()
    sign_in(page, manager.email, PASSWORD)
    page.goto(f"/cases/{case.reference}/lcspr/")
    page.check_accessibility()
    page.get_by_role("button", name="Commission the LCSPR").click()
    page.check_accessibility()
    page.get_by_label("Day").fill(str(today.day))
    page.get_by_label("Month").fill(str(today.month))
    page.get_by_label("Year").fill(str(today.year))
    page.get_by_label("The three safeguarding partners").check()
    page.get_by_label("Key lines of enquiry").fill("How was the school's concern shared?")
    page.get_by_role("button", name="Commission the LCSPR").click()
    expect(page.locator("#commissioning")).to_be_visible()
    page.check_accessibility()

    add_the_sub_group(page, "Alphashire {partner}")

    page.get_by_role("link", name="Reviewer", exact=True).click()
    page.check_accessibility()
    page.get_by_label("Name").fill("Robin Reviewer-Example")
    page.get_by_label("Email address").fill("robin.reviewer@example.org")
    page.get_by_label("Organisation").fill("Independent (fictional)")
    page.get_by_label("Knowledge of safeguarding").check()
    page.get_by_role("button", name="Appoint the reviewer").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("no line management")
    page.check_accessibility()
    expect(page.get_by_label("Name")).to_have_value("Robin Reviewer-Example")
    page.get_by_label("They have no line management").check()
    page.get_by_label("They have had no involvement").check()
    page.get_by_role("button", name="Appoint the reviewer").click()
    expect(page.locator("#reviewer")).to_contain_text("Robin Reviewer-Example")

    page.get_by_role("link", name="Terms of reference").click()
    page.get_by_role("button", name="Write the terms of reference").click()
    page.check_accessibility()
    expect(page.get_by_label("Questions for the review")).to_have_value(
        "How was the school's concern shared?")
    fields = page.locator("input[name^='scope_from_'], input[name^='scope_to_']")
    for index, value in enumerate(("1", "1", "2026", "1", "11", "2026")):
        fields.nth(index).fill(value)
    page.get_by_label("How will practitioners be involved?").fill("A practitioner event")
    page.get_by_label("How will the family be involved?").fill("A meeting with the mother")
    page.get_by_label("Communication lead").fill("Communications officer")
    page.get_by_role("button", name="Save the terms of reference").click()
    page.check_accessibility()
    page.get_by_role("button", name="Record the sub-group's agreement").click()
    page.check_accessibility()
    page.get_by_label("Who agreed the terms for the review sub-group?").fill("Sub-group")
    page.get_by_label("Day").fill(str(today.day))
    page.get_by_label("Month").fill(str(today.month))
    page.get_by_label("Year").fill(str(today.year))
    page.get_by_role("button", name="Record the agreement").click()
    expect(page.locator("#agreements")).to_contain_text("Version 1 agreed")
    page.check_accessibility()
    reviewer = Lcspr.objects.get(case=case).reviewer.user
    reviewer.set_password(PASSWORD)
    reviewer.save()
    sign_out(page)

    sign_in(page, reviewer.email, PASSWORD)
    page.goto(f"/cases/{case.reference}/lcspr/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Local child safeguarding practice review")
    page.check_accessibility()
    assert page.goto(f"/cases/{case.reference}/").status == 404
    page.check_accessibility()
