"""The rapid review meeting (seed 002 days 8-13, seed 003 day 11, seed 004 days 7-13):
scheduling its sessions inside the plan's window, recording who attended, and confirming it
took place. Quorum is at least one representative of each statutory partner (seed 004 §4.6).
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.audit import audit_record
from accounts.models import Agency, AuditEvent, User
from calendars.models import Anchor, StepAction
from calendars.services import anchor_record, deadline_meet
from cases.services import CaseError

from ..models import MeetingAttendee, RapidReview, ReviewMeeting, TermsMember
from ..selectors.meetings import meeting_window, missing_partners


def _open_review(review: RapidReview) -> RapidReview:
    review = RapidReview.objects.select_for_update(of=("self",)).select_related(
        "case__partnership").get(pk=review.pk)
    if review.stopped_on:
        raise CaseError("This rapid review has been stopped")
    return review


@transaction.atomic
def meeting_schedule(*, actor: User, review: RapidReview, held_on: datetime.date,
                     starts_at: datetime.time | None, location: str,
                     outside_window_reason: str = "") -> ReviewMeeting:
    """Schedule a session. Outside the plan's window it needs a reason, so a late review can
    still meet but the record says why."""
    review = _open_review(review)
    location, reason = location.strip(), outside_window_reason.strip()
    errors = {}
    if not location:
        errors["location"] = "Enter where the meeting is, or how to join it online"
    if held_on < review.started_on:
        errors["held_on"] = (f"The meeting must be on or after the day the Panel was notified "
                             f"({review.started_on:%-d %B %Y})")
    window = meeting_window(review)
    if "held_on" not in errors and window and held_on not in window and not reason:
        errors["outside_window_reason"] = (
            f"The plan has the meeting between {window.earliest:%-d %B %Y} and "
            f"{window.latest:%-d %B %Y}: choose a date in that window, or enter why this "
            "session is outside it")
    if errors:
        raise CaseError(errors)
    meeting = ReviewMeeting.objects.create(
        review=review, held_on=held_on, starts_at=starts_at, location=location,
        outside_window_reason=reason if window and held_on not in window else "",
        scheduled_by=actor)
    deadline_meet(actor=actor, case=review.case, action=StepAction.MEETING_SCHEDULED)
    audit_record(action=AuditEvent.Action.CREATE, actor=actor, obj=meeting,
                 partnership=review.case.partnership,
                 detail={"case": review.case_id, "held_on": held_on.isoformat()})
    return meeting


def _editable_meeting(meeting: ReviewMeeting) -> ReviewMeeting:
    meeting = ReviewMeeting.objects.select_for_update(of=("self",)).select_related(
        "review__case__partnership").get(pk=meeting.pk)
    if meeting.review.stopped_on:
        raise CaseError("This rapid review has been stopped")
    if meeting.held_on > timezone.localdate():
        raise CaseError("Attendance can be recorded on or after the day of the meeting")
    if meeting.attendance_confirmed_at:
        raise CaseError("The attendance of this meeting has been confirmed")
    return meeting


@transaction.atomic
def meeting_attendee_add(*, actor: User, meeting: ReviewMeeting, name: str, role: str,
                         agency: Agency | None = None) -> MeetingAttendee:
    meeting = _editable_meeting(meeting)
    name = name.strip()
    errors = {}
    if not name:
        errors["name"] = "Enter the attendee's name"
    if role not in TermsMember.Role.values:
        errors["role"] = "Select the capacity the attendee came in"
    if errors:
        raise CaseError(errors)
    attendee = MeetingAttendee.objects.create(meeting=meeting, name=name, role=role,
                                              agency=agency)
    audit_record(action=AuditEvent.Action.CREATE, actor=actor, obj=attendee,
                 partnership=meeting.review.case.partnership,
                 detail={"case": meeting.review.case_id, "meeting": meeting.pk, "role": role})
    return attendee


@transaction.atomic
def meeting_attendee_remove(*, actor: User, attendee: MeetingAttendee) -> None:
    meeting = _editable_meeting(attendee.meeting)
    audit_record(action=AuditEvent.Action.DELETE, actor=actor, obj=attendee,
                 partnership=meeting.review.case.partnership,
                 detail={"case": meeting.review.case_id, "meeting": meeting.pk})
    attendee.delete()


@transaction.atomic
def meeting_confirm_held(*, actor: User, meeting: ReviewMeeting) -> ReviewMeeting:
    """The meeting took place with these attendees. The first confirmed session anchors the
    steps that count from the meeting (seed 004: outcome to the Panel within 2 days)."""
    meeting = _editable_meeting(meeting)
    if not meeting.attendees.exists():
        raise CaseError("Record who attended before confirming the meeting took place")
    now = timezone.now()
    meeting.attendance_confirmed_at = now
    meeting.save(update_fields=["attendance_confirmed_at"])
    review = meeting.review
    first = not review.meetings.filter(attendance_confirmed_at__isnull=False).exclude(
        pk=meeting.pk).exists()
    if first:
        anchor_record(actor=actor, case=review.case, kind=Anchor.MEETING_HELD,
                      occurred_on=meeting.held_on)
        deadline_meet(actor=actor, case=review.case, action=StepAction.MEETING_HELD,
                      met_at=timezone.make_aware(datetime.datetime.combine(
                          meeting.held_on, meeting.starts_at or datetime.time(12))))
    audit_record(action=AuditEvent.Action.UPDATE, actor=actor, obj=meeting,
                 partnership=review.case.partnership,
                 detail={"case": review.case_id, "confirmed": True,
                         "quorate": not missing_partners(list(meeting.attendees.all()))})
    return meeting


def require_quorate(meeting: ReviewMeeting) -> None:
    """The decision can only be recorded at a quorate meeting that took place (as stored
    now, not as the caller last saw it)."""
    meeting = ReviewMeeting.objects.prefetch_related("attendees").get(pk=meeting.pk)
    if not meeting.attendance_confirmed_at:
        raise CaseError({"meeting": "Confirm the meeting took place, with who attended, "
                                    "before recording its decision"})
    missing = missing_partners(list(meeting.attendees.all()))
    if missing:
        raise CaseError({"meeting": "The meeting was not quorate: no representative of "
                                    f"{' or '.join(missing)} attended, so it cannot record "
                                    "a decision"})
