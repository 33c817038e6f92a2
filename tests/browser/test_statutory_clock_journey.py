"""The business manager closes the office over Christmas; a referral arrives on 23 December
2025. The partnership's own steps move for the closure, the statutory notification does
not: it is due on 2 January on England's bank holidays, and a notification recorded on 7
January is late, so the page asks why."""

import datetime

import pytest
import time_machine
from playwright.sync_api import expect

from accounts.models import Role
from calendars.models import CalendarDay, Deadline, DeadlineStatus
from cases import services as case_services
from notifications.models import PanelNotification
from tests.cases.builders import adopt_plan, complete_draft
from tests.conftest import fill_date, sign_in, sign_out
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CLOSURE = [datetime.date(2025, 12, 29), datetime.date(2025, 12, 30),
           datetime.date(2025, 12, 31)]


def test_a_christmas_closure_never_moves_the_statutory_notification(page, make_user,
                                                                    partnership):
    manager = make_user(Role.BUSINESS_MANAGER)
    officer = make_user(Role.BUSINESS_UNIT_OFFICER)
    adopt_plan(partnership)  # the North East Lincolnshire plan: its own steps count locally

    # The business manager closes the office between Christmas and New Year.
    sign_in(page, manager.email, PASSWORD)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Calendar").click()
    page.check_accessibility()
    for day in CLOSURE:
        fill_date(page, "Date", day, exact=True)
        page.get_by_label("Closed: not a working day").check()
        page.get_by_label("Reason").fill("Council closure between Christmas and New Year")
        page.get_by_role("button", name="Add change").click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text("Calendar changed")
        page.check_accessibility()
    assert sorted(CalendarDay.objects.values_list("date", flat=True)) == CLOSURE

    # A referral of a serious incident arrives on Tuesday 23 December 2025.
    with time_machine.travel(datetime.datetime(2025, 12, 23, 10, tzinfo=datetime.UTC)):
        referral = complete_draft(partnership, incident_on=datetime.date(2025, 12, 22))
        case = case_services.referral_submit(actor=referral.referrer, referral=referral)
    notify = Deadline.objects.get(case=case, step__key="notify_panel")
    assert notify.due_date == datetime.date(2026, 1, 2)
    # The partnership's own day-2 step does move: past Christmas, Boxing Day and the closure.
    assert Deadline.objects.get(case=case, step__key="send_information_requests").due_date \
        == datetime.date(2026, 1, 2)
    assert Deadline.objects.get(case=case, step__key="inform_partners").due_date \
        == datetime.date(2025, 12, 24)

    # The case page says when the Panel must be notified, and on which calendar.
    page.goto(f"/cases/{case.reference}/")
    page.check_accessibility()
    row = page.get_by_role("row").filter(has_text="Notify the National Panel")
    expect(row).to_contain_text("Fri 2 Jan 2026")
    expect(row).to_contain_text("Statutory calendar (England's bank holidays only)")
    sign_out(page)

    # The officer records the notification, made on Wednesday 7 January 2026.
    sign_in(page, officer.email, PASSWORD)
    page.goto(f"/cases/{case.reference}/")
    page.check_accessibility()
    page.get_by_role("link", name="Record the notification to the National Panel").click()
    page.check_accessibility()
    expect(page.locator("#notification-due")).to_contain_text("Friday 2 January 2026")
    expect(page.locator("#notification-due")).to_contain_text("England's bank holidays only")
    notified = page.get_by_role("group", name="When was the Panel notified?")
    for label, value in (("Day", "7"), ("Month", "1"), ("Year", "2026")):
        notified.get_by_label(label, exact=True).fill(value)
    page.get_by_label("Who notified the Panel?").fill("Duty manager (fictional)")
    page.get_by_role("button", name="Save notification").click()
    page.check_accessibility()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("due by 2 January 2026")
    expect(summary).to_contain_text("enter the reason it was late")
    # The message also sits by the field, whose label says what to enter.
    field = page.locator(".govuk-form-group--error").filter(
        has=page.get_by_label("If it was more than 5 working days after becoming aware, why?"))
    expect(field.locator(".govuk-error-message")).to_contain_text(
        "enter the reason it was late")
    expect(notified.get_by_label("Day", exact=True)).to_have_value("7")
    expect(page.get_by_label("Who notified the Panel?")).to_have_value(
        "Duty manager (fictional)")
    assert not PanelNotification.objects.filter(case=case).exists()

    page.get_by_label("If it was more than 5 working days after becoming aware, why?").fill(
        "The strategy discussion was held after the holiday")
    page.get_by_role("button", name="Save notification").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Notification recorded")
    page.check_accessibility()
    notify.refresh_from_db()
    assert notify.status == DeadlineStatus.MISSED
    assert PanelNotification.objects.get(case=case).late_reason.startswith("The strategy")
