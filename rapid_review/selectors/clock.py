"""Reads for rapid reviews."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from calendars.services import calendar_for
from calendars.working_days import working_days_between

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
    """'Working day N of 15': working days since the notification, counted by the calendar;
    a stopped review's clock stays where it stopped."""
    until = review.stopped_on or today or timezone.localdate()
    return ReviewClock(max(0, working_days_between(review.started_on, until,
                                                   calendar_for(review.case.partnership_id))))
