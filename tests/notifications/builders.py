"""A case in rapid review with its notification recorded, as the business unit does it."""

import datetime

from accounts.models import Role, StatutoryPartner
from cases import services as case_services
from cases.models import TriageDecision
from notifications.services import notification_record
from tests.cases.builders import adopt_plan, complete_draft
from tests.factories import MembershipFactory

d = datetime.date.fromisoformat


def case_in_triage_for_rapid_review(partnership, officer):
    """Referred, triaged to a rapid review; the notification not yet recorded."""
    referral = complete_draft(partnership, incident_on=d("2026-11-14"))
    case = case_services.referral_submit(actor=referral.referrer, referral=referral)
    case_services.case_take_to_triage(actor=officer, case=case)
    case_services.triage_decide(
        actor=officer, case=case, meeting_date=d("2026-11-23"), attendees="Group",
        attending_agencies=[], criteria_met=["serious_case"],
        decision=TriageDecision.Decision.RAPID_REVIEW, rationale="Notifiable")
    case.refresh_from_db()
    return case


NOTIFIED_ON, BECAME_AWARE_ON = d("2026-11-18"), d("2026-11-16")


def notified_case(partnership, officer, *, notified_on=NOTIFIED_ON,
                  became_aware_on=BECAME_AWARE_ON, plan=True):
    """A rapid review running since ``notified_on`` (working day 5 on 25 November 2026)."""
    if plan:
        adopt_plan(partnership)
    case = case_in_triage_for_rapid_review(partnership, officer)
    notification_record(actor=officer, case=case, became_aware_on=became_aware_on,
                        notified_on=notified_on, notified_by="Duty manager",
                        children=list(case.children.all()))
    case.refresh_from_db()
    return case


def partner_representatives(partnership):
    """One representative for each of the three statutory partners."""
    return {partner: MembershipFactory(partnership=partnership,
                                       role=Role.PARTNER_REPRESENTATIVE,
                                       statutory_partner=partner).user
            for partner in StatutoryPartner.values}


LINCOLNSHIRE_PLAN = "Rapid review plan (Lincolnshire)"


def adopt_builtin_plan(partnership, name):
    """The partnership copies one of the built-in plans and uses it."""
    from calendars import services as calendar_services
    from calendars.models import TimelineTemplate

    return calendar_services.template_adopt(
        actor=None, partnership=partnership,
        builtin=TimelineTemplate.objects.get(partnership__isnull=True, name=name))


INCIDENT_ON = d("2026-11-13")


def referred_serious_incident(partnership, *, incident_on=INCIDENT_ON):
    """An agency's partner notification of a serious incident, submitted now: the case is
    only referred (no triage, no notification to the Panel)."""
    referral = complete_draft(partnership, incident_on=incident_on)
    return case_services.referral_submit(actor=referral.referrer, referral=referral)
