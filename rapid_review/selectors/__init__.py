"""Reads for rapid reviews, one module per part of the review."""

from .chronology import (  # noqa: F401
    MasterFilters,
    collated_returns,
    master_chronology,
    return_entries,
    scope_period,
)
from .clock import ReviewClock, review_clock  # noqa: F401
from .meetings import MeetingSummary, meeting_summary, review_meetings  # noqa: F401
from .requests import (  # noqa: F401
    agency_requests,
    agency_requests_page,
    chase_list,
    chase_page,
    request_for_agency_user,
    requests_to_chase,
    return_state,
    review_requests,
)
