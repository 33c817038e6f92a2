"""Build referrals through the services, as an agency would."""

import datetime

from accounts.models import Role
from calendars import services as calendar_services
from calendars.models import TimelineTemplate
from cases import services
from cases.models import Incident, Referral
from tests.factories import AgencyFactory, MembershipFactory

PLAN = "15 working day plan (North East Lincolnshire)"


def adopt_plan(partnership):
    return calendar_services.template_adopt(
        actor=None, partnership=partnership,
        builtin=TimelineTemplate.objects.get(partnership__isnull=True, name=PLAN))


def agency_user(partnership, agency=None):
    agency = agency or AgencyFactory(partnerships=[partnership])
    return MembershipFactory(partnership=partnership, role=Role.AGENCY_USER, agency=agency).user


def complete_draft(partnership, user=None, *, incident_on=datetime.date(2026, 11, 20),
                   request_type=Referral.RequestType.PARTNER_NOTIFICATION) -> Referral:
    user = user or agency_user(partnership)
    agency = user.memberships.get(partnership=partnership).agency
    referral = services.referral_start(actor=user, agency=agency, partnership=partnership)
    services.child_save(actor=user, referral=referral, full_name="Testchild Example",
                        date_of_birth=datetime.date(2019, 3, 4), gender="female",
                        nhs_number="943 476 5919")
    services.incident_save(
        actor=user, referral=referral, occurred_on=incident_on, place="Home address",
        description="Fictional test incident", immediate_actions="Sibling placed with family",
        harm=Incident.Harm.SERIOUS_HARM, concern=Incident.Concern.NEGLECT,
        certainty=Incident.Certainty.SUSPECTED, characteristics=["neglect_recent"])
    services.referral_update(actor=user, referral=referral, request_type=request_type,
                             reason="Serious harm with neglect suspected",
                             lead_officer_name="Sam Lead-Officer", lead_officer_role="Named nurse")
    return referral
