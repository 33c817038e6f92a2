"""Demo deadlines: the demo partnership's plan, and rapid review clocks on demo cases."""

from __future__ import annotations

import datetime

from django.utils import timezone

from accounts.models import Agency, Partnership
from cases.models import Case

from . import services
from .models import Anchor, TimelineTemplate
from .working_days import add_working_days

DEMO_PLAN = "15 working day plan (North East Lincolnshire)"
REQUESTED_AGENCIES = [
    "Demoshire Hospitals NHS Trust (fictional)",
    "Make-Believe Primary Academy (fictional)",
    "Demoshire Community Health: health visiting (fictional)",
]


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def adopt_demo_plan(partnership: Partnership) -> None:
    if not TimelineTemplate.objects.filter(partnership=partnership, is_active=True).exists():
        services.template_adopt(actor=None, partnership=partnership,
                                builtin=TimelineTemplate.objects.get(partnership__isnull=True,
                                                                     name=DEMO_PLAN))


def run_rapid_review_clock(case: Case, *, notified: datetime.date, returned: int) -> None:
    """After the notification: the early steps done, information requests out to three
    agencies and some returned."""
    today = timezone.localdate()
    calendar = services.calendar_for(case.partnership)
    for key in ("inform_partners", "schedule_meeting"):
        services.deadline_meet(actor=None, case=case, step_key=key,
                               met_at=_at(add_working_days(notified, 1, calendar)))
    sent = add_working_days(notified, 2, calendar)
    if sent > today:
        return
    for key in ("send_group_letters", "send_information_requests"):
        services.deadline_meet(actor=None, case=case, step_key=key, met_at=_at(sent))
    for number, name in enumerate(REQUESTED_AGENCIES, start=1):
        related = f"demo-request:{case.pk}:{number}"
        services.anchor_record(actor=None, case=case, kind=Anchor.INFORMATION_REQUEST_SENT,
                               occurred_on=sent, related_key=related,
                               responsible_agency=Agency.objects.get(name=name))
        if number <= returned:
            services.deadline_meet(
                actor=None, case=case, step_key="agency_returns_due", related_key=related,
                met_at=_at(min(today, add_working_days(sent, 3, calendar))))
