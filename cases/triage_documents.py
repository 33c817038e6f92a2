"""The review group's recommendation to the executive for a rapid review (seed 002
Appendix D, "Recommendations from SIRG to AE"), built from the triage decision and the case
record, then completed with the executive's response once it is recorded.

Where a partnership's executive decides whether a rapid review starts, the business unit
takes this paper to the executive's meeting. The executive decides from the paper alone
(it does not use the service), so the children are named in full with the details
Appendix D asks for, as the case record shows them to the business unit; addresses and NHS
numbers, which Appendix D does not ask for, are left out. Every page carries the
protective marking.
"""

from __future__ import annotations

import datetime

from .documents import DocumentContent, Heading, Paragraph, SummaryList, Table
from .models import TRIAGE_CRITERIA, Case, Child, Incident, LegalStatus, TriageDecision

TITLE = "Recommendation to the Executive for a Rapid Review"
BLANK = "______________"
GUIDANCE = ("In coming to the decision to carry out the review, the review group had due "
            "consideration of the following guidance: Working Together to Safeguard Children "
            "2023, chapter 5 (child safeguarding practice reviews), and the Child "
            "Safeguarding Practice Review Panel's practice guidance.")
STANDARD_WORDING = (
    "It is on the basis of the above information that the review group makes the "
    "recommendation to the executive to complete a notification to the National Panel on "
    "this serious child safeguarding incident.\n\n"
    "Should the executive agree with this recommendation, the review group will have 15 "
    "working days from the notification to complete a rapid review. On conclusion of the "
    "rapid review, a recommendation will be made on the requirement for any further "
    "review.\n\n"
    "Should the executive not agree with the review group, the group would welcome feedback "
    "on the decision.")


def recommendation_key(decision: TriageDecision) -> str:
    """Which recommendation the stored paper is for (each decision has its own)."""
    return f"triage-decision-{decision.pk}"


def _date(value: datetime.date | None, empty: str = "Not recorded") -> str:
    return f"{value:%-d %B %Y}" if value else empty


def _lines(text: str) -> str:
    """Several lines (one attendee a line) as one table cell."""
    return ", ".join(line.strip() for line in text.splitlines() if line.strip())


def _protection_plan(child: Child) -> str:
    if child.legal_status != LegalStatus.CHILD_PROTECTION_PLAN and not (
            child.protection_plan_start or child.protection_plan_category):
        return "Not on a child protection plan"
    category = child.get_protection_plan_category_display() or "Category not recorded"
    return f"{category}, from {_date(child.protection_plan_start)}"


def _child_rows(child: Child) -> list[tuple[str, str]]:
    return [
        ("Child's full name", child.full_name),
        ("Date of birth", _date(child.date_of_birth)),
        ("Date of death (if applicable)", _date(child.date_of_death, "Not applicable")),
        ("Gender", child.get_gender_display()),
        ("Ethnicity", child.ethnicity or "Not recorded"),
        ("Disability", child.disability or "Not recorded"),
        ("Legal status at the time of the incident", child.get_legal_status_display()),
        ("If on a child protection plan: start date and category", _protection_plan(child)),
        ("Other services involved at the time or before the incident",
         _lines(child.other_services) or "None recorded"),
    ]


def incident_reason(incident: Incident | None) -> str:
    """'Serious harm; Neglect (suspected)': the reason for notification, as the forms ask."""
    if incident is None:
        return "Not recorded"
    parts = [incident.get_harm_display() or "Harm not recorded"]
    if incident.concern:
        concern = incident.get_concern_display()
        if incident.certainty and incident.concern != Incident.Concern.NONE:
            concern = f"{concern} ({incident.get_certainty_display().lower()})"
        parts.append(concern)
    return "; ".join(parts)


def _characteristics(incident: Incident | None) -> str:
    if incident is None:
        return "Not recorded"
    labels = incident.characteristic_labels()
    if incident.characteristics_other:
        labels.append(f"Other: {incident.characteristics_other}")
    return "; ".join(labels) or "None selected"


def _outline(incident: Incident | None) -> list:
    if incident is None:
        return [Paragraph("No incident is recorded.")]
    when = _date(incident.occurred_on)
    if incident.occurred_time:
        when += f" at {incident.occurred_time:%H:%M}"
    where = incident.place + ("" if incident.in_partnership_area
                              else " (outside the partnership's area)")
    return [Paragraph(f"{when}, {where}."), Paragraph(incident.description)]


def _response_rows(decision: TriageDecision) -> list[tuple[str, str]]:
    if not decision.executive_response:
        return [("Response", BLANK), ("Rationale", BLANK), ("Date of meeting", BLANK),
                ("Attendees", BLANK)]
    agrees = decision.executive_response == TriageDecision.ExecutiveResponse.AGREE
    return [
        ("Response", "The executive agrees with the recommendation" if agrees
         else "The executive does not agree with the recommendation"),
        ("Rationale", decision.executive_rationale),
        ("Date of meeting", _date(decision.executive_meeting_date)),
        ("Attendees", _lines(decision.executive_attendees) or "Not recorded"),
    ]


def triage_recommendation_content(decision: TriageDecision) -> DocumentContent:
    """Appendix D in its order: who notified and when the group discussed it, each child,
    the incident, the group's rationale with the standard wording, then the executive's
    response (blank until it is recorded)."""
    case: Case = decision.case
    referral = getattr(case, "referral", None)
    incident = getattr(case, "incident", None)
    children = list(case.children.order_by("pk"))
    involvements = list(case.involvements.select_related("agency").order_by("pk"))
    content = DocumentContent(TITLE, case.partnership.name, case.reference)
    content.add(
        SummaryList([
            ("Case reference", case.reference),
            ("Notified by (agency)", referral.referring_agency.name if referral
             else "Not referred online"),
            ("Date discussed by the review group", _date(decision.meeting_date)),
            ("Attended the review group's meeting",
             _lines(decision.attendees) or "Not recorded"),
        ]),
        Heading("Details of the child" if len(children) == 1 else "Details of the children"))
    for number, child in enumerate(children, start=1):
        if len(children) > 1:
            content.add(Heading(f"Child {number}", level=3))
        content.add(SummaryList(_child_rows(child)))
    if not children:
        content.add(Paragraph("No child is recorded."))
    if involvements:
        content.add(
            Heading("Agencies involved at the time of or before the incident", level=3),
            Table(["Agency", "Involvement", "From", "To"],
                  [[i.agency.name, i.nature, _date(i.from_date, ""), _date(i.to_date, "")]
                   for i in involvements], widths=(25, 45, 15, 15)))
    content.add(
        Heading("The incident"),
        SummaryList([
            ("Reason for notification", incident_reason(incident)),
            ("Date of the incident (the event that triggered this notification)",
             _date(incident.occurred_on if incident else None)),
            ("Characteristics of the incident (suspected or actual)",
             _characteristics(incident)),
        ]),
        Heading("Incident outline", level=3),
        *_outline(incident),
        Heading("What actions have been taken, including to safeguard any child at risk "
                "from the alleged perpetrator", level=3),
        Paragraph(incident.immediate_actions if incident else "Not recorded"),
        Heading("Rationale for the recommendation to carry out a review"),
        Paragraph(GUIDANCE))
    criteria = [label for code, _group, label in TRIAGE_CRITERIA
                if code in decision.criteria_met]
    if criteria:
        content.add(Paragraph("The review group found these criteria met: "
                              + "; ".join(criteria) + "."))
    content.add(
        Paragraph(decision.rationale),
        Paragraph(STANDARD_WORDING),
        Heading("The executive's response and rationale"),
        SummaryList(_response_rows(decision)))
    return content
