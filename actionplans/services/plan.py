"""Drawing up the plan: starting it, taking up each review's learning, and writing its
recommendations and actions through the SMART check (seed 002 l.318: "Recommendations
should be SMART"). What the check flags is refused, next to the field, unless the business
unit keeps it as written with a reason."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max

from accounts.audit import audit_record
from accounts.fields import NARRATIVE_MAX_LENGTH
from accounts.models import Agency, AuditEvent, User
from accounts.rules import PLAN_STAGES
from calendars.models import Anchor, Deadline, DeadlineStatus
from calendars.services import anchor_record, calendar_for, deadlines_close
from cases.models import Case
from cases.services import CaseError, EditConflict

from ..models import Action, ActionPlan, Recommendation, Source
from ..smart import SmartFlag, smart_check

# The check's names for the fields, where the plan's forms name them otherwise.
FORM_FIELDS = {"owner": "lead"}


class SmartRefused(CaseError):
    """The SMART check flagged the wording: the page offers to keep it with a reason."""


# The plan --------------------------------------------------------------------------------
def _locked_plan(plan: ActionPlan) -> ActionPlan:
    plan = ActionPlan.objects.select_for_update(of=("self",)).select_related(
        "case__partnership").get(pk=plan.pk)
    if plan.status == ActionPlan.Status.SIGNED_OFF:
        raise CaseError("The board has signed this plan off: it can no longer change")
    return plan


def plan_touched(actor: User, plan: ActionPlan) -> None:
    """Every change to the plan raises its revision, so a paper or sign-off can tell it
    read the plan as it is."""
    plan.revision += 1
    plan.updated_by = actor
    plan.save(update_fields=["revision", "updated_by", "updated_at"])


@transaction.atomic
def action_plan_start(*, actor: User, case: Case,
                      group_name: str = "Serious Incident Review Group") -> ActionPlan:
    """The case's plan, started once (a second click returns the same plan)."""
    case = Case.objects.select_for_update(of=("self",)).get(pk=case.pk)
    if case.stage not in PLAN_STAGES:
        raise CaseError("An action plan starts once a review has learning to act on")
    group_name = (group_name or "").strip()[:200] or "Serious Incident Review Group"
    plan, created = ActionPlan.objects.get_or_create(
        case=case, defaults={"created_by": actor, "updated_by": actor,
                             "group_name": group_name})
    if created:
        audit_record(action=AuditEvent.Action.CREATE, actor=actor, obj=plan,
                     partnership_id=case.partnership_id, detail={"case": case.pk})
    return plan


@transaction.atomic
def plan_group_rename(*, actor: User, plan: ActionPlan, group_name: str,
                      revision: int | None = None) -> ActionPlan:
    """The group that monitors the plan, by the name the partnership gives it (its reviews
    already recorded keep the name they were held under). Refused if the plan changed since
    the page was opened, so two people never overwrite each other."""
    group_name = (group_name or "").strip()
    if not group_name:
        raise CaseError({"group_name": "Enter the name of the group that monitors the plan"})
    if len(group_name) > 200:
        raise CaseError({"group_name": "The group's name must be 200 characters or fewer"})
    plan = _locked_plan(plan)
    if group_name == plan.group_name:  # already so (a double click): nothing to overwrite
        return plan
    if revision is not None and revision != plan.revision:
        raise EditConflict(
            f"{plan.updated_by.full_name} changed the plan after you opened the page. Check "
            "the group's name now before you save", who=plan.updated_by.full_name,
            when=plan.updated_at, theirs=[("Now", plan.group_name)], current=plan.revision)
    before, plan.group_name = plan.group_name, group_name
    plan.save(update_fields=["group_name"])
    audit_record(action=AuditEvent.Action.UPDATE, actor=actor, obj=plan,
                 partnership_id=plan.case.partnership_id,
                 detail={"case": plan.case_id, "group_name": {"from": before, "to": group_name}})
    plan_touched(actor, plan)
    return plan


# Taking up the reviews' learning ------------------------------------------------------------
@dataclass(frozen=True)
class Candidate:
    """An item of a review the plan can take up: a rapid review's learning point or initial
    action, or a recommendation of an approved LCSPR or learning review report."""

    key: str
    source: str
    finding: str
    text: str
    agency: Agency | None = None
    lead: str = ""
    due_on: datetime.date | None = None
    measure: str = ""

    @property
    def source_label(self) -> str:
        return Source(self.source).label


def plan_candidates(case: Case) -> list[Candidate]:
    """Everything the case's reviews have learned, in the order the reviews happened."""
    from lcspr.models import Lcspr
    from lcspr.report_selectors import approved_recommendations
    from rapid_review.models import LearningItem

    found = []
    items = (LearningItem.objects.filter(report__review__case=case)
             .select_related("agency").order_by("kind", "pk"))
    for item in items:
        if item.kind == LearningItem.Kind.LEARNING_POINT:
            found.append(Candidate(key=f"rapid-review-learning-{item.pk}",
                                   source=Source.RAPID_REVIEW_LEARNING, finding=item.text,
                                   text=item.text))
        else:
            found.append(Candidate(
                key=f"rapid-review-action-{item.pk}", source=Source.RAPID_REVIEW_ACTION,
                finding="An initial action agreed by the rapid review", text=item.text,
                agency=item.agency, lead=item.owner, due_on=item.due_on))
    lcspr = Lcspr.objects.filter(case=case, decided_on__isnull=False).first()
    if lcspr is not None:
        source = Source.LCSPR if lcspr.is_lcspr else Source.LEARNING_REVIEW
        for rec in approved_recommendations(lcspr):
            found.append(Candidate(key=f"lcspr-recommendation-{rec.pk}", source=source,
                                   finding="", text=rec.what, agency=rec.lead_agency,
                                   lead=rec.owner, due_on=rec.due_on, measure=rec.measure))
    return found


def _next_number(queryset) -> int:
    return (queryset.aggregate(n=Max("number"))["n"] or 0) + 1


def _recommendation_flags(text: str) -> list[SmartFlag]:
    """A recommendation says what must change; who, by when and how it is measured belong
    to its actions, so only its wording is checked here."""
    return [f for f in smart_check(text=text, due_on=None) if f.code == "vague_verb"]


def _action_flags(plan: ActionPlan, *, text: str, outcome: str, lead: str,
                  due_on: datetime.date | None, measure: str) -> list[SmartFlag]:
    return smart_check(text=f"{text}\n{outcome}".strip(), owner=lead, due_on=due_on,
                       measure=measure, calendar=calendar_for(plan.case.partnership_id))


@transaction.atomic
def plan_take_up(*, actor: User, plan: ActionPlan, keys: list[str]) -> list[Recommendation]:
    """Each chosen item becomes a recommendation (an initial action or an LCSPR's
    recommendation with its action too), flagged by the SMART check for rewriting. An item
    already taken up is left out, so a second post adds nothing."""
    plan = _locked_plan(plan)
    chosen = [c for c in plan_candidates(plan.case) if c.key in set(keys)]
    if not chosen:
        raise CaseError({"keys": "Select the learning to take into the plan"})
    taken = set(plan.recommendations.exclude(source_key="").values_list("source_key",
                                                                        flat=True))
    made = []
    for candidate in chosen:
        if candidate.key in taken:
            continue
        flags = _recommendation_flags(candidate.text)
        recommendation = Recommendation.objects.create(
            plan=plan, number=_next_number(plan.recommendations), finding=candidate.finding,
            text=candidate.text, source=candidate.source, source_key=candidate.key,
            smart_flags=[f.code for f in flags], created_by=actor, updated_by=actor)
        if candidate.agency is not None:
            _action_create(actor, plan, recommendation, text=candidate.text,
                           agency=candidate.agency, lead=candidate.lead,
                           due_on=candidate.due_on, outcome="", measure=candidate.measure,
                           accept_reason="", form_token=None, enforce=False)
        audit_record(action=AuditEvent.Action.CREATE, actor=actor, obj=recommendation,
                     partnership_id=plan.case.partnership_id,
                     detail={"case": plan.case_id, "source": candidate.source,
                             "flags": recommendation.smart_flags})
        made.append(recommendation)
    plan_touched(actor, plan)
    return made


# Recommendations -------------------------------------------------------------------------
def _text_errors(**values: str) -> dict[str, str]:
    names = {"text": "What is recommended", "finding": "The finding",
             "outcome": "The expected outcome", "measure": "The measure of impact",
             "accept_reason": "The reason"}
    return {k: f"{names[k]} must be {NARRATIVE_MAX_LENGTH:,} characters or fewer"
            for k, v in values.items() if len(v) > NARRATIVE_MAX_LENGTH}


def _smart_refused(flags: list[SmartFlag], accept_reason: str) -> None:
    """Flags stand unless the business unit keeps the wording with a reason; each is shown
    next to its field, and the page offers to keep it as written."""
    if flags and not accept_reason:
        errors: dict[str, list[str]] = {}
        for flag in flags:
            errors.setdefault(FORM_FIELDS.get(flag.field, flag.field), []).append(flag.message)
        raise SmartRefused(errors)


def _conflict(item, revision: int | None, what: str) -> None:
    if revision is not None and revision != item.revision:
        raise EditConflict(
            f"{item.updated_by.full_name} changed this {what} after you opened the page. "
            f"Check what it says now before you save", who=item.updated_by.full_name,
            when=item.updated_at, theirs=[("Now", item.text[:500])], current=item.revision)


@transaction.atomic
def recommendation_save(*, actor: User, plan: ActionPlan,
                        recommendation: Recommendation | None = None, finding: str,
                        text: str, accept_reason: str = "", revision: int | None = None,
                        form_token=None) -> Recommendation:
    """Add a recommendation, or rewrite one, through the SMART check."""
    finding, text = (finding or "").strip(), (text or "").strip()
    accept_reason = (accept_reason or "").strip()
    errors = _text_errors(finding=finding, text=text, accept_reason=accept_reason)
    if not text:
        errors["text"] = "Enter what is recommended"
    if errors:
        raise CaseError(errors)
    plan = _locked_plan(plan)
    if recommendation is None and form_token is not None:
        earlier = Recommendation.objects.filter(form_token=form_token, plan=plan).first()
        if earlier is not None:
            return earlier
    flags = _recommendation_flags(text)
    _smart_refused(flags, accept_reason)
    accepted = {"smart_flags": [f.code for f in flags],
                "smart_accepted_reason": accept_reason if flags else "",
                "smart_accepted_by": actor if flags else None}
    if recommendation is None:
        recommendation = Recommendation.objects.create(
            plan=plan, number=_next_number(plan.recommendations), finding=finding, text=text,
            form_token=form_token, created_by=actor, updated_by=actor, **accepted)
        action = AuditEvent.Action.CREATE
    else:
        recommendation = Recommendation.objects.select_for_update(of=("self",)).select_related(
            "updated_by").get(pk=recommendation.pk, plan=plan)
        _conflict(recommendation, revision, "recommendation")
        for name, value in {"finding": finding, "text": text, **accepted}.items():
            setattr(recommendation, name, value)
        recommendation.revision += 1
        recommendation.updated_by = actor
        recommendation.save()
        action = AuditEvent.Action.UPDATE
    audit_record(action=action, actor=actor, obj=recommendation,
                 partnership_id=plan.case.partnership_id,
                 detail={"case": plan.case_id, "flags": accepted["smart_flags"],
                         "kept_as_written": bool(flags)})
    plan_touched(actor, plan)
    return recommendation


# Actions ------------------------------------------------------------------------------------
def action_deadline_set(actor: User, plan: ActionPlan, action: Action) -> None:
    """The action's due date is a deadline of its agency on the partnership's calendar."""
    if action.due_on is None:
        return
    anchor_record(actor=actor, case=plan.case, kind=Anchor.ACTION_DUE,
                  occurred_on=action.due_on, related_key=action.deadline_key,
                  responsible_agency=action.agency)
    Deadline.objects.filter(anchor_event__case=plan.case, related_key=action.deadline_key,
                            status=DeadlineStatus.OPEN).update(
        responsible_agency=action.agency)


def _action_create(actor: User, plan: ActionPlan, recommendation: Recommendation, *,
                   text: str, agency: Agency, lead: str, due_on, outcome: str, measure: str,
                   accept_reason: str, form_token, enforce: bool = True) -> Action:
    flags = _action_flags(plan, text=text, outcome=outcome, lead=lead, due_on=due_on,
                          measure=measure)
    if enforce:
        _smart_refused(flags, accept_reason)
    action = Action.objects.create(
        recommendation=recommendation, number=_next_number(recommendation.actions),
        text=text, agency=agency, lead=lead, due_on=due_on, outcome=outcome,
        measure=measure, smart_flags=[f.code for f in flags],
        smart_accepted_reason=accept_reason if flags else "",
        smart_accepted_by=actor if flags and accept_reason else None,
        form_token=form_token, created_by=actor, updated_by=actor)
    action_deadline_set(actor, plan, action)
    audit_record(action=AuditEvent.Action.CREATE, actor=actor, obj=action,
                 partnership_id=plan.case.partnership_id,
                 detail={"case": plan.case_id, "agency": agency.pk,
                         "flags": action.smart_flags})
    return action


def _action_errors(plan: ActionPlan, *, text: str, agency: Agency | None, lead: str,
                   outcome: str, measure: str, accept_reason: str) -> dict[str, str]:
    errors = _text_errors(text=text, outcome=outcome, measure=measure,
                          accept_reason=accept_reason)
    if not text:
        errors["text"] = "Enter what will be done"
    if agency is None:
        errors["agency"] = "Select the agency that owns the action"
    elif not plan.case.partnership.agencies.filter(pk=agency.pk).exists():
        errors["agency"] = "Select one of the partnership's agencies"
    if len(lead) > 200:
        errors["lead"] = "The lead's name must be 200 characters or fewer"
    return errors


@transaction.atomic
def action_save(*, actor: User, plan: ActionPlan, recommendation: Recommendation,
                action: Action | None = None, text: str, agency: Agency | None, lead: str,
                due_on: datetime.date | None, outcome: str, measure: str,
                accept_reason: str = "", revision: int | None = None,
                form_token=None) -> Action:
    """Add an action under a recommendation, or rewrite one, through the SMART check; its
    due date is its agency's deadline."""
    text, lead = (text or "").strip(), (lead or "").strip()
    outcome, measure = (outcome or "").strip(), (measure or "").strip()
    accept_reason = (accept_reason or "").strip()
    plan = _locked_plan(plan)
    errors = _action_errors(plan, text=text, agency=agency, lead=lead, outcome=outcome,
                            measure=measure, accept_reason=accept_reason)
    if errors:
        raise CaseError(errors)
    if action is None:
        if form_token is not None:
            earlier = Action.objects.filter(form_token=form_token,
                                            recommendation=recommendation).first()
            if earlier is not None:
                return earlier
        action = _action_create(actor, plan, recommendation, text=text, agency=agency,
                                lead=lead, due_on=due_on, outcome=outcome, measure=measure,
                                accept_reason=accept_reason, form_token=form_token)
        plan_touched(actor, plan)
        return action
    action = Action.objects.select_for_update(of=("self",)).select_related("updated_by").get(
        pk=action.pk, recommendation=recommendation)
    _conflict(action, revision, "action")
    if not action.is_open:
        raise CaseError("This action is finished: it can no longer be rewritten")
    flags = _action_flags(plan, text=text, outcome=outcome, lead=lead, due_on=due_on,
                          measure=measure)
    _smart_refused(flags, accept_reason)
    for name, value in {"text": text, "agency": agency, "lead": lead, "due_on": due_on,
                        "outcome": outcome, "measure": measure,
                        "smart_flags": [f.code for f in flags],
                        "smart_accepted_reason": accept_reason if flags else "",
                        "smart_accepted_by": actor if flags else None}.items():
        setattr(action, name, value)
    action.revision += 1
    action.updated_by = actor
    action.save()
    if due_on is None:
        deadlines_close(actor=actor, case=plan.case, reason="The action has no due date",
                        anchors=[Anchor.ACTION_DUE], related_key=action.deadline_key)
    else:
        action_deadline_set(actor, plan, action)
    audit_record(action=AuditEvent.Action.UPDATE, actor=actor, obj=action,
                 partnership_id=plan.case.partnership_id,
                 detail={"case": plan.case_id, "agency": agency.pk,
                         "flags": action.smart_flags})
    plan_touched(actor, plan)
    return action
