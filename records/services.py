"""Every change to records management: one function per action, validated, audited, in one
transaction. Nothing here deletes or anonymises a record (docs/decisions/0019)."""

from __future__ import annotations

import datetime
from functools import reduce
from operator import or_

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.audit import audit_record
from accounts.models import AuditEvent, Partnership, User
from calendars.models import SweepRun
from cases.models import Case

from . import selectors
from .models import MAX_YEARS, CaseRetention, RecordType, RetentionDecision, RetentionRule

REASON_MAX = 2000


@transaction.atomic
def retention_rules_save(*, actor: User, partnership: Partnership,
                         years: dict[str, int]) -> list[str]:
    """Set the partnership's period for each record type; returns the types changed. Takes
    effect at the next sweep: a case already flagged stays flagged until someone decides."""
    errors = {kind: f"Enter a whole number of years from 1 to {MAX_YEARS}"
              for kind, value in years.items()
              if kind not in RecordType.values or not 1 <= value <= MAX_YEARS}
    if errors:
        raise ValidationError(errors)
    current = selectors.retention_periods(partnership)
    changed = [kind for kind, value in years.items() if current[kind] != value]
    for kind in changed:
        RetentionRule.objects.update_or_create(
            partnership=partnership, record_type=kind,
            defaults={"years": years[kind], "changed_by": actor})
    if changed:
        audit_record(action=AuditEvent.Action.UPDATE, actor=actor, obj=partnership,
                     detail={"retention_rules": {kind: years[kind] for kind in changed}})
    return changed


# The sweep ------------------------------------------------------------------------------

def _past_retention(today: datetime.date, every: dict[int, dict[str, int]]) -> Q | None:
    """Finished cases closed longer ago than their partnership's rule, as one filter."""
    parts = []
    for partnership_id, periods in every.items():
        for kind, covered in selectors.COVERED_BY.items():
            cutoff = selectors.years_before(today, periods[kind])
            parts.append(Q(partnership_id=partnership_id, stage_changed_at__date__lt=cutoff)
                         & covered)
    return reduce(or_, parts) if parts else None


def retention_sweep(*, today: datetime.date | None = None) -> int:
    """Flag for review every case past its retention period that is not on legal hold, not
    kept to a later date, not reviewed and not flagged already; returns how many it flagged.

    Never deletes. Safe to run twice, or twice at once: the rows to flag are locked and
    re-read, so a second sweep finds them flagged. Each flag is audited in the case's
    partnership's trail; the run is recorded (``SweepRun``) for the health page."""
    today = today or timezone.localdate()
    flagged = 0
    periods = selectors.retention_periods_all()
    past = _past_retention(today, periods)
    if past is not None:
        candidates = list(
            Case.objects.filter(past)
            .exclude(retention__legal_hold=True).exclude(retention__reviewed_on__isnull=False)
            .exclude(retention__flagged_on__isnull=False)
            .exclude(retention__keep_until__gt=today)
            .values_list("pk", "partnership_id", "stage", "pathway"))
        with transaction.atomic():
            CaseRetention.objects.bulk_create(
                [CaseRetention(case_id=pk) for pk, *_rest in candidates],
                ignore_conflicts=True)
            lockable = (CaseRetention.objects.select_for_update()
                        .filter(case_id__in=[pk for pk, *_rest in candidates], flagged_on=None,
                                legal_hold=False, reviewed_on=None)
                        .filter(Q(keep_until=None) | Q(keep_until__lte=today)))
            to_flag = set(lockable.values_list("case_id", flat=True))
            for pk, partnership_id, stage, pathway in candidates:
                if pk not in to_flag:
                    continue
                kind = selectors.rule_for(Case(stage=stage, pathway=pathway))
                years = periods[partnership_id][kind]
                CaseRetention.objects.filter(case_id=pk).update(
                    flagged_on=today, flagged_rule=kind, flagged_years=years)
                audit_record(action=AuditEvent.Action.UPDATE, actor=None,
                             obj=Case(pk=pk), partnership_id=partnership_id,
                             detail={"retention": "flagged_for_review", "rule": kind,
                                     "years": years})
                flagged += 1
    SweepRun.objects.bulk_create(
        [SweepRun(kind=SweepRun.Kind.RETENTION_REVIEW, date=today, planned=flagged,
                  finished_at=timezone.now())], ignore_conflicts=True)
    return flagged


# A person's decisions ---------------------------------------------------------------------

def _locked(case: Case) -> CaseRetention:
    CaseRetention.objects.get_or_create(case=case)
    return CaseRetention.objects.select_for_update().get(case=case)


def _decide(*, actor: User, case: Case, retention: CaseRetention, kind: str, reason: str,
            keep_until: datetime.date | None = None) -> RetentionDecision:
    retention.save()
    decision = RetentionDecision.objects.create(case=case, kind=kind, reason=reason,
                                                keep_until=keep_until, decided_by=actor)
    audit_record(action=AuditEvent.Action.UPDATE, actor=actor, obj=case,
                 detail={"retention": kind, "decision": decision.pk,
                         "keep_until": keep_until.isoformat() if keep_until else None})
    return decision


def _reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Enter the reason"})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": f"The reason must be {REASON_MAX} characters or "
                                         "fewer"})
    return reason


@transaction.atomic
def retention_keep(*, actor: User, case: Case, years: int, reason: str,
                   today: datetime.date | None = None) -> RetentionDecision:
    """Keep the case for a further period: it is not flagged again before it ends."""
    reason = _reason(reason)
    if not 1 <= years <= MAX_YEARS:
        raise ValidationError({"years": f"Enter a whole number of years from 1 to {MAX_YEARS}"})
    retention = _locked(case)
    if retention.legal_hold:
        raise ValidationError("The case is on legal hold: release the hold first")
    today = today or timezone.localdate()
    keep_until = selectors.years_before(today, -years)
    if retention.keep_until == keep_until and retention.flagged_on is None:
        # The same decision again (a double click): it is recorded once.
        return case.retention_decisions.filter(kind=RetentionDecision.Kind.KEEP).latest("pk")
    retention.keep_until, retention.flagged_on, retention.reviewed_on = keep_until, None, None
    return _decide(actor=actor, case=case, retention=retention, kind=RetentionDecision.Kind.KEEP,
                   reason=reason, keep_until=keep_until)


@transaction.atomic
def legal_hold_place(*, actor: User, case: Case, reason: str) -> RetentionDecision:
    """A case on legal hold (litigation, an inquiry, a police investigation) is never flagged
    for review, whatever its age, until the hold is released."""
    reason = _reason(reason)
    retention = _locked(case)
    if retention.legal_hold:
        raise ValidationError("The case is already on legal hold")
    retention.legal_hold, retention.flagged_on = True, None
    return _decide(actor=actor, case=case, retention=retention, kind=RetentionDecision.Kind.HOLD,
                   reason=reason)


@transaction.atomic
def legal_hold_release(*, actor: User, case: Case, reason: str) -> RetentionDecision:
    """From the next sweep the case is flagged again if it is past its retention period."""
    reason = _reason(reason)
    retention = _locked(case)
    if not retention.legal_hold:
        raise ValidationError("The case is not on legal hold")
    retention.legal_hold = False
    return _decide(actor=actor, case=case, retention=retention,
                   kind=RetentionDecision.Kind.RELEASE, reason=reason)


@transaction.atomic
def retention_mark_reviewed(*, actor: User, case: Case, reason: str,
                            today: datetime.date | None = None) -> RetentionDecision:
    """The review is done and its outcome recorded (for example, destroyed or anonymised
    under the partnership's disposal procedure): the case is not flagged again."""
    reason = _reason(reason)
    retention = _locked(case)
    if retention.flagged_on is None:
        raise ValidationError("Only a case due for review can be marked as reviewed")
    retention.flagged_on, retention.reviewed_on = None, today or timezone.localdate()
    return _decide(actor=actor, case=case, retention=retention,
                   kind=RetentionDecision.Kind.REVIEWED, reason=reason)
