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

    @property
    def overdue(self) -> bool:
        return self.day > self.of

    def __str__(self) -> str:
        return f"working day {self.day} of {self.of}"


def review_clock(review: RapidReview, today: datetime.date | None = None) -> ReviewClock:
    """'Working day N of 15': working days since the notification, on the statutory
    calendar (the 15 days are set in law: a partnership's closures never stretch them); a
    stopped review's clock stays where it stopped."""
    until = review.stopped_on or today or timezone.localdate()
    return ReviewClock(max(0, working_days_between(review.started_on, until,
                                                   default_calendar())))
