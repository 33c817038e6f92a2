"""The rapid review report (seed 002 Appendix G) and the decision record (seed 003 SRG-8:
the review group's recommendation to the safeguarding partners and their decision)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from accounts.models import StatutoryPartner
from cases.documents import DocumentContent, Heading, Paragraph, SummaryList, Table

from ..models import LearningItem, PartnerSignature, ReviewReport
from ..report import MET_WORDS, SECTIONS, assessment_groups
from ..selectors.meetings import missing_partners

NOT_WRITTEN = "Not written yet."
BLANK = "______________"


def _date(value) -> str:
    """A date, or a moment as the date it was in England."""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value)
    return f"{value:%-d %B %Y}" if value else ""


def _assessment_blocks(report: ReviewReport) -> list:
    blocks = [Heading("Assessment against the criteria")]
    for group, criteria in assessment_groups():
        rows = []
        for code, label in criteria:
            answer = report.criteria.get(code) or {}
            rows.append([label, MET_WORDS.get(answer.get("met", ""), "Not assessed"),
                         answer.get("evidence", "")])
        blocks += [Heading(group, level=3),
                   Table(["Criterion", "Assessment", "Evidence"], rows, widths=(40, 15, 45))]
    if report.may_be_complex_or_national is None:
        complex_text = "Not assessed"
    elif report.may_be_complex_or_national:
        complex_text = f"Yes: {report.complex_or_national_reason}"
    else:
        complex_text = "No"
    blocks.append(SummaryList([("May the case be complex or of national importance?",
                                complex_text)]))
    return blocks


def _decision_rows(report: ReviewReport) -> list[tuple[str, str]]:
    if not report.decision:
        return [("Decision", "Not recorded yet")]
    meeting = report.decision_meeting
    rows = [("Decision", report.get_decision_display())]
    if meeting is not None:
        rows.append(("Made at the meeting on", _date(meeting.held_on)))
    if report.decision == ReviewReport.Decision.LOCAL_CSPR:
        rows.append(("Key lines of enquiry", report.key_lines_of_enquiry))
    if report.decision == ReviewReport.Decision.NO_FURTHER_REVIEW:
        rows += [("Why no further learning is expected", report.no_further_learning_reason),
                 ("How the learning will be disseminated", report.dissemination)]
    return rows


def _learning_blocks(items: list[LearningItem]) -> list:
    blocks = []
    for kind, title in ((LearningItem.Kind.LEARNING_POINT, "Provisional learning points"),
                        (LearningItem.Kind.IMMEDIATE_ACTION, "Initial actions")):
        rows = [[i.text, i.owner, i.agency.name if i.agency else "", _date(i.due_on)]
                for i in items if i.kind == kind]
        blocks.append(Heading(title, level=3))
        blocks.append(Table(["Item", "Lead", "Agency", "Due"], rows, widths=(55, 15, 18, 12))
                      if rows else Paragraph("None recorded."))
    return blocks


def report_content(report: ReviewReport,
                   items: list[LearningItem] | None = None) -> DocumentContent:
    """Every Appendix G heading in order with its text, then the assessment, the decision
    and the learning items the action plan can take up (``items``: those of a frozen
    version; by default the report's own)."""
    case = report.review.case
    content = DocumentContent("Rapid Review Report", case.partnership.name, case.reference)
    content.add(Paragraph(f"Case {case.reference} · revision {report.revision}"))
    for key, heading, _guidance in SECTIONS:
        content.add(Heading(heading), Paragraph(report.sections.get(key, "") or NOT_WRITTEN))
    content.add(*_assessment_blocks(report))
    content.add(Heading("Decision"), SummaryList(_decision_rows(report)))
    if items is None:
        items = list(report.learning_items.select_related("agency").order_by("kind", "id"))
    content.add(Heading("Learning points and initial actions for the action plan"),
                *_learning_blocks(items))
    return content


def _signature_rows(signatures: list[PartnerSignature]) -> list[list[str]]:
    signed = {s.partner: s for s in signatures if s.outcome == PartnerSignature.Outcome.SIGNED}
    rows = []
    for partner, label in StatutoryPartner.choices:
        s = signed.get(partner)
        rows.append([label, s.signer_name, s.signer_role, _date(s.signed_at)]
                    if s else [label, BLANK, BLANK, BLANK])
    return rows


def disagreements_table(disagreements: list[PartnerSignature]) -> Table:
    """Each partner's recorded disagreement, who recorded it and when, and how it was
    resolved."""
    rows = []
    for s in disagreements:
        if s.resolved_at:
            by = f" by {s.resolved_by.full_name}" if s.resolved_by else ""
            resolved = f"{s.resolution} (resolved{by} on {_date(s.resolved_at)})"
        else:
            resolved = "Not resolved when the partners signed"
        rows.append([f"{s.get_partner_display()}: {s.signer_name}, {s.signer_role}, "
                     f"{_date(s.signed_at)}, on version {s.version.number}",
                     s.comment, resolved])
    return Table(["Recorded by", "What the partner disagreed with", "How it was resolved"],
                 rows, widths=(30, 35, 35))


def decision_record_content(report: ReviewReport,
                            signatures: list[PartnerSignature] | None = None,
                            disagreements: list[PartnerSignature] | None = None
                            ) -> DocumentContent:
    """SRG-8: the case, the meeting that made the recommendation (who attended, in what
    capacity, whether quorate), the recommendation, and the partners' signed decision
    with any disagreement a partner recorded on the way and how it was resolved
    (``disagreements``; by default those among ``signatures``)."""
    review = report.review
    case = review.case
    notification = review.notification
    content = DocumentContent("Recommendation to Safeguarding Partners and their Decision "
                              "Record", case.partnership.name, case.reference)
    children = ", ".join(c.full_name for c in case.children.order_by("pk"))
    content.add(
        Paragraph(f"Case {case.reference} · revision {report.revision}"),
        Heading("The case"),
        SummaryList([("Case reference", case.reference), ("Child", children),
                     ("Panel notified", _date(notification.notified_on)),
                     ("Panel or Ofsted reference", notification.panel_reference
                      or "Not recorded")]))
    meeting = report.decision_meeting
    content.add(Heading("The rapid review meeting"))
    if meeting is None:
        content.add(Paragraph("The decision has not been recorded at a meeting yet."))
    else:
        attendees = list(meeting.attendees.select_related("agency"))
        missing = missing_partners(attendees)
        content.add(
            SummaryList([("Date", _date(meeting.held_on)), ("Where", meeting.location),
                         ("Quorate", "No: no representative of " + ", ".join(missing)
                          if missing else "Yes: all three safeguarding partners represented")]),
            Table(["Name", "Capacity", "Agency"],
                  [[a.name, a.get_role_display(), a.agency.name if a.agency else ""]
                   for a in attendees], widths=(35, 35, 30)))
    content.add(Heading("The review group's recommendation to the safeguarding partners"),
                SummaryList(_decision_rows(report)))
    met = [label for group, criteria in assessment_groups() for code, label in criteria
           if (report.criteria.get(code) or {}).get("met") == "yes"]
    content.add(Paragraph("Criteria found met: " + ("; ".join(met) if met else "none") + "."))
    if report.may_be_complex_or_national:
        content.add(Paragraph("The case may be complex or of national importance: "
                              + report.complex_or_national_reason))
    signatures = list(signatures or [])
    content.add(
        Heading("The safeguarding partners' decision"),
        Paragraph("The safeguarding partners have considered the review group's "
                  "recommendation and, by signing below, agree it as their decision on the "
                  "version of the report and decision record identified by its hash."),
        Table(["Partner", "Name", "Role", "Signed on"], _signature_rows(signatures),
              widths=(22, 28, 28, 22)))
    hashes = sorted({s.content_sha256 for s in signatures
                     if s.outcome == PartnerSignature.Outcome.SIGNED})
    if hashes:
        content.add(Paragraph("Each signature is for the version whose SHA-256 is "
                              + " and ".join(hashes) + "."))
    if disagreements is None:
        disagreements = [s for s in signatures
                         if s.outcome == PartnerSignature.Outcome.DISAGREED]
    if disagreements:
        content.add(Heading("Disagreements and how they were resolved"),
                    disagreements_table(disagreements))
    return content
