"""Anchors and deadlines for one partnership's cases, from its plan's steps. Met deadlines
are due where the plan puts them; open ones are due around today (a tenth overdue, some
today, some within a week, most later) so every state a sweep or a dashboard meets is
there in proportion, whatever the case's age. An agency's return deadline is open exactly
when its return is not in."""

from __future__ import annotations

import datetime
import random
from collections import defaultdict

from dateutil.relativedelta import relativedelta

from calendars.models import Anchor, AnchorEvent, Deadline, DeadlineStatus, TimelineStep
from calendars.services import calendar_for
from calendars.working_days import add_working_days
from cases.models import Stage

from .bulk import copy_in, with_ids
from .cases import CaseBuilder, _at
from .plan import CasePlan, open_due

RETURN_STEP = "agency_returns_due"
# An action's dates are the anchors themselves (set by people, not counted from an event):
# its open deadlines are due where the anchor says, as every met one is.
ACTION_ANCHORS = (Anchor.ACTION_DUE, Anchor.ACTION_UPDATE_DUE)


def steps_by_anchor(partnership) -> dict[str, list[TimelineStep]]:
    """The active plan's steps counted in days or months (hour steps need a time)."""
    steps = defaultdict(list)
    for step in TimelineStep.objects.filter(template__partnership=partnership,
                                            template__is_active=True):
        if step.unit != TimelineStep.Unit.HOURS:
            steps[step.anchor].append(step)
    return steps


def _case_anchor_kinds(plan: CasePlan) -> list[str]:
    if plan.stage == Stage.DRAFT:
        return []
    kinds = [Anchor.INCIDENT, Anchor.REFERRAL_RECEIVED]
    if plan.reviewed:
        kinds += [Anchor.BECAME_AWARE, Anchor.NOTIFICATION_SENT]
    if plan.stage == Stage.LCSPR:
        kinds.append(Anchor.DECISION_TO_COMMISSION_LCSPR)
    if plan.stage in (Stage.LEARNING_REVIEW, Stage.SINGLE_AGENCY_REVIEW):
        kinds.append(Anchor.DECISION_TO_START_LEARNING_REVIEW)
    return kinds


def counts(plans: list[CasePlan], steps: dict[str, list]) -> tuple[int, int]:
    """(deadlines open whatever the share, deadlines open or not by the share) the plans
    give: a return's deadline is open while the return is not in, an action's while its
    plan is monitored; the rest are free."""
    return_steps = sum(s.key == RETURN_STEP for s in steps.get(Anchor.INFORMATION_REQUEST_SENT,
                                                                []))
    other_request_steps = len(steps.get(Anchor.INFORMATION_REQUEST_SENT, [])) - return_steps
    action_steps = len(steps.get(Anchor.ACTION_DUE, []))
    update_steps = len(steps.get(Anchor.ACTION_UPDATE_DUE, []))
    forced = free = 0
    for plan in plans:
        forced += return_steps * sum(not r.submitted for r in plan.returns)
        free += other_request_steps * len(plan.returns)
        free += sum(len(steps.get(kind, [])) for kind in _case_anchor_kinds(plan))
        if plan.plan_open:
            forced += (action_steps + update_steps) * sum(plan.actions)
    return forced, free


def build(builder: CaseBuilder, steps: dict[str, list], *, open_share: float,
          today: datetime.date) -> dict[str, int]:
    """Write the anchors and deadlines; point each request at its return deadline."""
    rng, partnership = builder.rng, builder.partnership
    calendar = calendar_for(partnership)
    anchors = []
    for case, plan, dates in builder.cases:
        on = {Anchor.INCIDENT: dates["incident"], Anchor.REFERRAL_RECEIVED: dates["referred"],
              Anchor.BECAME_AWARE: dates["referred"],
              Anchor.NOTIFICATION_SENT: dates.get("notified"),
              Anchor.DECISION_TO_COMMISSION_LCSPR: plan.created + datetime.timedelta(days=40),
              Anchor.DECISION_TO_START_LEARNING_REVIEW:
                  plan.created + datetime.timedelta(days=40)}
        for kind in _case_anchor_kinds(plan):
            anchors.append(AnchorEvent(case=case, kind=kind, occurred_on=on[kind],
                                       responsible_agency=dates["agency"]
                                       if kind == Anchor.INCIDENT else None))
    returned = {}
    for request, agency_return in zip(builder.requests, builder.returns, strict=True):
        anchor = AnchorEvent(case=request.review.case, kind=Anchor.INFORMATION_REQUEST_SENT,
                             related_key=request.deadline_key,
                             occurred_on=request.sent_at.date(),
                             responsible_agency=request.agency)
        anchor.request = request
        returned[request.pk] = agency_return.status == agency_return.Status.SUBMITTED
        anchors.append(anchor)
    for case, action_plan, action in builder.actions:
        dates = [(Anchor.ACTION_DUE, action.due_on, action.deadline_key)]
        if action_plan.update_round:
            dates.append((Anchor.ACTION_UPDATE_DUE, action_plan.updates_due_on,
                          action.update_key(action_plan.update_round)))
        for kind, on, key in dates:
            anchor = AnchorEvent(case=case, kind=kind, occurred_on=on, related_key=key,
                                 responsible_agency=action.agency)
            anchor.plan_open = action_plan.status == action_plan.Status.MONITORING
            anchors.append(anchor)
    copy_in(AnchorEvent, with_ids(AnchorEvent, anchors))
    deadlines = []
    for anchor in anchors:
        request = getattr(anchor, "request", None)
        for step in steps.get(anchor.kind, []):
            if request is not None and step.key == RETURN_STEP:
                is_open = not returned[request.pk]
            elif anchor.kind in ACTION_ANCHORS:
                is_open = getattr(anchor, "plan_open", False)
            else:
                is_open = rng.random() < open_share
            deadline = _deadline(partnership, anchor, step, calendar, today, rng, is_open)
            deadlines.append(deadline)
            if request is not None and step.key == RETURN_STEP:
                request.return_deadline = deadline
    copy_in(Deadline, with_ids(Deadline, deadlines))
    return {"calendars.anchorevent": len(anchors), "calendars.deadline": len(deadlines),
            "open_deadlines": sum(d.status == DeadlineStatus.OPEN for d in deadlines)}


def _deadline(partnership, anchor: AnchorEvent, step: TimelineStep, calendar,
              today: datetime.date, rng: random.Random, is_open: bool) -> Deadline:
    if step.unit == TimelineStep.Unit.CALENDAR_MONTHS:
        due = anchor.occurred_on + relativedelta(months=step.offset)
    else:
        due = add_working_days(anchor.occurred_on, step.offset, calendar)
    if is_open:
        if anchor.kind not in ACTION_ANCHORS:
            due = open_due(today, rng)
        status, met_at, reason = DeadlineStatus.OPEN, None, ""
    else:
        u = rng.random()
        status = (DeadlineStatus.MET if u < 0.8 else DeadlineStatus.MISSED if u < 0.95
                  else DeadlineStatus.WAIVED)
        late = datetime.timedelta(days=3 if status == DeadlineStatus.MISSED else 0)
        met_at = None if status == DeadlineStatus.WAIVED else _at(due) - \
            datetime.timedelta(days=1) + late
        reason = "No longer needed for this case (fictional)" \
            if status == DeadlineStatus.WAIVED else ""
    return Deadline(partnership=partnership, case_id=anchor.case_id or anchor.case.pk,
                    step=step, anchor_event=anchor, related_key=anchor.related_key,
                    due_date=due, responsible_role=step.responsible_role,
                    responsible_agency_id=anchor.responsible_agency_id
                    if step.responsible_is_agency else None,
                    status=status, met_at=met_at, waived_reason=reason)
