"""Issue 11: one whole referral and one whole agency return, with the keyboard alone (see
tests/browser/keyboard.py), every page checked with axe."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Role, User
from cases.models import Case, Incident, Stage
from rapid_review.models import AgencyReturn
from tests.browser.keyboard import Keyboard
from tests.conftest import sign_out
from tests.factories import PASSWORD, AgencyFactory, MembershipFactory
from tests.rapid_review.builders import agency_with_user, review_for, send_requests
from tests.two_factor import app_code, app_device

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, keys: Keyboard, email: str) -> None:
    user = User.objects.get(email=email)
    app_device(user)
    page.goto("/sign-in/")
    page.check_accessibility()
    keys.type_into(page.get_by_label("Email address"), email)
    keys.type_into(page.get_by_label("Password"), PASSWORD)
    keys.press(page.get_by_role("button", name="Sign in"))
    page.check_accessibility()
    keys.type_into(page.get_by_label("Code from your authenticator app"), app_code(user))
    keys.press(page.get_by_role("button", name="Continue"))
    page.check_accessibility()


def _go(page, keys: Keyboard, target) -> None:
    keys.press(target)
    page.check_accessibility()


def _save(page, keys: Keyboard) -> None:
    _go(page, keys, page.get_by_role("button", name="Save and continue"))


def _group(page, legend: str):
    return page.get_by_role("group", name=legend, exact=True)


def test_a_referral_is_made_with_the_keyboard_alone(page, partnership):
    health = AgencyFactory(partnerships=[partnership], name="Alphashire Community Health")
    referrer = MembershipFactory(partnership=partnership, role=Role.AGENCY_USER,
                                 agency=health).user
    today = timezone.localdate()
    keys = Keyboard(page)

    _sign_in(page, keys, referrer.email)
    _go(page, keys, page.get_by_role("link", name="Refer an incident").first)
    _go(page, keys, page.get_by_role("button", name="Start now"))

    _go(page, keys, page.get_by_role("link", name="Children", exact=True))
    keys.type_into(page.get_by_label("Full name"), "Keyboard Child-Example")
    keys.date(_group(page, "Date of birth"), datetime.date(2018, 5, 6))
    keys.choose(_group(page, "Gender"), "Male")
    keys.choose(_group(page, "Legal status"), "Child in need")
    _save(page, keys)
    expect(page.get_by_role("heading", level=1)).to_have_text("Children")
    _go(page, keys, page.get_by_role("button", name="Continue"))

    _go(page, keys, page.get_by_role("link", name="Family and network", exact=True))
    keys.choose(_group(page, "Relationship to the child"), "Parent")
    keys.type_into(page.get_by_label("Full name"), "Keyboard Parent-Example")
    _save(page, keys)
    _go(page, keys, page.get_by_role("button", name="Continue"))

    _go(page, keys, page.get_by_role("link", name="Professional network", exact=True))
    keys.select(page.get_by_label("Agency", exact=True), health.name)
    keys.type_into(page.get_by_label("Nature of the involvement or intervention"),
                   "Health visiting (fictional)")
    _save(page, keys)
    _go(page, keys, page.get_by_role("button", name="Continue"))

    _go(page, keys, page.get_by_role("link", name="The incident", exact=True))
    keys.date(_group(page, "Date of the incident"), today - datetime.timedelta(days=1))
    keys.type_into(page.get_by_label("Where did it happen?"), "The family home")
    keys.choose(_group(page, "Did it happen in the partnership's area?"), "Yes")
    keys.type_into(page.get_by_label("What happened?"), "Fictional: a serious injury")
    keys.type_into(page.get_by_label(
        "What has been done to keep the child and other children safe?"),
        "Placed with grandparents (fictional)")
    keys.choose(_group(page, "Did the child die or was the child seriously harmed?"),
                "The child was seriously harmed")
    keys.choose(_group(page, "Is abuse or neglect known or suspected?"), "Neglect")
    keys.choose(_group(page, "Is it known or suspected?"), "Suspected")
    keys.tick(page.get_by_label("Neglect - recent"))
    keys.choose(_group(page, "Was the child looked after by a local authority, and has the "
                             "child died?"), "No")
    keys.choose(_group(page, "Is there media interest in the incident?"), "No")
    _save(page, keys)
    expect(page.locator("#incident-status")).to_have_text("Completed")

    _go(page, keys, page.get_by_role("link", name="Reason for referral", exact=True))
    keys.tick(page.get_by_label("Partner notification of a serious incident"))
    keys.type_into(page.get_by_label("Why do you think the case meets the criteria?"),
                   "Serious harm, neglect suspected")
    _save(page, keys)
    _go(page, keys, page.get_by_role("link", name="Authorisation", exact=True))
    keys.type_into(page.get_by_label(
        "Name of the safeguarding lead officer who authorised the referral"), "Sam Lead")
    keys.type_into(page.get_by_label("Their role"), "Named nurse (fictional)")
    keys.type_into(page.get_by_label("Your telephone number"), "01632 960123")
    _save(page, keys)
    expect(page.get_by_text("You have completed 6 of 6 sections")).to_be_visible()

    _go(page, keys, page.get_by_role("button", name="Check answers and submit"))
    _go(page, keys, page.get_by_role("button", name="Submit referral"))
    expect(page.locator(".govuk-panel--confirmation")).to_contain_text("Referral submitted")
    case = Case.objects.exclude(stage=Stage.DRAFT).get()
    assert case.stage == Stage.REFERRED
    assert Incident.objects.get(case=case).harm == Incident.Harm.SERIOUS_HARM
    sign_out(page)


def test_an_agency_return_is_made_with_the_keyboard_alone(page, partnership, make_user):
    officer = make_user(Role.BUSINESS_UNIT_OFFICER)
    review = review_for(partnership, officer)
    police = agency_with_user(partnership, "Alphashire Police (fictional)")
    (request,) = send_requests(review, [police.agency], officer)
    today = timezone.localdate()
    keys = Keyboard(page)

    _sign_in(page, keys, police.user.email)
    _go(page, keys, page.get_by_role("link", name=review.case.reference).first)
    _go(page, keys, page.get_by_role("link", name="Involvement", exact=True))
    keys.tick(page.get_by_label("The child"))
    keys.date(page.get_by_role("group", name="When did your agency's involvement start?"),
              today - datetime.timedelta(days=300))
    keys.type_into(page.get_by_label("Which services did your agency provide?"),
                   "Two call-outs (fictional)")
    _save(page, keys)
    _go(page, keys, page.get_by_role("link", name="Summary of involvement"))
    keys.type_into(page.get_by_label("Summary of your agency's involvement"),
                   "Officers attended twice (fictional)")
    _save(page, keys)
    _go(page, keys, page.get_by_role("link", name="Analysis"))
    keys.type_into(page.get_by_label("What worked well?"), "Prompt attendance")
    keys.type_into(page.get_by_label("What are we worried about?"), "No referral made")
    _save(page, keys)
    _go(page, keys, page.get_by_role("link", name="Records secured"))
    keys.choose(page.get_by_role("group").filter(has=page.get_by_label("Yes")).last, "Yes")
    keys.date(page.get_by_role("group", name="When were the records secured?"), today)
    _save(page, keys)
    expect(page.locator("#records-status")).to_have_text("Completed")
    _go(page, keys, page.get_by_role("button", name="Check answers and submit"))
    keys.type_into(page.get_by_label(
        "Name of the safeguarding lead officer who authorised this return"), "DI Example")
    _go(page, keys, page.get_by_role("button", name="Submit return"))
    expect(page.locator(".govuk-panel")).to_contain_text("Return submitted")
    assert AgencyReturn.objects.get(request=request).status == AgencyReturn.Status.SUBMITTED
    sign_out(page)
