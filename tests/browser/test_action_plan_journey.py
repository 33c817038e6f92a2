"""An action plan in the browser, from the rapid review's learning to the board's sign-off:
the business unit starts the plan and takes up the learning; the SMART check flags a vague
recommendation, which is rewritten; the police add evidence to their action and mark it
complete; the business unit marks its impact evidenced, records another action as not
implemented with the reason, the group's agreement and the board's sign-off."""

import datetime

import pytest
from playwright.sync_api import expect

from actionplans.models import Action, ActionPlan
from calendars.services import calendar_for
from calendars.working_days import add_working_days
from cases.models import Stage
from tests.actionplans.builders import VAGUE_POINT, plan_from_rapid_review
from tests.conftest import fill_date, sign_in, sign_out
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REWRITTEN = ("By 30 June 2027, 90% of social workers and health visitors in an audit of 30 "
             "files record the impact of parental mental health on the child")


def _mark_complete(page):
    page.get_by_role("button", name="Give an update").click()
    page.check_accessibility()
    page.get_by_label("Complete").check()
    page.get_by_label("What has happened since the last update?").fill("Audit finished")
    page.get_by_role("button", name="Send the update").click()


def test_a_rapid_reviews_learning_becomes_a_plan_the_board_signs_off(page, partnership):
    story = plan_from_rapid_review(partnership, start=False)
    ref = story.case.reference
    today = datetime.date.today()
    due = add_working_days(today, 25, calendar_for(partnership))

    # The business unit starts the plan and takes up the rapid review's learning.
    sign_in(page, story.officer.email, PASSWORD)
    page.goto(f"/cases/{ref}/")
    page.check_accessibility()
    page.locator("#open-action-plan").click()
    page.check_accessibility()
    page.get_by_role("button", name="Start the action plan").click()
    page.check_accessibility()
    page.get_by_role("link", name="Take up the reviews' learning").click()
    page.check_accessibility()
    for box in page.get_by_role("checkbox").all():
        box.check()
    page.get_by_role("button", name="Take into the plan").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "the SMART check flags 1 to rewrite")
    expect(page.locator("#recommendation-2")).to_contain_text("Not SMART: rewrite")
    page.check_accessibility()

    # The vague recommendation is refused until rewritten; what was typed stays.
    page.get_by_role("link", name="Change recommendation 2").click()
    page.check_accessibility()
    page.get_by_role("button", name="Save the recommendation").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("is not measurable")
    expect(page.get_by_label("What is recommended?")).to_have_value(VAGUE_POINT)
    expect(page.get_by_label("Keep it as written", exact=True)).to_be_visible()
    page.check_accessibility()
    page.get_by_label("What is recommended?").fill(REWRITTEN)
    page.get_by_role("button", name="Save the recommendation").click()
    expect(page.locator("#recommendation-2")).not_to_contain_text("Not SMART")
    expect(page.locator("#recommendation-2")).to_contain_text("90% of social workers")
    page.check_accessibility()

    # The police's initial action needs its measure; the health trust gets an action.
    page.get_by_role("link", name="1.1").click()
    page.check_accessibility()
    page.get_by_role("link", name="Change the action").click()
    page.check_accessibility()
    page.get_by_label("How will its impact be measured?").fill(
        "At least 18 of the 20 referrals audited record the child's voice")
    page.get_by_role("button", name="Save the action").click()
    expect(page.locator("#action-summary")).to_contain_text("At least 18 of the 20")
    page.check_accessibility()
    page.get_by_role("link", name="Back to the action plan").click()
    page.check_accessibility()
    page.get_by_role("link", name="Add an action to recommendation 2").click()
    page.check_accessibility()
    page.get_by_label("What will be done?").fill(
        "Add parental mental health to the health visiting supervision template")
    page.get_by_label("Which agency owns it?").select_option(label=story.health.agency.name)
    page.get_by_label("Named lead").fill("Named nurse for safeguarding (fictional)")
    fill_date(page, "Due by", due)
    page.get_by_label("What is the expected outcome?").fill("Supervision records discuss it")
    page.get_by_label("How will its impact be measured?").fill(
        "A dip sample of 20 supervision records in July 2027 shows it in 90%")
    page.get_by_role("button", name="Save the action").click()
    expect(page.locator("#action-summary")).to_contain_text(story.health.agency.name)
    page.check_accessibility()

    # The group agrees the plan.
    page.get_by_role("link", name="Back to the action plan").click()
    page.check_accessibility()
    page.get_by_role("link", name="Record the Serious Incident Review Group's review").click()
    page.check_accessibility()
    fill_date(page, "When did the group meet?", today)
    page.get_by_label("What did the group decide?").fill("Plan agreed; updates monthly")
    page.get_by_label("The group agreed the plan").check()
    page.get_by_role("button", name="Record the review").click()
    expect(page.locator("#plan-status")).to_have_text("Agreed and being monitored")
    page.check_accessibility()
    sign_out(page)

    # The police add their evidence and mark their action complete, from their home page.
    health_action = Action.objects.get(recommendation__plan__case=story.case,
                                       agency=story.health.agency)
    sign_in(page, story.police.user.email, PASSWORD)
    expect(page.locator("#agency-actions").locator("..")).to_contain_text("Action 1.1")
    page.get_by_role("link", name="Action 1.1").click()
    page.check_accessibility()
    _mark_complete(page)
    expect(page.locator(".govuk-error-summary")).to_contain_text("Add evidence")
    expect(page.get_by_label("What has happened since the last update?")).to_have_value(
        "Audit finished")
    page.check_accessibility()
    page.get_by_role("link", name="Back to the action").click()
    page.check_accessibility()
    page.get_by_role("button", name="Add evidence").click()
    page.check_accessibility()
    page.get_by_label("An audit result").check()
    page.get_by_label("What does it show?").fill("19 of 20 referrals record the child's voice")
    page.get_by_role("button", name="Add the evidence").click()
    expect(page.locator("#evidence")).to_contain_text("19 of 20 referrals")
    page.check_accessibility()
    _mark_complete(page)
    expect(page.locator("#action-status")).to_contain_text("Complete: evidence to review")
    page.check_accessibility()
    # Another agency's action is not theirs to see.
    response = page.goto(f"/cases/{ref}/action-plan/actions/{health_action.pk}/")
    assert response.status == 404
    page.check_accessibility()
    page.goto("/")
    page.check_accessibility()
    sign_out(page)

    # The business unit marks the impact evidenced, and the health action not implemented.
    sign_in(page, story.officer.email, PASSWORD)
    page.locator("#evidence-to-review").locator("..").get_by_role(
        "link", name="Review the evidence for action 1.1").click()
    page.check_accessibility()
    page.get_by_role("button", name="Review the evidence").click()
    page.check_accessibility()
    page.get_by_label("Yes: impact evidenced").check()
    page.get_by_role("button", name="Save the review").click()
    expect(page.locator("#action-status")).to_contain_text("Impact evidenced")
    page.check_accessibility()
    page.goto(f"/cases/{ref}/action-plan/actions/{health_action.pk}/")
    page.check_accessibility()
    page.get_by_role("link", name="Record that it will not be implemented").click()
    page.check_accessibility()
    page.get_by_label("Why will the action not be implemented?").fill(
        "The national supervision template replaced the local one")
    page.get_by_role("button", name="Record as not implemented").click()
    expect(page.locator("#not-implemented-reason")).to_contain_text("national supervision")
    page.check_accessibility()

    # The board signs the plan off: the plan and the case close.
    page.get_by_role("link", name="Back to the action plan").click()
    page.check_accessibility()
    page.get_by_role("link", name="Record the board's sign-off").click()
    page.check_accessibility()
    expect(page.locator("#unfinished")).to_have_count(0)
    fill_date(page, "When did the board sign the plan off?", today)
    page.get_by_role("button", name="Record the sign-off").click()
    expect(page.locator("#plan-status")).to_have_text("Signed off by the board")
    page.check_accessibility()

    plan = ActionPlan.objects.get(case=story.case)
    assert plan.status == ActionPlan.Status.SIGNED_OFF and plan.signed_off_sha256
    story.case.refresh_from_db()
    assert story.case.stage == Stage.CLOSED
    health_action.refresh_from_db()
    assert health_action.not_implemented_reason.startswith("The national supervision")
