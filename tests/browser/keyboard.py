"""Driving a page with the keyboard alone, as someone who cannot use a mouse: focus moves
only with Tab (and the arrow keys inside a radio group), text is typed, choices are made
with Space and arrows, links and buttons are activated with Enter. Nothing here clicks or
fills: if a control cannot be reached with Tab, the test fails."""

from __future__ import annotations

import datetime

from playwright.sync_api import Locator, Page

MAX_TABS = 250


class Keyboard:
    def __init__(self, page: Page):
        self.page = page

    def _focused(self, target: Locator) -> bool:
        return target.evaluate("e => e === document.activeElement")

    def tab_to(self, target: Locator) -> None:
        """Tab forwards until ``target`` has focus (from wherever focus is now)."""
        target.wait_for()
        for _ in range(MAX_TABS):
            if self._focused(target):
                return
            self.page.keyboard.press("Tab")
        raise AssertionError(f"Tab never reached {target}")

    def type_into(self, target: Locator, text: str) -> None:
        self.tab_to(target)
        self.page.keyboard.press("ControlOrMeta+A")
        self.page.keyboard.press("Delete")
        self.page.keyboard.type(text)

    def press(self, target: Locator) -> None:
        """A link or a button, activated with Enter."""
        self.tab_to(target)
        with self.page.expect_navigation():
            self.page.keyboard.press("Enter")
        self.page.wait_for_load_state()

    def tick(self, checkbox: Locator) -> None:
        self.tab_to(checkbox)
        if not checkbox.is_checked():
            self.page.keyboard.press("Space")

    def choose(self, group: Locator, label: str) -> None:
        """A radio in a group: Tab reaches the group once, arrows move within it."""
        radios = group.get_by_role("radio")
        target = group.get_by_label(label, exact=True)
        for _ in range(MAX_TABS):
            focused = radios.evaluate_all(
                "rs => rs.some(r => r === document.activeElement)")
            if focused:
                break
            self.page.keyboard.press("Tab")
        else:
            raise AssertionError(f"Tab never reached the group {group}")
        for _ in range(radios.count() + 1):
            if self._focused(target):
                break
            self.page.keyboard.press("ArrowDown")
        if not target.is_checked():
            self.page.keyboard.press("Space")
        assert target.is_checked()

    def date(self, group: Locator, day: datetime.date) -> None:
        for part, value in (("Day", day.day), ("Month", day.month), ("Year", day.year)):
            self.type_into(group.get_by_label(part, exact=True), str(value))

    def select(self, target: Locator, label: str) -> None:
        """A select: arrow down through the options until the label is chosen."""
        self.tab_to(target)
        count = target.locator("option").count()
        for _ in range(count + 1):
            if target.evaluate("s => s.options[s.selectedIndex].text") == label:
                return
            self.page.keyboard.press("ArrowDown")
        raise AssertionError(f"{label} is not an option of {target}")
