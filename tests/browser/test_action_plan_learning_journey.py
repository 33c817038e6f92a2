"""Sharing an action plan's learning and keeping it up to date from a spreadsheet, in the
browser: the business unit plans a seven-minute briefing, records it shared and writes the
briefing's words, then downloads it; the police download their actions as a spreadsheet,
upload it with a row the service refuses (nothing is saved), correct it and upload it
again, and give their feedback on the briefing."""

import datetime
import io

import openpyxl
import pytest
from playwright.sync_api import expect

from actionplans.models import Action
from actionplans.services import action_save, recommendation_save
from tests.actionplans.builders import SMART_POINT, plan_from_rapid_review, working_day_after
from tests.conftest import fill_date, sign_in, sign_out
from tests.factories import PASSWORD
from tests.readback import pdf_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _filled(data: bytes, changes: dict[str, dict[str, str]]) -> bytes:
    """The downloaded spreadsheet with cells filled in by action ref and column header."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book.worksheets[0]
    header_row = next(row for row in sheet.iter_rows() if any(
        c.value == "Action ref" for c in row))
    columns = {c.value: c.column for c in header_row}
    for row in sheet.iter_rows(min_row=header_row[0].row + 1):
        reference = row[columns["Action ref"] - 1].value
        for header, value in changes.get(str(reference), {}).items():
            sheet.cell(row=row[0].row, column=columns[header], value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_learning_is_shared_and_the_police_update_from_their_spreadsheet(
        page, partnership, tmp_path):
    story = plan_from_rapid_review(partnership)
    plan, ref = story.plan, story.plan.case.reference
    recommendation = recommendation_save(actor=story.officer, plan=plan, finding="",
                                         text=SMART_POINT)
    for text in ("Brief 40 officers on the voice of the child",
                 "Audit 20 referrals for the voice of the child"):
        action_save(actor=story.officer, plan=plan, recommendation=recommendation, text=text,
                    agency=story.police.agency, lead="Inspector (fictional)",
                    due_on=working_day_after(partnership, 20), outcome="Referrals record it",
                    measure="18 of 20 referrals audited record it")
    today = datetime.date.today()

    sign_in(page, story.officer.email, PASSWORD)
    page.goto(f"/cases/{ref}/action-plan/")
    page.check_accessibility()
    page.get_by_role("link", name="How the learning is shared").click()
    page.check_accessibility()
    page.get_by_role("button", name="Add how the learning is shared").click()
    page.check_accessibility()
    page.get_by_label("What learning is shared?").fill("Hearing the voice of the child")
    page.get_by_label("Seven-minute briefing").check()
    page.get_by_label("Who is it shared with?").fill("Police and health visitors")
    fill_date(page, "When is it planned?", today)
    page.get_by_role("button", name="Add").click()
    page.check_accessibility()
    page.get_by_role("link", name="Record that it was shared").click()
    page.check_accessibility()
    fill_date(page, "When was it shared?", today)
    page.get_by_role("button", name="Record that it was shared").click()
    expect(page.locator("main")).to_contain_text("Shared")
    page.check_accessibility()
    page.goto(f"/cases/{ref}/action-plan/briefing/")
    page.check_accessibility()
    page.get_by_label("1. Background (optional)").fill(
        "A baby was seriously harmed at home (fictional briefing)")
    page.get_by_role("button", name="Save the briefing").click()
    page.check_accessibility()
    with page.expect_download() as download:
        page.locator("#briefing-links").get_by_role("button", name="PDF").click()
    text = pdf_text(download.value.path().read_bytes())
    assert "A baby was seriously harmed at home" in text and SMART_POINT[:40] in text
    sign_out(page)

    sign_in(page, story.police.user.email, PASSWORD)
    page.goto("/action-plans/actions/")
    page.check_accessibility()
    page.get_by_role("link", name="Upload your agency's progress as a spreadsheet").click()
    page.check_accessibility()
    with page.expect_download() as download:
        page.locator("#progress-spreadsheet").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    downloaded = download.value.path().read_bytes()
    bad = tmp_path / "progress.xlsx"
    bad.write_bytes(_filled(downloaded, {
        "1.1": {"Status": "On track", "Progress note": "25 of 40 officers briefed"},
        "1.2": {"Status": "Complete", "Progress note": "Audit finished"}}))
    page.get_by_label("Upload your agency's progress spreadsheet").set_input_files(str(bad))
    page.get_by_role("button", name="Upload spreadsheet").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Nothing has been saved")
    expect(page.locator(".govuk-error-summary")).to_contain_text("evidence")
    page.check_accessibility()
    assert not Action.objects.filter(recommendation__plan=plan).exclude(
        status=Action.Status.NOT_STARTED).exists()
    good = tmp_path / "progress-corrected.xlsx"
    good.write_bytes(_filled(downloaded, {
        "1.1": {"Status": "On track", "Progress note": "25 of 40 officers briefed"},
        "1.2": {"Status": "Complete", "Progress note": "Audit finished",
                "Evidence description": "19 of 20 referrals record the child's voice"}}))
    page.get_by_label("Upload your agency's progress spreadsheet").set_input_files(str(good))
    page.get_by_role("button", name="Upload spreadsheet").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("2 actions updated")
    page.check_accessibility()
    statuses = dict(Action.objects.filter(recommendation__plan=plan).values_list(
        "number", "status"))
    assert statuses == {1: Action.Status.ON_TRACK, 2: Action.Status.COMPLETE}

    page.get_by_role("link", name="Sharing the learning").click()
    page.check_accessibility()
    page.get_by_role("link", name="Give your agency's feedback").click()
    page.check_accessibility()
    page.get_by_label("How did the learning land in your agency?").fill(
        "Officers now record what the child says in every referral")
    page.get_by_role("button", name="Send feedback").click()
    expect(page.locator("main")).to_contain_text("Officers now record what the child says")
    page.check_accessibility()
