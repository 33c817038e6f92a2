"""A plan built through the services, as the business unit and the agencies would: a rapid
review's learning point taken up, a recommendation written, and actions for two agencies.
Used by the downloads, progress upload and learning tests.

    built = plan_with_actions(partnership)
    built.plan, built.police.user, built.actions["1.1"]
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from actionplans import services
from actionplans.models import Action, ActionPlan, Evidence
from cases.services import case_stage_change
from rapid_review.models import LearningItem
from rapid_review.services import learning_item_add, report_start
from tests.rapid_review.builders import AgencyWithUser, agency_with_user, officer_of, review_for

LEARNING_POINT = ("Practitioners did not share concerns about the home conditions across "
                  "agencies (fictional)")
KEEP = "Fictional test wording, kept as written"


@dataclass
class BuiltPlan:
    plan: ActionPlan
    officer: object
    police: AgencyWithUser
    school: AgencyWithUser
    actions: dict[str, Action]


def plan_with_actions(partnership) -> BuiltPlan:
    officer = officer_of(partnership)
    review = review_for(partnership, officer)
    report = report_start(actor=officer, review=review)
    learning_item_add(actor=officer, report=report, kind=LearningItem.Kind.LEARNING_POINT,
                      text=LEARNING_POINT)
    learning_item_add(actor=officer, report=report, kind=LearningItem.Kind.LEARNING_POINT,
                      text="Fathers were not seen by health visiting (fictional)")
    case = review.case
    with transaction.atomic():
        case_stage_change(actor=officer, case=case, to_stage="action_plan")
    plan = services.action_plan_start(actor=officer, case=case)
    key = next(c.key for c in services.plan_candidates(case) if c.text == LEARNING_POINT)
    services.plan_take_up(actor=officer, plan=plan, keys=[key])
    first = plan.recommendations.get(number=1)
    services.recommendation_save(
        actor=officer, plan=plan, recommendation=first, finding=LEARNING_POINT,
        text="Agencies share concerns about home conditions through a multi-agency "
             "strategy discussion within 2 working days", accept_reason=KEEP,
        revision=first.revision)
    second = services.recommendation_save(
        actor=officer, plan=plan, finding="Escalation was not used (fictional)",
        text="Practitioners use the escalation policy when concerns are not acted on",
        accept_reason=KEEP)
    police = agency_with_user(partnership, "Alphashire Police (fictional)")
    school = agency_with_user(partnership, "Beta Primary School (fictional)")
    due = timezone.localdate() + datetime.timedelta(days=90)
    actions = {}
    for recommendation, agency, text in (
            (first, police.agency, "Brief every response officer on home conditions"),
            (first, school.agency, "Train designated leads on referring home conditions"),
            (second, police.agency, "=SUM(A1) Audit escalations every quarter")):
        action = services.action_save(
            actor=officer, plan=plan, recommendation=recommendation, action=None, text=text,
            agency=agency, lead="Pat Example", due_on=due,
            outcome="Concerns are referred the same day", measure="Quarterly audit of 20 "
            "cases shows 90% referred the same day", accept_reason=KEEP)
        actions[action.reference] = action
    return BuiltPlan(ActionPlan.objects.select_related("case__partnership").get(pk=plan.pk),
                     officer, police, school, actions)


def evidence_link(built: BuiltPlan, reference: str) -> Evidence:
    action = built.actions[reference]
    user = built.police.user if action.agency_id == built.police.agency.pk else \
        built.school.user
    return services.evidence_add(actor=user, action=action, kind=Evidence.Kind.LINK,
                                 description="Training record (fictional)",
                                 url="https://example.org/record")
