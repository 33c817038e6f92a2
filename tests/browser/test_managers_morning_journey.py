"""Issue 14's journey, through the demo: the business manager's morning. The overdue
dashboard shows the demo's late Panel notification first; filtered to the police, the late
return is followed to its page and chased; the figures for the last financial year are
read and the yearly figures downloaded, their numbers checked against the demo's records
counted here with the ORM; the police's user sees only the police's late work. A child is
found on the case list by name without the name in any address."""

import io
import re
from pathlib import Path
from urllib.parse import unquote_plus

import pytest
from django.db.models import Q
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook
from playwright.sync_api import expect

from accounts.demo import DEMO_PASSWORD
from accounts.models import Agency
from actionplans.models import Action, ActionPlan
from calendars.models import Deadline, DeadlineStatus
from cases.models import Case, Referral
from dashboards.figures.selectors import last_financial_year
from notifications.models import PanelNotification
from rapid_review.models import RapidReview
from tests.conftest import sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

POLICE = "Demoshire Constabulary (fictional)"


def _download(page, link: str) -> bytes:
    with page.expect_download() as download:
        page.get_by_role("link", name=link).click()
    return Path(download.value.path()).read_bytes()


def test_the_business_managers_morning_through_the_demo(page, demo):
    not_told = Case.objects.get(children__full_name="Demo Child 14 (fictional)")
    late_return = Case.objects.get(children__full_name="Demo Child 2 (fictional)")
    police = Agency.objects.get(name=POLICE)

    sign_in(page, "manager@demo.example", DEMO_PASSWORD)
    page.get_by_role("link", name="Late and due soon", exact=True).click()
    page.check_accessibility()
    first = page.locator("#overdue-groups table").first
    expect(first.locator("caption")).to_contain_text(not_told.reference)
    expect(first.locator("tbody tr").first).to_contain_text("Notify the National Panel")
    expect(first.locator("tbody tr").first).to_contain_text("Statutory")

    page.get_by_label("Agency", exact=True).select_option(label=POLICE)
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(rf"[?&]agency={police.pk}(&|$)"))
    page.check_accessibility()
    groups = page.locator("#overdue-groups")
    expect(groups).not_to_contain_text(not_told.reference)
    expect(groups).not_to_contain_text("Make-Believe Primary Academy")
    case_table = groups.locator("table", has=page.locator("caption",
                                                          has_text=late_return.reference))
    case_table.get_by_role("link", name="Agency returns due").click()
    expect(page.locator("h1")).to_contain_text(POLICE)
    page.check_accessibility()

    page.go_back()
    page.get_by_role("button", name="Chase all overdue returns from this agency").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Chasing 1 late return")
    expect(page).to_have_url(re.compile(rf"[?&]agency={police.pk}(&|$)"))
    page.check_accessibility()

    # A child found on the case list by name: the name is posted, in no address the
    # browser asks for (the page, its redirect, the back button's).
    asked = []
    page.on("request", lambda request: asked.append(request.url))
    page.get_by_role("link", name="Cases", exact=True).click()
    page.check_accessibility()
    page.get_by_label("Search").fill("Demo Child 14")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"/cases/\?filters=[\w-]+$"))
    expect(page.locator("main tbody tr")).to_have_count(1)
    expect(page.locator("main tbody")).to_contain_text(not_told.reference)
    page.check_accessibility()
    page.get_by_role("link", name=not_told.reference).click()
    page.check_accessibility()
    page.go_back()
    expect(page.get_by_label("Search")).to_have_value("Demo Child 14")
    expect(page.locator("main tbody tr")).to_have_count(1)
    assert asked and not [url for url in asked if "child 14" in unquote_plus(url).lower()]

    # The figures for the last financial year, against the demo's own records.
    year = last_financial_year(timezone.localdate())
    page.get_by_role("link", name="Figures", exact=True).click()
    page.check_accessibility()
    page.get_by_label("Period").select_option(label=f"{year.label} (last financial year)")
    page.get_by_role("button", name="Show the figures").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(year.label)
    page.check_accessibility()
    expected = _demo_figures(year)
    assert expected["Referrals received"] >= 1  # the demo's case of about a year ago

    workbook = load_workbook(io.BytesIO(
        _download(page, "Download the yearly figures (spreadsheet)")))
    volumes = {r[0]: r[1] for r in workbook["Volumes and outcomes"].iter_rows(
        min_row=2, values_only=True)}
    assert {label: volumes[label] for label in expected} == expected
    timeliness = {r[0]: r[2:4] for r in workbook["Timeliness"].iter_rows(min_row=2,
                                                                           values_only=True)}
    for measure, step in (("Panel notified within 5", "notify_panel"),
                          ("Rapid review sent to the Panel within 15", "submit_rapid_review")):
        (label,) = [label for label in timeliness if label.startswith(measure)]
        assert timeliness[label] == _on_time(step, year), label
    not_taken = [r[5] for r in workbook["Actions not taken, and why"].iter_rows(
        min_row=2, values_only=True)]
    assert not_taken == list(_live_actions(year).filter(
        status=Action.Status.NOT_IMPLEMENTED).order_by("pk").values_list(
        "not_implemented_reason", flat=True))

    document = Document(io.BytesIO(_download(page, "Download the yearly figures (Word "
                                                    "document)")))
    (table,) = [t for t in document.tables if t.rows[0].cells[0].text == "Figure"]
    in_word = {row.cells[0].text: int(row.cells[1].text) for row in table.rows[1:]}
    assert {label: in_word[label] for label in expected} == expected
    sign_out(page)

    # The police's user: the police's late return, nothing of another agency or case.
    sign_in(page, "police@demo.example", DEMO_PASSWORD)
    page.get_by_role("link", name="Late and due soon", exact=True).click()
    page.check_accessibility()
    expect(page.locator("#late-returns + table")).to_contain_text(late_return.reference)
    expect(page.locator("main")).not_to_contain_text(not_told.reference)
    expect(page.locator("main")).not_to_contain_text("Make-Believe Primary Academy")


def _live_actions(year):
    """The actions of the plans open at some time in the year."""
    live = ActionPlan.objects.filter(created_at__date__lte=year.end).filter(
        Q(signed_off_on__isnull=True) | Q(signed_off_on__gte=year.start))
    return Action.objects.filter(recommendation__plan__in=live)


def _demo_figures(year) -> dict[str, int]:
    span = (year.start, year.end)
    notified = PanelNotification.objects.filter(notified_on__range=span)
    actions = _live_actions(year)
    return {
        "Referrals received": Referral.objects.filter(submitted_at__date__range=span).count(),
        "Serious incidents notified to the Panel": notified.count(),
        "of which the child died": notified.filter(case__incident__harm="death").count(),
        "of which the child was seriously harmed": notified.filter(
            case__incident__harm="serious_harm").count(),
        "Rapid reviews started": RapidReview.objects.filter(started_on__range=span).count(),
        "Rapid reviews sent to the Panel": RapidReview.objects.filter(
            submission__submitted_on__range=span).count(),
        "Action plans started": ActionPlan.objects.filter(
            created_at__date__range=span).count(),
        "Actions in the plans open during the period": actions.count(),
        "of which not implemented": actions.filter(
            status=Action.Status.NOT_IMPLEMENTED).count(),
    }


def _on_time(step: str, year) -> tuple[int, int]:
    """(on time, total) of the step's deadlines due in the year: met on time, or late (met
    late, or still open after the due date)."""
    due = Deadline.objects.filter(step__key=step, due_date__range=(year.start, year.end))
    late = due.filter(Q(status=DeadlineStatus.MISSED)
                      | Q(status=DeadlineStatus.OPEN, due_date__lt=timezone.localdate()))
    on_time = due.filter(status=DeadlineStatus.MET).count()
    return on_time, on_time + late.count()
