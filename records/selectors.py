"""Reads for records management, scoped to the user by the rules."""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet

from accounts import rules
from accounts.models import AuditEvent, Partnership, User
from cases.models import Case, Pathway, Stage

from .models import DEFAULT_YEARS, CaseRetention, RecordType, RetentionRule

# The stages at which a case's record is finished with, and the rule that covers each: a
# referral not taken forward, or a case closed after its review (or its action plan).
NOT_TAKEN_FORWARD = Q(stage=Stage.NO_FURTHER_ACTION) | Q(stage=Stage.CLOSED,
                                                          pathway=Pathway.NO_FURTHER_ACTION)
COVERED_BY = {
    RecordType.NO_FURTHER_ACTION: NOT_TAKEN_FORWARD,
    RecordType.REVIEWED_CASE: Q(stage=Stage.CLOSED) & ~Q(pathway=Pathway.NO_FURTHER_ACTION),
}


def rule_for(case: Case) -> RecordType | None:
    """Which rule covers a finished case (None: it is still open)."""
    if case.stage == Stage.NO_FURTHER_ACTION or (
            case.stage == Stage.CLOSED and case.pathway == Pathway.NO_FURTHER_ACTION):
        return RecordType.NO_FURTHER_ACTION
    if case.stage == Stage.CLOSED:
        return RecordType.REVIEWED_CASE
    return None


def retention_periods(partnership: Partnership) -> dict[str, int]:
    """Years per record type: the partnership's own, else the default (one query)."""
    own = dict(RetentionRule.objects.filter(partnership=partnership)
               .values_list("record_type", "years"))
    return {kind: own.get(kind, DEFAULT_YEARS[kind]) for kind in RecordType}


def retention_periods_all() -> dict[int, dict[str, int]]:
    """Every partnership's periods, for the sweep (two queries)."""
    own: dict[int, dict[str, int]] = {}
    for partnership_id, kind, years in RetentionRule.objects.values_list(
            "partnership_id", "record_type", "years"):
        own.setdefault(partnership_id, {})[kind] = years
    return {pk: {kind: own.get(pk, {}).get(kind, DEFAULT_YEARS[kind]) for kind in RecordType}
            for pk in Partnership.objects.values_list("pk", flat=True)}


def years_before(day: datetime.date, years: int) -> datetime.date:
    """The same date ``years`` earlier, or later when negative (29 February: the 28th)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def records_due_for_review(user: User, partnership: Partnership) -> QuerySet[CaseRetention]:
    """Cases the sweep flagged, longest waiting first."""
    if not rules.can_manage_records(user, partnership):
        return CaseRetention.objects.none()
    return (CaseRetention.objects.filter(case__partnership=partnership,
                                         flagged_on__isnull=False)
            .select_related("case").order_by("flagged_on", "case__stage_changed_at", "pk"))


def legal_holds(user: User, partnership: Partnership) -> QuerySet[CaseRetention]:
    if not rules.can_manage_records(user, partnership):
        return CaseRetention.objects.none()
    return (CaseRetention.objects.filter(case__partnership=partnership, legal_hold=True)
            .select_related("case").order_by("case__reference"))


def oldest_audit_event(partnership: Partnership) -> datetime.datetime | None:
    """When the partnership's trail begins (the index's first entry, not a count)."""
    return (AuditEvent.objects.filter(partnership=partnership).order_by("occurred_at")
            .values_list("occurred_at", flat=True).first())


def case_for_retention(user: User, partnership: Partnership, reference: str) -> Case | None:
    """A referred case of the partnership, with its retention and its decisions."""
    case = (Case.objects.filter(partnership=partnership, reference=reference)
            .exclude(stage=Stage.DRAFT).select_related("partnership", "retention").first())
    if case is None or not rules.can_decide_retention(user, case):
        return None
    return case


def retention_of(case: Case) -> CaseRetention | None:
    """The case's retention row, if it has one (loaded with the case by select_related)."""
    try:
        return case.retention
    except CaseRetention.DoesNotExist:
        return None
