"""Issue 11: every role of the demo signs in, starts from its home page and reaches each
waiting item in one click: a partner signs a waiting version, an agency opens its waiting
request, the officer opens the next step of every demo case, a manager an overdue
deadline. Every page passes axe."""

import pytest
from playwright.sync_api import expect

from accounts.demo import DEMO_PASSWORD
from tests.conftest import sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _item_links(page, queue_id: str) -> list[tuple[str, str]]:
    """(text, href) of each waiting item's link in the queue headed ``queue_id``."""
    section = page.locator(f"section[aria-labelledby='{queue_id}']")
    links = section.locator("tbody tr td:first-child a")
    return [(links.nth(i).inner_text(), links.nth(i).get_attribute("href"))
            for i in range(links.count())]


def _opens(page, href: str) -> None:
    """The item's page opens: not the service's 'page not found' or an error."""
    page.goto(href)
    page.check_accessibility()
    expect(page.locator("h1")).to_be_visible()
    expect(page.locator("h1")).not_to_contain_text("Page not found")
    expect(page.locator("h1")).not_to_contain_text("Sorry")


def test_each_role_reaches_its_waiting_work_from_home(page, demo):

    # A partner: the version waiting for the local authority's signature, one click away; signed.
    sign_in(page, "la.partner@demo.example", DEMO_PASSWORD)
    waiting = _item_links(page, "sign-off")
    assert waiting, "a demo version waits for the local authority's signature"
    page.locator("section[aria-labelledby='sign-off'] tbody a").first.click()
    page.check_accessibility()
    expect(page.locator("#signoff-status")).to_contain_text("out for signature")
    page.get_by_label("Your role").fill("Director of Children's Services (fictional)")
    page.get_by_label("I have read this version").check()
    page.get_by_role("button", name="Sign this version").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("You signed version")
    page.check_accessibility()
    page.get_by_role("link", name="Home").first.click()
    page.check_accessibility()
    assert len(_item_links(page, "sign-off")) == len(waiting) - 1
    sign_out(page)

    # An agency: its waiting request opens at the first click.
    sign_in(page, "agency@demo.example", DEMO_PASSWORD)
    requests = _item_links(page, "agency-requests")
    assert requests, "the demo hospital has a request to answer"
    page.locator("section[aria-labelledby='agency-requests'] tbody a").first.click()
    page.check_accessibility()
    expect(page.locator("h1")).to_be_visible()
    expect(page.locator("h1")).not_to_contain_text("Page not found")
    sign_out(page)

    # The officer: the next step of every demo case, each one click from home.
    sign_in(page, "officer@demo.example", DEMO_PASSWORD)
    steps = _item_links(page, "next-steps")
    assert len(steps) >= 5
    for _text, href in steps:
        _opens(page, href)
    sign_out(page)

    # A manager: an overdue deadline, statutory ones first.
    sign_in(page, "dashboard@demo.example", DEMO_PASSWORD)
    overdue = _item_links(page, "overdue")
    assert overdue, "the demo has an overdue step"
    page.locator("section[aria-labelledby='overdue'] tbody a").first.click()
    page.check_accessibility()
    expect(page.locator("h1")).not_to_contain_text("Page not found")
    sign_out(page)
