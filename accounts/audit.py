"""Writing the audit trail. Called by services in the same transaction as the change."""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import models
from django.db.models import QuerySet, Subquery, Value
from django.db.models.functions import Cast, Coalesce

from .models import AuditEvent, Partnership, User
from .request_context import client_ip_var, request_id_var

# Reads (views, downloads) audited in the current request, counted so that the central read
# audit (read_audit.py) writes its own event only for a page whose view wrote none.
_reads_var: contextvars.ContextVar[list[int] | None] = contextvars.ContextVar(
    "audited_reads", default=None)
READS = frozenset({AuditEvent.Action.VIEW, AuditEvent.Action.DOWNLOAD})


@contextmanager
def reads_counted() -> Iterator[list[int]]:
    """Count the reads audited inside the block (a mutable cell, so a view run in another
    thread's copy of the context still counts here)."""
    token = _reads_var.set(counter := [0])
    try:
        yield counter
    finally:
        _reads_var.reset(token)


def _partnership_of(obj: Any) -> Partnership | None:
    if isinstance(obj, Partnership):
        return obj
    partnership = getattr(obj, "partnership", None)
    if partnership is None and getattr(obj, "case_id", None):
        partnership = obj.case.partnership  # a case's record belongs to the case's trail
    return partnership if isinstance(partnership, Partnership) else None


def audit_record(
    *,
    action: str,
    actor: User | None = None,
    obj: models.Model | None = None,
    partnership: Partnership | None = None,
    partnership_id: int | None = None,
    detail: dict | None = None,
) -> AuditEvent:
    """Append one event. ``detail`` must hold ids and codes only, never names or NHS numbers.

    Pass ``partnership_id`` when only the id is at hand, to spare a query."""
    owner = ({"partnership_id": partnership_id} if partnership is None and partnership_id
             else {"partnership": partnership or _partnership_of(obj)})
    _count(action)
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        ip_address=client_ip_var.get(),
        request_id=request_id_var.get(),
        detail=detail or {},
        **owner,
    )


def audit_records(*, action: str, events: list[tuple[int | None, dict]]) -> None:
    """Many system events (no actor, no object) in one INSERT: a sweep's, one per
    partnership, as ``(partnership id, detail)``. ``detail`` as for ``audit_record``."""
    AuditEvent.objects.bulk_create(
        AuditEvent(action=action, object_type="", object_id="", partnership_id=partnership_id,
                   ip_address=client_ip_var.get(), request_id=request_id_var.get(),
                   detail=detail)
        for partnership_id, detail in events)


def audit_record_of(*, action: str, actor: User, rows: QuerySet, detail: dict) -> AuditEvent:
    """Append one event about the record ``rows`` selects (at most one row, with a
    ``partnership_id``), looked up by the INSERT itself: one query where fetching the
    record first would take two, on every page the read audit covers."""
    def first(field: str) -> Subquery:
        return Subquery(rows.values(field)[:1])

    _count(action)
    return AuditEvent.objects.create(
        actor=actor, action=action, object_type=rows.model._meta.label_lower,
        object_id=Coalesce(Cast(first("pk"), models.CharField()), Value("")),
        partnership_id=first("partnership_id"),
        ip_address=client_ip_var.get(), request_id=request_id_var.get(), detail=detail)


def _count(action: str) -> None:
    counter = _reads_var.get()
    if counter is not None and action in READS:
        counter[0] += 1


def audit_view(*, actor: User, obj: models.Model, case: models.Model | None = None
               ) -> AuditEvent:
    """Record that someone looked at a record holding a child's details. A record of a case
    that does not point at its case itself (a return, a report, a meeting) names ``case``,
    so that the event is in the case's partnership's trail and found by the case."""
    if case is None or case == obj:
        return audit_record(action=AuditEvent.Action.VIEW, actor=actor, obj=obj)
    return audit_record(action=AuditEvent.Action.VIEW, actor=actor, obj=obj,
                        partnership_id=case.partnership_id, detail={"case": case.pk})


class AuditedRecordMixin:
    """For detail views of records that hold a child's details: every view is audited."""

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        audit_view(actor=self.request.user, obj=obj)
        return obj
