"""The LCSPR's commissioning documents: the terms of reference (seed 002 chapter 3) and the
letter giving the reviewer's name to the Panel, Ofsted and DfE (seed 003 flowchart 3).
The child is not named: the case reference identifies the review."""

from __future__ import annotations

import datetime

from calendars.models import Deadline
from cases.documents import DocumentContent, Heading, Paragraph, SummaryList, Table
from notifications.documents import business_unit_signatory, letter_content

NONE_KNOWN = "None known at the time of writing"


def _date(value: datetime.date | None) -> str:
    return f"{value:%-d %B %Y}" if value else "Not set"


def target_date(lcspr) -> datetime.date | None:
    """The review's target, as the calendar stored it from the decision."""
    deadline = (Deadline.objects.filter(case_id=lcspr.case_id,
                                        anchor_event__kind=lcspr.decision_anchor)
                .only("due_date").first())
    return deadline.due_date if deadline else None


def _decision(lcspr) -> str:
    who = lcspr.get_decided_by_display() or "The safeguarding partners"
    if lcspr.is_lcspr:
        return f"{who} decided on {_date(lcspr.decided_on)} to commission a local child " \
               f"safeguarding practice review."
    led = f", led by {lcspr.leading_agency.name}" if lcspr.leading_agency else ""
    method = f" It will be carried out as a {lcspr.get_method_display().lower()}." \
        if lcspr.method and lcspr.method != lcspr.Method.AGENCY_PROCESS else (
            " The agency will use its own learning process." if lcspr.method else "")
    return (f"{who} decided on {_date(lcspr.decided_on)} to start a "
            f"{lcspr.short_name}{led}.{method}")


def _aim(lcspr) -> str:
    """The target as the terms state it: an LCSPR's 6 months, or the partnership's own."""
    if lcspr.is_lcspr:
        return (f"The partnership aims to conclude the review within 6 months of that "
                f"decision, by {_date(target_date(lcspr))}.")
    return f"The partnership aims to conclude the review by {_date(target_date(lcspr))}."


def terms_content(terms) -> DocumentContent:
    lcspr = terms.lcspr
    case = lcspr.case
    reviewer = getattr(lcspr, "reviewer", None)
    members = [[m.name, m.job_title, m.organisation, m.get_represents_display()]
               for m in lcspr.members.all()]
    agencies = [f"· {a.name}" for a in sorted(terms.agencies.all(), key=lambda a: a.name)]
    agreements = sorted(terms.agreements.all(), key=lambda a: a.version)
    approval = [[_date(terms.updated_at.date() if terms.updated_at else None),
                 f"Version {terms.version} written", terms.updated_by.full_name]]
    approval += [[_date(a.agreed_on), f"Version {a.version} agreed by the review sub-group",
                  a.agreed_by] for a in agreements]
    return DocumentContent(f"Terms of Reference for the {lcspr.title.title()}",
                           case.partnership.name, case.reference).add(
        Paragraph(f"Case {case.reference} · version {terms.version}"),
        Heading("Background"),
        Paragraph(f"{_decision(lcspr)} {_aim(lcspr)}"),
        Paragraph("The purpose of the review is to identify improvements to be made to "
                  "safeguard and promote the welfare of children. It seeks to understand "
                  "practice, not to hold individuals or organisations to account."),
        Heading("Questions for the review"),
        Paragraph(terms.questions),
        Heading("Scope period"),
        Paragraph(f"The review will consider the period {_date(terms.scope_from)} to "
                  f"{_date(terms.scope_to)}."),
        Heading("Agencies in scope"),
        Paragraph("\n".join(agencies) if agencies else "To be confirmed"),
        Heading("Method"),
        Paragraph(terms.method),
        Heading("The child's perspective"),
        Paragraph(terms.child_perspective),
        Heading("Practitioner involvement"),
        Paragraph(terms.practitioner_involvement),
        Heading("Family involvement"),
        Paragraph(terms.family_involvement),
        Heading("Reviewer"),
        Paragraph(f"{reviewer.name}, {reviewer.organisation}" if reviewer
                  else "Not yet appointed"),
        Heading("Review sub-group"),
        Table(["Name", "Role", "Organisation", "Represents"], members) if members
        else Paragraph("Not yet recorded"),
        Heading("Communication lead"),
        Paragraph(terms.communications_lead),
        Heading("Criminal proceedings"),
        Paragraph(terms.criminal_proceedings or NONE_KNOWN),
        Heading("Coroner"),
        Paragraph(terms.coroner or NONE_KNOWN),
        Heading("Changes to the terms of reference"),
        Paragraph("Any change makes a new version, which the review sub-group agrees again."),
        Heading("Approval"),
        Table(["Date", "Status", "By"], approval),
    )


def reviewer_letter_content(lcspr) -> DocumentContent:
    """To the Panel, Ofsted and DfE, dated the day the reviewer was appointed."""
    case = lcspr.case
    reviewer = lcspr.reviewer
    partnership = case.partnership
    return letter_content(
        title="Local Child Safeguarding Practice Review: appointment of the reviewer",
        partnership=partnership, case_reference=case.reference, dated=reviewer.appointed_on,
        addressee=["The Child Safeguarding Practice Review Panel", "Ofsted",
                   "The Department for Education"],
        salutation="Dear colleagues",
        body=[
            Paragraph(_decision(lcspr)),
            Paragraph(f"The safeguarding partners of {partnership.name} have appointed "
                      f"{reviewer.name} of {reviewer.organisation} as the reviewer (chair and "
                      f"author) of this review."),
            SummaryList([("Reviewer", reviewer.name), ("Organisation", reviewer.organisation),
                         ("Email", reviewer.email),
                         ("Appointed on", _date(reviewer.appointed_on)),
                         ("Target date for the review", _date(target_date(lcspr)))]),
            Paragraph("The reviewer has declared that they have no line management "
                      "responsibility for anyone in the agencies involved in the case, and "
                      "no involvement with those agencies' work with the child or family."),
            Paragraph("We would welcome any advice the Panel may offer on the appointment, "
                      "and will keep you informed of the review's progress."),
        ],
        signatories=[business_unit_signatory(partnership)])


def national_referral_content(referral) -> DocumentContent:
    """To the Panel: the new information, the criteria the partners think it may meet, and
    that the review goes on locally meanwhile (seed 003 flowchart 3)."""
    lcspr = referral.lcspr
    case = lcspr.case
    partnership = case.partnership
    reviewer = getattr(lcspr, "reviewer", None)
    return letter_content(
        title="Local Child Safeguarding Practice Review: new information that may need a "
              "national review",
        partnership=partnership, case_reference=case.reference, dated=referral.referred_on,
        addressee=["The Child Safeguarding Practice Review Panel"],
        salutation="Dear colleagues",
        body=[
            Paragraph(_decision(lcspr)),
            Paragraph("During the review new information has come to light which suggests "
                      "that a national review may be appropriate. In line with our "
                      "procedure we share this view with the Panel."),
            SummaryList([("Case reference", case.reference),
                         ("Review commissioned on", _date(lcspr.decided_on)),
                         ("Reviewer", f"{reviewer.name}, {reviewer.organisation}" if reviewer
                          else "Not yet appointed"),
                         ("Referral decided by", referral.get_decided_by_display()),
                         ("Decided on", _date(referral.referred_on))]),
            Heading("The new information", level=3),
            Paragraph(referral.new_information),
            Heading("Why a national review may be appropriate", level=3),
            Paragraph("\n".join(f"· {label}" for label in referral.grounds_labels)),
            Paragraph("The local review continues while the Panel considers this. We would "
                      "welcome the Panel's view, and will share any further information the "
                      "Panel asks for."),
        ],
        signatories=[business_unit_signatory(partnership)])
