"""Reads for rapid reviews."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from calendars.working_days import default_calendar, working_days_between

from ..models import RAPID_REVIEW_WORKING_DAYS, RapidReview


@dataclass(frozen=True)
class ReviewClock:
    day: int
    of: int = RAPID_REVIEW_WORKING_DAYS
    submitted: bool = False
    stopped: bool = False
    ended_on: datetime.date | None = None

    @property
    def overdue(self) -> bool:
        """Still running past the limit: a submitted or stopped review is never 'overdue',
        whatever day it ended on."""
        return self.day > self.of and not self.submitted and not self.stopped

    @property
    def running(self) -> bool:
        return not self.submitted and not self.stopped

    def __str__(self) -> str:
        if self.submitted:
            on = f" ({self.ended_on:%-d %B %Y})" if self.ended_on else ""
            return f"submitted on working day {self.day} of {self.of}{on}"
        return f"working day {self.day} of {self.of}"


def review_clock(review: RapidReview, today: datetime.date | None = None) -> ReviewClock:
    """'Working day N of 15': working days since the notification, on the statutory
    calendar (the 15 days are set in law: a partnership's closures never stretch them). The
    clock stops where the review stopped, or on the day it was submitted."""
    submission = getattr(review, "submission", None)
    ended_on = review.stopped_on or (submission.submitted_on if submission else None)
    until = ended_on or today or timezone.localdate()
    return ReviewClock(max(0, working_days_between(review.started_on, until,
                                                   default_calendar())),
                       submitted=submission is not None,
                       stopped=review.stopped_on is not None, ended_on=ended_on)
