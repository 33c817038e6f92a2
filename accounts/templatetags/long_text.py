"""``{% long_text value %}``: long free text folded, the rest behind "Show more".

A narrative of any length keeps the page it sits on short: the first paragraph or so is
shown, the rest is in a GOV.UK details element (no JavaScript needed)."""

from __future__ import annotations

from django import template

register = template.Library()

SHOWN_CHARACTERS = 600
SHOWN_LINES = 8
# Folding less than this would hide a line or two behind a click: show it all.
FOLD_AT_LEAST = 200


def fold(text: str, *, characters: int = SHOWN_CHARACTERS,
         lines: int = SHOWN_LINES) -> tuple[str, str]:
    """(shown, folded): the text cut at a line or word break before ``characters`` or the
    ``lines``-th line; ``folded`` is empty when all of it fits."""
    text = str(text or "").strip()
    cut = min(len(text), characters)
    line_ends = [i for i, char in enumerate(text[:cut]) if char == "\n"]
    if len(line_ends) >= lines:
        cut = line_ends[lines - 1]
    elif cut < len(text):
        space = max(text.rfind(" ", 0, cut), text.rfind("\n", 0, cut))
        cut = space if space > characters // 2 else cut
    if len(text) - cut < FOLD_AT_LEAST:
        return text, ""
    return text[:cut].rstrip(), text[cut:].strip()


@register.inclusion_tag("includes/long_text.html")
def long_text(value, empty: str = ""):
    shown, folded = fold(value)
    return {"shown": shown or empty, "folded": folded}
