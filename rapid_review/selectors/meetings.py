"""Reads for the rapid review meeting: sessions with their attendees and quorum."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch

from accounts.models import StatutoryPartner
from calendars.models import Deadline, DeadlineStatus, StepAction

from ..models import MeetingAttendee, RapidReview, ReviewMeeting, TermsMember

PARTNER_ROLES = {
    StatutoryPartner.LOCAL_AUTHORITY: TermsMember.Role.LA_REPRESENTATIVE,
    StatutoryPartner.POLICE: TermsMember.Role.POLICE_REPRESENTATIVE,
    StatutoryPartner.ICB: TermsMember.Role.ICB_REPRESENTATIVE,
}


@dataclass(frozen=True)
class MeetingWindow:
    earliest: datetime.date
    latest: datetime.date

    def __contains__(self, day: datetime.date) -> bool:
        return self.earliest <= day <= self.latest


def meeting_window(review: RapidReview) -> MeetingWindow | None:
    """The plan's window for the meeting (its deadline's window start to its due date); a
    plan with only a due date allows any day after the notification up to it."""
    deadline = (Deadline.objects.filter(case=review.case_id, step__met_by=StepAction.MEETING_HELD)
                .exclude(status=DeadlineStatus.WAIVED).order_by("-id").first())
    if deadline is None:
        return None
    return MeetingWindow(deadline.window_start or review.started_on, deadline.due_date)


def missing_partners(attendees: list[MeetingAttendee]) -> list[str]:
    """The statutory partners with no representative among the attendees, as labels."""
    present = {a.role for a in attendees}
    return [StatutoryPartner(p).label for p, role in PARTNER_ROLES.items()
            if role not in present]


@dataclass(frozen=True)
class MeetingSummary:
    meeting: ReviewMeeting
    attendees: list[MeetingAttendee]
    missing_partners: list[str]

    @property
    def is_quorate(self) -> bool:
        return not self.missing_partners


def _summaries(meetings) -> list[MeetingSummary]:
    return [MeetingSummary(m, list(m.attendees.all()), missing_partners(list(m.attendees.all())))
            for m in meetings]


def _with_attendees(qs):
    return qs.prefetch_related(Prefetch(
        "attendees", queryset=MeetingAttendee.objects.select_related("agency")))


def review_meetings(review: RapidReview) -> tuple[list[MeetingSummary], MeetingWindow | None]:
    """Every session in date order, and the plan's window: two queries and the deadline's."""
    meetings = _with_attendees(ReviewMeeting.objects.filter(review=review))
    return _summaries(meetings), meeting_window(review)


def meeting_summary(review: RapidReview, pk: int) -> MeetingSummary | None:
    meeting = _with_attendees(ReviewMeeting.objects.filter(review=review, pk=pk)).first()
    return _summaries([meeting])[0] if meeting else None
