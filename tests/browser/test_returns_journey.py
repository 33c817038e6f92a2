"""The business unit sends information requests to two agencies; one completes its return
online and submits it, the other makes a nil return; the business unit sees both."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Role
from tests.conftest import emails_in, fill_date, sign_in, sign_out
from tests.factories import PASSWORD
from tests.rapid_review.builders import agency_with_user, review_for

pytestmark = [pytest.mark.browser, pytest.mark.celery, pytest.mark.django_db(transaction=True)]


def test_requests_go_out_and_a_return_and_a_nil_return_come_back(page, celery_worker,
                                                                  make_user, partnership):
    _queue, mail = celery_worker
    officer = make_user(Role.BUSINESS_UNIT_OFFICER)
    review = review_for(partnership, officer)
    case = review.case
    police = agency_with_user(partnership, "Alphashire Police (fictional)",
                              email="safeguarding@police.example", phone="01632 960001")
    school = agency_with_user(partnership, "Alphashire Primary School (fictional)")
    case.involvements.create(agency=police.agency, nature="Domestic abuse call-outs")
    today = timezone.localdate()

    # The officer sends the requests from the rapid review.
    sign_in(page, officer.email, PASSWORD)
    page.goto(reverse("rapid_review:overview", args=[case.reference]))
    page.check_accessibility()
    page.get_by_role("link", name="Information requests and agency returns").click()
    page.check_accessibility()
    page.get_by_role("button", name="Send information requests").click()
    page.check_accessibility()
    expect(page.get_by_label("Alphashire Police (fictional)")).to_be_checked()
    page.get_by_label("Alphashire Primary School (fictional)").check()
    page.get_by_role("button", name="Send information requests").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "2 information requests sent")
    page.check_accessibility()
    table = page.locator("#requests")
    expect(table).to_contain_text("Alphashire Police (fictional)")
    expect(table).to_contain_text("Alphashire Primary School (fictional)")
    # The follow-up call: receipt confirmed.
    page.get_by_role("link", name="Record receipt for Alphashire Police (fictional)").click()
    page.check_accessibility()
    fill_date(page, "When did the agency confirm it received the request?", today)
    page.get_by_label("Note of the call (optional)").fill("Spoke to the duty inspector")
    page.get_by_role("button", name="Record receipt").click()
    page.check_accessibility()
    expect(page.get_by_role("row").filter(has_text="Alphashire Police")).to_contain_text(
        "Spoke to the duty inspector")
    police_request = review.information_requests.get(agency=police.agency)
    return_link = reverse("rapid_review:return", args=[police_request.pk])
    sign_out(page)

    # The police's safeguarding mailbox is emailed the link, with the case reference only.
    for _ in range(300):
        if any(return_link in m for m in emails_in(mail)):
            break
        page.wait_for_timeout(100)
    police_mail = [m for m in emails_in(mail) if "safeguarding@police.example" in m]
    assert police_mail and return_link in police_mail[0] and case.reference in police_mail[0]
    assert "Testchild" not in police_mail[0]

    # The police complete the return online.
    sign_in(page, police.user.email, PASSWORD)
    page.get_by_role("link", name="Information requests").first.click()
    page.check_accessibility()
    expect(page.locator("#agency-requests")).not_to_contain_text("Primary School")
    page.get_by_role("link", name=case.reference).click()
    page.check_accessibility()
    page.get_by_role("link", name="Involvement", exact=True).click()
    page.check_accessibility()
    page.get_by_label("The child").check()
    page.get_by_label("The suspected perpetrator").check()
    fill_date(page, "When did your agency's involvement start?",
               today - datetime.timedelta(days=365))
    page.get_by_label("Which services did your agency provide?").fill(
        "Response to three domestic abuse call-outs (fictional)")
    page.get_by_role("button", name="Save and continue").click()
    page.check_accessibility()
    page.get_by_role("link", name="Summary of involvement").click()
    page.check_accessibility()
    page.get_by_label("Summary of your agency's involvement").fill(
        "Officers attended the address three times (fictional)")
    page.get_by_role("button", name="Save and continue").click()
    page.check_accessibility()
    page.get_by_role("link", name="Analysis").click()
    page.check_accessibility()
    page.get_by_label("What worked well?").fill("Prompt attendance")
    page.get_by_label("What are we worried about?").fill("No referral to children's services")
    page.get_by_role("button", name="Save and continue").click()
    page.check_accessibility()
    page.get_by_role("link", name="Records secured").click()
    page.check_accessibility()
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter the date the records were secured")
    page.check_accessibility()
    fill_date(page, "When were the records secured?", today)
    page.get_by_role("button", name="Save and continue").click()
    page.check_accessibility()
    expect(page.locator("#records-status")).to_have_text("Completed")
    page.get_by_role("button", name="Check answers and submit").click()
    page.check_accessibility()
    expect(page.locator("#return-answers")).to_contain_text("Prompt attendance")
    page.get_by_label("Name of the safeguarding lead officer who authorised this return").fill(
        "DI Pat Example-Lead")
    page.get_by_role("button", name="Submit return").click()
    expect(page.locator(".govuk-panel")).to_contain_text("Return submitted")
    page.check_accessibility()
    sign_out(page)

    # The school makes a nil return.
    sign_in(page, school.user.email, PASSWORD)
    page.get_by_role("link", name="Information requests").first.click()
    page.check_accessibility()
    page.get_by_role("link", name=case.reference).click()
    page.check_accessibility()
    page.get_by_role("link", name="Make a nil return").click()
    page.check_accessibility()
    page.get_by_label("Yes").check()
    page.get_by_label("Why is your agency making a nil return?").fill(
        "The child was never on the school roll")
    page.get_by_role("button", name="Save and continue").click()
    page.check_accessibility()
    page.get_by_role("button", name="Check answers and submit").click()
    page.check_accessibility()
    page.get_by_label("Name of the safeguarding lead officer who authorised this return").fill(
        "Sam Example-Head")
    page.get_by_role("button", name="Submit return").click()
    expect(page.locator(".govuk-panel")).to_contain_text("Return submitted")
    page.check_accessibility()
    sign_out(page)

    # The officer sees both returns.
    sign_in(page, officer.email, PASSWORD)
    page.goto(reverse("rapid_review:requests", args=[case.reference]))
    page.check_accessibility()
    expect(page.get_by_role("row").filter(has_text="Alphashire Police")).to_contain_text(
        "Returned")
    expect(page.get_by_role("row").filter(has_text="Primary School")).to_contain_text(
        "Nil return")
    page.get_by_role("link", name="Alphashire Police (fictional)", exact=True).click()
    page.check_accessibility()
    expect(page.locator("main")).to_contain_text("DI Pat Example-Lead")
    expect(page.locator("main")).to_contain_text("No referral to children's services")
