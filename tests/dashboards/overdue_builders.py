"""Cases with late and soon-due deadlines around Christmas 2026, made through the calendars'
services (the partnership's default plan: the statutory minimum)."""

from __future__ import annotations

import datetime
import itertools

from calendars.models import Anchor
from calendars.services import anchor_record
from cases.models import Stage
from cases.services import case_create

# A Wednesday. Friday 25 December and Monday 28 December 2026 (Boxing Day's substitute) are
# bank holidays.
TODAY = datetime.date(2026, 12, 30)
# Became aware Wed 16 Dec: the Panel notification (statutory, 5 working days) was due
# Wed 23 Dec, 3 working days late today (24, 29, 30 December).
AWARE_ON = datetime.date(2026, 12, 16)
# A request sent Thu 17 Dec: its return (5 working days, the partnership's calendar) was due
# Thu 24 Dec, 2 working days late today (29, 30 December).
REQUEST_ON = datetime.date(2026, 12, 17)

_keys = itertools.count(10_000)


def late_case(partnership, *, agency=None, stage: str = Stage.REFERRED,
              aware_on: datetime.date | None = AWARE_ON,
              request_on: datetime.date = REQUEST_ON):
    """A case whose Panel notification and report to the partners are late (unless
    ``aware_on`` is None) and, with ``agency``, whose return from it is late."""
    case = case_create(actor=None, partnership=partnership, stage=stage)
    if aware_on is not None:
        anchor_record(actor=None, case=case, kind=Anchor.BECAME_AWARE, occurred_on=aware_on)
    if agency is not None:
        return_from(case, agency, request_on)
    return case


def return_from(case, agency, sent_on: datetime.date) -> None:
    anchor_record(actor=None, case=case, kind=Anchor.INFORMATION_REQUEST_SENT,
                  occurred_on=sent_on, related_key=f"information-request-{next(_keys)}",
                  responsible_agency=agency)
