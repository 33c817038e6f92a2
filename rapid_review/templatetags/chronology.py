"""``{% chronology_rows entries %}``: the master chronology's table rows.

Python, not template markup: a page of 100 entries resolved some 2,000 template variables
and filters, 12.5 ms of the page on the national data set, 3 ms in Python
(docs/performance.md, "National data: the slowest pages")."""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.template.defaultfilters import linebreaksbr
from django.utils.dateformat import format as date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from ..models import ChronologyEntry

register = template.Library()

OUT_OF_SCOPE = mark_safe(  # noqa: S308 - constant text
    '<br><strong class="govuk-tag govuk-tag--yellow">Outside the scope period</strong>')
ROW = ('<tr class="govuk-table__row"><td class="govuk-table__cell">{}{}</td>'
       '<td class="govuk-table__cell">{}{}</td><td class="govuk-table__cell">{}</td>'
       '<td class="govuk-table__cell">{}</td><td class="govuk-table__cell">{}</td>'
       '<td class="govuk-table__cell">{}</td><td class="govuk-table__cell">{}</td>'
       '<td class="govuk-table__cell">{}</td></tr>\n')


def _department(entry: ChronologyEntry) -> SafeString | str:
    """The department under the agency's name, unless it only repeats the name."""
    department = entry.agency_department
    if department and department.lower() != entry.agency.name.lower():
        return format_html("<br>{}", department)
    return ""


@register.simple_tag
def chronology_rows(entries: Iterable[ChronologyEntry]) -> SafeString:
    """One row an entry: date (marked when outside the scope period), agency and department,
    source, subjects, type of contact, by whom, details and comments (line breaks kept)."""
    return format_html_join("", ROW, (
        (date_format(e.date, "d/m/Y") if e.date else "",
         OUT_OF_SCOPE if getattr(e, "out_of_scope", False) else "",
         e.agency.name, _department(e), e.source, e.subjects, e.contact_type, e.by_whom,
         linebreaksbr(e.details, autoescape=True), linebreaksbr(e.comments, autoescape=True))
        for e in entries))
