"""Build rapid reviews, information requests and returns through the services, as the
business unit and the agencies would. Shared by the requests, returns and chronology tests.

    review = review_for(partnership)
    police, school = agency_with_user(partnership, "Alphashire Police"), ...
    requests = send_requests(review, [police.agency, school.agency])
    submitted_return(requests[0])
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from accounts.models import Agency, Partnership, Role, User
from calendars.models import TimelineTemplate
from cases import services as case_services
from cases.models import Case, TriageDecision
from notifications.services import notification_record
from rapid_review.models import AgencyReturn, InformationRequest, RapidReview
from rapid_review.services import (
    agency_return_nil,
    agency_return_save,
    agency_return_submit,
    information_requests_send,
)
from tests.cases.builders import PLAN, complete_draft
from tests.factories import AgencyFactory, MembershipFactory


def officer_of(partnership: Partnership) -> User:
    """The partnership's first business unit officer, made if there is none."""
    membership = (partnership.memberships.filter(role=Role.BUSINESS_UNIT_OFFICER)
                  .select_related("user").first())
    if membership:
        return membership.user
    return MembershipFactory(partnership=partnership, role=Role.BUSINESS_UNIT_OFFICER).user


@dataclass
class AgencyWithUser:
    agency: Agency
    user: User


def agency_with_user(partnership: Partnership, name: str | None = None, *,
                     email: str = "", phone: str = "") -> AgencyWithUser:
    """An agency in the partnership's directory with one agency user."""
    extra = {"name": name} if name else {}
    agency = AgencyFactory(partnerships=[partnership], email=email, phone=phone, **extra)
    user = MembershipFactory(partnership=partnership, role=Role.AGENCY_USER,
                             agency=agency).user
    return AgencyWithUser(agency, user)


def triaged_to_rapid_review(partnership: Partnership, officer: User | None = None, *,
                            incident_on: datetime.date | None = None) -> Case:
    """A referred case the business unit has triaged to a rapid review, the Panel not yet
    notified; the 15 working day plan adopted so the review's deadlines exist."""
    if not TimelineTemplate.objects.filter(partnership=partnership, is_active=True).exists():
        from calendars import services as calendar_services

        calendar_services.template_adopt(
            actor=None, partnership=partnership,
            builtin=TimelineTemplate.objects.get(partnership__isnull=True, name=PLAN))
    officer = officer or officer_of(partnership)
    today = timezone.localdate()
    referral = complete_draft(partnership, incident_on=incident_on or today)
    case = case_services.referral_submit(actor=referral.referrer, referral=referral)
    case_services.case_take_to_triage(actor=officer, case=case)
    case_services.triage_decide(
        actor=officer, case=case, meeting_date=today, attendees="Review group",
        attending_agencies=[], criteria_met=["serious_case"],
        decision=TriageDecision.Decision.RAPID_REVIEW, rationale="Notifiable incident")
    return case


def review_for(partnership: Partnership, officer: User | None = None, *,
               notified_on: datetime.date | None = None) -> RapidReview:
    """A case triaged to a rapid review with the Panel notified (today by default)."""
    officer = officer or officer_of(partnership)
    notified_on = notified_on or timezone.localdate()
    case = triaged_to_rapid_review(partnership, officer, incident_on=notified_on)
    notification_record(actor=officer, case=case, became_aware_on=notified_on,
                        notified_on=notified_on, notified_by="Duty manager (fictional)",
                        children=list(case.children.all()))
    return RapidReview.objects.select_related("case__partnership").get(case=case)


def send_requests(review: RapidReview, agencies: list[Agency], officer: User | None = None,
                  reason: str = InformationRequest.Reason.CHILD) -> list[InformationRequest]:
    officer = officer or officer_of(review.case.partnership)
    return information_requests_send(actor=officer, review=review,
                                     agencies_with_reasons=[(a, reason) for a in agencies])


def user_of(request: InformationRequest) -> User:
    return request.agency.memberships.filter(
        partnership=request.review.case.partnership_id, role=Role.AGENCY_USER).first().user


def completed_return(request: InformationRequest, user: User | None = None) -> AgencyReturn:
    """Every required section answered, not yet submitted."""
    user = user or user_of(request)
    agency_return = request.agency_return
    start = request.review.started_on - datetime.timedelta(days=200)
    agency_return_save(actor=user, agency_return=agency_return, section="involvement",
                       involved_with=["child", "family"], involvement_from=start,
                       involvement_to=None, services="Health visiting (fictional)")
    agency_return_save(actor=user, agency_return=agency_return, section="summary",
                       summary="Six routine contacts; nothing of concern recorded (fictional)")
    agency_return_save(actor=user, agency_return=agency_return, section="analysis",
                       worked_well="Contacts were timely", worried_about="Missed appointment")
    agency_return_save(actor=user, agency_return=agency_return, section="records",
                       records_secured=True, records_secured_on=timezone.localdate())
    agency_return.refresh_from_db()
    return agency_return


def submitted_return(request: InformationRequest, user: User | None = None, *,
                     nil: bool = False) -> AgencyReturn:
    """A submitted return (or nil return), authorised by a fictional lead officer."""
    user = user or user_of(request)
    if nil:
        agency_return_nil(actor=user, agency_return=request.agency_return, is_nil=True,
                          reason="No record of the child, family or suspected perpetrator")
    else:
        completed_return(request, user)
    return agency_return_submit(actor=user, agency_return=request.agency_return,
                                authorised_by="Pat Example-Lead")


QUORUM = [("Lena Example", "la_representative"), ("Percy Example", "police_representative"),
          ("Ivy Example", "icb_representative")]


def held_quorate_meeting(review: RapidReview, officer: User, held_on: datetime.date):
    """A session scheduled, attended by the three partners' representatives and confirmed.
    Call on or after ``held_on`` (time_machine), as the services require."""
    from rapid_review.services import (
        meeting_attendee_add,
        meeting_confirm_held,
        meeting_schedule,
    )

    meeting = meeting_schedule(actor=officer, review=review, held_on=held_on, starts_at=None,
                               location="Room 1 (fictional)")
    for name, role in QUORUM:
        meeting_attendee_add(actor=officer, meeting=meeting, name=name, role=role)
    return meeting_confirm_held(actor=officer, meeting=meeting)
