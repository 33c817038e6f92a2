"""Learning reviews and single-agency reviews (seed 003 flowchart 4, seed 002 "A Learning
Review" and "Single Agency Review"): the triage decision opens the review, of its kind,
dated the day the partners decided it; the review group then agrees its method (desk-top
review, professional de-brief, critical moment review, or the agency's own learning
process) and, where an agency leads it, which agency."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from accounts.audit import audit_record
from accounts.models import Agency, AuditEvent, User
from cases.models import Pathway, TriageDecision
from cases.services import CaseError, EditConflict
from cases.services.triage import on_pathway_decided

from ..models import Lcspr
from .commissioning import lcspr_open

# Seed 002: a learning review's form is proportionate to the learning; a single agency
# reviews through its own processes (initial fact find, root cause analysis).
METHODS = {
    Lcspr.Kind.LEARNING_REVIEW: [Lcspr.Method.DESK_TOP, Lcspr.Method.PROFESSIONAL_DEBRIEF,
                                 Lcspr.Method.CRITICAL_MOMENT],
    Lcspr.Kind.SINGLE_AGENCY_REVIEW: [Lcspr.Method.AGENCY_PROCESS, Lcspr.Method.DESK_TOP,
                                      Lcspr.Method.CRITICAL_MOMENT],
}
AGENCY_LED = frozenset({Pathway.LEARNING_REVIEW_AGENCY, Pathway.SINGLE_AGENCY_REVIEW})


def needs_leading_agency(lcspr: Lcspr) -> bool:
    """An agency facilitates the review (seed 002 "Agency facilitated learning review") or
    carries it out (a single-agency review)."""
    return lcspr.kind == Lcspr.Kind.SINGLE_AGENCY_REVIEW or lcspr.case.pathway in AGENCY_LED


def reviewer_optional(lcspr: Lcspr) -> bool:
    """A desk-top review or an agency's own process needs no appointed reviewer; an LCSPR
    and a de-brief or critical moment review (with its independent facilitator) do."""
    return lcspr.method in (Lcspr.Method.DESK_TOP, Lcspr.Method.AGENCY_PROCESS)


@on_pathway_decided(TriageDecision.Decision.LEARNING_REVIEW_PARTNERSHIP,
                    TriageDecision.Decision.LEARNING_REVIEW_AGENCY,
                    TriageDecision.Decision.SINGLE_AGENCY_REVIEW)
def learning_review_open(actor: User, decision: TriageDecision) -> Lcspr:
    """The decision took effect: open the review, dated the day the partners decided it
    (the executive's meeting, where the executive approves), so its target counts from
    then."""
    approved = decision.needs_executive_approval and decision.executive_meeting_date
    return lcspr_open(
        actor=actor, case=decision.case,
        decided_on=decision.executive_meeting_date if approved else decision.meeting_date,
        decided_by=(Lcspr.DecidedBy.ASSURANCE_EXECUTIVE if approved
                    else Lcspr.DecidedBy.PARTNERS),
        key_lines_of_enquiry="")


@transaction.atomic
def learning_review_method_save(*, actor: User, lcspr: Lcspr, method: str,
                                leading_agency: Agency | None,
                                revision: int | None = None) -> Lcspr:
    """The review group agrees the method and, for an agency-led review, the agency.
    ``revision``: the method's revision when the page was read, so a save made since is
    not overwritten."""
    lcspr = Lcspr.objects.select_for_update(of=("self",)).select_related(
        "case__partnership", "updated_by", "leading_agency").get(pk=lcspr.pk)
    if lcspr.is_lcspr or lcspr.decided_on is None:
        raise CaseError("Only an opened learning review has a method to choose")
    if revision is not None and revision < lcspr.method_revision:
        when = timezone.localtime(lcspr.updated_at)
        raise EditConflict(
            f"{lcspr.updated_by.full_name} saved the method at {when:%H:%M} on "
            f"{when:%-d %B %Y}, after you opened this page. Yours has not been saved: read "
            f"their change, then save again", who=lcspr.updated_by.full_name,
            when=lcspr.updated_at, current=lcspr.method_revision,
            theirs=[("Method", lcspr.get_method_display()),
                    ("Leading agency", str(lcspr.leading_agency or "None"))])
    errors = {}
    if method not in METHODS[lcspr.kind]:
        errors["method"] = f"Select how the {lcspr.short_name} will be carried out"
    if not needs_leading_agency(lcspr):
        leading_agency = None
    elif leading_agency is None:
        errors["leading_agency"] = f"Select the agency leading the {lcspr.short_name}"
    elif not leading_agency.partnerships.filter(pk=lcspr.case.partnership_id).exists():
        errors["leading_agency"] = "Select an agency of this partnership"
    if errors:
        raise CaseError(errors)
    lcspr.method, lcspr.leading_agency, lcspr.updated_by = method, leading_agency, actor
    lcspr.method_revision += 1
    lcspr.save(update_fields=["method", "leading_agency", "method_revision", "updated_by",
                              "updated_at"])
    audit_record(action=AuditEvent.Action.UPDATE, actor=actor, obj=lcspr,
                 partnership=lcspr.case.partnership,
                 detail={"case": lcspr.case_id, "method": method,
                         "leading_agency": leading_agency.pk if leading_agency else None})
    return lcspr
