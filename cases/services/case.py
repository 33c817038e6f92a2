"""A case's reference and its stage: every change checked against the allowed transitions."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.audit import audit_record
from accounts.models import AuditEvent, Partnership, User

from ..models import Case, CaseReferenceSequence, CaseStageChange, Stage


class CaseError(ValidationError):
    """A refused action, worded for the person who tried it."""


class EditConflict(CaseError):
    """Someone else saved what this form changes after the form was read: the save is
    refused, so nothing is overwritten. ``theirs`` is what it says now (label, text), to be
    shown beside what was typed; ``current`` is the revision (or version) the form carries
    from now on, so that saving again, once both have been read, saves."""

    def __init__(self, message: str, *, field: str | None = None, who: str,
                 when, theirs: list[tuple[str, str]], current: int):
        super().__init__({field: message} if field else message)
        self.who, self.when, self.theirs, self.current = who, when, theirs, current


# The local authority's notification to the Panel starts a rapid review from any stage
# before one (seed 002: a notification automatically triggers it, whatever triage decided).
ALLOWED = {
    Stage.DRAFT: {Stage.REFERRED},
    Stage.REFERRED: {Stage.TRIAGE, Stage.MORE_INFORMATION, Stage.RAPID_REVIEW},
    Stage.MORE_INFORMATION: {Stage.REFERRED, Stage.TRIAGE, Stage.RAPID_REVIEW},
    Stage.TRIAGE: {Stage.RAPID_REVIEW, Stage.LEARNING_REVIEW, Stage.SINGLE_AGENCY_REVIEW,
                   Stage.NO_FURTHER_ACTION, Stage.MORE_INFORMATION},
    Stage.RAPID_REVIEW: {Stage.LCSPR, Stage.ACTION_PLAN, Stage.NO_FURTHER_ACTION, Stage.CLOSED},
    Stage.LEARNING_REVIEW: {Stage.ACTION_PLAN, Stage.CLOSED, Stage.RAPID_REVIEW},
    Stage.SINGLE_AGENCY_REVIEW: {Stage.ACTION_PLAN, Stage.CLOSED, Stage.RAPID_REVIEW},
    Stage.NO_FURTHER_ACTION: {Stage.CLOSED, Stage.TRIAGE, Stage.RAPID_REVIEW},
    Stage.LCSPR: {Stage.ACTION_PLAN, Stage.CLOSED},
    Stage.ACTION_PLAN: {Stage.CLOSED},
    Stage.CLOSED: set(),
}


def next_reference(partnership: Partnership) -> str:
    """PARTNERSHIP-YEAR-NNN from a locked per-year counter: unique and never reused."""
    year = timezone.localdate().year
    sequence, _ = CaseReferenceSequence.objects.select_for_update(of=("self",)).get_or_create(
        partnership=partnership, year=year)
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    return f"{partnership.code}-{year}-{sequence.last_number:03d}"


@transaction.atomic
def case_create(*, actor: User | None, partnership: Partnership,
                stage: str = Stage.REFERRED) -> Case:
    """Open a case with the next reference (for cases not started by an online referral)."""
    case = Case.objects.create(partnership=partnership, reference=next_reference(partnership),
                               stage=stage)
    CaseStageChange.objects.create(case=case, from_stage="", to_stage=stage, changed_by=actor)
    audit_record(action=AuditEvent.Action.CREATE, actor=actor, obj=case)
    return case


def case_stage_change(*, actor: User | None, case: Case, to_stage: str, note: str = "") -> Case:
    """Move a case on, refusing a transition the process does not allow. Call in a transaction."""
    if to_stage == case.stage:
        raise CaseError(f"The case is already at '{Stage(to_stage).label}'")
    if to_stage not in ALLOWED[case.stage]:
        raise CaseError(f"A case at '{Stage(case.stage).label}' cannot move to "
                        f"'{Stage(to_stage).label}'")
    CaseStageChange.objects.create(case=case, from_stage=case.stage, to_stage=to_stage,
                                   changed_by=actor, note=note[:300])
    previous = case.stage
    case.stage, case.stage_changed_at = to_stage, timezone.now()
    case.save(update_fields=["stage", "stage_changed_at"])
    audit_record(action=AuditEvent.Action.UPDATE, actor=actor, obj=case,
                 detail={"from": previous, "to": to_stage})
    return case


@transaction.atomic
def case_take_to_triage(*, actor: User, case: Case) -> Case:
    case = Case.objects.select_for_update(of=("self",)).get(pk=case.pk)
    return case_stage_change(actor=actor, case=case, to_stage=Stage.TRIAGE)
