"""Issue 15: the second step of signing in, in real Chromium. A new person sets up an
authenticator app at their first sign-in (scanning is stood in for by typing the key the
page shows, as a person without a camera would), saves their recovery codes, signs in
again with a code from the app and once with a recovery code; the operations admin asks
for the code too; an administrator resets a lost app and the person sets up a new one."""

import base64
import re

import pytest
from playwright.sync_api import expect

from accounts.models import AuditEvent, Role
from tests.conftest import sign_in, sign_out
from tests.factories import PASSWORD
from tests.two_factor import code_for_key

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _key_from(page) -> bytes:
    typed = page.locator("#app-key").inner_text().replace(" ", "")
    return base64.b32decode(typed + "=" * (-len(typed) % 8))


def _set_up_app(page) -> tuple[bytes, list[str]]:
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up an authenticator app")
    expect(page.get_by_role("img", name="QR code to scan with your authenticator app")
           ).to_be_visible()
    key = _key_from(page)
    page.get_by_label("Code from your authenticator app").fill("12")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("The code is not right")
    page.check_accessibility()
    page.get_by_label("Code from your authenticator app").fill(code_for_key(key))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Your authenticator app is set up")
    page.check_accessibility()
    codes = page.get_by_role("list", name="Recovery codes").locator("li").all_inner_texts()
    assert len(codes) == 10
    page.get_by_role("button", name="I have saved my recovery codes").click()
    return key, codes


def test_set_up_sign_in_with_the_app_or_a_recovery_code_and_reset(page, make_user):
    person = make_user(Role.BUSINESS_UNIT_OFFICER)
    person.is_staff = person.is_superuser = True
    person.save()

    # First sign-in: the password, then setting up the app; then the page asked for.
    page.goto("/cases/")
    page.check_accessibility()
    page.get_by_label("Email address").fill(person.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    key, codes = _set_up_app(page)
    expect(page).to_have_url(re.compile(r"/cases/$"))
    page.check_accessibility()
    sign_out(page)

    # Next time: a code from the app.
    sign_in(page, person.email, PASSWORD, code=False)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Enter the code from your authenticator app")
    expect(page.get_by_role("navigation", name="Menu").get_by_role("link")).to_have_count(0)
    page.get_by_label("Code from your authenticator app").fill(
        code_for_key(key, after_step=_last_step(person)))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(person.full_name)
    page.check_accessibility()
    sign_out(page)

    # Without the phone: a recovery code, once.
    sign_in(page, person.email, PASSWORD, code=False)
    page.get_by_text("I cannot use my authenticator app").click()
    page.get_by_label("Code from your authenticator app").fill(codes[0])
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(person.full_name)
    page.check_accessibility()
    sign_out(page)

    # The operations admin: its own sign-in page, then the same second step.
    page.goto("/ops/admin/login/")
    page.check_accessibility()
    page.get_by_label("Email address").fill(person.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Enter the code from your authenticator app")
    page.check_accessibility()
    page.get_by_label("Code from your authenticator app").fill(codes[0])  # used already
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("The code is not right")
    assert "next=%2Fops%2Fadmin%2F" in page.url  # still on the way there
    page.wait_for_timeout(1100)  # a wrong code makes the next try wait a second
    page.get_by_label("Code from your authenticator app").fill(codes[1])
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
    page.check_accessibility()
    page.context.clear_cookies()

    # Lost phone: an administrator resets the app, and the person sets up a new one.
    administrator = make_user(Role.ADMINISTRATOR)
    sign_in(page, administrator.email, PASSWORD)
    page.goto(f"/people/{person.pk}/")
    page.check_accessibility()
    page.get_by_role("link", name=f"Reset {person.full_name}'s authenticator app").click()
    page.check_accessibility()
    page.get_by_role("button", name="Reset authenticator app").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "will set up a new authenticator app")
    page.check_accessibility()
    sign_out(page)
    assert AuditEvent.objects.filter(actor=administrator,
                                     detail__second_factor="reset").exists()

    sign_in(page, person.email, PASSWORD, code=False)
    new_key, _codes = _set_up_app(page)
    assert new_key != key
    expect(page.get_by_role("heading", level=1)).to_have_text(person.full_name)
    page.check_accessibility()


def _last_step(user) -> int:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.get(user=user).last_t
