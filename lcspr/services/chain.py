"""The partnership's approval chain for each kind of review (seed 002 chapter 3: the review
sub-group quality assures the report and ratifies it, the Assurance Executive or the three
partners sign it off, and it goes to the Strategic Management Group for information; seed 003
flowchart 4: a learning review's report is endorsed by the three partners). The business
manager sets it; a version frozen keeps the chain it was frozen with."""

from __future__ import annotations

from django.db import transaction

from accounts.audit import audit_record
from accounts.models import AuditEvent, Partnership, User
from cases.services import CaseError

from ..models import ApprovalStage, Lcspr, StageKind

MAX_STAGES = 6
DEFAULT_CHAINS = {
    Lcspr.Kind.LCSPR: [
        (StageKind.MEETING, "Quality assurance by the review sub-group"),
        (StageKind.MEETING, "Ratification by the review sub-group"),
        (StageKind.PARTNERS, "Endorsement by the three safeguarding partners"),
        (StageKind.INFORMATION, "Presented to the strategic group for information"),
    ],
    Lcspr.Kind.LEARNING_REVIEW: [
        (StageKind.MEETING, "Quality assurance by the review group"),
        (StageKind.PARTNERS, "Endorsement by the three safeguarding partners"),
    ],
    Lcspr.Kind.SINGLE_AGENCY_REVIEW: [
        (StageKind.MEETING, "Quality assurance by the review group"),
        (StageKind.PARTNERS, "Endorsement by the three safeguarding partners"),
    ],
}


def approval_chain(partnership: Partnership | int, review_kind: str) -> list[dict]:
    """The stages in order, as ``{"kind", "name"}``: the partnership's own, else the
    default for the kind (one query)."""
    partnership_id = getattr(partnership, "pk", partnership)
    stages = list(ApprovalStage.objects.filter(partnership_id=partnership_id,
                                               review_kind=review_kind)
                  .order_by("position").values("kind", "name"))
    if stages:
        return stages
    return [{"kind": str(kind), "name": name} for kind, name in DEFAULT_CHAINS[review_kind]]


def chain_approves(chain: list[dict]) -> bool:
    return any(stage["kind"] != StageKind.INFORMATION for stage in chain)


@transaction.atomic
def approval_chain_save(*, actor: User, partnership: Partnership, review_kind: str,
                        stages: list[tuple[str, str]]) -> list[ApprovalStage]:
    """Replace the chain for a kind of review. At least one stage must approve (an
    information stage alone approves nothing); versions already frozen keep their chain."""
    stages = [(kind, name.strip()) for kind, name in stages if name.strip()]
    if not stages:
        raise CaseError("Enter at least one stage")
    if len(stages) > MAX_STAGES:
        raise CaseError(f"Enter at most {MAX_STAGES} stages")
    if not chain_approves([{"kind": kind} for kind, _name in stages]):
        raise CaseError("At least one stage must approve the report: a stage for "
                        "information alone does not")
    if review_kind not in Lcspr.Kind.values or any(k not in StageKind.values for k, _ in stages):
        raise CaseError("Select a kind of review and a kind for each stage")
    ApprovalStage.objects.filter(partnership=partnership, review_kind=review_kind).delete()
    rows = ApprovalStage.objects.bulk_create([
        ApprovalStage(partnership=partnership, review_kind=review_kind, position=i,
                      kind=kind, name=name, updated_by=actor)
        for i, (kind, name) in enumerate(stages, start=1)])
    audit_record(action=AuditEvent.Action.UPDATE, actor=actor, obj=partnership,
                 partnership=partnership,
                 detail={"approval_chain": review_kind, "stages": [k for k, _n in stages]})
    return rows
