"""Reads about the submission to the Panel that other apps show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..models import PanelSubmission


@dataclass(frozen=True)
class ReviewOutcome:
    submitted_on: date
    decision: str


def review_outcome(case) -> ReviewOutcome | None:
    """The partners' decision once the rapid review has gone to the Panel (what the
    referring agency and contributors are told), else None."""
    submission = (PanelSubmission.objects.filter(review__case=case)
                  .select_related("version__report").first())
    if submission is None:
        return None
    report = submission.version.report
    return ReviewOutcome(submission.submitted_on, report.get_decision_display())
