"""Running the review: its part of the overview's task list, and the back links its pages
share."""

from __future__ import annotations

import datetime

from django.urls import reverse

from accounts.audit import audit_record
from accounts.models import AuditEvent

from ..models import Lcspr
from ..selectors import running_summary

NOT_STARTED = ("Not yet started", "blue")
IN_PROGRESS = ("In progress", "light-blue")
COMPLETED = ("Completed", "")


def back_to(name: str, reference: str, what: str, *args) -> dict:
    return {"back_url": reverse(name, args=[reference, *args]), "back_text": f"Back to {what}"}


def audit_page(request, lcspr: Lcspr, page: str) -> None:
    """Who read which part of the review: by the case, so the trail's case filter finds it."""
    audit_record(action=AuditEvent.Action.VIEW, actor=request.user, obj=lcspr,
                 partnership_id=lcspr.case.partnership_id,
                 detail={"case": lcspr.case_id, "page": page})


def running_tasks(lcspr: Lcspr, target, today: datetime.date) -> list[dict]:
    """Each part of running the review, its status (a tag) and its page: everyone who may
    read the review may open them."""
    def url(name):
        return reverse(f"lcspr:{name}", args=[lcspr.case.reference])
    has = running_summary(lcspr, today)
    if target is None:
        target_status = ("Not set", "grey")
    elif target.status != "open":
        target_status = COMPLETED
    elif target.due_date < today:
        target_status = ("Overdue", "red")
    else:
        target_status = ("Revised", "yellow") if has["revised"] else ("On track", "green")
    checkpoint_status = (NOT_STARTED if not has["checkpoints"] else
                         ("Overdue", "red") if has["overdue"] else
                         IN_PROGRESS if has["unmet"] else COMPLETED)
    statuses = [
        ("Target date", "target", target_status),
        ("Timetable", "timetable",
         NOT_STARTED if not has["timetable"] else
         ("Overdue", "red") if has["timetable_overdue"] else
         IN_PROGRESS if has["timetable_open"] else COMPLETED),
        ("Parallel processes", "parallel-processes",
         NOT_STARTED if not has["processes"] else
         IN_PROGRESS if has["open_processes"] else COMPLETED),
        ("Progress checkpoints", "checkpoints", checkpoint_status),
        ("Family involvement", "family",
         NOT_STARTED if not has["family"] else
         IN_PROGRESS if has["family_open"] else COMPLETED),
        ("Practitioners", "practitioners",
         IN_PROGRESS if has["practitioners"] else NOT_STARTED),
        ("Information from agencies", "information",
         ("None asked", "grey") if not has["further"] else
         ("Awaiting answers", "light-blue") if has["further_open"] else ("Answered", "green")),
        ("Referral to the Panel for a national review", "national-referrals",
         ("Not referred", "grey") if not has["referrals"] else
         ("Awaiting the Panel", "yellow") if has["awaiting_panel"] else COMPLETED),
    ]
    return [{"name": name, "url": url(page), "status": status, "tag": tag}
            for name, page, (status, tag) in statuses]
