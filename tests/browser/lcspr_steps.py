"""Browser steps the LCSPR journeys share, so each journey reads as its story and a change
to a page is mended in one place."""

from __future__ import annotations

import datetime

from playwright.sync_api import expect

from tests.conftest import fill_date

PARTNERS = ("Local authority", "Police", "Integrated Care Board")


def add_the_sub_group(page, organisation: str) -> None:
    """From the LCSPR's overview: one member for each statutory partner (``organisation``
    is formatted with the partner's name), then back to the overview."""
    page.get_by_role("link", name="Review sub-group").click()
    page.check_accessibility()
    for partner in PARTNERS:
        page.get_by_role("button", name="Add a member").click()
        page.check_accessibility()
        page.get_by_label("Name").fill(f"{partner} lead (fictional)")
        page.get_by_label("Role or job title").fill("Safeguarding lead")
        page.get_by_label("Organisation").fill(organisation.format(partner=partner))
        page.get_by_label(partner, exact=True).check()
        page.get_by_role("button", name="Add the member").click()
    expect(page.locator("#partners-missing")).to_have_count(0)
    page.check_accessibility()
    page.get_by_role("link", name="Back to the LCSPR").click()


def revise_the_target_for_the_investigation(page, revised: datetime.date) -> None:
    """On the target page, with the criminal investigation led by DI Example recorded:
    the target revised with its reason and the process it waits for, then back."""
    fill_date(page, "What is the revised target date?", revised)
    page.get_by_label("Why is the target date being revised?").fill(
        "The trial is expected in the summer (fictional)")
    page.get_by_label("Criminal investigation (DI Example (fictional))").check()
    page.get_by_role("button", name="Revise the target date").click()
    expect(page.locator("#revisions")).to_contain_text("The trial is expected")
    expect(page.locator("#target")).to_contain_text("Original target")
    page.check_accessibility()
