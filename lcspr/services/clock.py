"""The LCSPR's dates: the planned publication, from which the statutory "final report 7
working days before publication" counts back, and when the final report was sent."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.audit import audit_record
from accounts.models import AuditEvent, User
from calendars.models import Anchor, StepAction
from calendars.services import anchor_record, deadline_meet
from cases.models import Case, Stage
from cases.services import CaseError

from ..models import Lcspr


def _lcspr(actor: User, case: Case) -> Lcspr:
    case = Case.objects.select_for_update(of=("self",)).select_related("partnership").get(
        pk=case.pk)
    if case.stage != Stage.LCSPR:
        raise CaseError("The case is not at an LCSPR")
    lcspr, _ = Lcspr.objects.select_for_update(of=("self",)).get_or_create(
        case=case, defaults={"updated_by": actor})
    if not lcspr.is_lcspr:
        raise CaseError(f"A {lcspr.short_name} has no publication or final report to the Panel")
    lcspr.case = case
    return lcspr


@transaction.atomic
def lcspr_publication_plan(*, actor: User, case: Case, planned_on: datetime.date) -> Lcspr:
    """Plan (or move) the publication date. It is in the future, and the final report's
    statutory deadline counts back from it."""
    lcspr = _lcspr(actor, case)
    if planned_on <= timezone.localdate():
        raise CaseError({"planned_on": "The planned publication date must be in the future"})
    lcspr.planned_publication_on, lcspr.updated_by = planned_on, actor
    lcspr.save(update_fields=["planned_publication_on", "updated_by", "updated_at"])
    audit_record(action=AuditEvent.Action.UPDATE, actor=actor, obj=lcspr,
                 partnership=lcspr.case.partnership,
                 detail={"case": case.pk, "planned_publication_on": planned_on.isoformat()})
    anchor_record(actor=actor, case=lcspr.case, kind=Anchor.PLANNED_PUBLICATION,
                  occurred_on=planned_on)
    return lcspr


@transaction.atomic
def lcspr_final_report_sent(*, actor: User, case: Case, sent_on: datetime.date) -> Lcspr:
    """The final report went to the Panel, the Secretary of State and Ofsted."""
    lcspr = _lcspr(actor, case)
    if lcspr.final_report_sent_on:
        raise CaseError("The final report has already been recorded as sent")
    if sent_on > timezone.localdate():
        raise CaseError({"sent_on": "The date it was sent must be today or in the past"})
    lcspr.final_report_sent_on, lcspr.updated_by = sent_on, actor
    lcspr.save(update_fields=["final_report_sent_on", "updated_by", "updated_at"])
    audit_record(action=AuditEvent.Action.UPDATE, actor=actor, obj=lcspr,
                 partnership=lcspr.case.partnership,
                 detail={"case": case.pk, "final_report_sent_on": sent_on.isoformat()})
    deadline_meet(actor=actor, case=lcspr.case, action=StepAction.FINAL_REPORT_SENT,
                  met_at=timezone.make_aware(datetime.datetime.combine(
                      sent_on, datetime.time(12))))
    return lcspr
