"""Reading what the plan's downloads, progress upload and learning pages need, already
scoped to the user (out of scope is 404): the plan's readers see all of it; an agency sees
its own actions, the learning shared, and its own feedback."""

from __future__ import annotations

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery

from accounts import rules
from accounts.models import User
from accounts.rules import require

from .models import (
    Action,
    ActionPlan,
    ActionUpdate,
    Dissemination,
    DisseminationFeedback,
    SevenMinuteBriefing,
)

DISSEMINATIONS_SHOWN = 100


def _plan(reference: str) -> ActionPlan | None:
    return (ActionPlan.objects.select_related("case__partnership")
            .filter(case__reference=reference).first())


def plan_actions(plan: ActionPlan, agency_ids: set[int] | None = None) -> QuerySet[Action]:
    """The plan's actions in the plan's order (only these agencies' when given), each with
    its latest update's date and note, in one query."""
    latest = ActionUpdate.objects.filter(action=OuterRef("pk")).order_by("-written_at", "-pk")
    qs = (Action.objects.filter(recommendation__plan=plan)
          .select_related("recommendation", "agency")
          .annotate(last_update_at=Subquery(latest.values("written_at")[:1]),
                    last_update_note=Subquery(latest.values("note")[:1]))
          .order_by("recommendation__number", "number", "pk"))
    return qs if agency_ids is None else qs.filter(agency__in=agency_ids)


def plan_for_agency(user: User, reference: str) -> tuple[ActionPlan, set[int]]:
    """The plan, for a user whose agency owns at least one of its actions, and the user's
    agencies in the partnership; 404 for anyone else (the business unit included: the
    progress upload is the agency's)."""
    plan = _plan(reference)
    require(plan is not None and plan.case.stage != "draft")
    agencies = rules.agency_ids_of(user, plan.case.partnership)
    require(bool(agencies) and Action.objects.filter(recommendation__plan=plan,
                                                     agency__in=agencies).exists())
    return plan, agencies


def plan_for_learning(user: User, reference: str) -> ActionPlan:
    """The learning shared from a plan: its readers, and the partnership's agency users
    (whose safeguarding leads give feedback)."""
    plan = _plan(reference)
    require(plan is not None and (
        rules.can_read_action_plan(user, plan.case)
        or (plan.case.stage != "draft"
            and bool(rules.agency_ids_of(user, plan.case.partnership)))))
    return plan


def plan_for_briefing(user: User, reference: str) -> ActionPlan:
    """The seven-minute briefing is for every agency's practitioners; for agency users only
    once the business unit has written its words."""
    plan = plan_for_learning(user, reference)
    if not rules.can_read_action_plan(user, plan.case):
        require(briefing_written(plan))
    return plan


def briefing_written(plan: ActionPlan) -> bool:
    return SevenMinuteBriefing.objects.filter(plan=plan).exists()


def disseminations(plan: ActionPlan, user: User) -> list[Dissemination]:
    """What is shared, planned first, each with the feedback the user may read: the plan's
    readers all of it, an agency user their own agencies'."""
    feedback = DisseminationFeedback.objects.select_related("agency", "given_by")
    if not rules.can_read_action_plan(user, plan.case):
        feedback = feedback.filter(agency__in=rules.agency_ids_of(user, plan.case.partnership))
    return list(plan.disseminations.prefetch_related(Prefetch("feedback", queryset=feedback))
                [:DISSEMINATIONS_SHOWN])


def dissemination_of(plan: ActionPlan, pk: int) -> Dissemination:
    dissemination = Dissemination.objects.filter(plan=plan, pk=pk).first()
    require(dissemination is not None)
    dissemination.plan = plan
    return dissemination
