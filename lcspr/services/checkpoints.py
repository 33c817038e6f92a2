"""Regulation 14 progress checkpoints (Child Safeguarding Practice Review and Relevant
Agency (England) Regulations 2018: the partners may monitor the time and quality of the
review and ask the reviewer in writing for information or drafts). The partnership sets
them for each review, every so many weeks from the decision or on dates it chooses; each is
due on a working day of its calendar. At each the reviewer writes an update, and the
business unit records the partners' view of time and quality, any corrective action and the
learning agreed to be released early: that meets the checkpoint.

Each checkpoint is two deadlines on the partnership's calendar, both due on its day: the
reviewer's written update (reminding the appointed reviewer) and the partners' review.
Saving the update meets the first, recording the review the second; moving the checkpoint
moves both."""

from __future__ import annotations

import datetime

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone

from accounts.audit import audit_record
from accounts.fields import NARRATIVE_MAX_LENGTH
from accounts.models import AuditEvent, User
from calendars.models import Anchor, Deadline, DeadlineStatus, StepAction
from calendars.services import (
    anchor_record,
    anchor_reschedule,
    calendar_for,
    deadline_meet,
    deadline_waive,
    deadlines_assign,
)
from calendars.working_days import is_working_day, previous_working_day
from cases.services import CaseError

from ..models import Checkpoint, Lcspr
from .target import target_deadline

MAX_WEEKS = 26


def checkpoint_day(lcspr: Lcspr, day: datetime.date, calendar=None) -> datetime.date:
    """The day itself if the partnership works that day, else the working day before."""
    calendar = calendar or calendar_for(lcspr.case.partnership_id)
    return day if is_working_day(day, calendar) else previous_working_day(day, calendar)


def _locked(lcspr: Lcspr) -> Lcspr:
    lcspr = Lcspr.objects.select_for_update(of=("self",)).select_related(
        "case__partnership").get(pk=lcspr.pk)
    if lcspr.decided_on is None:
        raise CaseError(f"Record the decision to commission the {lcspr.short_name} first")
    return lcspr


def _add(actor: User, lcspr: Lcspr, due_on: datetime.date) -> tuple[Checkpoint, bool]:
    checkpoint, created = Checkpoint.objects.get_or_create(
        lcspr=lcspr, due_on=due_on, defaults={"created_by": actor})
    if created:
        anchor_record(actor=actor, case=lcspr.case, kind=Anchor.LCSPR_CHECKPOINT,
                      occurred_on=due_on, related_key=checkpoint.deadline_key)
        reviewer = getattr(lcspr, "reviewer", None)
        if reviewer is not None:
            checkpoint_updates_assign(actor=actor, lcspr=lcspr, user=reviewer.user)
        audit_record(action=AuditEvent.Action.CREATE, actor=actor, obj=checkpoint,
                     partnership=lcspr.case.partnership,
                     detail={"case": lcspr.case_id, "due_on": due_on.isoformat()})
    return checkpoint, created


def checkpoint_updates_assign(*, actor: User | None, lcspr: Lcspr, user: User | None) -> int:
    """The written updates still due are the appointed reviewer's: their reminders go to
    them (and to nobody else with the reviewer role)."""
    return deadlines_assign(actor=actor, case=lcspr.case,
                            actions=[StepAction.CHECKPOINT_UPDATE_WRITTEN], user=user)


@transaction.atomic
def checkpoints_schedule(*, actor: User, lcspr: Lcspr, every_weeks: int | None
                         ) -> list[Checkpoint]:
    """A checkpoint every ``every_weeks`` weeks from the decision until the target, from
    tomorrow on. Those already set stay; the same form posted twice adds nothing more.
    Returns the checkpoints added."""
    if every_weeks is None or not 1 <= every_weeks <= MAX_WEEKS:
        raise CaseError({"every_weeks": f"Enter a number of weeks from 1 to {MAX_WEEKS}"})
    lcspr = _locked(lcspr)
    target = target_deadline(lcspr)
    if target is None:
        raise CaseError("The review has no target date to set checkpoints up to")
    calendar = calendar_for(lcspr.case.partnership_id)
    today, added, n = timezone.localdate(), [], 1
    while (day := lcspr.decided_on + relativedelta(weeks=n * every_weeks)) <= target.due_date:
        n += 1
        due_on = checkpoint_day(lcspr, day, calendar)
        if due_on > today:
            checkpoint, created = _add(actor, lcspr, due_on)
            if created:
                added.append(checkpoint)
    return added


@transaction.atomic
def checkpoint_add(*, actor: User, lcspr: Lcspr, due_on: datetime.date | None) -> Checkpoint:
    """One checkpoint on a date the partnership chose (the working day before, if it is not
    one). A checkpoint already due that day is the same one."""
    if due_on is None:
        raise CaseError({"due_on": "Enter the date of the checkpoint"})
    if due_on < timezone.localdate():
        raise CaseError({"due_on": "The date of the checkpoint must be today or in the future"})
    lcspr = _locked(lcspr)
    checkpoint, _created = _add(actor, lcspr, checkpoint_day(lcspr, due_on))
    return checkpoint


@transaction.atomic
def checkpoint_move(*, actor: User, checkpoint: Checkpoint, due_on: datetime.date | None,
                    reason: str) -> Checkpoint:
    """Reschedule a checkpoint not yet reviewed (the working day before, if the date is not
    one), for a reason: its deadlines move with it."""
    reason = (reason or "").strip()
    errors = {}
    if due_on is None:
        errors["due_on"] = "Enter the new date of the checkpoint"
    elif due_on < timezone.localdate():
        errors["due_on"] = "The date of the checkpoint must be today or in the future"
    if not reason:
        errors["reason"] = "Enter why the checkpoint is moving"
    _long(errors, "reason", reason, "The reason")
    if errors:
        raise CaseError(errors)
    lcspr = _locked(checkpoint.lcspr)
    checkpoint = Checkpoint.objects.select_for_update(of=("self",)).get(pk=checkpoint.pk)
    if checkpoint.reviewed_on is not None:
        raise CaseError("The partners have reviewed this checkpoint: it can no longer move")
    due_on = checkpoint_day(lcspr, due_on)
    if due_on == checkpoint.due_on:
        raise CaseError({"due_on": f"The checkpoint is already on {due_on:%-d %B %Y}: enter a "
                                   f"different date"})
    if lcspr.checkpoints.filter(due_on=due_on).exists():
        raise CaseError({"due_on": f"There is already a checkpoint on {due_on:%-d %B %Y}"})
    previous = checkpoint.due_on
    anchor_reschedule(actor=actor, case=lcspr.case, kind=Anchor.LCSPR_CHECKPOINT,
                      related_key=checkpoint.deadline_key, occurred_on=due_on,
                      reason=f"Checkpoint moved: {reason}"[:300])
    checkpoint.due_on = due_on
    checkpoint.save(update_fields=["due_on"])
    audit_record(action=AuditEvent.Action.UPDATE, actor=actor, obj=checkpoint,
                 partnership=lcspr.case.partnership,
                 detail={"case": lcspr.case_id, "due_on": due_on.isoformat(),
                         "previous": previous.isoformat(), "reason": reason[:300]})
    return checkpoint


def _long(errors: dict, field: str, value: str, what: str) -> None:
    if len(value) > NARRATIVE_MAX_LENGTH:
        errors[field] = f"{what} must be {NARRATIVE_MAX_LENGTH:,} characters or fewer"


@transaction.atomic
def checkpoint_update_write(*, actor: User, checkpoint: Checkpoint,
                            reviewer_update: str) -> Checkpoint:
    """The reviewer's written update for the checkpoint (written again, it replaces it)."""
    text = (reviewer_update or "").strip()
    errors = {}
    if not text:
        errors["reviewer_update"] = "Enter the reviewer's update on the review's progress"
    _long(errors, "reviewer_update", text, "The update")
    if errors:
        raise CaseError(errors)
    Lcspr.objects.select_for_update(of=("self",)).filter(pk=checkpoint.lcspr_id).first()
    checkpoint = Checkpoint.objects.select_for_update(of=("self",)).select_related(
        "lcspr__case").get(pk=checkpoint.pk)
    checkpoint.reviewer_update, checkpoint.update_by = text, actor
    checkpoint.update_at = timezone.now()
    checkpoint.save(update_fields=["reviewer_update", "update_by", "update_at"])
    deadline_meet(actor=actor, case=checkpoint.lcspr.case,
                  action=StepAction.CHECKPOINT_UPDATE_WRITTEN,
                  related_key=checkpoint.deadline_key, met_at=checkpoint.update_at)
    audit_record(action=AuditEvent.Action.UPDATE, actor=actor, obj=checkpoint,
                 partnership_id=checkpoint.lcspr.case.partnership_id,
                 detail={"case": checkpoint.lcspr.case_id, "part": "reviewer_update"})
    return checkpoint


@transaction.atomic
def checkpoint_review_record(*, actor: User, checkpoint: Checkpoint,
                             reviewed_on: datetime.date | None, time_view: str,
                             quality_view: str, corrective_action: str = "",
                             early_learning: str = "") -> Checkpoint:
    """The partners' review at the checkpoint: their view of time and of quality, any
    corrective action and learning agreed to be released early. Recording it meets the
    checkpoint (late if after its day); recording it again corrects it."""
    values = {"time_view": time_view, "quality_view": quality_view,
              "corrective_action": corrective_action, "early_learning": early_learning}
    values = {field: (value or "").strip() for field, value in values.items()}
    errors = {}
    if reviewed_on is None:
        errors["reviewed_on"] = "Enter the date the partners reviewed progress"
    elif reviewed_on > timezone.localdate():
        errors["reviewed_on"] = "The date the partners reviewed progress must be today or " \
                                "in the past"
    if not values["time_view"]:
        errors["time_view"] = "Enter the partners' view of progress against the timetable"
    if not values["quality_view"]:
        errors["quality_view"] = "Enter the partners' view of the quality of the review"
    for field, what in (("time_view", "The view of time"),
                        ("quality_view", "The view of quality"),
                        ("corrective_action", "The corrective action"),
                        ("early_learning", "The learning to release early")):
        _long(errors, field, values[field], what)
    if errors:
        raise CaseError(errors)
    Lcspr.objects.select_for_update(of=("self",)).filter(pk=checkpoint.lcspr_id).first()
    checkpoint = Checkpoint.objects.select_for_update(of=("self",)).select_related(
        "lcspr__case").get(pk=checkpoint.pk)
    was_met = checkpoint.reviewed_on is not None
    for field, value in values.items():
        setattr(checkpoint, field, value)
    checkpoint.reviewed_on, checkpoint.reviewed_by = reviewed_on, actor
    checkpoint.save()
    case = checkpoint.lcspr.case
    # Judged on the day the partners reviewed progress, as the checkpoint's status is.
    deadline_meet(actor=actor, case=case, action=StepAction.CHECKPOINT_REVIEWED,
                  related_key=checkpoint.deadline_key,
                  met_at=min(timezone.now(), timezone.make_aware(
                      datetime.datetime.combine(reviewed_on, datetime.time(12)))))
    for deadline in Deadline.objects.filter(
            case=case, related_key=checkpoint.deadline_key, status=DeadlineStatus.OPEN,
            step__met_by=StepAction.CHECKPOINT_UPDATE_WRITTEN):
        deadline_waive(actor=actor, deadline=deadline,
                       reason="The partners reviewed progress without a written update")
    audit_record(action=AuditEvent.Action.UPDATE, actor=actor, obj=checkpoint,
                 partnership_id=checkpoint.lcspr.case.partnership_id,
                 detail={"case": checkpoint.lcspr.case_id, "part": "partners_review",
                         "status": checkpoint.status(timezone.localdate()),
                         **({"corrected": True} if was_met else {})})
    return checkpoint
