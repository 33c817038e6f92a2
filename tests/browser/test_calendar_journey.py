"""The business manager keeps the calendar and the plan; a corrected date moves deadlines."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.demo import DEMO_PASSWORD
from calendars.models import CalendarDay, Deadline, DeadlineStatus, TimelineStep
from calendars.working_days import add_working_days, default_calendar
from rapid_review.models import InformationRequest
from tests.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.celery, pytest.mark.django_db(transaction=True)]


def _wait_for(predicate, page, timeout_s=30):
    for _ in range(timeout_s * 10):
        if predicate():
            return
        page.wait_for_timeout(100)
    raise AssertionError("the background task did not finish")


def test_business_manager_keeps_calendar_and_plan_and_corrects_a_date(page, celery_worker,
                                                                      demo):
    today = timezone.localdate()
    sign_in(page, "manager@demo.example", DEMO_PASSWORD)
    nav = page.get_by_role("navigation", name="Menu")

    # The calendar: a closure day, with one mistake fixed on the way.
    nav.get_by_role("link", name="Calendar").click()
    page.check_accessibility()
    closure = add_working_days(today, 3, default_calendar())
    spanning = Deadline.objects.filter(
        status=DeadlineStatus.OPEN, due_date__gt=closure, step__unit="working_days",
        anchor_event__occurred_on__lt=closure)
    # A further information request keeps the date the business unit set (unless closed
    # that very day), so it is not among those a closure moves.
    set_dates = [request.deadline_key for request in InformationRequest.objects.filter(
        requested_for=InformationRequest.For.LCSPR)]
    after_closure = dict(spanning.filter(step__calendar="partnership")
                         .exclude(related_key__in=set_dates).values_list("pk", "due_date"))
    statutory = dict(spanning.filter(step__calendar="statutory").values_list("pk", "due_date"))
    assert after_closure and statutory
    page.get_by_label("Day", exact=True).fill(str(closure.day))
    page.get_by_label("Month", exact=True).fill(str(closure.month))
    page.get_by_label("Year", exact=True).fill(str(closure.year))
    page.get_by_label("Closed: not a working day").check()
    page.get_by_role("button", name="Add change").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter the reason for the change")
    page.check_accessibility()
    expect(page.get_by_label("Day", exact=True)).to_have_value(str(closure.day))
    page.get_by_label("Reason").fill("Staff training day")
    page.get_by_role("button", name="Add change").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Calendar changed")
    expect(page.get_by_role("cell", name="Staff training day")).to_be_visible()
    page.check_accessibility()
    assert CalendarDay.objects.get().date == closure
    # Every open deadline on the partnership's calendar spanning the closure moves a day
    # later (a Celery task).
    _wait_for(lambda: all(Deadline.objects.get(pk=pk).due_date > due
                          for pk, due in after_closure.items()), page)
    # The statutory ones count England's bank holidays only: the closure never moves them.
    assert dict(Deadline.objects.filter(pk__in=statutory).values_list(
        "pk", "due_date")) == statutory

    # The plan: agency returns get one more working day.
    page.get_by_role("link", name="timeline plan").click()
    page.check_accessibility()
    page.get_by_role("link", name="Change Agency returns due").click()
    page.check_accessibility()
    page.get_by_label("How long").fill("6")
    page.get_by_role("button", name="Save step").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Step saved")
    page.check_accessibility()
    assert TimelineStep.objects.get(template__is_active=True,
                                    key="agency_returns_due").offset == 6

    # A case: correct the date the Panel was notified; met deadlines stay as they were.
    case = Deadline.objects.filter(step__key="agency_returns_due",
                                   status=DeadlineStatus.OPEN).first().case
    met_before = {d.pk: d.due_date for d in case.deadlines.exclude(status="open")}
    open_before = {d.pk: d.due_date for d in case.deadlines.filter(
        status="open", anchor_event__kind="notification_sent")}
    nav.get_by_role("link", name="Deadlines").click()
    page.check_accessibility()
    page.get_by_role("link", name=case.reference).first.click()
    page.check_accessibility()
    page.get_by_role("link", name="Change the date: panel notified").click()
    page.check_accessibility()
    notified = case.anchor_events.get(kind="notification_sent").occurred_on
    corrected = add_working_days(notified, 1, default_calendar())
    page.get_by_label("Day", exact=True).fill(str(corrected.day))
    page.get_by_label("Month", exact=True).fill(str(corrected.month))
    page.get_by_label("Year", exact=True).fill(str(corrected.year))
    page.get_by_role("button", name="Save date").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Date corrected")
    page.check_accessibility()

    moved = {d.pk: d.due_date for d in case.deadlines.filter(pk__in=open_before)}
    assert all(moved[pk] > open_before[pk] for pk in open_before)
    assert {d.pk: d.due_date for d in case.deadlines.exclude(status="open")} == met_before
    submit_row = page.get_by_role("row").filter(has_text="Submit the rapid review to the Panel")
    due = case.deadlines.get(step__key="submit_rapid_review").due_date
    expect(submit_row).to_contain_text(due.strftime("%-d %b %Y"))
