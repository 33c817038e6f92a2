"""Reads for the rapid review report's pages: a fixed number of queries however long the
report or its history."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch

from ..models import (
    LearningItem,
    MeetingAttendee,
    RapidReview,
    ReportRevision,
    ReviewMeeting,
    ReviewReport,
)
from ..report import MET_WORDS, PART_HEADINGS, SECTIONS, assessment_groups
from .meetings import MeetingSummary, missing_partners


@dataclass(frozen=True)
class SectionRow:
    key: str
    heading: str
    guidance: str
    text: str


@dataclass(frozen=True)
class CriterionRow:
    code: str
    label: str
    met: str
    assessment: str
    evidence: str


@dataclass
class ReportPage:
    report: ReviewReport
    sections: list[SectionRow]
    assessment: list[tuple[str, list[CriterionRow]]]
    decision_meeting: MeetingSummary | None
    learning_points: list[LearningItem] = field(default_factory=list)
    initial_actions: list[LearningItem] = field(default_factory=list)

    @property
    def assessed(self) -> bool:
        return bool(self.report.criteria)


def report_page(review: RapidReview) -> ReportPage | None:
    """The report with its headings in Appendix G order, the assessment by group, the
    meeting that decided (with its attendees) and the learning items."""
    report = (ReviewReport.objects.filter(review=review)
              .select_related("decided_by", "updated_by", "decision_meeting")
              .prefetch_related(
                  Prefetch("learning_items",
                           queryset=LearningItem.objects.select_related("agency")
                           .order_by("kind", "id")),
                  Prefetch("decision_meeting__attendees",
                           queryset=MeetingAttendee.objects.select_related("agency")))
              .first())
    if report is None:
        return None
    sections = [SectionRow(key, heading, guidance, report.sections.get(key, ""))
                for key, heading, guidance in SECTIONS]
    assessment = []
    for group, criteria in assessment_groups():
        rows = []
        for code, label in criteria:
            answer = report.criteria.get(code) or {}
            met = answer.get("met", "")
            rows.append(CriterionRow(code, label, met, MET_WORDS.get(met, "Not assessed"),
                                     answer.get("evidence", "")))
        assessment.append((group, rows))
    meeting = report.decision_meeting
    summary = None
    if meeting is not None:
        attendees = list(meeting.attendees.all())
        summary = MeetingSummary(meeting, attendees, missing_partners(attendees))
    items = list(report.learning_items.all())
    return ReportPage(report, sections, assessment, summary,
                      [i for i in items if i.kind == LearningItem.Kind.LEARNING_POINT],
                      [i for i in items if i.kind == LearningItem.Kind.IMMEDIATE_ACTION])


@dataclass(frozen=True)
class RevisionRow:
    revision: ReportRevision
    heading: str


def report_revisions(report: ReviewReport) -> list[RevisionRow]:
    """Every saved edit, newest first, with the heading of the part it changed."""
    return [RevisionRow(r, PART_HEADINGS.get(r.part, r.part))
            for r in ReportRevision.objects.filter(report=report).select_related("edited_by")]


def decision_meetings(review: RapidReview) -> list[MeetingSummary]:
    """The sessions confirmed as held, each with whether it was quorate: only these can
    be chosen as the meeting that made the decision."""
    meetings = (ReviewMeeting.objects.filter(review=review, attendance_confirmed_at__isnull=False)
                .prefetch_related(Prefetch("attendees", queryset=MeetingAttendee.objects
                                           .select_related("agency"))))
    return [MeetingSummary(m, list(m.attendees.all()), missing_partners(list(m.attendees.all())))
            for m in meetings]
