"""What every action plan page shares: the audit of who read it, and the back link."""

from __future__ import annotations

from django.urls import reverse

from accounts.audit import audit_record
from accounts.models import AuditEvent

from ..models import ActionPlan


def audit_page(request, plan: ActionPlan, page: str) -> None:
    """Who read which part of the plan: by the case, so the trail's case filter finds it."""
    audit_record(action=AuditEvent.Action.VIEW, actor=request.user, obj=plan,
                 partnership_id=plan.case.partnership_id,
                 detail={"case": plan.case_id, "page": page})


def back_to_plan(reference: str) -> dict:
    return {"back_url": reverse("actionplans:plan", args=[reference]),
            "back_text": "Back to the action plan"}


def back_to_action(reference: str, pk: int) -> dict:
    return {"back_url": reverse("actionplans:action", args=[reference, pk]),
            "back_text": "Back to the action"}
