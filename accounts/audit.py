"""Writing the audit trail. Called by services in the same transaction as the change."""

from __future__ import annotations

from typing import Any

from django.db import models

from .models import AuditEvent, Partnership, User
from .request_context import client_ip_var, request_id_var


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


def audit_view(*, actor: User, obj: models.Model) -> AuditEvent:
    """Record that someone looked at a record holding a child's details."""
    return audit_record(action=AuditEvent.Action.VIEW, actor=actor, obj=obj)


class AuditedRecordMixin:
    """For detail views of records that hold a child's details: every view is audited."""

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        audit_view(actor=self.request.user, obj=obj)
        return obj
