"""Revising the review's target (seeds 002 and 003: the target counts from the partners'
decision; an LCSPR's is 6 months, a learning review's is the partnership's own). A
revision needs a reason, often a parallel process (a criminal trial, an inquest); it
moves the target's deadline through the calendars app and is kept, so the page shows each
revision against the original. A later change to the calendar or to the decision date
would count the target from the decision again: the listener below keeps the revised date
instead."""

from __future__ import annotations

import datetime

from django.db import transaction

from accounts.audit import audit_record
from accounts.models import AuditEvent, User
from calendars.models import Deadline, DeadlineStatus, StepAction
from calendars.services import deadline_move, on_deadlines_moved
from cases.services import CaseError

from ..models import Lcspr, ParallelProcess, TargetRevision

REASON_MAX = 5_000


# Each kind's target: the event it counts from and the action that meets it. An LCSPR's is
# the final report (6 months); a learning review's, the business unit's tick when its
# learning is agreed.
TARGETS = {Lcspr.Kind.LCSPR: StepAction.FINAL_REPORT_SENT,
           Lcspr.Kind.LEARNING_REVIEW: StepAction.MARKED_DONE,
           Lcspr.Kind.SINGLE_AGENCY_REVIEW: StepAction.MARKED_DONE}
TARGET_PAIRS = frozenset((Lcspr(kind=kind).decision_anchor, action)
                         for kind, action in TARGETS.items())


def target_deadline(lcspr: Lcspr) -> Deadline | None:
    """The review's target: the step met by its completing action that counts from the
    decision."""
    return (Deadline.objects.select_related("step")
            .filter(case_id=lcspr.case_id, step__met_by=TARGETS[lcspr.kind],
                    anchor_event__kind=lcspr.decision_anchor).first())


@transaction.atomic
def lcspr_target_revise(*, actor: User, lcspr: Lcspr, revised_on: datetime.date | None,
                        reason: str, parallel_process: ParallelProcess | None = None,
                        form_token=None) -> TargetRevision:
    """Move the target to ``revised_on`` (the working day before, if it is not one), for the
    reason given. The same form posted twice revises once."""
    lcspr = Lcspr.objects.select_for_update(of=("self",)).select_related(
        "case__partnership").get(pk=lcspr.pk)
    if form_token is not None:
        earlier = TargetRevision.objects.filter(form_token=form_token, lcspr=lcspr).first()
        if earlier is not None:
            return earlier
    deadline = target_deadline(lcspr)
    if deadline is None or deadline.status != DeadlineStatus.OPEN:
        raise CaseError("The target can only be revised while it is open")
    reason = (reason or "").strip()
    errors = {}
    if revised_on is None:
        errors["revised_on"] = "Enter the revised target date"
    elif lcspr.decided_on and revised_on <= lcspr.decided_on:
        errors["revised_on"] = (f"The revised target date must be after the decision to "
                                f"commission the review ({lcspr.decided_on:%-d %B %Y})")
    elif revised_on == deadline.due_date:
        errors["revised_on"] = (f"The target is already {revised_on:%-d %B %Y}: enter a "
                                f"different date")
    if not reason:
        errors["reason"] = "Enter the reason for revising the target date"
    elif len(reason) > REASON_MAX:
        errors["reason"] = f"The reason must be {REASON_MAX:,} characters or fewer"
    if parallel_process is not None and parallel_process.lcspr_id != lcspr.pk:
        errors["parallel_process"] = "Select a parallel process of this review"
    if errors:
        raise CaseError(errors)
    previous = deadline.due_date
    # The revision is stored first: moving the deadline tells the listener below, which
    # keeps the latest revision's date.
    revision = TargetRevision.objects.create(
        lcspr=lcspr, previous_on=previous, revised_on=revised_on, reason=reason,
        parallel_process=parallel_process, form_token=form_token, recorded_by=actor)
    deadline = deadline_move(actor=actor, deadline=deadline, due_date=revised_on,
                             reason=f"Target revised: {reason}"[:300])
    if deadline.due_date == previous:
        raise CaseError({"revised_on": f"The working day on or before that date is the "
                                       f"current target ({previous:%-d %B %Y}): enter a "
                                       f"different date"})
    if revision.revised_on != deadline.due_date:
        revision.revised_on = deadline.due_date
        revision.save(update_fields=["revised_on"])
    audit_record(action=AuditEvent.Action.CREATE, actor=actor, obj=revision,
                 partnership=lcspr.case.partnership,
                 detail={"case": lcspr.case_id, "previous_on": previous.isoformat(),
                         "revised_on": revision.revised_on.isoformat(),
                         **({"parallel_process": parallel_process.pk}
                            if parallel_process else {})})
    return revision


@on_deadlines_moved(StepAction.FINAL_REPORT_SENT)
@on_deadlines_moved(StepAction.MARKED_DONE)
def revised_target_kept(deadlines: list[Deadline]) -> None:
    """The calendar or the decision date changed and the target was counted from the
    decision again: a revised target stays where it was revised to (the working day before
    it, if that day has since closed). Two queries, however many moved."""
    targets = {d.pk: d for d in deadlines}
    targets = [targets[pk] for pk, anchor, action in Deadline.objects.filter(
        pk__in=list(targets), anchor_event__kind__in={a for a, _m in TARGET_PAIRS}
    ).values_list("pk", "anchor_event__kind", "step__met_by")
        if (anchor, action) in TARGET_PAIRS]
    latest = dict(TargetRevision.objects.filter(
        lcspr__case_id__in=[d.case_id for d in targets]).order_by("recorded_at", "pk")
        .values_list("lcspr__case_id", "revised_on"))
    for deadline in targets:
        if deadline.case_id in latest:
            deadline_move(actor=None, deadline=deadline, due_date=latest[deadline.case_id],
                          reason="The revised target stands")
