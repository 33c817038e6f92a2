"""Opening an LCSPR (seed 002 chapter 3, seed 003 flowchart 3): the partners' decision (or
the Assurance Executive's, where the partnership has one), the key lines of enquiry carried
over from the rapid review, and the 6 month target counted from the decision."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.audit import audit_record
from accounts.models import AuditEvent, Partnership, User
from calendars.models import Anchor
from calendars.services import anchor_record
from cases.models import Case, Stage
from cases.services import CaseError
from rapid_review.models import ReviewReport

from ..models import Lcspr


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
    """Open the case's LCSPR: from the case moving on after the Panel's response, or by hand
    by the business unit. ``key_lines_of_enquiry``: None carries over the rapid review's.
    The decision date anchors the 6 month target."""
    case = Case.objects.select_for_update(of=("self",)).select_related("partnership").get(
        pk=case.pk)
    if case.stage != Stage.LCSPR:
        raise CaseError("The case is not at an LCSPR")
    errors = {}
    if decided_on is None:
        errors["decided_on"] = "Enter the date the decision to commission the LCSPR was made"
    elif decided_on > timezone.localdate():
        errors["decided_on"] = "The date of the decision must be today or in the past"
    decided_by = decided_by or decided_by_default(case.partnership)
    if decided_by not in Lcspr.DecidedBy.values:
        errors["decided_by"] = "Select who decided to commission the LCSPR"
    if errors:
        raise CaseError(errors)
    lcspr = Lcspr.objects.select_for_update(of=("self",)).filter(case=case).first()
    if lcspr is not None and lcspr.decided_on is not None:
        raise CaseError("The LCSPR has already been commissioned")
    if key_lines_of_enquiry is None:
        key_lines_of_enquiry = rapid_review_key_lines(case)
    values = {"decided_on": decided_on, "decided_by": decided_by,
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
                 detail={"case": case.pk, "decided_on": decided_on.isoformat(),
                         "decided_by": decided_by})
    anchor_record(actor=actor, case=case, kind=Anchor.DECISION_TO_COMMISSION_LCSPR,
                  occurred_on=decided_on)
    return lcspr
