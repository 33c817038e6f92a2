"""The group's oversight of the plan and the board's sign-off (seed 002 l.306: "regularly
reviewed, and its impact evaluated ... via the SIRG"; seed 003 flowchart 3: SAIG oversight,
an optional independent scrutiny audit, and final sign-off at the partnership board)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.audit import audit_record
from accounts.fields import NARRATIVE_MAX_LENGTH
from accounts.models import AuditEvent, User
from calendars.models import Part
from calendars.services import deadlines_close
from cases.models import Stage
from cases.services import CaseError, case_stage_change

from ..documents import action_plan_document, plan_content
from ..models import Action, ActionPlan, PlanReview, Recommendation, ScrutinyAudit
from .plan import _locked_plan, plan_touched


def _past_date(value: datetime.date | None, field: str, what: str) -> dict[str, str]:
    if value is None:
        return {field: f"Enter the date {what}"}
    if value > timezone.localdate():
        return {field: f"The date {what} must be today or in the past"}
    return {}


def _narrative(value: str, field: str, what: str, required: str) -> dict[str, str]:
    if not value:
        return {field: required}
    if len(value) > NARRATIVE_MAX_LENGTH:
        return {field: f"{what} must be {NARRATIVE_MAX_LENGTH:,} characters or fewer"}
    return {}


def not_yet_smart(plan: ActionPlan) -> int:
    """Recommendations and actions the SMART check flagged that nobody rewrote or kept."""
    def flagged(model, **scope):
        return model.objects.filter(**scope).exclude(smart_flags=[]).filter(
            smart_accepted_reason="").count()
    return (flagged(Recommendation, plan=plan)
            + flagged(Action, recommendation__plan=plan))


@transaction.atomic
def plan_review_record(*, actor: User, plan: ActionPlan, met_on: datetime.date | None,
                       decisions: str, plan_agreed: bool = False,
                       form_token=None) -> PlanReview:
    """What the group decided at its meeting, with the plan as the paper it read. The first
    time it agrees the plan, the plan is monitored from then on."""
    decisions = (decisions or "").strip()
    errors = {**_past_date(met_on, "met_on", "the group met"),
              **_narrative(decisions, "decisions", "What the group decided",
                           "Enter what the group decided")}
    if errors:
        raise CaseError(errors)
    plan = _locked_plan(plan)
    if form_token is not None:
        earlier = PlanReview.objects.filter(form_token=form_token, plan=plan).first()
        if earlier is not None:
            return earlier
    if plan_agreed:
        if not Action.objects.filter(recommendation__plan=plan).exists():
            raise CaseError({"plan_agreed": "The plan has no actions yet: add them before the "
                                            "group agrees it"})
        if (waiting := not_yet_smart(plan)):
            raise CaseError({"plan_agreed": f"{waiting} recommendation{'s' if waiting > 1 else ''} "
                                            f"or action{'s' if waiting > 1 else ''} flagged by "
                                            f"the SMART check must be rewritten, or kept as "
                                            f"written with a reason, before the group agrees "
                                            f"the plan"})
    paper = action_plan_document(actor=actor, plan=plan)
    review = PlanReview.objects.create(
        plan=plan, met_on=met_on, group_name=plan.group_name, paper=paper,
        decisions=decisions, plan_agreed=plan_agreed, recorded_by=actor,
        form_token=form_token)
    if plan_agreed and plan.status == ActionPlan.Status.DRAFT:
        plan.status = ActionPlan.Status.MONITORING
        plan.save(update_fields=["status"])
    audit_record(action=AuditEvent.Action.CREATE, actor=actor, obj=review,
                 partnership_id=plan.case.partnership_id,
                 detail={"case": plan.case_id, "agreed": plan_agreed, "paper": paper.pk})
    plan_touched(actor, plan)
    return review


@transaction.atomic
def scrutiny_audit_request(*, actor: User, plan: ActionPlan, actions: list[Action],
                           auditor: str, due_on: datetime.date | None,
                           form_token=None) -> ScrutinyAudit:
    auditor = (auditor or "").strip()
    errors = {}
    if not actions:
        errors["actions"] = "Select the actions to audit"
    if not auditor:
        errors["auditor"] = "Enter who will carry out the audit"
    elif len(auditor) > 200:
        errors["auditor"] = "The auditor's name must be 200 characters or fewer"
    if due_on is None:
        errors["due_on"] = "Enter when the audit is due"
    elif due_on < timezone.localdate():
        errors["due_on"] = "The date the audit is due must be today or in the future"
    if errors:
        raise CaseError(errors)
    plan = _locked_plan(plan)
    if form_token is not None:
        earlier = ScrutinyAudit.objects.filter(form_token=form_token, plan=plan).first()
        if earlier is not None:
            return earlier
    if any(a.recommendation.plan_id != plan.pk for a in actions):
        raise CaseError({"actions": "Select actions of this plan"})
    audit = ScrutinyAudit.objects.create(plan=plan, auditor=auditor, due_on=due_on,
                                         requested_by=actor, form_token=form_token)
    audit.actions.set(actions)
    audit_record(action=AuditEvent.Action.CREATE, actor=actor, obj=audit,
                 partnership_id=plan.case.partnership_id,
                 detail={"case": plan.case_id, "actions": [a.pk for a in actions]})
    plan_touched(actor, plan)
    return audit


@transaction.atomic
def scrutiny_audit_complete(*, actor: User, audit: ScrutinyAudit, findings: str,
                            completed_on: datetime.date | None) -> ScrutinyAudit:
    findings = (findings or "").strip()
    errors = {**_past_date(completed_on, "completed_on", "the audit was completed"),
              **_narrative(findings, "findings", "The findings", "Enter what the audit found")}
    if errors:
        raise CaseError(errors)
    plan = _locked_plan(audit.plan)
    audit = ScrutinyAudit.objects.select_for_update(of=("self",)).get(pk=audit.pk, plan=plan)
    if audit.completed_on is not None:
        raise CaseError("This audit's findings are already recorded")
    audit.findings, audit.completed_on = findings, completed_on
    audit.save(update_fields=["findings", "completed_on"])
    audit_record(action=AuditEvent.Action.UPDATE, actor=actor, obj=audit,
                 partnership_id=plan.case.partnership_id, detail={"case": plan.case_id})
    plan_touched(actor, plan)
    return audit


def actions_unfinished(plan: ActionPlan) -> list[Action]:
    """What stops the board signing off: every action must have its impact evidenced or be
    not implemented with its reason."""
    return [a for a in Action.objects.filter(recommendation__plan=plan).select_related(
        "recommendation").order_by("recommendation__number", "number")
            if a.status != Action.Status.NOT_IMPLEMENTED
            and a.impact != Action.Impact.EVIDENCED]


@transaction.atomic
def plan_sign_off(*, actor: User, plan: ActionPlan, signed_off_on: datetime.date | None,
                  board_name: str, note: str = "", read_sha256: str = "") -> ActionPlan:
    """The board's sign-off, bound to the plan as the business unit read it out (its
    content's hash): the plan closes, its dates close, and the case closes."""
    board_name, note = (board_name or "").strip(), (note or "").strip()
    errors = _past_date(signed_off_on, "signed_off_on", "the board signed the plan off")
    if not board_name:
        errors["board_name"] = "Enter the board that signed the plan off"
    elif len(board_name) > 200:
        errors["board_name"] = "The board's name must be 200 characters or fewer"
    if len(note) > NARRATIVE_MAX_LENGTH:
        errors["note"] = f"The note must be {NARRATIVE_MAX_LENGTH:,} characters or fewer"
    if errors:
        raise CaseError(errors)
    plan = _locked_plan(plan)
    case = plan.case
    if case.stage != Stage.ACTION_PLAN:
        raise CaseError("The board signs the plan off once the review has finished and the "
                        "case is at its action plan")
    if plan.status != ActionPlan.Status.MONITORING:
        raise CaseError(f"The {plan.group_name} must agree the plan before the board signs "
                        f"it off")
    if unfinished := actions_unfinished(plan):
        listed = ", ".join(a.reference for a in unfinished[:10])
        raise CaseError(f"Every action must have its impact evidenced, or be recorded as not "
                        f"implemented with the reason, before the board signs the plan off. "
                        f"Still open: {listed}")
    if read_sha256 != plan_content(plan).sha256():
        raise CaseError("The plan changed while you were reading it: read it again")
    plan.status, plan.signed_off_on = ActionPlan.Status.SIGNED_OFF, signed_off_on
    plan.board_name, plan.sign_off_note, plan.signed_off_by = board_name, note, actor
    plan.save()
    document = action_plan_document(actor=actor, plan=plan)
    plan.signed_off_sha256 = document.content_sha256
    plan.save(update_fields=["signed_off_sha256"])
    deadlines_close(actor=actor, case=case, reason="The board signed the action plan off",
                    parts=[Part.ACTION_PLAN])
    case_stage_change(actor=actor, case=case, to_stage=Stage.CLOSED,
                      note="The board signed the action plan off")
    audit_record(action=AuditEvent.Action.UPDATE, actor=actor, obj=plan,
                 partnership_id=case.partnership_id,
                 detail={"case": case.pk, "status": plan.status, "document": document.pk})
    return plan
