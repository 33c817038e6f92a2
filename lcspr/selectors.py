"""Reading LCSPRs, scoped to the user: out of scope is 404."""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, Q

from accounts import rules
from accounts.rules import require
from cases.models import Case
from cases.selectors import cases_visible_to

from .models import (
    OFFERS,
    Checkpoint,
    FamilyMember,
    Lcspr,
    ParallelProcess,
    PractitionerInvolvement,
    TargetRevision,
)


def lcspr_for(user, reference: str) -> tuple[Case, Lcspr | None]:
    """The case and its LCSPR or learning review (None while not yet commissioned), for its
    readers and its appointed reviewer; 404 otherwise."""
    lcspr = (Lcspr.objects.select_related("case__partnership", "reviewer", "updated_by",
                                          "leading_agency")
             .filter(case__reference=reference).first())
    if lcspr is not None:
        require(rules.can_view_lcspr(user, lcspr))
        return lcspr.case, lcspr
    case = (cases_visible_to(user).select_related("partnership")
            .filter(reference=reference, stage__in=rules.LOCAL_REVIEW_STAGES).first())
    require(case is not None)
    return case, None


def lcspr_to_manage(user, reference: str) -> Lcspr:
    """An opened LCSPR the business unit works on (the case at its LCSPR)."""
    case, lcspr = lcspr_for(user, reference)
    require(lcspr is not None and rules.can_manage_lcspr(user, case))
    return lcspr


def lcspr_running(user, reference: str) -> Lcspr:
    """A commissioned LCSPR, for its readers and its appointed reviewer; 404 otherwise."""
    _case, lcspr = lcspr_for(user, reference)
    require(lcspr is not None and lcspr.decided_on is not None)
    return lcspr


def lcspr_running_to_manage(user, reference: str) -> Lcspr:
    """A commissioned LCSPR the business unit runs."""
    lcspr = lcspr_to_manage(user, reference)
    require(lcspr.decided_on is not None)
    return lcspr


def running_summary(lcspr: Lcspr, today: datetime.date) -> dict[str, bool]:
    """What the overview's "Running the review" tasks need, in one query."""
    def any_of(model, *conditions, **filters):
        return Exists(model.objects.filter(*conditions, lcspr=OuterRef("pk"), **filters))
    offer_missing = Q()
    for field, _label in OFFERS:
        offer_missing |= Q(**{f"{field}__isnull": True})
    return Lcspr.objects.filter(pk=lcspr.pk).values().annotate(
        processes=any_of(ParallelProcess),
        open_processes=any_of(ParallelProcess, ~Q(status=ParallelProcess.Status.CONCLUDED)),
        revised=any_of(TargetRevision),
        checkpoints=any_of(Checkpoint),
        overdue=any_of(Checkpoint, reviewed_on__isnull=True, due_on__lt=today),
        unmet=any_of(Checkpoint, reviewed_on__isnull=True),
        family=any_of(FamilyMember),
        family_open=any_of(FamilyMember, offer_missing, declined_on__isnull=True),
        practitioners=any_of(PractitionerInvolvement),
    ).values("processes", "open_processes", "revised", "checkpoints", "overdue", "unmet",
             "family", "family_open", "practitioners").get()
