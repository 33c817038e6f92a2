"""An administrator manages the partnership in the service: adds a person with a role (who
is sent an invitation) and shares an agency with the other partnership they administer."""

import pytest
from playwright.sync_api import expect

from accounts.models import Agency, Membership, Role, User
from outbox.models import Message
from tests.conftest import sign_in
from tests.factories import PASSWORD, AgencyFactory, MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_administrator_adds_a_person_with_a_role_and_shares_an_agency(
        page, make_user, partnership, other_partnership):
    admin = make_user(Role.ADMINISTRATOR)
    MembershipFactory(user=admin, partnership=other_partnership, role=Role.ADMINISTRATOR)
    hospital = AgencyFactory(partnerships=[partnership], name="Alphashire Hospital (fictional)")
    sign_in(page, admin.email, PASSWORD)
    nav = page.get_by_role("navigation", name="Menu")

    nav.get_by_role("link", name="Administration").click()
    page.check_accessibility()
    page.get_by_role("link", name="People and roles").click()
    page.check_accessibility()
    page.get_by_role("button", name="Add a person").click()
    page.check_accessibility()

    # A mistake first: the agency is missing; what was typed stays.
    page.get_by_label("Full name").fill("Nia Newperson")
    page.get_by_label("Work email address").fill("nia@hospital.example")
    page.get_by_label("Agency user", exact=True).check()
    page.get_by_role("button", name="Add person and send invitation").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Select the agency this person works for")
    page.check_accessibility()
    expect(page.get_by_label("Full name")).to_have_value("Nia Newperson")
    page.get_by_label("Agency users only: which agency do they work for?").select_option(
        label=hospital.name)
    page.get_by_role("button", name="Add person and send invitation").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Nia Newperson is now agency user")
    expect(page.get_by_role("heading", level=1)).to_have_text("Nia Newperson")
    page.check_accessibility()
    person = User.objects.get(email="nia@hospital.example")
    assert Membership.objects.filter(user=person, partnership=partnership,
                                     role=Role.AGENCY_USER, agency=hospital).exists()
    assert Message.objects.filter(kind="invitation", to=person.email).count() == 1

    # The agency: no named contact yet, then shared with the other partnership.
    nav.get_by_role("link", name="Agencies").click()
    row = page.get_by_role("row").filter(has_text=hospital.name)
    expect(row).to_contain_text("No named contact")
    page.check_accessibility()
    page.get_by_role("link", name=hospital.name).click()
    page.check_accessibility()
    page.get_by_role("button", name="Share with another partnership").click()
    page.check_accessibility()
    page.get_by_label(other_partnership.name).check()
    page.get_by_role("button", name="Share agency").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        f"now serves {other_partnership.name} too")
    expect(page.locator(".govuk-summary-list")).to_contain_text(other_partnership.name)
    page.check_accessibility()
    assert set(Agency.objects.get(pk=hospital.pk).partnerships.all()) == {
        partnership, other_partnership}
