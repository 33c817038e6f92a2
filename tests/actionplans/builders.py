"""A case whose rapid review ended in an action plan, with learning to take up."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from accounts.models import User
from actionplans.models import ActionPlan
from actionplans.services import action_plan_start
from calendars.services import calendar_for
from calendars.working_days import add_working_days
from cases.models import Stage
from cases.services import case_stage_change
from rapid_review.services import learning_item_add, report_start
from tests.rapid_review.builders import AgencyWithUser, agency_with_user, officer_of, review_for

VAGUE_POINT = "Ensure practitioners consider the impact of parental mental health"
SMART_POINT = ("By 31 March 2027, 90% of health visitors complete the partnership's "
               "training on unseen babies, shown by the training register")


@dataclass
class PlanStory:
    plan: ActionPlan
    officer: User
    police: AgencyWithUser
    health: AgencyWithUser


def working_day_after(partnership, days: int) -> datetime.date:
    from django.utils import timezone

    return add_working_days(timezone.localdate(), days, calendar_for(partnership))


def plan_from_rapid_review(partnership, *, start: bool = True) -> PlanStory:
    """Two learning points (one vague) and one initial action for the police, then the
    Panel's response sends the case to its action plan (started unless ``start`` is False:
    ``plan`` is then None and the case is ``review.case``)."""
    officer = officer_of(partnership)
    review = review_for(partnership, officer)
    police = agency_with_user(partnership, "Alphashire Police (fictional)")
    health = agency_with_user(partnership, "Alphashire Health Trust (fictional)")
    report = report_start(actor=officer, review=review)
    learning_item_add(actor=officer, report=report, kind="learning_point", text=VAGUE_POINT)
    learning_item_add(actor=officer, report=report, kind="learning_point", text=SMART_POINT)
    learning_item_add(actor=officer, report=report, kind="immediate_action",
                      text="Audit 20 domestic abuse referrals for the voice of the child by "
                           "the end of the quarter", owner="Detective Inspector (fictional)",
                      agency=police.agency, due_on=working_day_after(partnership, 20))
    case_stage_change(actor=officer, case=review.case, to_stage=Stage.ACTION_PLAN,
                      note="The Panel agreed no further review")
    plan = action_plan_start(actor=officer, case=review.case) if start else None
    story = PlanStory(plan, officer, police, health)
    story.case = review.case
    return story
