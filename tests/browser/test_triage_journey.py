"""A business unit officer takes a partner notification through triage to a rapid review."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Role
from calendars import services as calendar_services
from calendars.models import TimelineTemplate
from calendars.working_days import add_working_days
from cases import services
from cases.models import Incident, Stage
from tests.conftest import emails_in, sign_in
from tests.factories import PASSWORD, AgencyFactory, MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.celery, pytest.mark.django_db(transaction=True)]
PLAN = "15 working day plan (North East Lincolnshire)"


def _submitted_partner_notification(partnership):
    """What an agency does on the referral form, through the same services."""
    agency = AgencyFactory(name="Alphashire Hospitals NHS Trust", partnerships=[partnership])
    referrer = MembershipFactory(partnership=partnership, role=Role.AGENCY_USER,
                                 agency=agency).user
    referral = services.referral_start(actor=referrer, agency=agency, partnership=partnership)
    today = timezone.localdate()
    services.child_save(actor=referrer, referral=referral, full_name="Robin Fictional",
                        date_of_birth=datetime.date(2020, 5, 17), gender="male")
    services.incident_save(
        actor=referrer, referral=referral, occurred_on=today - datetime.timedelta(days=1),
        place="Family home", description="Fictional: the child was admitted with injuries",
        immediate_actions="Siblings staying with grandparents",
        harm=Incident.Harm.SERIOUS_HARM, concern=Incident.Concern.ABUSE,
        certainty=Incident.Certainty.SUSPECTED, characteristics=["injury", "shaken_baby"])
    services.referral_update(actor=referrer, referral=referral,
                             request_type="partner_notification",
                             reason="Serious injury; abuse suspected",
                             lead_officer_name="Dr Alex Named-Doctor")
    return services.referral_submit(actor=referrer, referral=referral)


def test_officer_takes_a_referral_through_triage_to_rapid_review(page, celery_worker, make_user,
                                                                 partnership):
    _queue, mail = celery_worker
    calendar_services.template_adopt(
        actor=None, partnership=partnership,
        builtin=TimelineTemplate.objects.get(partnership__isnull=True, name=PLAN))
    officer = make_user(Role.BUSINESS_UNIT_OFFICER)
    case = _submitted_partner_notification(partnership)
    notify_due = add_working_days(timezone.localdate(), 5,
                                  calendar_services.calendar_for(partnership))

    sign_in(page, officer.email, PASSWORD)

    # The inbox: the new referral, from the hospital, just referred.
    page.goto(reverse("cases:referral-inbox"))
    page.check_accessibility()
    row = page.get_by_role("row").filter(has_text=case.reference)
    expect(row).to_contain_text("Alphashire Hospitals NHS Trust")
    expect(row).to_contain_text("Referred")
    row.get_by_role("link", name=case.reference).click()
    page.check_accessibility()

    # The referral as submitted, then to triage.
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Referral {case.reference}")
    expect(page.locator("main")).to_contain_text("Robin Fictional")
    expect(page.locator("main")).to_contain_text("Shaken baby syndrome")
    expect(page.locator("main")).to_contain_text("Dr Alex Named-Doctor")
    page.get_by_role("button", name="Take to triage").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        f"{case.reference} is in triage")
    page.check_accessibility()

    # The decision, with the reasons forgotten at first.
    page.get_by_role("button", name="Record the triage decision").click()
    page.check_accessibility()
    today = timezone.localdate()
    page.get_by_label("Day", exact=True).fill(str(today.day))
    page.get_by_label("Month", exact=True).fill(str(today.month))
    page.get_by_label("Year", exact=True).fill(str(today.year))
    page.get_by_label("Who attended?").fill("Chair, children's services\nDetective inspector")
    page.get_by_label("Alphashire Hospitals NHS Trust").check()
    page.get_by_label("Abuse or neglect is known or suspected and the child has died or been "
                      "seriously harmed").check()
    page.get_by_label("Rapid review: a notifiable serious incident").check()
    page.get_by_role("button", name="Save decision").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Explain the reasons for the decision")
    page.check_accessibility()
    expect(page.get_by_label("Who attended?")).to_have_value(
        "Chair, children's services\nDetective inspector")
    expect(page.get_by_label("Rapid review: a notifiable serious incident")).to_be_checked()
    page.get_by_label("Reasons for the decision").fill(
        "Serious harm and abuse suspected: the criteria for a notification are met")
    page.get_by_role("button", name="Save decision").click()

    # The case page: a rapid review, and the Panel must be notified within 5 working days.
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Decision saved")
    page.check_accessibility()
    expect(page.get_by_role("heading", level=1)).to_have_text(case.reference)
    stage_row = page.locator(".govuk-summary-list__row").filter(has_text="Stage").first
    expect(stage_row).to_contain_text("Rapid review")
    notify_row = page.get_by_role("row").filter(has_text="Notify the National Panel")
    expect(notify_row).to_contain_text(notify_due.strftime("%a %-d %b %Y"))
    case.refresh_from_db()
    assert case.stage == Stage.RAPID_REVIEW

    # The business unit's email about the referral links to the page the officer used.
    review_link = reverse("cases:referral-review", args=[case.reference])
    for _ in range(300):
        if any(review_link in m for m in emails_in(mail)):
            break
        page.wait_for_timeout(100)
    assert any(f"New referral: {case.reference}" in m and review_link in m
               for m in emails_in(mail))
