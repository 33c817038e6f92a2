"""Rapid review state changes."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.audit import audit_record
from accounts.models import AuditEvent, User
from calendars.models import Deadline, DeadlineStatus
from calendars.services import deadline_waive
from cases.services import CaseError
from notifications.models import PanelNotification

from ..models import RapidReview


def rapid_review_open(*, actor: User, notification: PanelNotification) -> RapidReview:
    """Open the review for a notification, or move its start when the date is corrected."""
    review, created = RapidReview.objects.update_or_create(
        case=notification.case, notification=notification,
        defaults={"started_on": notification.notified_on})
    audit_record(action=AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE,
                 actor=actor, obj=review, partnership=notification.case.partnership,
                 detail={"started_on": review.started_on.isoformat()})
    return review


@transaction.atomic
def rapid_review_stop(*, actor: User, review: RapidReview, reason: str,
                      stopped_on: datetime.date | None = None) -> RapidReview:
    """The partners decide the criteria are not met: the clock stops, with the reason."""
    review = RapidReview.objects.select_for_update().get(pk=review.pk)
    if review.stopped_on:
        raise CaseError("This rapid review has already been stopped")
    if not reason.strip():
        raise CaseError({"reason": "Enter why the partners decided the criteria are not met"})
    review.stopped_on = stopped_on or timezone.localdate()
    review.stop_reason, review.stopped_by = reason.strip(), actor
    review.save(update_fields=["stopped_on", "stop_reason", "stopped_by"])
    for deadline in Deadline.objects.filter(case=review.case_id, status=DeadlineStatus.OPEN,
                                            anchor_event__kind__in=[
                                                "notification_sent",
                                                "information_request_sent",
                                                "meeting_held"]):
        deadline_waive(actor=actor, deadline=deadline,
                       reason="Rapid review stopped: criteria not met")
    audit_record(action=AuditEvent.Action.UPDATE, actor=actor, obj=review,
                 partnership=review.case.partnership, detail={"stopped": True})
    return review
