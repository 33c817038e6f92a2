"""Rapid review state changes."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.audit import audit_record
from accounts.models import AuditEvent, User
from calendars.models import REVIEW_ACTIONS, Part
from calendars.services import deadlines_close
from cases.models import Case, Stage
from cases.services import CaseError, case_stage_change
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
                      panel_told_on: datetime.date | None,
                      stopped_on: datetime.date | None = None) -> RapidReview:
    """The partners decide the criteria are not met: the clock stops, with the reason, the
    case takes no further action and no step of the review stays open. The Panel was
    notified, so it must have been told (seed 001)."""
    # Locks in the one order (docs/decisions/0006): the case, then its review.
    case = Case.objects.select_for_update(of=("self",)).get(pk=review.case_id)
    review = RapidReview.objects.select_for_update(of=("self",)).select_related(
        "case__partnership").get(pk=review.pk)
    if review.stopped_on:
        raise CaseError("This rapid review has already been stopped")
    if hasattr(review, "submission"):
        raise CaseError("This rapid review has been submitted to the Panel")
    today = timezone.localdate()
    errors = {}
    if not reason.strip():
        errors["reason"] = "Enter why the partners decided the criteria are not met"
    if panel_told_on is None:
        errors["panel_told_on"] = "Enter when the Panel was told the rapid review stopped"
    elif panel_told_on > today or panel_told_on < review.started_on:
        errors["panel_told_on"] = (f"The date the Panel was told must be between "
                                   f"{review.started_on:%-d %B %Y} and today")
    if errors:
        raise CaseError(errors)
    review.stopped_on = stopped_on or today
    review.stop_reason, review.stopped_by = reason.strip(), actor
    review.stop_panel_told_on = panel_told_on
    review.save(update_fields=["stopped_on", "stop_reason", "stopped_by",
                               "stop_panel_told_on"])
    case_stage_change(actor=actor, case=case, to_stage=Stage.NO_FURTHER_ACTION,
                      note="Rapid review stopped: the criteria are not met")
    deadlines_close(actor=actor, case=case, parts=[Part.RAPID_REVIEW], actions=REVIEW_ACTIONS,
                    reason="Rapid review stopped: the criteria are not met")
    audit_record(action=AuditEvent.Action.UPDATE, actor=actor, obj=review,
                 partnership=review.case.partnership, detail={"stopped": True})
    return review
