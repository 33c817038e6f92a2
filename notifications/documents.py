"""The letters sent when a notification arrives (seed 003, flowcharts 1 and 2):
SCSI-2 to the safeguarding partners and SCSI-3 to the review group (the SRG).

Children appear by initials only: the letters travel by email attachment to people
outside the business unit, and the partners read the full record in the service.
"""

from __future__ import annotations

import datetime

from calendars.services import calendar_for
from calendars.working_days import add_working_days
from cases.documents import DocumentContent, Heading, Paragraph, SummaryList, Table
from cases.models import INCIDENT_CHARACTERISTICS, CaseDocument

from .models import PanelNotification

TITLES = {
    CaseDocument.Kind.PARTNER_LETTER:
        "SCSI-2 Letter to Safeguarding Partners – Notification of Serious Child "
        "Safeguarding Incident",
    CaseDocument.Kind.REVIEW_GROUP_LETTER:
        "SCSI-3 Letter to the Safeguarding Review Group – Serious Child Safeguarding Incident",
}
LETTER_KINDS = tuple(TITLES)
CHARACTERISTICS = dict(INCIDENT_CHARACTERISTICS)


def initials(full_name: str) -> str:
    """'Testchild Example' -> 'T.E.': how the letters name a child."""
    return "".join(f"{part[0].upper()}." for part in full_name.replace("-", " ").split())


def _date(value: datetime.date | None) -> str:
    return f"{value:%-d %B %Y}" if value else "Not recorded"


def _incident_type(incident) -> str:
    if incident is None:
        return "Not recorded"
    parts = [incident.get_harm_display() or "Harm not recorded"]
    if incident.concern:
        concern = incident.get_concern_display()
        if incident.certainty and incident.concern != incident.Concern.NONE:
            concern = f"{concern} {incident.get_certainty_display().lower()}"
        parts.append(concern)
    labels = [CHARACTERISTICS.get(key, key) for key in incident.characteristics]
    if labels:
        parts.append(", ".join(labels))
    return "; ".join(parts)


def _children(notification: PanelNotification) -> str:
    children = sorted(notification.children.all(), key=lambda c: c.pk)
    return ", ".join(f"{initials(c.full_name)} (born {c.date_of_birth:%B %Y})"
                     for c in children) or "None recorded"


def _facts(notification: PanelNotification) -> SummaryList:
    case = notification.case
    incident = getattr(case, "incident", None)
    rows = [
        ("Case reference", case.reference),
        ("Date the local authority became aware", _date(notification.became_aware_on)),
        ("Date the National Panel was notified", _date(notification.notified_on)),
        ("Panel or Ofsted reference", notification.panel_reference or "Not recorded"),
        ("Date of the incident", _date(incident.occurred_on if incident else None)),
        ("Type of incident", _incident_type(incident)),
        ("Children (initials)", _children(notification)),
    ]
    if incident is not None and incident.looked_after_child_death:
        rows += [("Death of a looked-after child", "Yes"),
                 ("Secretary of State notified",
                  _date(notification.secretary_of_state_notified_on)),
                 ("Ofsted notified", _date(notification.ofsted_notified_on))]
    if notification.resident_local_authority:
        rows.append(("Child lives in another local authority's area",
                     f"{notification.resident_local_authority} (contact: "
                     f"{notification.resident_local_authority_contact or 'not recorded'})"))
    return SummaryList(rows)


def _plan(notification: PanelNotification) -> Table:
    """Seed 003 flowchart 2's day-by-day plan, dated by the partnership's calendar."""
    calendar = calendar_for(notification.case.partnership_id)

    def day(n: int) -> str:
        return _date(add_working_days(notification.notified_on, n, calendar))

    return Table(["Working day", "Date", "What happens"], [
        ["1", day(1), "The partnership team informs the safeguarding partners (SCSI-2)"],
        ["2", day(2), "Letter to the review group (SCSI-3); agencies asked for information "
                      "(SCSI-5, SCSI-6) with a 5 working day deadline"],
        ["7", day(7), "Agencies return their information"],
        ["8", day(8), "Collated rapid review report sent to the review group (SCSI-7)"],
        ["11", day(11), "Rapid review meeting of the review group"],
        ["14", day(14), "Safeguarding partners' conference to agree and sign the decision "
                        "record (SRG-8)"],
        ["15", day(15), "Decision record sent to the National Panel (Letter 9)"],
    ])


def partner_letter_content(notification: PanelNotification) -> DocumentContent:
    """SCSI-2: tells the three safeguarding partners a notification has been received."""
    case = notification.case
    partnership = case.partnership
    return DocumentContent(
        TITLES[CaseDocument.Kind.PARTNER_LETTER], partnership.name, case.reference).add(
        Paragraph(f"To: the safeguarding partners of the {partnership.name} – "
                  f"{partnership.local_authority}, the police and the Integrated Care Board"),
        Paragraph("The Safeguarding Children Partnership Team has received notification of a "
                  "serious child safeguarding incident: abuse or neglect of a child is known or "
                  "suspected, and the child has died or been seriously harmed. This letter "
                  "informs you within one working day of the notification, as our procedure "
                  "requires."),
        Heading("The notification"),
        _facts(notification),
        Heading("What happens next"),
        Paragraph("The safeguarding partners' representatives (the review group) will hold a "
                  "rapid review of the case to decide whether it meets the criteria for a "
                  "local or national child safeguarding practice review. The partnership team "
                  "will arrange the safeguarding partners' conference on working day 14."),
        _plan(notification),
        Paragraph("Please sign in to the service to read the review's papers. Do not forward "
                  "this letter outside your organisation."),
        Paragraph(f"Safeguarding Children Partnership Team, {partnership.name}"),
    )


def review_group_letter_content(notification: PanelNotification) -> DocumentContent:
    """SCSI-3: tells the review group (SRG) a rapid review has started and what it needs."""
    case = notification.case
    partnership = case.partnership
    calendar = calendar_for(partnership.pk)
    meeting = add_working_days(notification.notified_on, 11, calendar)
    return DocumentContent(
        TITLES[CaseDocument.Kind.REVIEW_GROUP_LETTER], partnership.name, case.reference).add(
        Paragraph(f"To: the members of the {partnership.name} safeguarding review group"),
        Paragraph("The Safeguarding Children Partnership Team has been notified of a serious "
                  "child safeguarding incident and the safeguarding partners have been "
                  "informed (SCSI-2). A rapid review of the case has started."),
        Heading("The notification"),
        _facts(notification),
        Heading("The rapid review"),
        Paragraph("Agencies who worked with the child or family, or with the suspected "
                  "perpetrator, within the previous 12 months will be asked for information "
                  "and given 5 working days to return it. The partnership team collates the "
                  "returns and nil returns into the rapid review report and sends it to you "
                  "on working day 8, to give you time to read it."),
        Paragraph(f"The rapid review meeting will be held on the afternoon of working day 11, "
                  f"{_date(meeting)}. At the meeting the group completes the decision-making "
                  f"proforma and agrees its recommendation to the safeguarding partners "
                  f"(SRG-8)."),
        _plan(notification),
        Paragraph("Please make sure your agency secures its records about the child and "
                  "family. Sign in to the service to read the review's papers."),
        Paragraph(f"Safeguarding Children Partnership Team, {partnership.name}"),
    )


BUILDERS = {
    CaseDocument.Kind.PARTNER_LETTER: partner_letter_content,
    CaseDocument.Kind.REVIEW_GROUP_LETTER: review_group_letter_content,
}
