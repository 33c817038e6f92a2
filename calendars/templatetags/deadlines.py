"""``{% deadline_due d %}`` and ``{% deadline_status d today %}``: when a deadline is due and
its status tag, worded once for every page that lists deadlines.

Python, not an included template: a list of deadlines rendered two includes a row, a
sixth or so of its rendering time (docs/performance.md)."""

from __future__ import annotations

import datetime

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from ..models import Deadline, DeadlineStatus

register = template.Library()

STATUTORY_NOTE = mark_safe(  # noqa: S308 - constant text
    '<br><span class="govuk-body-s">Statutory calendar (England\'s bank holidays only)</span>')
_TAGS = {DeadlineStatus.MET: ("green", "Met"), DeadlineStatus.MISSED: ("yellow", "Met late"),
         DeadlineStatus.WAIVED: ("grey", "Waived")}


@register.simple_tag
def deadline_due(deadline: Deadline) -> SafeString:
    """'14:00, 2 Dec 2026', or '1 Dec to Wed 2 Dec 2026' for a window, or 'Wed 2 Dec 2026';
    with a note when the step counts on the statutory calendar."""
    if deadline.due_at:
        when = date_format(timezone.localtime(deadline.due_at), "H:i, j M Y")
    else:
        when = date_format(deadline.due_date, "D j M Y")
        if deadline.window_start:
            when = f"{date_format(deadline.window_start, 'j M')} to {when}"
    note = STATUTORY_NOTE if deadline.step.is_statutory else ""
    return format_html("{}{}", when, note)


@register.simple_tag
def deadline_status(deadline: Deadline, today: datetime.date | None = None) -> SafeString:
    """The GOV.UK tag for the deadline's status: open ones say whether they are late."""
    today = today or timezone.localdate()
    if deadline.status == DeadlineStatus.OPEN:
        colour, label = (("red", "Overdue") if deadline.due_date < today
                         else ("orange", "Due today") if deadline.due_date == today
                         else ("blue", "Open"))
    else:
        colour, label = _TAGS.get(deadline.status, _TAGS[DeadlineStatus.WAIVED])
    return format_html('<strong class="govuk-tag govuk-tag--{}">{}</strong>', colour, label)
