"""The business manager opens the partnership's figures for the last financial year, reads
a chart beside its table, and downloads the yearly figures as a spreadsheet, whose numbers
match the year built in the test (tests/dashboards/figures_builders.py)."""

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.conftest import sign_in
from tests.dashboards import figures_builders as story
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_business_manager_downloads_last_years_figures(page, partnership):
    year = story.last_financial_year(partnership)
    sign_in(page, year.officer.email, PASSWORD)
    page.get_by_role("link", name="Figures").click()
    page.check_accessibility()
    page.get_by_label("Period").select_option(
        label="1 April 2025 to 31 March 2026 (last financial year)")
    page.get_by_role("button", name="Show the figures").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("1 April 2025 to 31 March 2026")
    page.check_accessibility()
    assert "period=2025" in page.url
    expect(page.get_by_role("img", name="Triage decisions by pathway: 1 April 2025 to 31 "
                                        "March 2026")).to_be_visible()
    triage = page.get_by_role("table", name="Triage decisions by pathway")
    expect(triage.get_by_role("row", name="No further action")).to_contain_text("1")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the yearly figures (spreadsheet)").click()
    assert download.value.suggested_filename == \
        "yearly-figures-2025-04-01-to-2026-03-31.xlsx"
    workbook = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    volumes = {r[0]: r[1] for r in workbook["Volumes and outcomes"].iter_rows(values_only=True)}
    # A, B, C, D and F were referred in the year; A, B and C notified, A's child died.
    assert volumes["Referrals received"] == 5
    assert volumes["Serious incidents notified to the Panel"] == 3
    assert volumes["of which the child died"] == 1
    timeliness = list(workbook["Timeliness"].iter_rows(values_only=True))
    assert timeliness[1][2:4] == (2, 3)  # A and C on time, B a day late
    not_taken = list(workbook["Actions not taken, and why"].iter_rows(values_only=True))
    assert not_taken[1][5] == story.NOT_TAKEN_REASON
