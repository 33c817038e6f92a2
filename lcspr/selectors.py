"""Reading LCSPRs, scoped to the user: out of scope is 404."""

from __future__ import annotations

from accounts import rules
from accounts.rules import require
from cases.models import Case, Stage
from cases.selectors import cases_visible_to

from .models import Lcspr


def lcspr_for(user, reference: str) -> tuple[Case, Lcspr | None]:
    """The case and its LCSPR (None while not yet commissioned), for its readers and its
    appointed reviewer; 404 otherwise."""
    lcspr = (Lcspr.objects.select_related("case__partnership", "reviewer", "updated_by")
             .filter(case__reference=reference).first())
    if lcspr is not None:
        require(rules.can_view_lcspr(user, lcspr))
        return lcspr.case, lcspr
    case = (cases_visible_to(user).select_related("partnership")
            .filter(reference=reference, stage=Stage.LCSPR).first())
    require(case is not None)
    return case, None


def lcspr_to_manage(user, reference: str) -> Lcspr:
    """An opened LCSPR the business unit works on (the case at its LCSPR)."""
    case, lcspr = lcspr_for(user, reference)
    require(lcspr is not None and rules.can_manage_lcspr(user, case))
    return lcspr
