"""The LCSPR's dates: the planned publication, from which the statutory "final report 7
working days before publication" counts back, and the approved final report sent to the
Panel, the Secretary of State and Ofsted (seed 003 flowchart 3), each dispatch dated."""

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

from ..models import FinalReportDispatch, Lcspr


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
def lcspr_final_report_sent(*, actor: User, case: Case, sent_on: datetime.date,
                            recipients: list[str] | None = None,
                            method: str = FinalReportDispatch.Method.EMAIL) -> Lcspr:
    """The approved report went to the Panel, the Secretary of State and Ofsted (all three
    unless ``recipients`` says which), each dispatch dated. Once all three have it, the
    final report counts as sent, on the last of those days, which meets its steps."""
    from .approval import approved_version

    lcspr = _lcspr(actor, case)
    version = approved_version(lcspr)
    if version is None:
        raise CaseError("The final report can be sent only once the report is approved "
                        "through its approval chain")
    recipients = list(recipients or FinalReportDispatch.Recipient.values)
    sent = {d.recipient: d for d in lcspr.final_report_dispatches.all()}
    if lcspr.final_report_sent_on or all(r in sent for r in recipients):
        raise CaseError("The final report has already been recorded as sent")
    approved_on = timezone.localdate(version.approved_at)
    if sent_on > timezone.localdate():
        raise CaseError({"sent_on": "The date it was sent must be today or in the past"})
    if sent_on < approved_on:
        raise CaseError({"sent_on": f"The date it was sent must be on or after the day the "
                                    f"report was approved, {approved_on:%-d %B %Y}"})
    for recipient in recipients:
        if recipient in sent:
            continue
        sent[recipient] = FinalReportDispatch.objects.create(
            lcspr=lcspr, version=version, recipient=recipient, method=method, sent_on=sent_on,
            recorded_by=actor)
        audit_record(action=AuditEvent.Action.CREATE, actor=actor, obj=sent[recipient],
                     partnership=lcspr.case.partnership,
                     detail={"case": case.pk, "recipient": recipient, "version": version.number,
                             "sent_on": sent_on.isoformat()})
    if set(sent) < set(FinalReportDispatch.Recipient.values):
        return lcspr
    last = max(d.sent_on for d in sent.values())
    lcspr.final_report_sent_on, lcspr.updated_by = last, actor
    lcspr.save(update_fields=["final_report_sent_on", "updated_by", "updated_at"])
    audit_record(action=AuditEvent.Action.UPDATE, actor=actor, obj=lcspr,
                 partnership=lcspr.case.partnership,
                 detail={"case": case.pk, "final_report_sent_on": last.isoformat()})
    deadline_meet(actor=actor, case=lcspr.case, action=StepAction.FINAL_REPORT_SENT,
                  met_at=timezone.make_aware(datetime.datetime.combine(last, datetime.time(12))))
    return lcspr
