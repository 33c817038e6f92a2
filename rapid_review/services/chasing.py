"""Chasing late returns now (seed 003 day 7: "chase any agency that has not returned").

The chase is the reminder the morning sweep sends every working day for a late return (the
step's "overdue" reminder, to the agency's users): chasing now plans today's reminder for
each late return on the chase list and sends it at once, through the same rows and the same
sending. A reminder is unique per deadline, kind and day, so a double click, a second click
or the morning sweep chase each agency once a day, never twice.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from accounts.audit import audit_record
from accounts.models import AuditEvent, Partnership, User
from calendars.models import DeadlineStatus, Reminder
from config.celery import publish_after_commit

from ..selectors.requests import requests_to_chase

EVENT = "returns_chased"


@dataclass(frozen=True)
class ReturnsChased:
    """What a chase did, for the page to say."""

    late: int  # late returns found
    chased: int  # chased now: their reminder is being sent
    earlier: int  # already chased today (by the morning's reminders or an earlier click)
    repeated: bool = False  # the same form posted again: nothing done
    queued: bool = True  # False: the broker did not answer; the hourly sweep sends them


def returns_chase(*, actor: User, partnership: Partnership, agency_id: int | None = None,
                  form_token: uuid.UUID | None = None) -> ReturnsChased:
    """Chase every late return in the partnership (or one agency's) now: plan today's
    overdue reminder for each and queue their sending once it commits."""
    today = timezone.localdate()
    with transaction.atomic():
        if form_token is not None and AuditEvent.objects.filter(
                partnership=partnership, detail__event=EVENT,
                detail__form_token=str(form_token)).exists():
            return ReturnsChased(late=0, chased=0, earlier=0, repeated=True)
        late = requests_to_chase(partnership).filter(
            return_deadline__status=DeadlineStatus.OPEN, return_deadline__due_date__lt=today)
        if agency_id is not None:
            late = late.filter(agency_id=agency_id)
        deadline_ids = sorted(set(late.values_list("return_deadline_id", flat=True)))
        Reminder.objects.bulk_create(
            [Reminder(deadline_id=pk, kind=Reminder.Kind.OVERDUE, for_date=today)
             for pk in deadline_ids], ignore_conflicts=True)
        todays = Reminder.objects.filter(deadline_id__in=deadline_ids,
                                         kind=Reminder.Kind.OVERDUE, for_date=today)
        chased = todays.filter(sent_at__isnull=True).count()
        audit_record(action=AuditEvent.Action.UPDATE, actor=actor, partnership=partnership,
                     detail={"event": EVENT, "deadlines": deadline_ids, "chased": chased,
                             "agency": agency_id,
                             "form_token": str(form_token) if form_token else None})
        not_queued: list[bool] = []
        if chased:
            from calendars.tasks import reminders_send_for_partnership

            publish_after_commit(reminders_send_for_partnership, partnership.pk,
                                 on_failure=lambda: not_queued.append(True))
    return ReturnsChased(late=len(deadline_ids), chased=chased,
                         earlier=len(deadline_ids) - chased, queued=not not_queued)
