"""Fictional demo rapid reviews, made through the real services: gathering information.

The services stamp the present moment; a demo review tells the story of the days before
today. So each step is done through its service and then dated back to the working day it
happened on, with the calendar's anchors and deadlines moved to match. Everything here is
invented: the names are deliberately implausible and marked fictional.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from accounts.models import Agency, User
from calendars.models import Anchor, AnchorEvent, Deadline, DeadlineStatus, StepAction
from calendars.services import anchor_record, calendar_for, deadline_meet, due_dates_for
from calendars.working_days import WorkingDayCalendar, add_working_days
from cases.documents import document_generate
from cases.models import Case, CaseDocument, DocumentDispatch, Incident, Referral
from notifications.documents import LETTER_KINDS
from notifications.services import LETTER_ACTIONS, letter_send, notification_record

from .. import services
from ..documents.requests import request_pack_content
from ..models import (
    AgencyReturn,
    InformationRequest,
    RapidReview,
    TermsAgreement,
    TermsMember,
    TermsOfReference,
)

POLICE = "Demoshire Constabulary (fictional)"
SCHOOL = "Make-Believe Primary Academy (fictional)"
HOSPITAL = "Demoshire Hospitals NHS Trust (fictional)"
HEALTH_VISITING = "Demoshire Community Health: health visiting (fictional)"
AGENCY_USERS = {POLICE: "police@demo.example", SCHOOL: "school@demo.example",
                HOSPITAL: "agency@demo.example"}
PARTNER_REPRESENTATIVES = ("la.partner@demo.example", "police.partner@demo.example",
                           "icb.partner@demo.example")
MEMBERS = [
    (TermsMember.Role.CHAIR, "Cass Chair-Demo", "Independent chair (fictional)"),
    (TermsMember.Role.LA_REPRESENTATIVE, "Lena Localauthority-Demo",
     "Demoshire County Council (fictional)"),
    (TermsMember.Role.POLICE_REPRESENTATIVE, "Percy Police-Demo", POLICE),
    (TermsMember.Role.ICB_REPRESENTATIVE, "Ivy Icb-Demo",
     "NHS Demoshire Integrated Care Board (fictional)"),
    (TermsMember.Role.BUSINESS_MANAGER, "Bram Business-Demo",
     "Demoshire Safeguarding Children Partnership"),
]


@dataclass(frozen=True)
class DemoClock:
    """Working day n of the review, and a time on it, by the partnership's calendar."""

    notified: datetime.date
    calendar: WorkingDayCalendar

    def day(self, n: int) -> datetime.date:
        return add_working_days(self.notified, n, self.calendar)

    def at(self, n: int, hour: int, minute: int = 0) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(self.day(n),
                                                             datetime.time(hour, minute)))


def _story_start(case: Case, clock: DemoClock) -> None:
    """The incident on day -1, the referral received on day 0 (a working day later, on
    time) and triaged that day, so the plan's steps counted from the referral fall on the
    story's days."""
    received_at = clock.at(0, 9)
    Incident.objects.filter(case=case).update(occurred_on=clock.day(-1))
    Referral.objects.filter(case=case).update(submitted_at=received_at)
    case.triage_decisions.update(meeting_date=clock.day(0))
    AnchorEvent.objects.filter(case=case, kind=Anchor.INCIDENT).update(
        occurred_on=clock.day(-1))
    Deadline.objects.filter(case=case, step__met_by=StepAction.REFERRAL_SUBMITTED).update(
        due_date=clock.day(0), met_at=received_at, status=DeadlineStatus.MET)
    anchor_record(actor=None, case=case, kind=Anchor.REFERRAL_RECEIVED,
                  occurred_on=clock.day(0), occurred_at=received_at)


def _notify(case: Case, officer: User, clock: DemoClock, number: int) -> RapidReview:
    _story_start(case, clock)
    notification_record(
        actor=officer, case=case, became_aware_on=clock.day(-1), notified_on=clock.notified,
        notified_by="Demo Duty-Manager, children's services",
        panel_reference=f"DEMO-PANEL-{number:04d}", children=list(case.children.all()))
    return RapidReview.objects.select_related("notification", "case__partnership").get(
        case=case)


def _letters_sent(case: Case, officer: User, sent_at: datetime.datetime) -> None:
    """The letters (SCSI-2, SCSI-3, SCSI-4). Their deadlines are met at the story's time
    first, so the service finds nothing left open to meet late today."""
    for kind in LETTER_KINDS:
        deadline_meet(actor=officer, case=case, action=LETTER_ACTIONS[kind], met_at=sent_at)
        dispatch = letter_send(actor=officer, case=case, kind=kind)
        DocumentDispatch.objects.filter(pk=dispatch.pk).update(sent_at=sent_at)


def _conference_arranged(case: Case, officer: User, at: datetime.datetime) -> None:
    """The partners' day-14 conference, arranged by telephone (a step marked done)."""
    deadline_meet(actor=officer, case=case, action=StepAction.MARKED_DONE, met_at=at)


def requests_sent(review: RapidReview, officer: User, clock: DemoClock,
                   agencies: list[tuple[str, str]], sent_at: datetime.datetime
                   ) -> dict[str, InformationRequest]:
    """Sent through the service, then dated back: the request's dates, its anchor and its
    return deadline (set directly: moving it through the service would tell the agency its
    date changed), and its pack, which states the date and the due date."""
    case = review.case
    deadline_meet(actor=officer, case=case, action=StepAction.INFORMATION_REQUESTS_SENT,
                  met_at=sent_at)
    sent = services.information_requests_send(
        actor=officer, review=review,
        agencies_with_reasons=[(Agency.objects.get(name=name), reason)
                               for name, reason in agencies])
    sent_on = timezone.localdate(sent_at)
    for request in sent:
        InformationRequest.objects.filter(pk=request.pk).update(sent_at=sent_at)
        request.sent_at = sent_at
        AnchorEvent.objects.filter(case=case, kind=Anchor.INFORMATION_REQUEST_SENT,
                                   related_key=request.deadline_key).update(
            occurred_on=sent_on, occurred_at=sent_at)
        for deadline in Deadline.objects.filter(case=case, related_key=request.deadline_key,
                                                status=DeadlineStatus.OPEN).select_related(
                "step"):
            dates = due_dates_for(deadline.step, sent_on, sent_at, clock.calendar)
            Deadline.objects.filter(pk=deadline.pk).update(due_date=dates.due_date,
                                                           window_start=dates.window_start)
        request.return_deadline.refresh_from_db()
        document_generate(actor=officer, case=case, kind=CaseDocument.Kind.INFORMATION_REQUEST,
                          content=request_pack_content(request),
                          related_key=request.deadline_key, agency=request.agency)
    return {request.agency.name: request for request in sent}


def terms_agreed(review: RapidReview, officer: User, clock: DemoClock, *,
                  set_at: datetime.datetime, agreed_at: datetime.datetime) -> None:
    """Appendix E filled in with the meeting on day 11, and agreed by the three partners."""
    case = review.case
    incident_on = case.incident.occurred_on
    terms = services.terms_save(
        actor=officer, review=review, children=list(review.notification.children.all()),
        people=list(case.people.all()), scope_from=incident_on - relativedelta(months=12),
        scope_to=incident_on,
        earlier_history="Police attended a welfare concern at the family's previous address "
                        "(fictional)",
        other_contributors="The family's GP practice, through the ICB's designated nurse "
                           "(fictional)",
        meeting_dates=[clock.day(11)], returns_due_on=clock.day(7))
    # The meeting's date was chosen with the terms: the plan's "schedule the meeting" step is
    # met then (the demo's meeting itself is scheduled through the service later).
    deadline_meet(actor=officer, case=case, action=StepAction.MEETING_SCHEDULED, met_at=set_at)
    for role, name, organisation in MEMBERS:
        services.terms_member_add(actor=officer, terms=terms, role=role, name=name,
                                  organisation=organisation)
    terms.refresh_from_db()
    for hours, email in enumerate(PARTNER_REPRESENTATIVES):
        agreement = services.terms_agree(actor=User.objects.get(email=email), terms=terms,
                                         version=terms.version)
        TermsAgreement.objects.filter(pk=agreement.pk).update(
            agreed_at=agreed_at + datetime.timedelta(hours=hours))
    TermsOfReference.objects.filter(pk=terms.pk).update(updated_at=set_at)
    services.terms_document(actor=officer, terms=TermsOfReference.objects.get(pk=terms.pk))


def return_submitted(request: InformationRequest, *, authorised_by: str,
               submitted_at: datetime.datetime) -> None:
    """Submitted through the service, then dated back, lateness judged on that date."""
    user = User.objects.get(email=AGENCY_USERS[request.agency.name])
    deadline_meet(actor=user, case=request.review.case, action=StepAction.RETURN_SUBMITTED,
                  related_key=request.deadline_key, met_at=submitted_at)
    services.agency_return_submit(actor=user, agency_return=request.agency_return,
                                  authorised_by=authorised_by)
    AgencyReturn.objects.filter(pk=request.agency_return.pk).update(
        submitted_at=submitted_at,
        submitted_late=timezone.localdate(submitted_at) > request.due_on)


def nil_return(request: InformationRequest, reason: str) -> None:
    user = User.objects.get(email=AGENCY_USERS[request.agency.name])
    services.agency_return_nil(actor=user, agency_return=request.agency_return, is_nil=True,
                               reason=reason)


def _sections(request: InformationRequest, sections: dict[str, dict]) -> None:
    user = User.objects.get(email=AGENCY_USERS[request.agency.name])
    for section, values in sections.items():
        services.agency_return_save(actor=user, agency_return=request.agency_return,
                                    section=section, **values)


def _chronology(request: InformationRequest, entries: list[dict]) -> None:
    user = User.objects.get(email=AGENCY_USERS[request.agency.name])
    for values in entries:
        services.chronology_entry_add(actor=user, agency_return=request.agency_return,
                                      **values)


def police_return(request: InformationRequest, clock: DemoClock, incident_on: datetime.date,
                   *, with_chronology: bool) -> None:
    """All sections; six entries, the first before the scope period so it shows flagged."""
    months = lambda n: incident_on - relativedelta(months=n)  # noqa: E731
    _sections(request, {
        "involvement": {"involved_with": ["child", "family"], "involvement_from": months(15),
                        "involvement_to": incident_on,
                        "services": "Response policing; public protection unit; child abuse "
                                    "investigation team"},
        "summary": {"summary": "Officers attended the family home three times in the year "
                               "before the incident; two public protection notices were "
                               "shared with children's services (fictional)."},
        "analysis": {"worked_well": "Notices were shared with children's services within 24 "
                                    "hours each time.",
                     "worried_about": "Each call was dealt with on its own; nobody looked at "
                                      "the pattern of calls to the address."},
        "learning": {"immediate_learning": "Repeat calls to one address now prompt a review "
                                           "by the public protection unit (fictional)."},
        "records": {"records_secured": True, "records_secured_on": clock.day(3)},
    })
    if not with_chronology:
        return
    entry = {"source": "Police command and control log", "agency_department": f"{POLICE}: "
             "response policing", "by_whom": "Response officers (fictional)"}
    _chronology(request, [
        {**entry, "date": months(15), "subjects": "Parent",
         "contact_type": "Concern for welfare call",
         "details": "A neighbour reported children left alone at the previous address; "
                    "officers found an adult present.",
         "comments": "Before the scope period: included as pertinent earlier history."},
        {**entry, "date": months(10), "subjects": "Child; parent",
         "contact_type": "Attendance at the home",
         "details": "Noise complaint; officers noted poor home conditions.",
         "comments": "Public protection notice shared with children's services."},
        {**entry, "date": months(7), "subjects": "Parent; parent's partner",
         "contact_type": "Domestic incident",
         "details": "Verbal argument reported by the parent; risk assessed as standard.",
         "comments": "Child present but not spoken to."},
        {**entry, "date": months(3), "subjects": "Child; parent",
         "contact_type": "Strategy discussion",
         "agency_department": f"{POLICE}: child abuse investigation team",
         "by_whom": "Detective sergeant (fictional)",
         "details": "Joined a strategy discussion after the school raised concerns.",
         "comments": "Single agency police enquiries: no further action."},
        {**entry, "date": incident_on, "subjects": "Child",
         "contact_type": "Call from the hospital",
         "agency_department": f"{POLICE}: child abuse investigation team",
         "by_whom": "Detective constable (fictional)",
         "details": "Hospital reported injuries inconsistent with the account given.",
         "comments": "Investigation opened the same day."},
        {**entry, "date": incident_on, "subjects": "Child; siblings; parent",
         "contact_type": "Joint visit with children's social care",
         "agency_department": f"{POLICE}: child abuse investigation team",
         "by_whom": "Detective constable and social worker (fictional)",
         "details": "Siblings seen and safe; parent spoken to.",
         "comments": "Section 47 enquiry started."},
    ])


def _hospital_draft(request: InformationRequest, incident_on: datetime.date) -> None:
    """Part way through: involvement and summary saved, two chronology entries."""
    _sections(request, {
        "involvement": {"involved_with": ["child"],
                        "involvement_from": incident_on - relativedelta(months=2),
                        "involvement_to": incident_on,
                        "services": "Emergency department; paediatric ward"},
        "summary": {"summary": "Two attendances at the emergency department, the second the "
                               "admission after the incident (fictional)."},
    })
    entry = {"source": "Hospital records", "by_whom": "Emergency department staff "
             "(fictional)", "subjects": "Child"}
    _chronology(request, [
        {**entry, "date": incident_on - relativedelta(months=2),
         "agency_department": f"{HOSPITAL}: emergency department",
         "contact_type": "Emergency department attendance",
         "details": "Minor burn to the hand; the account given was accepted.",
         "comments": "Safeguarding checklist completed; no referral made."},
        {**entry, "date": incident_on, "agency_department": f"{HOSPITAL}: paediatric ward",
         "contact_type": "Admission",
         "details": "Admitted with injuries inconsistent with the account given.",
         "comments": "Hospital safeguarding team told; police and children's services "
                     "informed."},
    ])


def notified_days_ago(case: Case, officer: User, number: int,
                      days_ago: int) -> tuple[RapidReview, DemoClock]:
    """A review notified ``days_ago`` working days before the last working day, with the
    letters to the partners and the review group sent on day 1."""
    calendar = calendar_for(case.partnership_id)
    today = add_working_days(timezone.localdate(), 0, calendar)  # the last working day
    clock = DemoClock(add_working_days(today, -days_ago, calendar), calendar)
    review = _notify(case, officer, clock, number)
    _letters_sent(case, officer, clock.at(1, 10))
    _conference_arranged(case, officer, clock.at(1, 11))
    return review, clock


def review_on_day_6(case: Case, officer: User, number: int) -> None:
    """Working day 6 of 15, with mixed returns: the police's submitted on day 5 with its
    chronology, the school's nil return on day 4, the hospital's half written and health
    visiting's not started (due the next working day, on the chase list)."""
    review, clock = notified_days_ago(case, officer, number, 6)
    requests = requests_sent(review, officer, clock, [
        (POLICE, InformationRequest.Reason.PERPETRATOR),
        (SCHOOL, InformationRequest.Reason.CHILD),
        (HOSPITAL, InformationRequest.Reason.CHILD),
        (HEALTH_VISITING, InformationRequest.Reason.CHILD),
    ], clock.at(2, 11))
    terms_agreed(review, officer, clock, set_at=clock.at(1, 15), agreed_at=clock.at(2, 16))
    for name in (POLICE, HOSPITAL):
        services.information_request_confirm_receipt(
            actor=officer, request=requests[name], confirmed_on=clock.day(2),
            note="Confirmed by phone with the safeguarding lead (fictional)")
    incident_on = case.incident.occurred_on
    police_return(requests[POLICE], clock, incident_on, with_chronology=True)
    return_submitted(requests[POLICE], authorised_by="Detective Inspector Lee Leadofficer "
                     "(fictional)", submitted_at=clock.at(5, 14))
    nil_return(requests[SCHOOL], "The child has not been on the academy's roll during the "
                                 "scope period; the sibling's records hold nothing relevant.")
    return_submitted(requests[SCHOOL], authorised_by="Hedda Headteacher-Demo (fictional)",
                     submitted_at=clock.at(4, 9))
    _hospital_draft(requests[HOSPITAL], incident_on)


def review_past_the_clock(case: Case, officer: User, number: int) -> None:
    """Working day 17, past the clock: the same steps with two agencies asked; the school's
    nil return in on day 5, the police's half written and ten working days late (the
    overdue dashboard's late return to chase)."""
    review, clock = notified_days_ago(case, officer, number, 17)
    requests = requests_sent(review, officer, clock, [
        (POLICE, InformationRequest.Reason.CHILD),
        (SCHOOL, InformationRequest.Reason.CHILD),
    ], clock.at(2, 11))
    terms_agreed(review, officer, clock, set_at=clock.at(1, 15), agreed_at=clock.at(3, 10))
    nil_return(requests[SCHOOL], "No contact with the family (fictional).")
    return_submitted(requests[SCHOOL], authorised_by="Hedda Headteacher-Demo (fictional)",
                     submitted_at=clock.at(5, 9))
    police_return(requests[POLICE], clock, case.incident.occurred_on, with_chronology=False)


def panel_not_yet_notified(case: Case, working_days_ago: int) -> None:
    """Referred ``working_days_ago`` working days before the last working day and triaged
    as notifiable that day, but the local authority has not yet notified the Panel: its 5
    working days have run out (the overdue dashboard's first, statutory, row: more overdue
    than the review past its clock's submission)."""
    calendar = calendar_for(case.partnership_id)
    today = add_working_days(timezone.localdate(), 0, calendar)  # the last working day
    clock = DemoClock(add_working_days(today, -working_days_ago, calendar), calendar)
    _story_start(case, clock)
    anchor_record(actor=None, case=case, kind=Anchor.BECAME_AWARE, occurred_on=clock.day(0))
