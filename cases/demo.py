"""Fictional demo cases at every stage referrals and triage know, made through the services;
the rapid reviews among them are set up by ``rapid_review.demo``.

Everything here is invented: the names are deliberately implausible and marked fictional.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import Agency, Partnership, User
from actionplans.demo import seed_action_plans
from calendars.demo import adopt_demo_plan
from calendars.working_days import add_working_days
from lcspr.demo import (
    lcspr_awaiting_publication,
    lcspr_checkpoint_overdue,
    lcspr_commissioning,
    lcspr_published,
    learning_review_in_progress,
)
from notifications.services import decision_not_to_notify_record
from rapid_review.demo import (
    panel_not_yet_notified,
    review_on_day_6,
    review_past_the_clock,
    review_submitted,
    review_waiting_for_signatures,
    review_with_panel_response,
)

from . import services
from .models import Case, Incident, Referral, TriageDecision

HOSPITAL = "Demoshire Hospitals NHS Trust (fictional)"
SCHOOL = "Make-Believe Primary Academy (fictional)"


def _referral(user: User, agency_name: str, partnership: Partnership, *, child: str,
              born: datetime.date, incident_on: datetime.date, what: str,
              request_type: str = Referral.RequestType.PARTNER_NOTIFICATION,
              characteristics: tuple[str, ...] = ("neglect_recent",),
              submit: bool = True) -> Referral:
    agency = Agency.objects.get(name=agency_name)
    referral = services.referral_start(actor=user, agency=agency, partnership=partnership)
    services.child_save(actor=user, referral=referral, full_name=f"{child} (fictional)",
                        date_of_birth=born, gender="not_known", ethnicity="Not recorded",
                        address="1 Imaginary Row, Demoshire", legal_status="child_in_need")
    services.person_save(actor=user, referral=referral, relationship="parent",
                         full_name=f"Parent of {child} (fictional)")
    services.involvement_save(actor=user, referral=referral, agency=agency,
                              nature="Universal services and recent contacts")
    services.incident_save(
        actor=user, referral=referral, occurred_on=incident_on,
        place="Family home, Demoshire (fictional)", description=what,
        immediate_actions="Siblings' safety checked; strategy discussion held the same day",
        harm=Incident.Harm.SERIOUS_HARM, concern=Incident.Concern.NEGLECT,
        certainty=Incident.Certainty.SUSPECTED, characteristics=list(characteristics))
    services.referral_update(
        actor=user, referral=referral, request_type=request_type,
        reason="Fictional demo: serious harm where neglect is suspected",
        lead_officer_name="Dee Designated-Demo", lead_officer_role="Named safeguarding lead")
    if submit:
        services.referral_submit(actor=user, referral=referral)
    return referral


def _triage(case: Case, officer: User, decision: str, rationale: str,
            partnership: Partnership) -> TriageDecision:
    services.case_take_to_triage(actor=officer, case=case)
    return services.triage_decide(
        actor=officer, case=case, meeting_date=timezone.localdate(),
        attendees="Review group (fictional members)",
        attending_agencies=list(partnership.agencies.all()[:3]),
        criteria_met=["serious_case", "agencies_working_together"], decision=decision,
        rationale=rationale)


@transaction.atomic
def seed_demo_cases(partnership: Partnership) -> None:
    """Once per partnership: a draft, new referrals, triage, each kind of decision, and
    rapid reviews on working days 6 and 17 (a return ten working days late), waiting for
    signatures, submitted, and with the Panel's response; LCSPRs being commissioned and
    mid-way with a checkpoint overdue; action plans; a notifiable case the Panel has not
    been told of three working days after the local authority's time ran out."""
    adopt_demo_plan(partnership)
    if Case.objects.filter(partnership=partnership).exists():
        return
    hospital = User.objects.get(email="agency@demo.example")
    school = User.objects.get(email="school@demo.example")
    officer = User.objects.get(email="officer@demo.example")
    today = timezone.localdate()
    ago = lambda n: add_working_days(today, -n)  # noqa: E731
    born = datetime.date(today.year - 6, 5, 17)

    _referral(hospital, HOSPITAL, partnership, child="Poppy Placeholder", born=born,
              incident_on=ago(1), what="Draft: still being written", submit=False)
    _referral(hospital, HOSPITAL, partnership, child="Felix Fakename", born=born,
              incident_on=ago(1), what="Admitted with injuries inconsistent with the account")
    asked = _referral(school, SCHOOL, partnership, child="Wren Madeup", born=born,
                      incident_on=ago(3), what="Disclosure at school after a long absence",
                      request_type=Referral.RequestType.LEARNING_REVIEW)
    services.referral_query_ask(actor=officer, referral=asked,
                                question="Which other agencies knew about the absences?")
    in_triage = _referral(hospital, HOSPITAL, partnership, child="Otto Notreal", born=born,
                          incident_on=ago(2), what="Infant with a head injury")
    services.case_take_to_triage(actor=officer, case=in_triage.case)

    decisions = [
        (TriageDecision.Decision.RAPID_REVIEW, "Notifiable: serious harm, neglect suspected",
         review_on_day_6),
        (TriageDecision.Decision.RAPID_REVIEW, "Notifiable: child died, neglect suspected",
         review_past_the_clock),
        (TriageDecision.Decision.LEARNING_REVIEW_PARTNERSHIP,
         "Not notifiable; learning about agencies working together", None),
        (TriageDecision.Decision.SINGLE_AGENCY_REVIEW,
         "Concerns relate to one agency's practice only", None),
        (TriageDecision.Decision.NO_FURTHER_ACTION,
         "Criteria not met; learning already being acted on", None),
        (TriageDecision.Decision.RAPID_REVIEW, "Notifiable: serious harm, agencies not "
         "working together", review_waiting_for_signatures),
        (TriageDecision.Decision.RAPID_REVIEW, "Notifiable: serious harm, recurrent themes",
         review_submitted),
        (TriageDecision.Decision.RAPID_REVIEW, "Notifiable: child died, improvements needed",
         review_with_panel_response),
        (TriageDecision.Decision.RAPID_REVIEW, "Notifiable: serious harm, practice across "
         "agencies", lcspr_commissioning),
        (TriageDecision.Decision.RAPID_REVIEW, "Notifiable: child died, agencies' "
         "communication", lcspr_checkpoint_overdue),
        (TriageDecision.Decision.RAPID_REVIEW, "Notifiable: serious harm, missed health "
         "appointments", lcspr_awaiting_publication),
        (TriageDecision.Decision.RAPID_REVIEW, "Notifiable: child died, information about a "
         "move not shared", lcspr_published),
    ]
    for number, (decision, rationale, rapid_review) in enumerate(decisions, start=1):
        referral = _referral(hospital, HOSPITAL, partnership, child=f"Demo Child {number}",
                             born=born, incident_on=ago(1), what="Fictional incident")
        record = _triage(referral.case, officer, decision, rationale, partnership)
        if rapid_review is not None:
            rapid_review(referral.case, officer, number)
        else:
            decision_not_to_notify_record(
                actor=officer, case=referral.case, decided_on=today,
                decided_by="Demo Duty-Manager, children's services (fictional)",
                reason="The local authority agrees with the group: the criteria for notifying "
                       "the Panel are not met (fictional)")
        if decision == TriageDecision.Decision.LEARNING_REVIEW_PARTNERSHIP:
            learning_review_in_progress(referral.case, officer, number)
        if decision == TriageDecision.Decision.NO_FURTHER_ACTION:
            services.challenge_record(actor=officer, decision=record,
                                      agency=referral.referring_agency, raised_on=today,
                                      grounds="The agency believes the criteria are met")
    seed_action_plans(partnership)
    late = _referral(hospital, HOSPITAL, partnership, child="Demo Child 14", born=born,
                     incident_on=ago(1), what="Fictional incident")
    _triage(late.case, officer, TriageDecision.Decision.RAPID_REVIEW,
            "Notifiable: serious harm, physical abuse suspected", partnership)
    panel_not_yet_notified(late.case, working_days_ago=8)
