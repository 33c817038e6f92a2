"""Parallel processes (seed 002 "Links to Other processes", seed 000): a criminal
investigation, the coroner, disciplinary procedures, a Domestic Homicide Review, a
Safeguarding Adult Review, MAPPA or a Mental Health Homicide Review running alongside the
review. The business manager keeps in contact with each (the chair/author with the senior
investigating officer before any interview; the coroner only through the legal adviser),
and records its effect on the timetable."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.audit import audit_record
from accounts.models import AuditEvent, User
from cases.services import CaseError

from ..models import Lcspr, ParallelProcess


def _checked(*, status: str, lead: str, contact: str,
             contacted_on: datetime.date | None) -> dict:
    errors = {}
    if status not in ParallelProcess.Status.values:
        errors["status"] = "Select the process's status"
    if not lead.strip():
        errors["lead"] = "Enter who leads the process"
    if not contact.strip():
        errors["contact"] = "Enter how the review keeps in contact with the process"
    if contacted_on is not None and contacted_on > timezone.localdate():
        errors["contacted_on"] = "The date of the last contact must be today or in the past"
    return errors


@transaction.atomic
def parallel_process_add(*, actor: User, lcspr: Lcspr, kind: str, status: str, lead: str,
                         contact: str, contacted_on: datetime.date | None = None,
                         effect_on_timetable: str = "", form_token=None) -> ParallelProcess:
    """Record a process running alongside the review. The same form posted twice adds it
    once."""
    errors = _checked(status=status, lead=lead, contact=contact, contacted_on=contacted_on)
    if kind not in ParallelProcess.Kind.values:
        errors["kind"] = "Select the kind of process"
    if errors:
        raise CaseError(errors)
    lcspr = Lcspr.objects.select_for_update(of=("self",)).select_related(
        "case__partnership").get(pk=lcspr.pk)
    if form_token is not None:
        earlier = ParallelProcess.objects.filter(form_token=form_token, lcspr=lcspr).first()
        if earlier is not None:
            return earlier
    process = ParallelProcess.objects.create(
        lcspr=lcspr, kind=kind, status=status, lead=lead.strip(), contact=contact.strip(),
        contacted_on=contacted_on, effect_on_timetable=effect_on_timetable.strip(),
        form_token=form_token, updated_by=actor)
    audit_record(action=AuditEvent.Action.CREATE, actor=actor, obj=process,
                 partnership=lcspr.case.partnership,
                 detail={"case": lcspr.case_id, "kind": kind, "status": status})
    return process


@transaction.atomic
def parallel_process_update(*, actor: User, process: ParallelProcess, status: str, lead: str,
                            contact: str, contacted_on: datetime.date | None = None,
                            effect_on_timetable: str = "") -> ParallelProcess:
    """Its status, lead, latest contact and effect on the timetable as they are now."""
    errors = _checked(status=status, lead=lead, contact=contact, contacted_on=contacted_on)
    if errors:
        raise CaseError(errors)
    Lcspr.objects.select_for_update(of=("self",)).filter(pk=process.lcspr_id).first()
    process = ParallelProcess.objects.select_for_update(of=("self",)).select_related(
        "lcspr__case").get(pk=process.pk)
    was = process.status
    process.status, process.lead, process.contact = status, lead.strip(), contact.strip()
    process.contacted_on = contacted_on
    process.effect_on_timetable = effect_on_timetable.strip()
    process.updated_by = actor
    process.save()
    audit_record(action=AuditEvent.Action.UPDATE, actor=actor, obj=process,
                 partnership_id=process.lcspr.case.partnership_id,
                 detail={"case": process.lcspr.case_id, "status": status,
                         **({"was": was} if was != status else {})})
    return process
