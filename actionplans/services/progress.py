"""The agencies' side of the plan and the business unit's review of it: progress notes with
a status, evidence, the business unit's judgement of impact, and the rounds of updates it
asks for before the group meets. "Complete" is not accepted without evidence: the Panel's
repeated finding is actions marked done with nothing to show practice changed."""

from __future__ import annotations

import datetime
import hashlib

from django.db import transaction
from django.utils import timezone

from accounts.audit import audit_record
from accounts.fields import NARRATIVE_MAX_LENGTH
from accounts.models import AuditEvent, Membership, Role, User
from calendars.models import Anchor, StepAction
from calendars.services import anchor_record, deadline_meet, deadlines_close, deadlines_reopen
from cases.services import CaseError
from cases.virus_scan import virus_scan
from outbox.services import message_queue
from rapid_review.services.returns import attachment_problem

from ..models import Action, ActionPlan, ActionUpdate, Evidence, EvidenceFile
from .plan import _locked_plan, plan_touched

FINISHED = (Action.Status.COMPLETE, Action.Status.NOT_IMPLEMENTED)
CONTENT_TYPES = {"pdf": "application/pdf",
                 "docx": "application/vnd.openxmlformats-officedocument."
                         "wordprocessingml.document",
                 "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _too_long(value: str, what: str) -> str | None:
    if len(value) > NARRATIVE_MAX_LENGTH:
        return f"{what} must be {NARRATIVE_MAX_LENGTH:,} characters or fewer"
    return None


def _locked_action(action: Action) -> tuple[ActionPlan, Action]:
    plan = _locked_plan(action.recommendation.plan)
    action = Action.objects.select_for_update(of=("self",)).select_related(
        "recommendation", "agency").get(pk=action.pk)
    return plan, action


def _agency_side(action: Action, model, form_token, refused: str):
    """The plan and action locked for the agency's update or evidence; what the same form
    posted before made (a double click), if anything; refused once the action is finished."""
    plan, action = _locked_action(action)
    if form_token is not None:
        earlier = model.objects.filter(form_token=form_token, action=action).first()
        if earlier is not None:
            return plan, action, earlier
    if action.impact == Action.Impact.EVIDENCED or (
            action.status == Action.Status.NOT_IMPLEMENTED):
        raise CaseError(f"This action is finished: {refused}")
    return plan, action, None


def agency_emails(partnership_id: int, agency_id: int) -> list[str]:
    return list(Membership.objects.filter(
        partnership_id=partnership_id, agency_id=agency_id, role=Role.AGENCY_USER,
        user__is_active=True).values_list("user__email", flat=True))


def _finish_deadlines(actor: User, plan: ActionPlan, action: Action) -> None:
    deadline_meet(actor=actor, case=plan.case, action=StepAction.ACTION_COMPLETED,
                  related_key=action.deadline_key)
    deadlines_close(actor=actor, case=plan.case, reason="The action is finished",
                    anchors=[Anchor.ACTION_UPDATE_DUE],
                    related_key=action.update_key(plan.update_round))


@transaction.atomic
def action_update_give(*, actor: User, action: Action, status: str, note: str,
                       not_implemented_reason: str = "", form_token=None) -> ActionUpdate:
    """The owning agency's progress note and status. Complete needs evidence already added;
    not implemented needs the reason, which the yearly report shows."""
    note = (note or "").strip()
    reason = (not_implemented_reason or "").strip()
    errors = {}
    if status not in Action.Status.values:
        errors["status"] = "Select the action's status"
    if not note:
        errors["note"] = "Enter what has happened since the last update"
    elif problem := _too_long(note, "The update"):
        errors["note"] = problem
    if status == Action.Status.NOT_IMPLEMENTED and not reason:
        errors["not_implemented_reason"] = "Enter why the action will not be implemented"
    elif problem := _too_long(reason, "The reason"):
        errors["not_implemented_reason"] = problem
    if errors:
        raise CaseError(errors)
    plan, action, earlier = _agency_side(action, ActionUpdate, form_token,
                                         "its status can no longer change")
    if earlier is not None:
        return earlier
    if status == Action.Status.COMPLETE and not action.evidence.exists():
        raise CaseError({"status": "Add evidence of the action's impact before you mark it "
                                   "complete: a file, a link or an audit result"})
    update = ActionUpdate.objects.create(action=action, status=status, note=note,
                                         written_by=actor, form_token=form_token)
    action.status = status
    action.not_implemented_reason = reason if status == Action.Status.NOT_IMPLEMENTED else ""
    if status == Action.Status.COMPLETE and action.impact == Action.Impact.MORE_NEEDED:
        action.impact = Action.Impact.NOT_REVIEWED
    action.updated_by = actor
    action.save(update_fields=["status", "not_implemented_reason", "impact", "updated_by",
                               "updated_at"])
    if plan.update_round:
        deadline_meet(actor=actor, case=plan.case, action=StepAction.ACTION_UPDATE_GIVEN,
                      related_key=action.update_key(plan.update_round))
    if status in FINISHED:
        _finish_deadlines(actor, plan, action)
    audit_record(action=AuditEvent.Action.CREATE, actor=actor, obj=update,
                 partnership_id=plan.case.partnership_id,
                 detail={"case": plan.case_id, "action": action.pk, "status": status})
    plan_touched(actor, plan)
    return update


@transaction.atomic
def evidence_add(*, actor: User, action: Action, kind: str, description: str, url: str = "",
                 filename: str = "", data: bytes = b"", form_token=None) -> Evidence:
    """A file (PDF, Word or Excel, checked by content), a link, or an audit's result."""
    description, url = (description or "").strip(), (url or "").strip()
    errors = {}
    if kind not in Evidence.Kind.values:
        errors["kind"] = "Select what kind of evidence it is"
    if not description:
        errors["description"] = "Enter what the evidence shows"
    elif problem := _too_long(description, "What the evidence shows"):
        errors["description"] = problem
    if kind == Evidence.Kind.LINK and not url:
        errors["url"] = "Enter the link to the evidence"
    elif url and not url.lower().startswith(("https://", "http://")):
        errors["url"] = "Enter a link starting with https://"
    if kind == Evidence.Kind.FILE:
        filename = filename.replace("\\", "/").rsplit("/", 1)[-1].replace('"', "")[:200]
        if not filename:
            errors["file"] = "Select a file to upload"
        elif problem := attachment_problem(filename, data):
            errors["file"] = problem
    if errors:
        raise CaseError(errors)
    scan = virus_scan(data) if kind == Evidence.Kind.FILE else ""
    plan, action, earlier = _agency_side(action, Evidence, form_token,
                                         "evidence can no longer be added")
    if earlier is not None:
        return earlier
    stored = None
    if kind == Evidence.Kind.FILE:
        stored = EvidenceFile.objects.create(
            filename=filename, content_type=CONTENT_TYPES[filename.rsplit(".", 1)[-1].lower()],
            size=len(data), sha256=hashlib.sha256(data).hexdigest(), data=data,
            uploaded_by=actor, virus_scan=scan)
    evidence = Evidence.objects.create(
        action=action, kind=kind, description=description,
        url=url if kind != Evidence.Kind.FILE else "", file=stored, added_by=actor,
        form_token=form_token)
    audit_record(action=AuditEvent.Action.CREATE, actor=actor, obj=evidence,
                 partnership_id=plan.case.partnership_id,
                 detail={"case": plan.case_id, "action": action.pk, "kind": kind})
    plan_touched(actor, plan)
    return evidence


@transaction.atomic
def action_impact_review(*, actor: User, action: Action, outcome: str, note: str) -> Action:
    """The business unit's judgement of a complete action's evidence: impact evidenced, or
    more asked for (the action is open again, and its agency told)."""
    note = (note or "").strip()
    if outcome not in (Action.Impact.EVIDENCED, Action.Impact.MORE_NEEDED):
        raise CaseError({"outcome": "Select whether the evidence shows the impact"})
    if outcome == Action.Impact.MORE_NEEDED and not note:
        raise CaseError({"note": "Enter what more evidence the agency should send"})
    if problem := _too_long(note, "The note"):
        raise CaseError({"note": problem})
    plan, action = _locked_action(action)
    if action.status != Action.Status.COMPLETE or action.impact == Action.Impact.EVIDENCED:
        raise CaseError("Only an action its agency has marked complete, and whose impact is "
                        "not yet confirmed, can be reviewed")
    action.impact, action.impact_note = outcome, note
    action.impact_reviewed_by, action.impact_reviewed_at = actor, timezone.now()
    if outcome == Action.Impact.MORE_NEEDED:
        action.status = Action.Status.ON_TRACK
        deadlines_reopen(actor=actor, case=plan.case, actions=[StepAction.ACTION_COMPLETED],
                         reason="More evidence asked for", related_key=action.deadline_key)
        message_queue(
            to=agency_emails(plan.case.partnership_id, action.agency_id),
            subject=f"{plan.case.reference}: more evidence asked for on action "
                    f"{action.reference}",
            body=(f"The business unit has reviewed the evidence for action {action.reference} "
                  f"of the action plan for {plan.case.reference} and asks for more:\n\n{note}"
                  f"\n\nAdd it on the action's page and mark the action complete again."),
            kind="action_more_evidence", partnership_id=plan.case.partnership_id,
            reference=plan.case.reference, related={"action": action.pk},
            dedupe_key=f"action-more-evidence:{action.pk}:{action.revision}:"
                       f"{timezone.now():%Y%m%d%H%M%S}")
    action.updated_by = actor
    action.save()
    audit_record(action=AuditEvent.Action.UPDATE, actor=actor, obj=action,
                 partnership_id=plan.case.partnership_id,
                 detail={"case": plan.case_id, "impact": outcome})
    plan_touched(actor, plan)
    return action


@transaction.atomic
def action_not_implemented(*, actor: User, action: Action, reason: str) -> Action:
    """The partnership decides not to implement an action (seed 002 l.308: the yearly
    report must then state the reason)."""
    reason = (reason or "").strip()
    if not reason:
        raise CaseError({"reason": "Enter why the action will not be implemented"})
    if problem := _too_long(reason, "The reason"):
        raise CaseError({"reason": problem})
    plan, action = _locked_action(action)
    if not action.is_open or action.status == Action.Status.NOT_IMPLEMENTED:
        raise CaseError("This action is finished: it can no longer change")
    ActionUpdate.objects.create(action=action, status=Action.Status.NOT_IMPLEMENTED,
                                note=f"Not implemented: {reason}", written_by=actor)
    action.status, action.not_implemented_reason = Action.Status.NOT_IMPLEMENTED, reason
    action.updated_by = actor
    action.save(update_fields=["status", "not_implemented_reason", "updated_by", "updated_at"])
    _finish_deadlines(actor, plan, action)
    audit_record(action=AuditEvent.Action.UPDATE, actor=actor, obj=action,
                 partnership_id=plan.case.partnership_id,
                 detail={"case": plan.case_id, "status": action.status})
    plan_touched(actor, plan)
    return action


@transaction.atomic
def updates_request(*, actor: User, plan: ActionPlan, due_on: datetime.date | None) -> int:
    """Ask every agency with an open action for its update by a date (before the group's
    meeting, say): each open action's update is a deadline of its agency, and each agency's
    users get one email listing their actions. Returns how many actions were asked about."""
    if due_on is None:
        raise CaseError({"due_on": "Enter the date updates are due"})
    if due_on < timezone.localdate():
        raise CaseError({"due_on": "The date updates are due must be today or in the future"})
    plan = _locked_plan(plan)
    actions = [a for a in Action.objects.filter(recommendation__plan=plan).select_related(
        "recommendation", "agency") if a.is_open and a.status != Action.Status.COMPLETE]
    if not actions:
        raise CaseError("Every action is finished or waiting for its impact to be "
                        "reviewed: there is nothing to ask about")
    previous, plan.update_round = plan.update_round, plan.update_round + 1
    plan.updates_due_on = due_on
    plan.save(update_fields=["update_round", "updates_due_on"])
    by_agency: dict[int, list[Action]] = {}
    for action in actions:
        if previous:
            deadlines_close(actor=actor, case=plan.case, reason="A new update was asked for",
                            anchors=[Anchor.ACTION_UPDATE_DUE],
                            related_key=action.update_key(previous))
        anchor_record(actor=actor, case=plan.case, kind=Anchor.ACTION_UPDATE_DUE,
                      occurred_on=due_on, related_key=action.update_key(plan.update_round),
                      responsible_agency=action.agency)
        by_agency.setdefault(action.agency_id, []).append(action)
    for agency_id, owned in by_agency.items():
        lines = "\n".join(f"· Action {a.reference}: {a.text[:200]}" for a in owned)
        message_queue(
            to=agency_emails(plan.case.partnership_id, agency_id),
            subject=f"{plan.case.reference}: action plan updates due by {due_on:%-d %B %Y}",
            body=(f"The business unit asks for your agency's progress on these actions of the "
                  f"action plan for {plan.case.reference} by {due_on:%-d %B %Y}:\n\n{lines}\n\n"
                  f"Sign in to write each update and add evidence."),
            kind="action_updates_requested", partnership_id=plan.case.partnership_id,
            reference=plan.case.reference, related={"plan": plan.pk, "agency": agency_id},
            dedupe_key=f"action-updates:{plan.pk}:{plan.update_round}:{agency_id}")
    audit_record(action=AuditEvent.Action.UPDATE, actor=actor, obj=plan,
                 partnership_id=plan.case.partnership_id,
                 detail={"case": plan.case_id, "updates_due_on": due_on.isoformat(),
                         "actions": len(actions)})
    plan_touched(actor, plan)
    return len(actions)
