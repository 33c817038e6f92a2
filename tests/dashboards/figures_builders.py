"""A partnership's last financial year (1 April 2025 to 31 March 2026), built through the
services on the days things happened (time_machine), for the figures tests and the browser
journey. Every name is fictional.

    A  aware Mon 14 Apr 2025, Panel notified Wed 23 Apr: on time only because Good Friday
       and Easter Monday are not working days; the child died; its rapid review sent on
       working day 15 (15 May, after the 5 May bank holiday); then an action plan.
    B  aware Mon 14 Apr 2025, notified Thu 24 Apr: 1 working day late, with the reason;
       its rapid review never sent, the Panel told why.
    C  aware Tue 24 Mar 2026, notified Tue 31 Mar 2026 (due that day): in the year.
    D  aware Wed 25 Mar 2026, notified Wed 1 Apr 2026 (due that day): the next year.
    F  referred Tue 31 Mar 2026, no further action that day: in the year.
    E  referred Wed 1 Apr 2026, a learning review that day: the next year.
    An LCSPR commissioned 2 Jun 2025, its 6 month target passed without the final report.
"""

from __future__ import annotations

import datetime
import zoneinfo
from dataclasses import dataclass, field

import time_machine

from accounts.models import Role
from actionplans.models import Action
from actionplans.services import action_plan_start, action_save, recommendation_save
from actionplans.services.progress import (
    action_impact_review,
    action_not_implemented,
    action_update_give,
    evidence_add,
)
from calendars.models import StepAction
from calendars.services import deadline_meet
from cases import services as case_services
from cases.models import Incident, Referral, Stage, TriageDecision
from cases.services import case_create, case_stage_change
from lcspr.services import lcspr_open
from notifications.services import notification_record
from rapid_review.services.submission import delay_notice_create
from tests.cases.builders import adopt_plan
from tests.factories import AgencyFactory, MembershipFactory

d = datetime.date.fromisoformat
LONDON = zoneinfo.ZoneInfo("Europe/London")
LATE_REASON = "The duty manager was on leave (fictional)"
DELAY_REASON = "Two agencies' returns came in late (fictional)"
NOT_TAKEN_REASON = "The national programme replaced it (fictional)"
FINDING = "Information about the baby's care was not shared between agencies (fictional)"
RECOMMENDATION = ("By 31 March 2026, 90% of health visitors complete the partnership's "
                  "training on unseen babies, shown by the training register")
MEASURE = "An audit of 20 cases in March 2026 finds the standard met in at least 18"


def on(day: datetime.date, hour: int = 10):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(hour),
                                                         tzinfo=LONDON), tick=False)


@dataclass
class Year:
    officer: object
    agency: object
    agency_user: object
    cases: dict = field(default_factory=dict)


def _referral(partnership, year: Year, *, day, child: dict, harm=Incident.Harm.SERIOUS_HARM,
              characteristics=("neglect_recent",), involved=False):
    with on(day, 9):
        referral = case_services.referral_start(actor=year.agency_user, agency=year.agency,
                                                partnership=partnership)
        case_services.child_save(actor=year.agency_user, referral=referral,
                                 full_name="Testchild Example", **child)
        case_services.incident_save(
            actor=year.agency_user, referral=referral, occurred_on=day, place="Home address",
            description="Fictional test incident", immediate_actions="Siblings safe",
            harm=harm, concern=Incident.Concern.NEGLECT,
            certainty=Incident.Certainty.SUSPECTED, characteristics=list(characteristics))
        if involved:
            case_services.involvement_save(actor=year.agency_user, referral=referral,
                                           agency=year.agency, nature="Health visiting")
        case_services.referral_update(
            actor=year.agency_user, referral=referral,
            request_type=Referral.RequestType.PARTNER_NOTIFICATION,
            reason="Serious harm with neglect suspected", lead_officer_name="Sam Lead-Officer",
            lead_officer_role="Named nurse")
        return case_services.referral_submit(actor=year.agency_user, referral=referral)


def _decide(year: Year, case, day, decision):
    with on(day, 11):
        case_services.case_take_to_triage(actor=year.officer, case=case)
        case_services.triage_decide(actor=year.officer, case=case, meeting_date=day,
                                    attendees="Review group", attending_agencies=[],
                                    criteria_met=["serious_case"], decision=decision,
                                    rationale="Fictional rationale")


def _notified(partnership, year: Year, *, aware, notified, child, late_reason="", **kwargs):
    case = _referral(partnership, year, day=aware, child=child, **kwargs)
    _decide(year, case, notified, TriageDecision.Decision.RAPID_REVIEW)
    with on(notified, 12):
        notification_record(actor=year.officer, case=case, became_aware_on=aware,
                            notified_on=notified, notified_by="Duty manager (fictional)",
                            children=list(case.children.all()), late_reason=late_reason)
    case.refresh_from_db()
    return case


GIRL_2019 = {"date_of_birth": d("2019-03-04"), "gender": "female", "nhs_number": "943 476 5919"}


def last_financial_year(partnership) -> Year:
    adopt_plan(partnership)
    agency = AgencyFactory(partnerships=[partnership], name="Alphashire Health (fictional)")
    year = Year(officer=MembershipFactory(partnership=partnership,
                                          role=Role.BUSINESS_MANAGER).user,
                agency=agency,
                agency_user=MembershipFactory(partnership=partnership, role=Role.AGENCY_USER,
                                              agency=agency).user)
    c = year.cases
    c["A"] = _notified(partnership, year, aware=d("2025-04-14"), notified=d("2025-04-23"),
                       child=GIRL_2019, harm=Incident.Harm.DEATH,
                       characteristics=("sudden_infant_death", "neglect_recent"))
    c["B"] = _notified(partnership, year, aware=d("2025-04-14"), notified=d("2025-04-24"),
                       late_reason=LATE_REASON, involved=True,
                       child={"date_of_birth": d("2025-01-10"), "gender": "male",
                              "ethnicity": "Mixed White and Black Caribbean",
                              "legal_status": "child_protection_plan",
                              "protection_plan_start": d("2024-11-01"),
                              "protection_plan_category": "neglect"})
    c["C"] = _notified(partnership, year, aware=d("2026-03-24"), notified=d("2026-03-31"),
                       child={"date_of_birth": d("2010-06-01"), "gender": "female",
                              "ethnicity": "White British", "legal_status": "looked_after",
                              "disability": "Autism (fictional)"})
    c["D"] = _notified(partnership, year, aware=d("2026-03-25"), notified=d("2026-04-01"),
                       child=GIRL_2019)
    c["F"] = _referral(partnership, year, day=d("2026-03-31"), child=GIRL_2019)
    _decide(year, c["F"], d("2026-03-31"), TriageDecision.Decision.NO_FURTHER_ACTION)
    c["E"] = _referral(partnership, year, day=d("2026-04-01"), child=GIRL_2019)
    _decide(year, c["E"], d("2026-04-01"), TriageDecision.Decision.LEARNING_REVIEW_PARTNERSHIP)

    # A's rapid review went on working day 15; B's never did, the Panel told why.
    with on(d("2025-05-15"), 12):
        deadline_meet(actor=year.officer, case=c["A"], action=StepAction.RAPID_REVIEW_SUBMITTED)
    with on(d("2025-05-12")):
        delay_notice_create(actor=year.officer, review=c["B"].rapid_review,
                            reason=DELAY_REASON, expected_on=d("2025-06-30"))
    with on(d("2025-06-02")):
        lcspr_case = case_create(actor=None, partnership=partnership, stage=Stage.LCSPR)
        lcspr_open(actor=year.officer, case=lcspr_case, decided_on=d("2025-06-02"),
                   key_lines_of_enquiry="1. Information sharing (fictional)")
        c["L"] = lcspr_case
    _action_plan(year, c["A"])
    return year


def _action_plan(year: Year, case) -> None:
    """Three actions: one not taken (with why), one with its impact evidenced, one open."""
    with on(d("2025-06-10")):
        case_stage_change(actor=year.officer, case=case, to_stage=Stage.ACTION_PLAN,
                          note="No further review")
        plan = action_plan_start(actor=year.officer, case=case)
        recommendation = recommendation_save(actor=year.officer, plan=plan, finding=FINDING,
                                             text=RECOMMENDATION)
        actions = [action_save(actor=year.officer, plan=plan, recommendation=recommendation,
                               text=f"Run a multi-agency audit of 20 referrals, part {n}",
                               agency=year.agency, lead="Head of safeguarding (fictional)",
                               due_on=d("2025-12-01"),
                               outcome="Referrals record the child's voice", measure=MEASURE)
                   for n in (1, 2, 3)]
    with on(d("2025-09-01")):
        action_not_implemented(actor=year.officer, action=actions[0], reason=NOT_TAKEN_REASON)
        evidence_add(actor=year.agency_user, action=actions[1], kind="link",
                     description="The audit report", url="https://example.org/audit")
        action_update_give(actor=year.agency_user, action=actions[1], status="complete",
                           note="Audit done")
        action_impact_review(actor=year.officer, action=Action.objects.get(pk=actions[1].pk),
                             outcome="evidenced", note="")
