"""The overview report's documents, all from one content builder: each frozen version, the
version as approved (the final report sent to the Panel, the Secretary of State and Ofsted),
the anonymised copy for publication, the family's embargoed copy, and the statement to the
partners and the Panel on publication (seed 002 chapter 3 "Communication Publication
Strategy")."""

from __future__ import annotations

import datetime

from cases.documents import DocumentContent, Heading, Paragraph, SummaryList, Table

from .models import SECTIONS, StageKind


def _date(value) -> str:
    if isinstance(value, str):
        value = datetime.date.fromisoformat(value)
    return f"{value:%-d %B %Y}" if value else "Not set"


def report_title(lcspr) -> str:
    return f"{lcspr.get_kind_display()}: overview report"


def report_content(lcspr, snapshot: dict, *, opening: list[str],
                   title: str | None = None) -> DocumentContent:
    """The report as a snapshot says it (a version's, or an anonymised copy's)."""
    case = lcspr.case
    content = DocumentContent(title or report_title(lcspr), case.partnership.name,
                              case.reference)
    content.add(*[Paragraph(text) for text in opening])
    for key, label in SECTIONS:
        text = snapshot["sections"].get(key, "")
        if text:
            content.add(Heading(label), Paragraph(text))
    upload = snapshot.get("upload")
    if upload:
        content.add(Heading("The reviewer's report"),
                    Paragraph(f"The reviewer's report is the attached file {upload['filename']} "
                              f"(SHA-256 {upload['sha256']})."))
    recommendations = snapshot["recommendations"]
    content.add(Heading("Recommendations"))
    if recommendations:
        content.add(Table(
            ["No.", "Recommendation", "Lead agency and owner", "By when", "How progress is "
             "measured"],
            [[str(i), r["what"], ", ".join(filter(None, [r["lead_agency"], r["owner"]])),
              _date(r["due_on"]), r["measure"] or "-"]
             for i, r in enumerate(recommendations, start=1)],
            widths=(6, 38, 22, 14, 20)))
    else:
        content.add(Paragraph("The report makes no recommendations."))
    return content


def approved_statement(version) -> str:
    """Which version was approved, by whom and when, as the approved report opens."""
    decisions = []
    for approval in version.approvals.exclude(outcome="sent_back").order_by("stage", "partner"):
        who = approval.decided_by + (f", {approval.signer_role}, for the "
                                     f"{approval.get_partner_display().lower()}"
                                     if approval.partner else "")
        decisions.append(f"{approval.stage_name}: {approval.get_outcome_display().lower()} by "
                         f"{who} on {_date(approval.decided_on)}")
    return (f"Version {version.number}, approved. " + "; ".join(decisions)
            + f". SHA-256 of this version: {version.content_sha256}")


def chain_summary(chain: list[dict]) -> str:
    return " → ".join(s["name"] + (" (for information)" if s["kind"] == StageKind.INFORMATION
                                   else "") for s in chain)


def anonymised_content(copy) -> DocumentContent:
    lcspr = copy.lcspr
    return report_content(lcspr, copy.content, title=report_title(lcspr), opening=[
        f"Anonymised for publication from approved version {copy.version.number}. Copy "
        f"{copy.number}, SHA-256 {copy.content_sha256}."])


def family_copy_content(copy, publication_on: datetime.date) -> DocumentContent:
    """The report to be published, marked embargoed until the publication date (seed 002:
    the family is given an embargoed, confidential copy ahead of publication)."""
    lcspr = copy.lcspr
    return report_content(lcspr, copy.content, title=f"EMBARGOED: {report_title(lcspr)}",
                          opening=[
        f"EMBARGOED until {_date(publication_on)}. Confidential: a copy for the family, "
        f"ahead of publication. Please do not share it before then.",
        f"This is the report as it will be published (anonymised copy {copy.number})."])


def statement_content(lcspr, publication, dispatches) -> DocumentContent:
    """The statement informing the partners and the Panel of the publication, or of the
    decision not to publish and why."""
    case = lcspr.case
    content = DocumentContent(f"{lcspr.get_kind_display()}: statement to the safeguarding "
                              f"partners and the Panel", case.partnership.name, case.reference)
    rows = [("Review", f"{lcspr.get_kind_display()}, case {case.reference}"),
            ("Decision", publication.get_decision_display()),
            ("Decided by", publication.decided_by),
            ("Decided on", _date(publication.decided_on))]
    if publication.decision == "publish":
        rows += [("Published on", _date(publication.published_on)),
                 ("Where it is published", publication.link)]
    else:
        rows += [("Why it is not published", publication.reason)]
    rows += [(f"Final report sent to {d.get_recipient_display()}", _date(d.sent_on))
             for d in dispatches]
    content.add(SummaryList(rows))
    if publication.decision == "publish":
        content.add(Paragraph(f"{case.partnership.name} has published the report of this "
                              f"review. Its recommendations are taken forward in an action "
                              f"plan, monitored by the partnership until each is complete."))
    else:
        content.add(Paragraph(f"{case.partnership.name} has decided, exceptionally, not to "
                              f"publish the report of this review, for the reason above. The "
                              f"full report has been sent to the Panel, the Secretary of State "
                              f"and Ofsted, and its recommendations are taken forward in an "
                              f"action plan."))
    recommendations = list(lcspr.recommendations.select_related("lead_agency"))
    if recommendations:
        content.add(Heading("Recommendations"), Table(
            ["No.", "Recommendation", "Lead agency", "By when"],
            [[str(i), r.what, r.lead_agency.name if r.lead_agency else r.owner,
              _date(r.due_on)] for i, r in enumerate(recommendations, start=1)],
            widths=(8, 52, 25, 15)))
    return content
