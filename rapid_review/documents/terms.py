"""The terms of reference document, with the headings of seed 002 Appendix E."""

from __future__ import annotations

import datetime

from calendars.working_days import add_working_days, default_calendar
from cases.documents import DocumentContent, Heading, Paragraph, Table

from ..models import RAPID_REVIEW_WORKING_DAYS, TermsOfReference
from ..selectors.terms import returns_due


def _date(value: datetime.date | str | None) -> str:
    if isinstance(value, str):
        value = datetime.date.fromisoformat(value)
    return f"{value:%-d %B %Y}" if value else "Not set"


def terms_content(terms: TermsOfReference) -> DocumentContent:
    """Appendix E filled from the record: who is in scope, the period, contributors,
    methodology dates, membership, and the partners' agreements to this version. The
    returns are due on the date the information requests give (see ``returns_due``), and
    the version is the terms' own, the one the partners agree."""
    review = terms.review
    case = review.case
    partnership = case.partnership
    # The statutory limit counts England's bank holidays only, as the submission does.
    submit_on = add_working_days(review.started_on, RAPID_REVIEW_WORKING_DAYS,
                                 default_calendar())
    in_scope = [[c.full_name, "Child (subject of the review)", _date(c.date_of_birth),
                 c.address or "", c.nhs_number or ""]
                for c in sorted(terms.children.all(), key=lambda c: c.pk)]
    in_scope += [[p.full_name, p.get_relationship_display(), _date(p.date_of_birth)
                  if p.date_of_birth else "", p.address or "", p.nhs_number or ""]
                 for p in sorted(terms.people.all(), key=lambda p: p.pk)]
    agencies = sorted({r.agency.name for r in review.information_requests.all()
                       if not r.is_further})
    contributors = [f"· {name}" for name in agencies]
    if terms.other_contributors:
        contributors.append(terms.other_contributors)
    meetings = ", ".join(_date(d) for d in terms.meeting_dates) or "Not set"
    members = [[m.get_role_display(), m.name, m.organisation]
               for m in sorted(terms.members.all(), key=lambda m: m.pk)]
    agreements = [a for a in terms.agreements.all() if a.version == terms.version]
    approval = [[_date(terms.updated_at.date() if terms.updated_at else None),
                 f"Version {terms.version} set", terms.updated_by.full_name]]
    approval += [[_date(a.agreed_at.date()), f"Agreed for the {a.get_partner_display()}",
                  a.agreed_by.full_name] for a in sorted(agreements, key=lambda a: a.partner)]
    return DocumentContent("Terms of Reference for the Rapid Review", partnership.name,
                           case.reference).add(
        Paragraph(f"Case {case.reference} · version {terms.version}"),
        Heading("Background"),
        Paragraph("These terms of reference are to meet the requirements for the Child "
                  "Safeguarding Practice Review Arrangements Rapid Review."),
        Paragraph("A serious incident is defined under Section 16C (1) of the Children Act "
                  "2004 (as amended by the Children and Social Work Act 2017), as when abuse "
                  "or neglect of a child is known or suspected and the child has died or been "
                  "seriously harmed."),
        Heading("Purpose"),
        Paragraph("The aim of the Rapid Review is to enable the three key statutory agencies "
                  "to:\n· gather the facts about the case, as far as they can be readily "
                  "established at the time;\n· discuss whether there is an immediate action "
                  "needed to ensure children's safety and share any learning appropriately;\n"
                  "· consider the potential for identifying improvements to safeguard and "
                  "promote the welfare of children;\n· decide what steps they should take "
                  "next, including whether or not to undertake a Child Safeguarding Practice "
                  "Review."),
        Heading("Child and other significant others in scope"),
        Table(["Name", "Relationship to child", "DoB", "Address", "NHS Number"], in_scope),
        Heading("Scope Period"),
        Paragraph(f"Chronologies should focus on the period {_date(terms.scope_from)} to "
                  f"{_date(terms.scope_to)}. In addition, partners also have a duty to include "
                  f"a summary of any key information that they identify as pertinent to the "
                  f"review from any period prior to this."),
        *([Paragraph(f"Pertinent earlier history: {terms.earlier_history}")]
          if terms.earlier_history else []),
        Heading("Contributors"),
        Paragraph("\n".join(contributors) if contributors else
                  "Any agency with significant involvement with the child and family"),
        Heading("Methodology"),
        Paragraph(f"· The chronology and/or template is to be completed and submitted to the "
                  f"partnership by 9am on {returns_due(terms)}.\n"
                  f"· Relevant and significant points for the period in scope are to be "
                  f"included, on the individuals identified above. This should include what "
                  f"was working well and why, and what the worries were.\n"
                  f"· The focus of the review is on why events happened and not what "
                  f"happened.\n"
                  f"· The Rapid Review meeting is to be held on {meetings} to complete the "
                  f"Rapid Review Report."),
        Heading("Reporting"),
        Paragraph(f"The Rapid Review Group will feed back to the three safeguarding partners. "
                  f"The Business Manager will submit the Rapid Review Report to the National "
                  f"Panel by {_date(submit_on)} (working day {RAPID_REVIEW_WORKING_DAYS})."),
        Heading("Membership"),
        Table(["Role", "Individual", "Organisation / Sector Representation"], members)
        if members else Paragraph("Not yet recorded"),
        Heading("Assumptions"),
        Paragraph("· All members will feed information back into their service, project, or "
                  "organisation, and those they represent.\n· All members will participate in "
                  "the work of the Rapid Review Group, whether directly or through identifying "
                  "resources within their organisations."),
        Heading("Changes to the Terms of Reference"),
        Paragraph("Any changes will need to be agreed again by the three safeguarding "
                  "partners: each change makes a new version."),
        Heading("Approval"),
        Table(["Date", "Status", "By"], approval),
    )
