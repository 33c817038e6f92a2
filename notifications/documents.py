"""The letters sent when a serious incident is referred (seed 003, flowcharts 1 and 2):
SCSI-2 to the safeguarding partners and SCSI-3 to the review group within a working day or
two, and SCSI-4, the rapid review letter to the partners, on day 2.

Each letter prints the partnership's own plan for this case: the steps and dates of its
deadlines, as the calendars app computed them. Children appear by initials only: the
letters travel by email attachment to people outside the business unit, and the partners
read the full record in the service.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from accounts.models import Membership, Partnership, Role
from calendars.documents import TO_BE_CONFIRMED, due_in_words
from calendars.models import Deadline, DeadlineStatus, StepAction
from cases.documents import DocumentContent, Heading, Paragraph, SummaryList, Table
from cases.models import Case, CaseDocument
from cases.triage_documents import incident_reason

TITLES = {
    CaseDocument.Kind.PARTNER_LETTER:
        "SCSI-2 Letter to Safeguarding Partners – Notification of Serious Child "
        "Safeguarding Incident",
    CaseDocument.Kind.REVIEW_GROUP_LETTER:
        "SCSI-3 Letter to the Safeguarding Review Group – Serious Child Safeguarding Incident",
    CaseDocument.Kind.RAPID_REVIEW_LETTER:
        "SCSI-4 Rapid Review Letter to Safeguarding Partners",
}
LETTER_KINDS = tuple(TITLES)
TEAM = "Safeguarding Children Partnership Team"


@dataclass(frozen=True)
class Signatory:
    name: str
    role: str


def _signatory(partnership: Partnership, managers: list[Membership]) -> Signatory:
    """The signatory the administrator set for the partnership's letters, else the business
    manager, else the team."""
    if partnership.letter_signatory_name:
        return Signatory(partnership.letter_signatory_name,
                         partnership.letter_signatory_role or f"{TEAM}, {partnership.name}")
    if not managers:
        return Signatory(f"{TEAM}, {partnership.name}", "")
    return Signatory(managers[0].user.full_name,
                     f"Business manager, {TEAM}, {partnership.name}")


def _partner_lines(representatives: list[Membership]) -> list[str]:
    return [f"{m.user.full_name}, {m.get_statutory_partner_display()}"
            for m in representatives]


def _letter_people(partnership: Partnership, roles: list[str]) -> list[Membership]:
    return list(Membership.objects.filter(partnership=partnership, role__in=roles,
                                          user__is_active=True)
                .select_related("user").order_by("statutory_partner", "user_id"))


def business_unit_signatory(partnership: Partnership) -> Signatory:
    """Who signs the business unit's letters: the partnership's business manager (the
    first set up, if several), else the team."""
    managers = _letter_people(partnership, [Role.BUSINESS_MANAGER])
    return _signatory(partnership, sorted(managers, key=lambda m: m.user_id))


def partner_addressees(partnership: Partnership) -> list[str]:
    """The three partners' representatives as recorded, one line each."""
    return _partner_lines(_letter_people(partnership, [Role.PARTNER_REPRESENTATIVE]))


def letter_content(*, title: str, partnership: Partnership, case_reference: str,
                   dated: datetime.date, addressee: list[str], salutation: str,
                   body: list, signatories: list[Signatory],
                   closing: str = "Yours sincerely") -> DocumentContent:
    """A letter as the business unit writes one: the date, who it is to (name, organisation
    and address as recorded), our reference, "Dear ...", the body, and who signs it with
    their role."""
    blocks = [Paragraph(f"{dated:%-d %B %Y}"),
              Paragraph("\n".join(line for line in addressee if line)),
              Paragraph(f"Our reference: {case_reference}"),
              Paragraph(salutation), *body, Paragraph(closing)]
    blocks += [Paragraph("\n".join(filter(None, (s.name, s.role)))) for s in signatories]
    return DocumentContent(title, partnership.name, case_reference).add(*blocks)


def initials(full_name: str) -> str:
    """'Testchild Example' -> 'T.E.': how the letters name a child."""
    return "".join(f"{part[0].upper()}." for part in full_name.replace("-", " ").split())


def _date(value: datetime.date | None) -> str:
    return f"{value:%-d %B %Y}" if value else "Not recorded"


def _incident_type(incident) -> str:
    """The reason for notification, then the characteristics of the incident."""
    labels = incident.characteristic_labels() if incident is not None else []
    return "; ".join([incident_reason(incident), *([", ".join(labels)] if labels else [])])


def _children(case: Case) -> str:
    notification = getattr(case, "panel_notification", None)
    children = notification.children.all() if notification else case.children.all()
    return ", ".join(f"{initials(c.full_name)} (born {c.date_of_birth:%B %Y})"
                     for c in sorted(children, key=lambda c: c.pk)) or "None recorded"


@dataclass
class LetterRecord:
    """What the letters say about one case, read once: the three letters share it, so the
    letters page and sending cost a fixed number of queries."""

    case: Case
    facts: SummaryList
    deadlines: list[Deadline]  # not closed, in date order, with their steps
    first_meeting: object | None
    signatory: Signatory
    partners: list[str]  # the partners' representatives, as the letters address them
    dated: datetime.date  # the letter's date: the day it is made (and sent)

    def step_deadline(self, action: str) -> Deadline | None:
        return next((d for d in self.deadlines
                     if d.step.met_by == action and not d.related_key), None)


def letter_record(case: Case, *, dated: datetime.date | None = None) -> LetterRecord:
    """``dated``: the letter's date, by default today."""
    review = getattr(case, "rapid_review", None)
    people = _letter_people(case.partnership, [Role.BUSINESS_MANAGER,
                                               Role.PARTNER_REPRESENTATIVE])
    return LetterRecord(
        signatory=_signatory(case.partnership, sorted(
            (m for m in people if m.role == Role.BUSINESS_MANAGER), key=lambda m: m.user_id)),
        partners=_partner_lines([m for m in people if m.role == Role.PARTNER_REPRESENTATIVE]),
        dated=dated or timezone.localdate(),
        case=case, facts=_facts(case),
        deadlines=list(Deadline.objects.filter(case=case)
                       .exclude(status=DeadlineStatus.WAIVED).select_related("step")
                       .order_by("due_date", "step__position", "id")),
        first_meeting=review.meetings.order_by("held_on", "starts_at").first()
        if review else None)


def _facts(case: Case) -> SummaryList:
    incident = getattr(case, "incident", None)
    notification = getattr(case, "panel_notification", None)
    referral = getattr(case, "referral", None)
    rows = [("Case reference", case.reference)]
    if referral is not None and referral.submitted_at:
        rows.append(("Referral received from", f"{referral.referring_agency.name}, "
                                               f"{referral.submitted_at:%-d %B %Y}"))
    if notification is not None:
        rows += [
            ("Date the local authority became aware", _date(notification.became_aware_on)),
            ("Date the National Panel was notified", _date(notification.notified_on)),
            ("Panel or Ofsted reference", notification.panel_reference or "Not recorded"),
        ]
    else:
        rows.append(("National Panel notified", "Not yet: the local authority has 5 working "
                                                "days from becoming aware"))
    rows += [
        ("Date of the incident", _date(incident.occurred_on if incident else None)),
        ("Type of incident", _incident_type(incident)),
        ("Children (initials)", _children(case)),
    ]
    notice = getattr(case, "looked_after_death_notice", None)
    if case.anchor_events.filter(kind="looked_after_child_died").exists():
        rows += [("Death of a looked-after child", "Yes"),
                 ("Secretary of State told",
                  _date(notice.secretary_of_state_notified_on if notice else None)),
                 ("Ofsted told", _date(notice.ofsted_notified_on if notice else None))]
    if notification is not None and notification.resident_local_authority:
        rows.append(("Child lives in another local authority's area",
                     f"{notification.resident_local_authority} (contact: "
                     f"{notification.resident_local_authority_contact or 'not recorded'})"))
    return SummaryList(rows)


def plan_table(record: LetterRecord) -> Table:
    """The case's own plan: every step of the partnership's plan that applies, with its
    date, in date order (agency returns counted once, by their latest date)."""
    deadlines = record.deadlines
    rows, seen = [], set()
    for deadline in deadlines:
        if deadline.related_key:
            if deadline.step_id in seen:
                continue
            seen.add(deadline.step_id)
            same = [d for d in deadlines if d.step_id == deadline.step_id]
            deadline = max(same, key=lambda d: d.due_date)
        calendar = "statutory" if deadline.step.is_statutory else "partnership"
        rows.append([due_in_words(deadline), deadline.step.label, calendar])
    if not rows:
        rows = [["", "The partnership has no plan for this case yet", ""]]
    return Table(["When", "What happens", "Calendar"], rows, widths=(28, 56, 16))


def _step_due(record: LetterRecord, action: str) -> str:
    return due_in_words(record.step_deadline(action))


def _meeting(record: LetterRecord) -> str:
    meeting = record.first_meeting
    if meeting is not None:
        time = f" at {meeting.starts_at:%H:%M}" if meeting.starts_at else ""
        return f"{meeting.held_on:%-d %B %Y}{time}, {meeting.location}"
    deadline = record.step_deadline(StepAction.MEETING_HELD)
    if deadline is None:
        return f"on {TO_BE_CONFIRMED}"
    when = due_in_words(deadline)
    return f"{when if deadline.window_start else 'by ' + when} (the date will be confirmed)"


def _letter(kind: str, record: LetterRecord, to: str, salutation: str,
            *blocks) -> DocumentContent:
    case = record.case
    return letter_content(
        title=TITLES[kind], partnership=case.partnership, case_reference=case.reference,
        dated=record.dated, addressee=[f"To: {to}", *record.partners],
        salutation=salutation, signatories=[record.signatory], body=[
            *blocks,
            Paragraph("Please sign in to the service to read the review's papers. Do not "
                      "forward this letter outside your organisation.")])


def partner_letter_content(record: LetterRecord) -> DocumentContent:
    """SCSI-2: tells the three safeguarding partners of the incident."""
    partnership = record.case.partnership
    return _letter(
        CaseDocument.Kind.PARTNER_LETTER, record,
        f"the safeguarding partners of the {partnership.name} – {partnership.local_authority}, "
        "the police and the Integrated Care Board",
        "Dear safeguarding partners",
        Paragraph(f"The {TEAM} has received notification of a serious child safeguarding "
                  "incident: abuse or neglect of a child is known or suspected, and the child "
                  "has died or been seriously harmed."),
        Heading("The incident"),
        record.facts,
        Heading("What happens next"),
        Paragraph("If the criteria are met, the local authority notifies the Child "
                  "Safeguarding Practice Review Panel within 5 working days of becoming "
                  "aware, and the safeguarding partners' representatives (the review group) "
                  "hold a rapid review to decide whether the case needs a local or national "
                  "child safeguarding practice review. This is the partnership's plan for "
                  "the case; dates on the statutory calendar count England's bank holidays "
                  "only."),
        plan_table(record))


def review_group_letter_content(record: LetterRecord) -> DocumentContent:
    """SCSI-3: tells the review group (SRG) a rapid review is starting and what it needs."""
    partnership = record.case.partnership
    return _letter(
        CaseDocument.Kind.REVIEW_GROUP_LETTER, record,
        f"the members of the {partnership.name} safeguarding review group",
        "Dear members of the review group",
        Paragraph(f"The {TEAM} has been told of a serious child safeguarding incident and "
                  "the safeguarding partners have been informed (SCSI-2). A rapid review of "
                  "the case is starting."),
        Heading("The incident"),
        record.facts,
        Heading("The rapid review"),
        Paragraph("Agencies who worked with the child or family, or with the suspected "
                  "perpetrator, within the previous 12 months will be asked for information "
                  "and given 5 working days to return it. The partnership team collates the "
                  "returns and nil returns into the rapid review report and sends it to you "
                  f"by {_step_due(record, StepAction.RETURNS_COLLATED)}, to give you time to "
                  "read it."),
        Paragraph(f"The rapid review meeting: {_meeting(record)}. At the meeting the group "
                  "completes the decision-making proforma and agrees its recommendation to "
                  "the safeguarding partners (SRG-8)."),
        plan_table(record),
        Paragraph("Please make sure your agency secures its records about the child and "
                  "family."))


def rapid_review_letter_content(record: LetterRecord) -> DocumentContent:
    """SCSI-4: the rapid review letter to the partners: what is asked of them, and when."""
    partnership = record.case.partnership
    return _letter(
        CaseDocument.Kind.RAPID_REVIEW_LETTER, record,
        f"the safeguarding partners of the {partnership.name}",
        "Dear safeguarding partners",
        Paragraph(f"Following our letter telling you of this serious child safeguarding "
                  f"incident (SCSI-2), the {TEAM} has started the rapid review. Agencies "
                  "have been, or are today being, asked for information about their "
                  "involvement (SCSI-5, SCSI-6)."),
        Heading("The incident"),
        record.facts,
        Heading("What we ask of you"),
        SummaryList([
            ("Rapid review meeting of the review group", _meeting(record)),
            ("Decision record (SRG-8) sent to you",
             _step_due(record, StepAction.DECISION_RECORD_SENT)),
            ("Your conference to agree and sign the decision record",
             _step_due(record, StepAction.PARTNERS_SIGNED)),
            ("Rapid review sent to the National Panel",
             _step_due(record, StepAction.RAPID_REVIEW_SUBMITTED)),
        ]),
        Paragraph("Please make sure your organisation's representative can attend the "
                  "meeting, and keep the time of your conference free. You will be asked to "
                  "agree the terms of reference and, after the meeting, to read and sign the "
                  "decision record in the service."),
        Heading("The plan for this case", level=3),
        plan_table(record))


BUILDERS = {
    CaseDocument.Kind.PARTNER_LETTER: partner_letter_content,
    CaseDocument.Kind.REVIEW_GROUP_LETTER: review_group_letter_content,
    CaseDocument.Kind.RAPID_REVIEW_LETTER: rapid_review_letter_content,
}
