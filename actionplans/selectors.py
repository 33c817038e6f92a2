"""Reading action plans, already scoped to the user: out of scope is 404. The plan's readers
see it whole; an agency sees only its own actions."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet

from accounts import rules
from accounts.models import Partnership, User
from accounts.rules import require
from cases.models import Case

from .models import Action, ActionPlan, ActionUpdate, Evidence, Recommendation

RECOMMENDATIONS_SHOWN = 30
HISTORY_SHOWN = 10


def case_for_plan(user: User, reference: str) -> Case:
    case = Case.objects.select_related("partnership").filter(reference=reference).first()
    require(case is not None and rules.can_read_action_plan(user, case))
    return case


def plan_of(case: Case) -> ActionPlan | None:
    return ActionPlan.objects.filter(case=case).select_related("updated_by").first()


def plan_readable(user: User, reference: str) -> ActionPlan:
    plan = (ActionPlan.objects.select_related("case__partnership", "updated_by")
            .filter(case__reference=reference).first())
    require(plan is not None and rules.can_read_action_plan(user, plan.case))
    return plan


def plan_manageable(user: User, reference: str) -> ActionPlan:
    plan = plan_readable(user, reference)
    require(rules.can_manage_action_plan(user, plan))
    return plan


def recommendation_of(plan: ActionPlan, pk: int) -> Recommendation:
    recommendation = (Recommendation.objects.filter(plan=plan, pk=pk)
                      .select_related("updated_by").first())
    require(recommendation is not None)
    recommendation.plan = plan
    return recommendation


def action_visible(user: User, reference: str, pk: int) -> tuple[ActionPlan, Action]:
    """The action for its plan's readers and its own agency; 404 for anyone else."""
    action = (Action.objects.select_related(
        "recommendation__plan__case__partnership", "agency", "updated_by",
        "impact_reviewed_by")
        .filter(pk=pk, recommendation__plan__case__reference=reference).first())
    require(action is not None)
    plan = action.recommendation.plan
    require(rules.can_view_action(user, action, plan))
    return plan, action


@dataclass
class PlanPage:
    recommendations: list[Recommendation]
    total: int
    counts: dict[str, int]


def plan_page(plan: ActionPlan) -> PlanPage:
    """The recommendations with their actions (a bounded number) and the plan's counts, in a
    fixed number of queries."""
    qs = plan.recommendations.all()
    recommendations = list(qs.prefetch_related(
        Prefetch("actions", queryset=Action.objects.select_related("agency")))
        [:RECOMMENDATIONS_SHOWN])
    total = len(recommendations)
    if total == RECOMMENDATIONS_SHOWN:
        total = qs.count()
    counts = Action.objects.filter(recommendation__plan=plan).aggregate(
        actions=Count("pk"),
        evidenced=Count("pk", filter=Q(impact=Action.Impact.EVIDENCED)),
        to_review=Count("pk", filter=Q(status=Action.Status.COMPLETE)
                        & ~Q(impact__in=[Action.Impact.EVIDENCED, Action.Impact.MORE_NEEDED])),
        not_implemented=Count("pk", filter=Q(status=Action.Status.NOT_IMPLEMENTED)),
        at_risk=Count("pk", filter=Q(status=Action.Status.AT_RISK)))
    return PlanPage(recommendations, total, counts)


def action_history(action: Action) -> tuple[list[ActionUpdate], list[Evidence]]:
    updates = list(action.updates.select_related("written_by")[:HISTORY_SHOWN])
    evidence = list(action.evidence.select_related("file", "added_by")[:50])
    return updates, evidence


def agency_actions(user: User, partnership: Partnership) -> QuerySet[Action]:
    """The open actions of the user's agencies in the partnership, due first."""
    agencies = rules.agency_ids_of(user, partnership)
    return (Action.objects.filter(agency__in=agencies,
                                  recommendation__plan__case__partnership=partnership)
            .exclude(recommendation__plan__status=ActionPlan.Status.SIGNED_OFF)
            .exclude(status=Action.Status.NOT_IMPLEMENTED)
            .exclude(impact=Action.Impact.EVIDENCED)
            .select_related("recommendation__plan__case", "agency")
            .order_by("due_on", "pk"))


def evidence_to_review(partnership: Partnership) -> QuerySet[Action]:
    """Actions their agencies marked complete, waiting for the business unit's judgement."""
    return (Action.objects.filter(recommendation__plan__case__partnership=partnership,
                                  status=Action.Status.COMPLETE,
                                  impact=Action.Impact.NOT_REVIEWED)
            .select_related("recommendation__plan__case", "agency")
            .order_by("updated_at", "pk"))
