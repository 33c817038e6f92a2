"""Opening an LCSPR (seed 002 chapter 3, seed 003 flowchart 3): the partners' decision (or
the Assurance Executive's, where the partnership has one), the key lines of enquiry carried
over from the rapid review, and the 6 month target counted from the decision. A learning
review or single-agency review opens the same way, of its own kind, counting its own
target from its own anchor (seed 003 flowchart 4)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.audit import audit_record
from accounts.models import AuditEvent, Partnership, User
from calendars.services import anchor_record
from cases.models import Case, Stage
from cases.services import CaseError
from rapid_review.models import ReviewReport

from ..models import Lcspr

# The kind of review a case's stage stands for, and the event its target counts from.
KIND_FOR_STAGE = {Stage.LCSPR: Lcspr.Kind.LCSPR,
                  Stage.LEARNING_REVIEW: Lcspr.Kind.LEARNING_REVIEW,
                  Stage.SINGLE_AGENCY_REVIEW: Lcspr.Kind.SINGLE_AGENCY_REVIEW}
REVIEW_STAGES = frozenset(KIND_FOR_STAGE)


def review_name(kind: str) -> str:
    """What a sentence calls a review of that kind (``Lcspr.short_name`` without a row)."""
    return Lcspr(kind=kind).short_name


def decided_by_default(partnership: Partnership) -> str:
    """Who takes the decision where the partnership has an executive above the review group
    (its rapid reviews are endorsed by it): the Assurance Executive; else the partners."""
    if partnership.rapid_review_endorsement == "executive":
        return Lcspr.DecidedBy.ASSURANCE_EXECUTIVE
    return Lcspr.DecidedBy.PARTNERS


def rapid_review_key_lines(case: Case) -> str:
    """The key lines of enquiry from the rapid review report's conclusion, if any."""
    report = ReviewReport.objects.filter(review__case=case).only("key_lines_of_enquiry").first()
    return report.key_lines_of_enquiry.strip() if report else ""


@transaction.atomic
def lcspr_open(*, actor: User, case: Case, decided_on: datetime.date, decided_by: str = "",
               key_lines_of_enquiry: str | None = None) -> Lcspr:
    """Open the case's review, of the kind its stage stands for: an LCSPR from the case
    moving on after the Panel's response, a learning or single-agency review from the
    triage decision, or either by hand by the business unit. ``key_lines_of_enquiry``: None
    carries over the rapid review's. The decision date anchors the review's target."""
    case = Case.objects.select_for_update(of=("self",)).select_related("partnership").get(
        pk=case.pk)
    if case.stage not in REVIEW_STAGES:
        raise CaseError("The case is not at an LCSPR or a learning review")
    kind = KIND_FOR_STAGE[Stage(case.stage)]
    name = review_name(kind)
    verb, done = (("commission", "commissioned") if kind == Lcspr.Kind.LCSPR
                  else ("start", "started"))
    errors = {}
    if decided_on is None:
        errors["decided_on"] = f"Enter the date the decision to {verb} the {name} was made"
    elif decided_on > timezone.localdate():
        errors["decided_on"] = "The date of the decision must be today or in the past"
    decided_by = decided_by or decided_by_default(case.partnership)
    if decided_by not in Lcspr.DecidedBy.values:
        errors["decided_by"] = f"Select who decided to {verb} the {name}"
    if errors:
        raise CaseError(errors)
    lcspr = Lcspr.objects.select_for_update(of=("self",)).filter(case=case).first()
    if lcspr is not None and lcspr.decided_on is not None:
        raise CaseError(f"The {name} has already been {done}")
    if key_lines_of_enquiry is None:
        key_lines_of_enquiry = rapid_review_key_lines(case)
    values = {"kind": kind, "decided_on": decided_on, "decided_by": decided_by,
              "key_lines_of_enquiry": key_lines_of_enquiry.strip(), "updated_by": actor}
    if lcspr is None:
        lcspr = Lcspr.objects.create(case=case, **values)
    else:  # a record made earlier by a publication date, before the decision was recorded
        for field, value in values.items():
            setattr(lcspr, field, value)
        lcspr.save()
    lcspr.case = case
    audit_record(action=AuditEvent.Action.CREATE, actor=actor, obj=lcspr,
                 partnership=case.partnership,
                 detail={"case": case.pk, "kind": kind, "decided_on": decided_on.isoformat(),
                         "decided_by": decided_by})
    anchor_record(actor=actor, case=case, kind=lcspr.decision_anchor, occurred_on=decided_on)
    return lcspr
