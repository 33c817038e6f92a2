"""The case moving on to an LCSPR after the Panel's response opens its record: the
partners' decision date, who decided, and the rapid review's key lines of enquiry."""

import datetime

from accounts.models import AuditEvent
from calendars.models import Anchor
from lcspr.models import Lcspr
from rapid_review.models import ReviewReport
from rapid_review.services import case_move_on
from tests.rapid_review.test_panel_response import (  # noqa: F401 - its fixtures
    Outcome,
    _respond,
    later,
    officer,
    partners,
    pytestmark,
    submitted,
)

d = datetime.date.fromisoformat


def test_moving_on_to_an_lcspr_opens_it_with_the_rapid_reviews_key_lines(submitted, officer):  # noqa: F811
    _respond(submitted, officer, outcome=Outcome.AGREES)
    ReviewReport.objects.filter(review=submitted).update(
        decided_at=datetime.datetime(2026, 11, 18, 15, tzinfo=datetime.UTC),
        key_lines_of_enquiry="Why was the school's concern not shared? (fictional)")
    case_move_on(actor=officer, review=submitted, next_step="lcspr")
    lcspr = Lcspr.objects.get(case=submitted.case)
    assert lcspr.decided_on == d("2026-11-18")
    assert lcspr.decided_by == Lcspr.DecidedBy.PARTNERS
    assert lcspr.key_lines_of_enquiry == "Why was the school's concern not shared? (fictional)"
    assert submitted.case.anchor_events.get(
        kind=Anchor.DECISION_TO_COMMISSION_LCSPR).occurred_on == d("2026-11-18")
    assert submitted.case.deadlines.get(step__key="complete_lcspr").due_date == d("2027-05-18")
    assert AuditEvent.objects.filter(object_type="lcspr.lcspr", object_id=str(lcspr.pk),
                                     action=AuditEvent.Action.CREATE).exists()
