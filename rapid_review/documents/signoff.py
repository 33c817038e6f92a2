"""The letter that goes with the decision record to the safeguarding partners (seed 003
flowchart 2, working day 12: "A letter accompanies the decision record").

Generated when a version is frozen for signature, so each version the partners are asked
to sign has its own letter: which version, what is enclosed, by when the plan asks them to
agree and sign it (their conference), and when the rapid review goes to the Panel. The
child is not named: the decision record enclosed does that.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from calendars.documents import TO_BE_CONFIRMED, due_in_words
from calendars.models import StepAction
from calendars.selectors import step_deadline
from cases.documents import DocumentContent, Heading, Paragraph, SummaryList, Table
from notifications.documents import (
    TEAM,
    business_unit_signatory,
    letter_content,
    partner_addressees,
)

from ..models import ReportVersion, ReviewReport

TITLE = "SRG-8 Letter to Safeguarding Partners – Decision Record for Agreement and Signature"


def _date(value: datetime.date) -> str:
    return f"{value:%-d %B %Y}"


def decision_record_letter_content(version: ReportVersion,
                                   report: ReviewReport | None = None) -> DocumentContent:
    """The covering letter for one frozen version (``report``: the report as frozen, by
    default the live one)."""
    report = report or version.report
    case = report.review.case
    partnership = case.partnership
    meeting = report.decision_meeting
    sign = step_deadline(case, StepAction.PARTNERS_SIGNED)
    submit = step_deadline(case, StepAction.RAPID_REVIEW_SUBMITTED)
    today = timezone.localdate(version.frozen_at) if version.frozen_at \
        else timezone.localdate()
    if sign is None:
        ask = (f"Please read it, agree your response to the review group's recommendation "
               f"and sign it by {TO_BE_CONFIRMED}.")
    elif sign.due_date < today:
        ask = (f"Please read it, agree your response to the review group's recommendation "
               f"and sign it as soon as possible: the partnership's plan asked for your "
               f"signatures by {due_in_words(sign)}.")
    else:
        ask = (f"Please read it, agree your response to the review group's recommendation "
               f"at your conference and sign it by {due_in_words(sign)}.")
    rows = [
        ("Case reference", case.reference),
        ("Version for signature", f"Version {version.number}"),
        ("Rapid review meeting", f"{_date(meeting.held_on)}, {meeting.location}"
         if meeting else "Not recorded"),
        ("The review group's recommendation", report.get_decision_display()
         if report.decision else "Not recorded"),
        ("Your conference to agree and sign the decision record", due_in_words(sign)),
        ("Rapid review sent to the National Panel", due_in_words(submit)),
    ]
    endorser = partnership.get_rapid_review_endorsement_display() \
        if partnership.rapid_review_endorsement else ""
    after = ("Once all three partners have signed, the "
             + (f"{endorser.lower()} endorses the signed version and the " if endorser
                else "")
             + f"{TEAM} sends it to the National Panel with the rapid review report.")
    return letter_content(
        title=TITLE, partnership=partnership, case_reference=case.reference, dated=today,
        addressee=[f"To: the safeguarding partners of the {partnership.name} – "
                   f"{partnership.local_authority}, the police and the Integrated Care Board",
                   *partner_addressees(partnership)],
        salutation="Dear safeguarding partners",
        signatories=[business_unit_signatory(partnership)], body=[
            Paragraph(f"The safeguarding review group has held the rapid review meeting for case "
                      f"{case.reference} and completed its recommendation to you. Enclosed is "
                      f"version {version.number} of the review group's recommendation and your "
                      f"decision record, with the rapid review report. {ask}"),
            SummaryList(rows),
            Heading("Enclosed"),
            Table(["Document", "Version"], [
                ["Recommendation to Safeguarding Partners and their Decision Record (SRG-8)",
                 str(version.number)],
                ["Rapid Review Report", str(version.number)],
            ], widths=(80, 20)),
            Paragraph(f"Both documents carry the same fingerprint (SHA-256), which identifies "
                      f"version {version.number}: {version.content_sha256}"),
            Heading("How to sign"),
            Paragraph("Sign in to the service to read this version and sign it for your "
                      "organisation, or record what you disagree with. If the report changes "
                      "before all three partners have signed, you will be sent a new version "
                      "and the signatures on this one will no longer count."),
            Paragraph(after),
            Paragraph("Please do not forward this letter or its enclosures outside your "
                      "organisation.")])
