"""Journeys in real Chromium: each role signs in and lands on its own home page; the
timeout warning before a session ends."""

import datetime

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import AuditEvent, Role
from tests.conftest import check_accessibility, sign_in
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser,
              pytest.mark.django_db(transaction=True)]

HOME_SECTION = {
    Role.BUSINESS_UNIT_OFFICER: "Next steps on cases",
    Role.BUSINESS_MANAGER: "Next steps on cases",
    Role.AGENCY_USER: "Information requests to answer",
    Role.PARTNER_REPRESENTATIVE: "Waiting for your signature",
    Role.MANAGER: "Overdue across the partnership",
    Role.REVIEWER: "Your reviews",
    Role.SCRUTINEER: "Scrutiny",
    Role.ADMINISTRATOR: "Administration",
}


@pytest.mark.parametrize("role", list(Role))
def test_each_role_signs_in_and_sees_its_home_page(page, make_user, partnership, role):
    user = make_user(role)
    sign_in(page, user.email, PASSWORD)

    expect(page.get_by_role("heading", level=1)).to_have_text(user.full_name)
    expect(page.locator(".govuk-generic-header")).to_contain_text(partnership.name)
    expect(page.locator(".govuk-service-navigation")).to_contain_text(
        "Safeguarding Practice Reviews")
    expect(page.get_by_role("heading", name=HOME_SECTION[role])).to_be_visible()
    also = {"Overdue across the partnership"} if role == Role.SCRUTINEER else set()
    for heading in set(HOME_SECTION.values()) - {HOME_SECTION[role]} - also:
        expect(page.get_by_role("heading", name=heading)).to_have_count(0)

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/sign-in/")
    page.check_accessibility()
    assert AuditEvent.objects.filter(actor=user, action=AuditEvent.Action.SIGN_OUT).exists()


def test_agency_user_navigation_shows_only_what_the_role_allows(page, make_user):
    user = make_user(Role.AGENCY_USER)
    sign_in(page, user.email, PASSWORD)
    nav = page.get_by_role("navigation", name="Menu")
    expect(nav.get_by_role("link", name="Refer an incident")).to_be_visible()
    expect(nav.get_by_role("link", name="Agencies")).to_have_count(0)
    expect(nav.get_by_role("link", name="Audit trail")).to_have_count(0)

    nav.get_by_role("link", name="Refer an incident").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Refer an incident")
    page.check_accessibility()


def test_wrong_password_shows_the_error_and_is_audited(page, make_user):
    user = make_user(Role.BUSINESS_UNIT_OFFICER)
    sign_in(page, user.email, "not-the-password")

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text("Enter a correct email address and password")
    expect(page.get_by_label("Email address")).to_have_value(user.email)
    assert "Error:" in page.title()
    event = AuditEvent.objects.get(action=AuditEvent.Action.SIGN_IN_FAILED)
    assert event.object_id == str(user.pk)
    assert event.ip_address == "127.0.0.1"
    assert event.request_id


def test_the_accessibility_check_fails_on_a_serious_violation(page):
    page.goto("/sign-in/")
    page.check_accessibility()
    page.set_content('<html lang="en"><body><main><img src="x.png"><h1>Hi</h1></main></body>')
    from tests.conftest import AccessibilityError

    with pytest.raises(AccessibilityError, match="image-alt"):
        page.check_accessibility()


def test_the_timeout_warning_keeps_the_session_when_asked_and_signs_out_when_not(
        page, make_user):
    """GOV.UK's timeout warning, 2 minutes before 30 minutes without activity end the
    session: "Stay signed in" (or Escape) keeps it; doing nothing ends on the sign-in page,
    which says why. The server's clock (time-machine) and the page's (Playwright's) move
    on together, 30 minutes in no time."""
    user = make_user(Role.MANAGER)
    page.clock.install()
    with time_machine.travel(timezone.now(), tick=True) as traveller:
        def later(minutes: int, seconds: int = 0) -> None:
            traveller.shift(datetime.timedelta(minutes=minutes, seconds=seconds))
            page.clock.fast_forward(f"{minutes:02d}:{seconds:02d}")

        sign_in(page, user.email, PASSWORD)
        warning = page.get_by_role("dialog", name="You’re about to be signed out")
        heading = page.get_by_role("heading", level=1)
        expect(warning).to_be_hidden()

        later(28, 5)
        expect(warning).to_be_visible()
        expect(warning).to_contain_text("For your security, we will sign you out in 2 minutes")
        stay = warning.get_by_role("button", name="Stay signed in")
        expect(stay).to_be_focused()
        expect(warning.get_by_role("button", name="Sign out")).to_be_visible()
        check_accessibility(page)  # with the dialog open
        stay.click()
        expect(warning).to_be_hidden()

        later(27)  # 55 minutes since the page was asked for, 27 since "Stay signed in"
        page.reload()
        expect(heading).to_have_text(user.full_name)
        page.check_accessibility()

        later(28, 5)
        expect(warning).to_be_visible()
        page.keyboard.press("Escape")  # stays signed in too
        expect(warning).to_be_hidden()
        later(29)
        page.reload()
        expect(heading).to_have_text(user.full_name)
        page.check_accessibility()

        later(30, 5)  # nothing done
        page.wait_for_url("**/sign-in/**")
        expect(page.locator(".govuk-notification-banner")).to_contain_text(
            "For your security, you were signed out after 30 minutes without activity")
        page.check_accessibility()
    assert AuditEvent.objects.filter(actor=user, action=AuditEvent.Action.SIGN_OUT,
                                     detail__reason="idle_timeout").count() == 1


def test_the_policy_refuses_inline_code_and_the_page_fixture_reports_it(page):
    """base.html's one inline script runs (its nonce), anything else inline is refused, and
    the refusal is what fails a journey at teardown."""
    page.goto("/sign-in/")
    page.check_accessibility()
    expect(page.locator("body")).to_have_class("govuk-template__body js-enabled "
                                               "govuk-frontend-supported")
    assert page.csp_violations == []
    with page.expect_console_message(lambda message: "style-src" in message.text):
        page.evaluate("""() => {
            const script = document.createElement('script');
            script.textContent = 'window.injected = true';
            document.body.append(script);
            document.body.insertAdjacentHTML('beforeend', '<p style="color: red">Red</p>');
        }""")
    assert page.evaluate("() => window.injected") is None
    assert any("script-src" in text for text in page.csp_violations), page.csp_violations
    assert any("style-src" in text for text in page.csp_violations), page.csp_violations
    page.csp_violations.clear()  # seen: the fixture's teardown would fail the test otherwise
