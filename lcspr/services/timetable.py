"""The review's timetable (seed 002 chapter 3: "an agreed timetable of review sub group
meetings ... timescales for the completion of chronologies, conversations and any other
learning event"; seed 003 flowchart 3). The business unit and the appointed reviewer add,
move (with a reason) and cancel items, and record them held or done. Each item is a
deadline on the partnership's calendar, so it is reminded, escalated and listed in the home
queues like every other step; moving or cancelling it moves or closes that deadline."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.audit import audit_record
from accounts.fields import NARRATIVE_MAX_LENGTH
from accounts.models import AuditEvent, User
from accounts.rules import LOCAL_REVIEW_STAGES
from calendars.models import Anchor, Deadline, StepAction
from calendars.services import (
    anchor_record,
    anchor_reschedule,
    anchor_withdraw,
    calendar_for,
    deadline_meet,
    deadlines_close,
)
from calendars.working_days import is_working_day
from cases.services import CaseError, EditConflict

from ..models import Lcspr, TimetableItem

TITLE_MAX = 200
LOCATION_MAX = 500
NO_STEP = ("The partnership's plan has no step for the LCSPR's timetable: ask the "
           "administrator to add it to the plan")


def non_working_day_error(partnership_id: int, day: datetime.date) -> str | None:
    """A date the partnership does not work needs confirming (a family meeting on a Saturday
    may be right; a sub-group meeting on a bank holiday is usually a slip)."""
    if is_working_day(day, calendar_for(partnership_id)):
        return None
    return (f"{day:%A %-d %B %Y} is not a working day on the partnership's calendar: choose "
            "another date, or confirm the item is on that day")


def _item_errors(partnership_id: int, *, title: str | None, location: str | None,
                 due_on: datetime.date | None, confirmed: bool,
                 reason: str | None = None) -> dict[str, str]:
    errors = {}
    if title is not None:
        if not title:
            errors["title"] = "Enter what the item is, for example the sub-group's first meeting"
        elif len(title) > TITLE_MAX:
            errors["title"] = f"The description must be {TITLE_MAX} characters or fewer"
    if location is not None and len(location) > LOCATION_MAX:
        errors["location"] = f"Where it is must be {LOCATION_MAX} characters or fewer"
    if reason is not None:
        if not reason:
            errors["reason"] = "Enter why the date is moving"
        elif len(reason) > NARRATIVE_MAX_LENGTH:
            errors["reason"] = f"The reason must be {NARRATIVE_MAX_LENGTH:,} characters or fewer"
    if due_on is None:
        errors["due_on"] = "Enter the date of the item"
    elif due_on < timezone.localdate():
        errors["due_on"] = "The date of the item must be today or in the future"
    elif not confirmed and (message := non_working_day_error(partnership_id, due_on)):
        errors["due_on"] = message
    return errors


def _running(lcspr: Lcspr) -> Lcspr:
    lcspr = Lcspr.objects.select_for_update(of=("self",)).select_related(
        "case__partnership").get(pk=lcspr.pk)
    if lcspr.decided_on is None:
        raise CaseError("Record the decision to commission the LCSPR first")
    if lcspr.case.stage not in LOCAL_REVIEW_STAGES:
        raise CaseError(f"The {lcspr.short_name} has finished: its timetable can no longer "
                        f"change")
    return lcspr


@transaction.atomic
def timetable_item_add(*, actor: User, lcspr: Lcspr, kind: str, title: str,
                       due_on: datetime.date | None, starts_at: datetime.time | None = None,
                       location: str = "", non_working_day_confirmed: bool = False,
                       form_token=None) -> TimetableItem:
    """Put an item on the timetable, with its deadline on the partnership's calendar (on a
    day the partnership does not work, the next working day). The same form posted twice adds
    once."""
    title, location = (title or "").strip(), (location or "").strip()
    errors = _item_errors(lcspr.case.partnership_id, title=title, location=location,
                          due_on=due_on, confirmed=non_working_day_confirmed)
    if kind not in TimetableItem.Kind.values:
        errors["kind"] = "Select what kind of item it is"
    if errors:
        raise CaseError(errors)
    lcspr = _running(lcspr)
    if form_token is not None:
        earlier = TimetableItem.objects.filter(form_token=form_token, lcspr=lcspr).first()
        if earlier is not None:
            return earlier
    item = TimetableItem.objects.create(
        lcspr=lcspr, kind=kind, title=title, due_on=due_on, first_due_on=due_on,
        starts_at=starts_at, location=location, form_token=form_token, created_by=actor,
        updated_by=actor)
    event = anchor_record(actor=actor, case=lcspr.case, kind=Anchor.LCSPR_TIMETABLE,
                          occurred_on=due_on, related_key=item.deadline_key)
    item.deadline = Deadline.objects.filter(
        anchor_event=event, step__met_by=StepAction.TIMETABLE_ITEM_DONE).first()
    if item.deadline is None:
        raise CaseError(NO_STEP)
    item.save(update_fields=["deadline"])
    audit_record(action=AuditEvent.Action.CREATE, actor=actor, obj=item,
                 partnership=lcspr.case.partnership,
                 detail={"case": lcspr.case_id, "kind": kind, "due_on": due_on.isoformat()})
    return item


def _changeable(item: TimetableItem, revision: int | None, what: str) -> TimetableItem:
    """The item as stored now, locked; refused when it is no longer planned or someone else
    changed it after the form was read (docs/decisions/0006)."""
    _running(item.lcspr)
    item = TimetableItem.objects.select_for_update(of=("self",)).select_related(
        "lcspr__case__partnership", "updated_by").get(pk=item.pk)
    if revision is not None and revision != item.revision:
        raise EditConflict(
            f"{item.updated_by.full_name} changed this item after you opened the page: it is "
            f"now {item.get_status_display().lower()} for {item.due_on:%-d %B %Y}. Check it "
            f"before you {what} it", who=item.updated_by.full_name, when=item.updated_at,
            theirs=[("Date", f"{item.due_on:%-d %B %Y}"),
                    ("Status", item.get_status_display())],
            current=item.revision)
    if item.status != TimetableItem.Status.PLANNED:
        raise CaseError(f"This item is {item.get_status_display().lower()}: it can no longer "
                        f"be changed")
    return item


def _saved(item: TimetableItem, actor: User, fields: list[str], detail: dict) -> TimetableItem:
    item.revision += 1
    item.updated_by = actor
    item.save(update_fields=[*fields, "revision", "updated_by", "updated_at"])
    audit_record(action=AuditEvent.Action.UPDATE, actor=actor, obj=item,
                 partnership_id=item.lcspr.case.partnership_id,
                 detail={"case": item.lcspr.case_id, **detail})
    return item


@transaction.atomic
def timetable_item_move(*, actor: User, item: TimetableItem, due_on: datetime.date | None,
                        reason: str, revision: int | None = None,
                        non_working_day_confirmed: bool = False) -> TimetableItem:
    """Move the item to another date, for a reason: its deadline moves with it (the reason
    in the deadline's audit trail too)."""
    reason = (reason or "").strip()
    errors = _item_errors(item.lcspr.case.partnership_id, title=None, location=None,
                          due_on=due_on, confirmed=non_working_day_confirmed, reason=reason)
    if not errors and due_on == item.due_on:
        errors["due_on"] = f"The item is already on {due_on:%-d %B %Y}: enter a different date"
    if errors:
        raise CaseError(errors)
    item = _changeable(item, revision, "move")
    previous = item.due_on
    anchor_reschedule(actor=actor, case=item.lcspr.case, kind=Anchor.LCSPR_TIMETABLE,
                      related_key=item.deadline_key, occurred_on=due_on,
                      reason=f"Timetable item moved: {reason}"[:300])
    item.due_on, item.move_reason = due_on, reason
    return _saved(item, actor, ["due_on", "move_reason"],
                  {"due_on": due_on.isoformat(), "previous": previous.isoformat()})


@transaction.atomic
def timetable_item_cancel(*, actor: User, item: TimetableItem, reason: str,
                          revision: int | None = None) -> TimetableItem:
    """The item will not happen: its deadline no longer applies, with the reason."""
    reason = (reason or "").strip()
    if not reason:
        raise CaseError({"reason": "Enter why the item is cancelled"})
    if len(reason) > NARRATIVE_MAX_LENGTH:
        raise CaseError({"reason": f"The reason must be {NARRATIVE_MAX_LENGTH:,} characters "
                                   f"or fewer"})
    item = _changeable(item, revision, "cancel")
    anchor_withdraw(actor=actor, case=item.lcspr.case, kind=Anchor.LCSPR_TIMETABLE,
                    related_key=item.deadline_key,
                    reason=f"Timetable item cancelled: {reason}"[:300])
    item.status, item.cancel_reason = TimetableItem.Status.CANCELLED, reason
    return _saved(item, actor, ["status", "cancel_reason"], {"status": item.status})


@transaction.atomic
def timetable_item_done(*, actor: User, item: TimetableItem, done_on: datetime.date | None,
                        revision: int | None = None) -> TimetableItem:
    """The meeting or event was held, or the chronologies are in: that meets its deadline
    (late if after the item's day)."""
    if done_on is None:
        raise CaseError({"done_on": "Enter the date it was held or done"})
    if done_on > timezone.localdate():
        raise CaseError({"done_on": "The date it was held or done must be today or in the "
                                    "past"})
    item = _changeable(item, revision, "record")
    if done_on < item.lcspr.decided_on:
        raise CaseError({"done_on": f"The date must be on or after the decision to commission "
                                    f"the review ({item.lcspr.decided_on:%-d %B %Y})"})
    met_at = timezone.make_aware(datetime.datetime.combine(
        done_on, item.starts_at or datetime.time(12)))
    deadline_meet(actor=actor, case=item.lcspr.case, action=StepAction.TIMETABLE_ITEM_DONE,
                  related_key=item.deadline_key, met_at=min(met_at, timezone.now()))
    item.status, item.done_on = TimetableItem.Status.DONE, done_on
    return _saved(item, actor, ["status", "done_on"],
                  {"status": item.status, "done_on": done_on.isoformat()})


# The LCSPR's own dates: what ends with the review.
LCSPR_DATES = (Anchor.LCSPR_TIMETABLE, Anchor.LCSPR_CHECKPOINT, Anchor.LCSPR_REVIEWER_APPOINTED)


@transaction.atomic
def lcspr_dates_close(*, actor: User | None, lcspr: Lcspr, reason: str) -> int:
    """The review has ended (published, or stopped): its timetable, checkpoints and letters
    still open no longer apply, with the reason, so nothing shows overdue for ever. The
    items stay as they were planned. Returns how many deadlines closed."""
    return deadlines_close(actor=actor, case=lcspr.case, reason=reason, anchors=LCSPR_DATES)
