"""How generated documents speak of a case's deadlines (letters print the partnership's
own plan for the case, never fixed day numbers)."""

from __future__ import annotations

from django.utils import timezone

from .models import Deadline

TO_BE_CONFIRMED = "a date the partnership team will confirm"


def due_in_words(deadline: Deadline | None) -> str:
    """'14:00 on 3 December 2026', 'between 26 November and 3 December 2026', or the date."""
    if deadline is None:
        return TO_BE_CONFIRMED
    if deadline.due_at:
        return f"{timezone.localtime(deadline.due_at):%H:%M on %-d %B %Y}"
    if deadline.window_start:
        return f"between {deadline.window_start:%-d %B} and {deadline.due_date:%-d %B %Y}"
    return f"{deadline.due_date:%-d %B %Y}"
