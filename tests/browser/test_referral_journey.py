"""An agency user refers an incident in real Chromium: a draft that survives signing out,
a mistake put right, one submitted case, and nothing for another agency to see."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Role
from cases import services
from cases.models import Case, Child, Incident, Person, Referral, ReferralQuery, Stage
from tests.conftest import fill_date, sign_in, sign_out
from tests.factories import PASSWORD, AgencyFactory, MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _radio(page, legend: str, label: str) -> None:
    page.get_by_role("group", name=legend, exact=True).get_by_label(label, exact=True).check()


def _save(page) -> None:
    page.get_by_role("button", name="Save and continue").click()
    page.wait_for_load_state()
    page.check_accessibility()


def _open_task(page, name: str) -> None:
    page.get_by_role("link", name=name, exact=True).click()
    page.check_accessibility()


def test_agency_user_refers_an_incident_from_draft_to_submitted_case(page, partnership):
    health = AgencyFactory(partnerships=[partnership], name="Alphashire Community Health")
    police = AgencyFactory(partnerships=[partnership], name="Alphashire Police")
    referrer = MembershipFactory(partnership=partnership, role=Role.AGENCY_USER,
                                 agency=health).user
    today = timezone.localdate()
    incident_on = today - datetime.timedelta(days=2)

    # Start a referral.
    sign_in(page, referrer.email, PASSWORD)
    page.get_by_role("navigation", name="Menu").get_by_role(
        "link", name="Refer an incident").click()
    page.check_accessibility()
    page.get_by_role("button", name="Start now").click()
    page.check_accessibility()
    expect(page.get_by_role("heading", level=1)).to_have_text("Refer an incident")
    expect(page.locator("#children-status")).to_have_text("Not yet started")

    # A child, with a wrong NHS number first.
    _open_task(page, "Children")
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a child")
    page.get_by_label("Full name").fill("Testchild Example")
    fill_date(page, "Date of birth", datetime.date(2019, 3, 4), exact=True)
    _radio(page, "Gender", "Female")
    page.get_by_label("Ethnicity (optional)").fill("White British")
    page.get_by_label("Address (optional)").fill("1 Test Street\nTesttown")
    page.get_by_label("NHS number (optional)").fill("9434765918")
    page.get_by_label("Education provision (optional)").fill("Test Primary School")
    _radio(page, "Legal status", "Child protection plan")
    _save(page)
    assert page.title().startswith("Error: ")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a valid NHS number")
    expect(page.locator("#div_id_nhs_number .govuk-error-message")).to_contain_text(
        "Enter a valid NHS number")
    expect(page.get_by_label("Full name")).to_have_value("Testchild Example")
    expect(page.get_by_label("Address (optional)")).to_have_value("1 Test Street\nTesttown")
    expect(page.get_by_label("NHS number (optional)")).to_have_value("9434765918")
    expect(page.get_by_label("Child protection plan", exact=True)).to_be_checked()
    expect(page.get_by_label("Female", exact=True)).to_be_checked()
    assert not Child.objects.exists()
    page.get_by_label("NHS number (optional)").fill("943 476 5919")
    _save(page)
    # The follow-up question for a child protection plan.
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Testchild Example's child protection plan")
    plan_start = today - datetime.timedelta(days=90)
    fill_date(page, "When did the plan start?", plan_start, exact=True)
    _radio(page, "What is the category of the plan?", "Neglect")
    _save(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Children")
    expect(page.locator(".govuk-summary-card")).to_contain_text("943 476 5919")
    child = Child.objects.get()
    assert (child.nhs_number, child.protection_plan_start) == ("9434765919", plan_start)

    # Sign out; the draft is still there after signing back in.
    sign_out(page)
    sign_in(page, referrer.email, PASSWORD)
    page.get_by_role("navigation", name="Menu").get_by_role(
        "link", name="Refer an incident").click()
    page.check_accessibility()
    page.get_by_role("link", name=re.compile("See your referrals")).click()
    page.check_accessibility()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your referrals")
    row = page.get_by_role("row").filter(has_text="Draft")
    expect(row).to_contain_text("1")
    row.get_by_role("link", name=re.compile("^Continue")).click()
    page.check_accessibility()
    expect(page.locator("#children-status")).to_have_text("Completed")

    # Family and network.
    _open_task(page, "Family and network")
    _radio(page, "Relationship to the child", "Parent")
    page.get_by_label("Full name").fill("Testparent Example")
    _save(page)
    page.get_by_role("button", name="Add another person").click()  # added by mistake
    page.check_accessibility()
    _radio(page, "Relationship to the child", "Other")
    page.get_by_label("Full name").fill("Wrong Person")
    _save(page)
    page.get_by_role("link", name="Remove the details of Wrong Person").click()
    page.check_accessibility()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Are you sure you want to remove Wrong Person?")
    page.get_by_role("button", name="Yes, remove").click()
    page.check_accessibility()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Wrong Person removed")
    expect(page.locator("main")).not_to_contain_text("Other")
    page.get_by_role("button", name="Continue").click()
    page.check_accessibility()

    # Professional network.
    _open_task(page, "Professional network")
    page.get_by_label("Agency", exact=True).select_option(label=police.name)
    page.get_by_label("Nature of the involvement or intervention").fill(
        "Attended two domestic incidents at the address")
    fill_date(page, "Involved from (optional)", today - datetime.timedelta(days=200),
              exact=True)
    _save(page)
    expect(page.locator(".govuk-summary-card")).to_contain_text(police.name)
    page.get_by_role("button", name="Continue").click()
    page.check_accessibility()

    # The incident.
    _open_task(page, "The incident")
    fill_date(page, "Date of the incident", incident_on, exact=True)
    page.get_by_label("Time of the incident (optional)").fill("14:30")
    page.get_by_label("Where did it happen?").fill("The family home")
    _radio(page, "Did it happen in the partnership's area?", "Yes")
    page.get_by_label("What happened?").fill("Fictional test incident: the child was found "
                                             "injured at home")
    page.get_by_label("What has been done to keep the child and other children safe?").fill(
        "Sibling placed with grandparents")
    _radio(page, "Did the child die or was the child seriously harmed?",
           "The child was seriously harmed")
    _radio(page, "Is abuse or neglect known or suspected?", "Neglect")
    _radio(page, "Is it known or suspected?", "Suspected")
    page.get_by_label("Neglect - recent").check()
    _radio(page, "Was the child looked after by a local authority, and has the child died?",
           "No")
    _radio(page, "Is there media interest in the incident?", "No")
    _save(page)
    expect(page.locator("#incident-status")).to_have_text("Completed")

    # Reason and authorisation.
    _open_task(page, "Reason for referral")
    page.get_by_label("Partner notification of a serious incident").check()
    page.get_by_label("Why do you think the case meets the criteria?").fill(
        "Serious harm with neglect suspected")
    _save(page)
    _open_task(page, "Authorisation")
    page.get_by_label("Name of the safeguarding lead officer who authorised the referral").fill(
        "Sam Lead-Officer")
    page.get_by_label("Their role").fill("Named nurse for safeguarding children")
    page.get_by_label("Your telephone number").fill("01234 567890")
    _save(page)
    expect(page.get_by_text("You have completed 6 of 6 sections")).to_be_visible()

    # Check answers and submit.
    page.get_by_role("button", name="Check answers and submit").click()
    page.check_accessibility()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check your answers before submitting the referral")
    main = page.locator("main")
    for text in ("Testchild Example", "943 476 5919", "Testparent Example", police.name,
                 "Serious harm", "Neglect - recent", "Sam Lead-Officer"):
        expect(main).to_contain_text(text)
    page.get_by_role("button", name="Submit referral").click()
    page.check_accessibility()
    panel = page.locator(".govuk-panel--confirmation")
    expect(panel).to_contain_text("Referral submitted")
    expect(panel).to_contain_text(re.compile(r"ALPHA-\d{4}-\d{3}"))
    expect(page.get_by_role("heading", name="What happens next")).to_be_visible()

    submitted = Case.objects.exclude(stage=Stage.DRAFT)
    assert submitted.count() == 1
    case = submitted.get()
    assert re.fullmatch(r"ALPHA-\d{4}-\d{3}", case.reference)
    expect(panel).to_contain_text(case.reference)
    assert case.stage == Stage.REFERRED and Referral.objects.get().submitted_at
    assert list(Person.objects.values_list("full_name", flat=True)) == ["Testparent Example"]
    incident = Incident.objects.get(case=case)
    assert (incident.occurred_on, incident.harm) == (incident_on, Incident.Harm.SERIOUS_HARM)
    sign_out(page)

    # Someone from another agency of the same partnership cannot open it.
    outsider = MembershipFactory(partnership=partnership, role=Role.AGENCY_USER,
                                 agency=police).user
    sign_in(page, outsider.email, PASSWORD)
    response = page.goto(f"/cases/referrals/{case.reference}/")
    page.check_accessibility()
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page.locator("main")).not_to_contain_text("Testchild Example")


def test_referrer_is_told_what_is_missing_then_answers_a_question(page, partnership, make_user):
    health = AgencyFactory(partnerships=[partnership], name="Alphashire Community Health")
    referrer = MembershipFactory(partnership=partnership, role=Role.AGENCY_USER,
                                 agency=health).user
    earlier = services.referral_start(actor=referrer, agency=health, partnership=partnership)
    services.child_save(actor=referrer, referral=earlier, full_name="Testchild Example",
                        date_of_birth=datetime.date(2019, 3, 4), gender="female")
    services.incident_save(actor=referrer, referral=earlier,
                           occurred_on=timezone.localdate() - datetime.timedelta(days=3),
                           place="Home", description="Fictional", immediate_actions="Safe",
                           harm="death", concern="abuse", certainty="known")
    services.referral_update(actor=referrer, referral=earlier, request_type="partner_notification",
                             reason="Died, abuse known", lead_officer_name="Sam Lead")
    case = services.referral_submit(actor=referrer, referral=earlier)
    services.referral_query_ask(actor=make_user(Role.BUSINESS_UNIT_OFFICER), referral=earlier,
                                question="Which school does the child attend?")

    # A new draft submitted too early: the error summary says what is missing, and where.
    sign_in(page, referrer.email, PASSWORD)
    page.get_by_role("navigation", name="Menu").get_by_role(
        "link", name="Refer an incident").click()
    page.check_accessibility()
    page.get_by_role("button", name="Start now").click()
    page.check_accessibility()
    page.get_by_role("button", name="Check answers and submit").click()
    page.check_accessibility()
    page.get_by_role("button", name="Submit referral").click()
    page.check_accessibility()
    summary = page.locator(".govuk-error-summary")
    for message in ("Add at least one child", "Describe the incident",
                    "Select what you are asking the partnership to do",
                    "Enter the safeguarding lead officer who authorised it"):
        expect(summary.get_by_role("link", name=message)).to_be_visible()
    assert page.title().startswith("Error: ")
    summary.get_by_role("link", name="Describe the incident").click()
    page.check_accessibility()
    expect(page.get_by_role("heading", level=1)).to_have_text("The incident")
    assert Case.objects.exclude(stage=Stage.DRAFT).count() == 1

    # The earlier referral waits for an answer.
    page.goto("/cases/referrals/")
    page.check_accessibility()
    row = page.get_by_role("row").filter(has_text=case.reference)
    expect(row).to_contain_text("More information requested")
    row.get_by_role("link", name=case.reference).click()
    page.check_accessibility()
    expect(page.get_by_role("heading", level=1)).to_have_text(case.reference)
    expect(page.locator("main")).to_contain_text("Which school does the child attend?")
    page.get_by_role("button", name="Send answer").click()
    page.check_accessibility()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter your answer")
    page.get_by_label("Your answer").fill("Test Primary School")
    page.get_by_role("button", name="Send answer").click()
    page.check_accessibility()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Your answer has been sent")
    expect(page.locator("main")).to_contain_text("Test Primary School")
    expect(page.locator("main")).to_contain_text("Submitted")
    assert ReferralQuery.objects.get().answer == "Test Primary School"
    assert Case.objects.get(pk=case.pk).stage == Stage.REFERRED
