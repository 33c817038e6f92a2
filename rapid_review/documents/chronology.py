"""The master chronology and the collated report for the review group (seed 003 SCSI-7),
built from the record with seed 002 Appendix F's columns (the agency and the agency's
department in one column, so a reader sees one agency column)."""

from __future__ import annotations

import datetime

from cases.documents import DocumentContent, Heading, Paragraph, SummaryList, Table

from ..models import InformationRequest, RapidReview
from ..selectors.chronology import CollatedReturns, ScopePeriod

MASTER_COLUMNS = ["Date", "Agency and department", "Source of information", "Subject(s)",
                  "Type of contact", "By whom", "Details of event",
                  "Comments and analysis of outcome"]
# Per cent of the page width, the same in PDF and DOCX: the details get the most room, and
# every column is wide enough for the longest word of its heading.
MASTER_WIDTHS = (10, 13, 11, 10, 10, 9, 23, 14)


def entries_in_words(count: int) -> str:
    """'1 entry', '2,000 entries'."""
    return f"{count:,} {'entry' if count == 1 else 'entries'}"


def _agency(entry) -> str:
    """The agency, then its department when the return names one that is not the agency."""
    name, department = entry.agency.name, (entry.agency_department or "").strip()
    if not department or department.casefold() == name.casefold():
        return name
    return f"{name}: {department}"


def _date(value: datetime.date | None) -> str:
    return f"{value:%-d %B %Y}" if value else "Not given"


def _rows(entries) -> list[list[str]]:
    return [[f"{e.date:%d/%m/%Y}" + (" (outside the scope period)" if e.out_of_scope else ""),
             _agency(e), e.source, e.subjects, e.contact_type, e.by_whom, e.details,
             e.comments] for e in entries]


def _chronology_blocks(entries, scope: ScopePeriod) -> list:
    flagged = sum(1 for e in entries if e.out_of_scope)
    blocks = [Paragraph(f"{entries_in_words(len(entries))} from the agencies' submitted "
                        "returns, in date order, then by agency.")]
    if scope:
        outside = ("No entry falls outside it." if not flagged else
                   f"{entries_in_words(flagged)} {'falls' if flagged == 1 else 'fall'} "
                   "outside it and {} marked.".format("is" if flagged == 1 else "are"))
        blocks.append(Paragraph(f"Scope period in the terms of reference: {scope}. {outside}"))
    if entries:
        blocks.append(Table(MASTER_COLUMNS, _rows(entries), widths=MASTER_WIDTHS,
                            compact=True))
    else:
        blocks.append(Paragraph("No chronology entries have been submitted."))
    return blocks


def master_chronology_content(review: RapidReview, entries, scope: ScopePeriod, *,
                              filters_described: str = "") -> DocumentContent:
    case = review.case
    content = DocumentContent("Master chronology", case.partnership.name, case.reference,
                              landscape=True)
    content.add(Paragraph(f"Rapid review of case {case.reference}. Collated from every "
                          "agency's submitted chronology."))
    if filters_described:
        content.add(Paragraph(f"Filtered: {filters_described}. This is not the whole "
                              "chronology."))
    return content.add(*_chronology_blocks(entries, scope))


def _return_blocks(request: InformationRequest) -> list:
    agency_return = request.agency_return
    involvement = agency_return.involved_with.replace(",", ", ") or "Not given"
    period = (f"{_date(agency_return.involvement_from)} to "
              f"{_date(agency_return.involvement_to) if agency_return.involvement_to else 'now'}")
    if agency_return.records_secured is None:
        secured = "Not answered"
    elif agency_return.records_secured:
        secured = f"Yes, on {_date(agency_return.records_secured_on)}"
    else:
        secured = "No"
    submitted = (f"{agency_return.submitted_at:%-d %B %Y}" if agency_return.submitted_at
                 else "Not recorded") + (" (late)" if request.late else "")
    return [
        Heading(request.agency.name, 3),
        SummaryList([
            ("Submitted", submitted),
            ("Involved with", involvement),
            ("Period of involvement", period),
            ("Services provided", agency_return.services or "Not given"),
        ]),
        Heading("Summary of involvement", 4), Paragraph(agency_return.summary or "Not given"),
        Heading("Analysis: what worked well", 4),
        Paragraph(agency_return.worked_well or "Not given"),
        Heading("Analysis: what are we worried about", 4),
        Paragraph(agency_return.worried_about or "Not given"),
        Heading("Immediate learning", 4),
        Paragraph(agency_return.immediate_learning or "None identified"),
        SummaryList([("Records secured", secured),
                     ("Authorised by", agency_return.authorised_by or "Not given")]),
    ]


def collated_returns_content(review: RapidReview, collated: CollatedReturns
                             ) -> DocumentContent:
    """SCSI-7: every agency's return and nil return, who has not returned, and the master
    chronology, for the review group to read before the meeting."""
    case = review.case
    content = DocumentContent("Rapid review: collated agency returns",
                              case.partnership.name, case.reference, landscape=True)
    asked = len(collated.returned) + len(collated.nil) + len(collated.missing)
    content.add(
        Paragraph(f"Rapid review of case {case.reference}, started {_date(review.started_on)}. "
                  "The agencies' returns and nil returns collated for the rapid review "
                  "group (SCSI-7)."),
        SummaryList([("Agencies asked", str(asked)),
                     ("Returns", str(len(collated.returned))),
                     ("Nil returns", str(len(collated.nil))),
                     ("Not returned", str(len(collated.missing)))]),
        Heading("Agency returns"))
    if collated.returned:
        for request in collated.returned:
            content.add(*_return_blocks(request))
    else:
        content.add(Paragraph("No agency has submitted a return yet."))
    content.add(Heading("Nil returns"))
    if collated.nil:
        content.add(Table(["Agency", "Reason", "Submitted"], [
            [r.agency.name, r.agency_return.nil_reason or "Not given",
             (f"{r.agency_return.submitted_at:%-d %B %Y}" if r.agency_return.submitted_at
              else "") + (" (late)" if r.late else "")] for r in collated.nil]))
    else:
        content.add(Paragraph("None."))
    content.add(Heading("Agencies that have not returned"))
    if collated.missing:
        content.add(Table(["Agency", "Due", "Status"], [
            [r.agency.name, _date(r.due_on), "Overdue" if r.late else "Not due yet"]
            for r in collated.missing]))
    else:
        content.add(Paragraph("Every agency asked has returned."))
    content.add(Heading("Master chronology"))
    content.add(*_chronology_blocks(collated.entries, collated.scope))
    return content
