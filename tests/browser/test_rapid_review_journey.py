"""Issue 5 end to end: the business unit records the Panel notification and sees the clock,
sends requests to three agencies; one agency returns two chronology entries typed online,
one uploads a spreadsheet (a bad row first, in a small file then in a large one the worker
checks, then the fixed file), one makes a nil return;
the master chronology merges them in date order and downloads as DOCX and PDF that open;
an agency never sees another agency's return."""

from __future__ import annotations

import csv
import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Role
from calendars.services import calendar_for
from calendars.working_days import add_working_days, default_calendar, working_days_between
from tests.conftest import fill_date, sign_in, sign_out
from tests.factories import PASSWORD
from tests.rapid_review.builders import (
    agency_with_user,
    completed_return,
    triaged_to_rapid_review,
)
from tests.readback import docx_text, pdf_text

pytestmark = [pytest.mark.browser, pytest.mark.celery, pytest.mark.django_db(transaction=True)]

HEADER = ["Date", "Source of information", "Agency/department", "Subject(s)",
          "Type of contact", "By whom", "Details of event", "Comments/analysis of outcome"]


def _open_request(page, reference: str) -> None:
    page.get_by_role("link", name="Information requests").first.click()
    page.check_accessibility()
    page.get_by_role("link", name=reference).click()
    page.check_accessibility()


def _add_entry(page, day: datetime.date, contact: str, details: str) -> None:
    page.get_by_role("link", name="Add an entry").click()
    page.check_accessibility()
    fill_date(page, "Date of the event", day)
    page.get_by_label("Agency or department").fill("Response and patrol (fictional)")
    page.get_by_label("Subject(s)").fill("Child A; Mother")
    page.get_by_label("Type of contact").fill(contact)
    page.get_by_label("Details of the event").fill(details)
    page.get_by_role("button", name="Save entry").click()
    page.check_accessibility()


def _submit(page, lead_officer: str) -> None:
    page.get_by_role("button", name="Check answers and submit").click()
    page.check_accessibility()
    page.get_by_label("Name of the safeguarding lead officer who authorised this return").fill(
        lead_officer)
    page.get_by_role("button", name="Submit return").click()
    expect(page.locator(".govuk-panel")).to_contain_text("Return submitted")
    page.check_accessibility()


def _csv(path, rows) -> str:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return str(path)


def _download(page, name: str) -> bytes:
    """A download by its button (a document stored as a version: asked for by a POST)."""
    with page.expect_download() as info:
        page.get_by_role("button", name=name).click()
    with open(info.value.path(), "rb") as handle:
        return handle.read()


def test_information_is_gathered_and_merged_into_the_master_chronology(
        page, celery_worker, make_user, partnership, tmp_path):
    officer = make_user(Role.BUSINESS_UNIT_OFFICER)
    today = timezone.localdate()
    calendar = calendar_for(partnership)
    case = triaged_to_rapid_review(partnership, officer,
                                   incident_on=add_working_days(today, -3, calendar))
    police = agency_with_user(partnership, "Alphashire Police (fictional)")
    hospital = agency_with_user(partnership, "Alphashire Hospital (fictional)")
    school = agency_with_user(partnership, "Alphashire Primary School (fictional)")
    for agency in (police, hospital):
        case.involvements.create(agency=agency.agency, nature="Contact with the family")

    # The officer records the notification; the rapid review clock starts.
    sign_in(page, officer.email, PASSWORD)
    page.goto(reverse("cases:case-detail", args=[case.reference]))
    page.check_accessibility()
    page.get_by_role("link", name="Record the notification to the National Panel").click()
    page.check_accessibility()
    fill_date(page, "When did the local authority become aware?",
               add_working_days(today, -2, calendar))
    fill_date(page, "When was the Panel notified?", add_working_days(today, -1, calendar))
    page.get_by_label("Who notified the Panel?").fill("Duty manager, children's services")
    page.get_by_label("Testchild Example").check()
    page.get_by_role("button", name="Save notification").click()
    page.check_accessibility()
    # Notified the working day before today: day 1 on a working day, day 0 at a weekend.
    day = working_days_between(add_working_days(today, -1, calendar), today, default_calendar())
    expect(page.locator("#review-clock")).to_have_text(f"This is working day {day} of 15.")

    # Requests to the three agencies: two from the professional network, one added.
    page.get_by_role("link", name="Information requests and agency returns").click()
    page.check_accessibility()
    page.get_by_role("button", name="Send information requests").click()
    page.check_accessibility()
    expect(page.get_by_label("Alphashire Police (fictional)")).to_be_checked()
    expect(page.get_by_label("Alphashire Hospital (fictional)")).to_be_checked()
    page.get_by_label("Alphashire Primary School (fictional)").check()
    page.get_by_role("button", name="Send information requests").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "3 information requests sent")
    page.check_accessibility()
    sign_out(page)
    review = case.rapid_review
    police_request, hospital_request, school_request = (
        review.information_requests.get(agency=a.agency) for a in (police, hospital, school))
    # The sections of each return are answered as in test_returns_journey; here the
    # chronologies are what is being shown.
    completed_return(police_request, police.user)
    completed_return(hospital_request, hospital.user)

    # The police type two chronology entries online and submit.
    first, second = today - datetime.timedelta(days=40), today - datetime.timedelta(days=10)
    sign_in(page, police.user.email, PASSWORD)
    _open_request(page, case.reference)
    page.get_by_role("link", name="Chronology", exact=True).click()
    page.check_accessibility()
    _add_entry(page, second, "Domestic abuse call-out", "Officers attended after a 999 call")
    _add_entry(page, first, "Welfare check", "Neighbour reported a crying child")
    expect(page.locator("#entry-count")).to_have_text("2 entries.")
    page.get_by_role("link", name="Back to the return").first.click()
    page.check_accessibility()
    expect(page.locator("#chronology-status")).to_have_text("2 entries")
    _submit(page, "DI Example-Lead")

    # The police cannot open the hospital's return, nor the master chronology.
    for url in (reverse("rapid_review:return", args=[hospital_request.pk]),
                reverse("rapid_review:return-chronology", args=[hospital_request.pk]),
                reverse("rapid_review:master-chronology", args=[case.reference])):
        assert page.goto(url).status == 404
        page.check_accessibility()
    page.goto("/")
    page.check_accessibility()
    sign_out(page)

    # The hospital uploads a spreadsheet with a bad row, sees the error, fixes the file.
    middle = today - datetime.timedelta(days=20)
    good = [middle.strftime("%d/%m/%Y"), "ED record", "Emergency department (fictional)",
            "Child A", "Attendance", "Triage nurse", "Seen with a bruise to the arm", ""]
    bad = [*good]
    bad[0] = "31/02/2026"
    sign_in(page, hospital.user.email, PASSWORD)
    _open_request(page, case.reference)
    page.get_by_role("link", name="Chronology", exact=True).click()
    page.check_accessibility()
    page.get_by_role("link", name="Upload a spreadsheet").click()
    page.check_accessibility()
    page.get_by_label("Upload a chronology spreadsheet").set_input_files(
        _csv(tmp_path / "hospital.csv", [good, bad]))
    page.get_by_label("Add the spreadsheet's rows to the entries").check()
    page.get_by_role("button", name="Upload spreadsheet").click()
    page.check_accessibility()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Row 3, Date: enter a real date, like 27/03/2026")
    assert hospital_request.agency_return.chronology_entries.count() == 0
    # A large file (600 rows) is checked by the worker: a page says so, then lists its error.
    page.get_by_label("Upload a chronology spreadsheet").set_input_files(
        _csv(tmp_path / "hospital-large.csv", [good] * 599 + [bad]))
    page.get_by_label("Add the spreadsheet's rows to the entries").check()
    page.get_by_role("button", name="Upload spreadsheet").click()
    # The worker may have finished before the page is drawn (the page's own tests hold it
    # back to see the waiting state); until it has, the page says it is checking.
    expect(page.locator("#upload-pending, .govuk-error-summary").first).to_be_visible()
    page.check_accessibility()
    for _ in range(60):
        if not page.locator("#upload-pending").count():
            break
        expect(page.locator("#upload-pending")).to_contain_text(
            "Your spreadsheet is being checked")
        page.wait_for_timeout(500)
        page.get_by_role("button", name="Check again").click()
        page.check_accessibility()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Row 601, Date: enter a real date, like 27/03/2026")
    page.check_accessibility()
    assert hospital_request.agency_return.chronology_entries.count() == 0
    page.get_by_label("Upload a chronology spreadsheet").set_input_files(
        _csv(tmp_path / "hospital-fixed.csv", [good]))
    page.get_by_label("Add the spreadsheet's rows to the entries").check()
    page.get_by_role("button", name="Upload spreadsheet").click()
    page.check_accessibility()
    expect(page.locator("#entry-count")).to_have_text("1 entry.")
    page.get_by_role("link", name="Back to the return").first.click()
    page.check_accessibility()
    _submit(page, "Named Nurse Example")
    sign_out(page)

    # The school makes a nil return.
    sign_in(page, school.user.email, PASSWORD)
    _open_request(page, case.reference)
    page.get_by_role("link", name="Make a nil return").click()
    page.check_accessibility()
    page.get_by_label("Yes").check()
    page.get_by_label("Why is your agency making a nil return?").fill(
        "The child was never on the school roll")
    page.get_by_role("button", name="Save and continue").click()
    page.check_accessibility()
    _submit(page, "Head Teacher Example")
    sign_out(page)

    # The officer sees all three entries in date order, then downloads them.
    sign_in(page, officer.email, PASSWORD)
    page.goto(reverse("rapid_review:overview", args=[case.reference]))
    page.check_accessibility()
    page.get_by_role("link", name="Master chronology").click()
    page.check_accessibility()
    expect(page.locator("#entry-count")).to_have_text("3 entries")
    rows = page.locator("#master-entries tbody tr")
    expect(rows).to_have_count(3)
    expected = [(first, "Alphashire Police"), (middle, "Alphashire Hospital"),
                (second, "Alphashire Police")]
    for row, (day, agency) in zip(rows.all(), expected, strict=True):
        expect(row).to_contain_text(day.strftime("%d/%m/%Y"))
        expect(row).to_contain_text(agency)

    # One word from each entry's details: table cells wrap, so phrases split in the PDF.
    details = ["crying", "bruise", "999"]
    for link, read in (("Word (DOCX)", docx_text), ("PDF", pdf_text)):
        text = re.sub(r"\s+", " ", read(_download(page, link)))
        assert case.reference in text
        positions = [text.find(d) for d in details]
        assert -1 not in positions and positions == sorted(positions), (link, positions)
