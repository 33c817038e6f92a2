"""The request pack sent to each agency: the covering letter (seed 003 SCSI-6, seed 004
Document 3) and the scoping template "agency information for rapid review" (SCSI-5,
Document 2), filled from the record."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from cases.documents import DocumentContent, Heading, Paragraph, SummaryList, Table

from ..models import InformationRequest

SCOPING_QUESTIONS = [
    ["1. Involvement", "With whom your agency worked (the child, family members, the "
     "suspected perpetrator), from and to which dates, and the services provided"],
    ["2. Summary of involvement", "A short summary of your agency's involvement"],
    ["3. Analysis", "What worked well? What are we worried about?"],
    ["4. Immediate learning", "Any learning your agency has already identified or acted on"],
    ["5. Records secured", "Whether your agency's records have been secured, and the date"],
    ["6. Chronology", "Your agency's contacts in date order, with the columns of the "
     "chronology template (date, source of information, agency or department, subject(s), "
     "type of contact, by whom, details of event, comments or analysis of outcome)"],
    ["7. Authorisation", "The name of the safeguarding lead officer who authorised the return"],
]


def _date(value) -> str:
    return value.strftime("%-d %B %Y") if value else "Not recorded"


def request_pack_content(request: InformationRequest) -> DocumentContent:
    """Built from the record only, so the same request always gives the same document."""
    review = request.review
    case = review.case
    partnership = case.partnership
    link = settings.SITE_URL + reverse("rapid_review:return", args=[request.pk])
    children = [f"{c.full_name} (born {_date(c.date_of_birth)})"
                for c in review.notification.children.all()]
    content = DocumentContent(title=f"Information request for rapid review {case.reference}",
                              partnership=partnership.name, case_reference=case.reference)
    sent_on = timezone.localdate(request.sent_at)
    content.add(
        Heading("Covering letter"),
        SummaryList([("To", f"The safeguarding lead, {request.agency.name}"),
                     ("Date", _date(sent_on)),
                     ("Case reference", case.reference),
                     ("Return by", _date(request.due_on))]),
        Paragraph("Dear colleague"),
        Paragraph(f"Re: rapid review {case.reference}"),
        Paragraph(
            f"{partnership.name} has been told of a serious child safeguarding incident and "
            "the local authority has notified the Child Safeguarding Practice Review Panel. "
            "The safeguarding partners must now complete a rapid review within 15 working "
            "days of the notification."),
        Paragraph(
            f"Your agency has been identified as one that "
            f"{_reason_phrase(request.reason)}. All agencies who have had involvement with "
            "the child or family, and agencies who have been involved with the suspected "
            "perpetrator within the previous 12 months, are asked to contribute."),
        Paragraph(
            "The purpose of this initial scoping is to gather the basic facts about the case, "
            "including the extent of your agency's involvement with the child and family. "
            "More detailed information will be sought if the rapid review decides the case "
            "should progress to a local child safeguarding practice review or another "
            "learning review."),
        Paragraph(
            f"Please prioritise this and return the agency information for rapid review by "
            f"{_date(request.due_on)}. If your agency has had no "
            "involvement, please make a nil return by the same date."),
        Heading("Securing records", level=3),
        Paragraph(
            "Please secure all records and files in relation to this case now, ensuring they "
            "are removed to a secure place where they are not accessible to agency personnel "
            "other than through a nominated representative. Where access to the records is "
            "needed for ongoing case work, make a copy and secure the original. Tell us on "
            "the return the date the records were secured."),
        Heading("How to return the information", level=3),
        Paragraph(f"Complete the return online at {link}. Your agency's safeguarding lead "
                  "officer must authorise the return before it is submitted."),
        Paragraph(f"Yours sincerely\n\nBusiness unit, {partnership.name}"),
        Heading("Agency information for rapid review"),
        SummaryList([("Case reference", case.reference),
                     ("Agency", request.agency.name),
                     ("Why your agency is asked", request.get_reason_display()),
                     ("Children", "; ".join(children) or "Not recorded"),
                     ("Return by", _date(request.due_on))]),
        Paragraph("Please answer each section. Attach documents only if they add to your "
                  "answers (PDF, Word or Excel, up to 10 MB each)."),
        Table(["Section", "What to provide"], SCOPING_QUESTIONS),
    )
    return content


def _reason_phrase(reason: str) -> str:
    return {
        InformationRequest.Reason.CHILD: "has worked with the child or their family",
        InformationRequest.Reason.PERPETRATOR: "has been involved with the suspected "
                                               "perpetrator",
    }.get(reason, "may hold information relevant to the review")


def further_request_pack_content(request: InformationRequest) -> DocumentContent:
    """The request for further information during the LCSPR: the covering letter with the
    reviewer's questions and the date set, built from the record only."""
    case = request.review.case
    partnership = case.partnership
    link = settings.SITE_URL + reverse("rapid_review:return", args=[request.pk])
    return DocumentContent(
        title=f"Request for further information for the local child safeguarding practice "
              f"review {case.reference}",
        partnership=partnership.name, case_reference=case.reference).add(
        SummaryList([("To", f"The safeguarding lead, {request.agency.name}"),
                     ("Date", _date(timezone.localdate(request.sent_at))),
                     ("Case reference", case.reference),
                     ("Return by", _date(request.due_on))]),
        Paragraph("Dear colleague"),
        Paragraph(f"Re: local child safeguarding practice review {case.reference}"),
        Paragraph(
            f"The safeguarding partners of {partnership.name} are carrying out a local child "
            "safeguarding practice review of this case. The reviewer needs further "
            "information from your agency to understand the practice in the case and what "
            "can be learned from it."),
        Heading("What the reviewer wants to know", level=3),
        Paragraph(request.questions),
        Paragraph(
            f"Please answer by {_date(request.due_on)}. Add to your agency's chronology any "
            "contact not already in it; it joins the review's master chronology. If your "
            "agency holds no further information, please make a nil return by the same "
            "date."),
        Paragraph("Please keep the records your agency secured for the rapid review secure "
                  "until the review is published."),
        Heading("How to return the information", level=3),
        Paragraph(f"Answer online at {link}. Your agency's safeguarding lead officer must "
                  "authorise the answer before it is submitted."),
        Paragraph(f"Yours sincerely\n\nBusiness unit, {partnership.name}"),
    )
