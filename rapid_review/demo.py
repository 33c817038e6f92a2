"""Fictional demo rapid reviews, made through the real services.

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
from calendars.models import Anchor
from calendars.services import anchor_record, calendar_for, deadline_meet
from calendars.working_days import WorkingDayCalendar, add_working_days
from cases.documents import document_generate
from cases.models import Case, CaseDocument, DocumentDispatch
from notifications.documents import LETTER_KINDS
from notifications.models import PanelNotification
from notifications.services import LETTER_STEPS, letter_send, notification_record

from . import services
from .documents.requests import request_pack_content
from .models import (
    AgencyReturn,
    InformationRequest,
    LearningItem,
    PanelResponse,
    PanelSubmission,
    PartnerSignature,
    RapidReview,
    ReportRevision,
    ReportVersion,
    ReviewMeeting,
    ReviewReport,
    TermsAgreement,
    TermsMember,
    TermsOfReference,
)
from .services import signoff
from .services.panel_response import panel_response_record
from .services.requests import RETURN_WORKING_DAYS
from .services.submission import submission_record

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
class _Clock:
    """Working day n of the review, and a time on it, by the partnership's calendar."""

    notified: datetime.date
    calendar: WorkingDayCalendar

    def day(self, n: int) -> datetime.date:
        return add_working_days(self.notified, n, self.calendar)

    def at(self, n: int, hour: int, minute: int = 0) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(self.day(n),
                                                             datetime.time(hour, minute)))


def _notify(case: Case, officer: User, clock: _Clock, number: int) -> RapidReview:
    notification_record(
        actor=officer, case=case, became_aware_on=clock.day(-2), notified_on=clock.notified,
        notified_by="Demo Duty-Manager, children's services",
        panel_reference=f"DEMO-PANEL-{number:04d}", children=list(case.children.all()))
    return RapidReview.objects.select_related("notification", "case__partnership").get(
        case=case)


def _letters_sent(notification: PanelNotification, officer: User,
                  sent_at: datetime.datetime) -> None:
    """Both letters (SCSI-2, SCSI-3). Their deadlines are met at the story's time first, so
    the service finds nothing left open to meet late today."""
    for kind in LETTER_KINDS:
        for step_key in LETTER_STEPS[kind]:
            deadline_meet(actor=officer, case=notification.case, step_key=step_key,
                          met_at=sent_at)
        dispatch = letter_send(actor=officer, notification=notification, kind=kind)
        DocumentDispatch.objects.filter(pk=dispatch.pk).update(sent_at=sent_at)


def _requests_sent(review: RapidReview, officer: User, clock: _Clock,
                   agencies: list[tuple[str, str]], sent_at: datetime.datetime
                   ) -> dict[str, InformationRequest]:
    """Sent through the service, then dated back: the request's dates, its anchor (which
    moves its open deadline) and its pack, which states the date and the due date."""
    case = review.case
    deadline_meet(actor=officer, case=case, step_key="send_information_requests",
                  met_at=sent_at)
    sent = services.information_requests_send(
        actor=officer, review=review,
        agencies_with_reasons=[(Agency.objects.get(name=name), reason)
                               for name, reason in agencies])
    sent_on = timezone.localdate(sent_at)
    due_on = add_working_days(sent_on, RETURN_WORKING_DAYS, clock.calendar)
    for request in sent:
        InformationRequest.objects.filter(pk=request.pk).update(sent_at=sent_at, due_on=due_on)
        request.sent_at, request.due_on = sent_at, due_on
        anchor_record(actor=officer, case=case, kind=Anchor.INFORMATION_REQUEST_SENT,
                      occurred_on=sent_on, occurred_at=sent_at,
                      related_key=request.deadline_key, responsible_agency=request.agency)
        document_generate(actor=officer, case=case, kind=CaseDocument.Kind.INFORMATION_REQUEST,
                          content=request_pack_content(request),
                          related_key=request.deadline_key, agency=request.agency)
    return {request.agency.name: request for request in sent}


def _terms_agreed(review: RapidReview, officer: User, clock: _Clock, *,
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
    # Choosing the meeting date is what the plan's "schedule the meeting" step asks for;
    # no service meets that step yet, so the demo records it here.
    deadline_meet(actor=officer, case=case, step_key="schedule_meeting", met_at=set_at)
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


def _submitted(request: InformationRequest, *, authorised_by: str,
               submitted_at: datetime.datetime) -> None:
    """Submitted through the service, then dated back, lateness judged on that date."""
    user = User.objects.get(email=AGENCY_USERS[request.agency.name])
    deadline_meet(actor=user, case=request.review.case, step_key="agency_returns_due",
                  related_key=request.deadline_key, met_at=submitted_at)
    services.agency_return_submit(actor=user, agency_return=request.agency_return,
                                  authorised_by=authorised_by)
    AgencyReturn.objects.filter(pk=request.agency_return.pk).update(
        submitted_at=submitted_at,
        submitted_late=timezone.localdate(submitted_at) > request.due_on)


def _nil_return(request: InformationRequest, reason: str) -> None:
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


def _police_return(request: InformationRequest, clock: _Clock, incident_on: datetime.date,
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


def review_on_day_6(case: Case, officer: User, number: int) -> None:
    """Working day 6 of 15, with mixed returns: the police's submitted on day 5 with its
    chronology, the school's nil return on day 4, the hospital's half written and health
    visiting's not started (due the next working day, on the chase list)."""
    calendar = calendar_for(case.partnership_id)
    today = add_working_days(timezone.localdate(), 0, calendar)  # the last working day
    clock = _Clock(add_working_days(today, -6, calendar), calendar)
    review = _notify(case, officer, clock, number)
    _letters_sent(review.notification, officer, clock.at(1, 10))
    requests = _requests_sent(review, officer, clock, [
        (POLICE, InformationRequest.Reason.PERPETRATOR),
        (SCHOOL, InformationRequest.Reason.CHILD),
        (HOSPITAL, InformationRequest.Reason.CHILD),
        (HEALTH_VISITING, InformationRequest.Reason.CHILD),
    ], clock.at(2, 11))
    _terms_agreed(review, officer, clock, set_at=clock.at(1, 15), agreed_at=clock.at(2, 16))
    for name in (POLICE, HOSPITAL):
        services.information_request_confirm_receipt(
            actor=officer, request=requests[name], confirmed_on=clock.day(3),
            note="Confirmed by phone with the safeguarding lead (fictional)")
    incident_on = case.incident.occurred_on
    _police_return(requests[POLICE], clock, incident_on, with_chronology=True)
    _submitted(requests[POLICE], authorised_by="Detective Inspector Lee Leadofficer "
               "(fictional)", submitted_at=clock.at(5, 14))
    _nil_return(requests[SCHOOL], "The child has not been on the academy's roll during the "
                                  "scope period; the sibling's records hold nothing relevant.")
    _submitted(requests[SCHOOL], authorised_by="Hedda Headteacher-Demo (fictional)",
               submitted_at=clock.at(4, 9))
    _hospital_draft(requests[HOSPITAL], incident_on)


def review_past_the_clock(case: Case, officer: User, number: int) -> None:
    """Working day 17, past the clock: the same steps with two agencies asked, both
    returned, the police late."""
    calendar = calendar_for(case.partnership_id)
    today = add_working_days(timezone.localdate(), 0, calendar)
    clock = _Clock(add_working_days(today, -17, calendar), calendar)
    review = _notify(case, officer, clock, number)
    _letters_sent(review.notification, officer, clock.at(1, 10))
    requests = _requests_sent(review, officer, clock, [
        (POLICE, InformationRequest.Reason.CHILD),
        (SCHOOL, InformationRequest.Reason.CHILD),
    ], clock.at(2, 11))
    _terms_agreed(review, officer, clock, set_at=clock.at(1, 15), agreed_at=clock.at(3, 10))
    _nil_return(requests[SCHOOL], "No contact with the family (fictional).")
    _submitted(requests[SCHOOL], authorised_by="Hedda Headteacher-Demo (fictional)",
               submitted_at=clock.at(5, 9))
    _police_return(requests[POLICE], clock, case.incident.occurred_on, with_chronology=False)
    _submitted(requests[POLICE], authorised_by="Detective Inspector Lee Leadofficer "
               "(fictional)", submitted_at=clock.at(9, 12))


# --- From the meeting to the Panel's response ----------------------------------------------

LA = "Demoshire Children's Services (fictional)"
ICB = "NHS Demoshire Integrated Care Board (fictional)"
ATTENDEES = [
    (TermsMember.Role.CHAIR, "Cass Chair-Demo", None),
    (TermsMember.Role.LA_REPRESENTATIVE, "Lena Localauthority-Demo", LA),
    (TermsMember.Role.POLICE_REPRESENTATIVE, "Percy Police-Demo", POLICE),
    (TermsMember.Role.ICB_REPRESENTATIVE, "Ivy Icb-Demo", ICB),
    (TermsMember.Role.OTHER, "Hal Hospital-Demo, named nurse (fictional)", HOSPITAL),
    (TermsMember.Role.BUSINESS_MANAGER, "Bram Business-Demo", None),
]
SECTIONS = {
    "case_summary": "A six-year-old was admitted to hospital with injuries the account given "
                    "did not explain. Police and children's services had each known the "
                    "family for over a year; neither had put the calls and the school's "
                    "concerns together (fictional).",
    "background": "The family moved into the area two years ago; the police attended a "
                  "welfare concern at their previous address (fictional).",
    "conclusions": "The group found that the agencies' information was not brought together "
                   "before the incident, and that this is likely to be a recurrent theme. It "
                   "recommends a local child safeguarding practice review (fictional).",
}
ASSESSMENT = {
    "improvements_needed": ("yes", "Repeat police calls and the school's concerns were not "
                                   "seen together."),
    "recurrent_themes": ("yes", "Information sharing between police and children's services "
                                "was a theme of two earlier local reviews (fictional)."),
    "agencies_working_together": ("yes", "No multi-agency discussion before the incident."),
    "panel_considered_local": ("not_known", ""),
    "single_agency_concern": ("no", ""),
    "no_agency_involvement": ("no", ""),
    "more_than_one_area": ("no", ""),
    "institutional_setting": ("no", ""),
}
KEY_LINES = ("How did the agencies share what they knew about repeat calls to the home?\n"
             "Why was the school's concern not discussed with the police?\n"
             "Was the child's own experience heard? (fictional)")
SIGNER_ROLES = {
    "la.partner@demo.example": "Director of Children's Services (fictional)",
    "police.partner@demo.example": "Detective Chief Superintendent (fictional)",
    "icb.partner@demo.example": "Chief Nurse (fictional)",
}


def _returns_in(review: RapidReview, officer: User, clock: _Clock) -> None:
    """Days 1 to 8, everything on time: letters, terms, two requests, the school's nil
    return, the police's with its chronology, and the returns collated on day 8."""
    _letters_sent(review.notification, officer, clock.at(1, 10))
    requests = _requests_sent(review, officer, clock, [
        (POLICE, InformationRequest.Reason.CHILD), (SCHOOL, InformationRequest.Reason.CHILD),
    ], clock.at(2, 11))
    _terms_agreed(review, officer, clock, set_at=clock.at(1, 15), agreed_at=clock.at(2, 16))
    _nil_return(requests[SCHOOL], "No contact with the family (fictional).")
    _submitted(requests[SCHOOL], authorised_by="Hedda Headteacher-Demo (fictional)",
               submitted_at=clock.at(4, 9))
    _police_return(requests[POLICE], clock, review.case.incident.occurred_on,
                   with_chronology=True)
    _submitted(requests[POLICE], authorised_by="Detective Inspector Lee Leadofficer "
               "(fictional)", submitted_at=clock.at(6, 14))
    # The service meets the plan's collation step today: meet it on the story's day first.
    deadline_meet(actor=officer, case=review.case, step_key="collate_returns",
                  met_at=clock.at(8, 11))
    document = services.collated_returns_generate(actor=officer, review=review)
    CaseDocument.objects.filter(pk=document.pk).update(created_at=clock.at(8, 11))


def _meeting_held(review: RapidReview, officer: User, clock: _Clock) -> ReviewMeeting:
    """Scheduled on day 2 for day 11 (inside the plan's window), quorate, confirmed."""
    meeting = services.meeting_schedule(
        actor=officer, review=review, held_on=clock.day(11), starts_at=datetime.time(10),
        location="Room 2, Demoshire County Hall, and online (fictional)")
    for role, name, agency in ATTENDEES:
        services.meeting_attendee_add(
            actor=officer, meeting=meeting, name=name, role=role,
            agency=Agency.objects.get(name=agency) if agency else None)
    services.meeting_confirm_held(actor=officer, meeting=meeting)
    ReviewMeeting.objects.filter(pk=meeting.pk).update(scheduled_at=clock.at(2, 9),
                                                       attendance_confirmed_at=clock.at(11, 13))
    return meeting


def _revised(report: ReviewReport, at: datetime.datetime) -> None:
    """Dates the revision just saved."""
    latest = ReportRevision.objects.filter(report=report).latest("number")
    ReportRevision.objects.filter(pk=latest.pk).update(edited_at=at)


def _report_written(review: RapidReview, officer: User, clock: _Clock,
                    meeting: ReviewMeeting) -> ReviewReport:
    """Drafted on days 9 and 10, the decision (a local CSPR) and the learning on day 11."""
    report = services.report_start(actor=officer, review=review)
    _revised(report, clock.at(9, 10))
    for minutes, (key, text) in enumerate(SECTIONS.items()):
        report = services.report_section_save(actor=officer, report=report, key=key, text=text)
        _revised(report, clock.at(10, 10, minutes * 10))
    report = services.report_assessment_save(
        actor=officer, report=report, may_be_complex_or_national=False, reason="",
        criteria={code: {"met": met, "evidence": evidence}
                  for code, (met, evidence) in ASSESSMENT.items()})
    _revised(report, clock.at(10, 14))
    report = services.report_decision_record(
        actor=officer, report=report, decision=ReviewReport.Decision.LOCAL_CSPR,
        meeting=meeting, key_lines_of_enquiry=KEY_LINES)
    _revised(report, clock.at(11, 15))
    for minutes, (kind, text, owner, agency) in enumerate([
        (LearningItem.Kind.LEARNING_POINT, "Repeat calls to one address need a multi-agency "
         "look, not one response at a time (fictional).", "", None),
        (LearningItem.Kind.IMMEDIATE_ACTION, "Brief response officers on sharing repeat calls "
         "with children's services (fictional).", "Percy Police-Demo", POLICE),
    ], start=1):
        item = services.learning_item_add(
            actor=officer, report=report, kind=kind, text=text, owner=owner,
            agency=Agency.objects.get(name=agency) if agency else None,
            due_on=clock.day(30) if agency else None)
        LearningItem.objects.filter(pk=item.pk).update(created_at=clock.at(11, 15, minutes * 15))
        _revised(report, clock.at(11, 15, minutes * 15))
    ReviewReport.objects.filter(pk=report.pk).update(decided_at=clock.at(11, 15),
                                                     updated_at=clock.at(11, 15, 30))
    return ReviewReport.objects.get(pk=report.pk)


def _sent_for_signature(report: ReviewReport, officer: User,
                        at: datetime.datetime) -> ReportVersion:
    """Frozen as version 1 and sent to the partners (the plan's SRG-8 step, met on the
    story's day before the service would meet it today)."""
    deadline_meet(actor=officer, case=report.review.case, step_key="send_decision_record",
                  met_at=at)
    version = signoff.report_send_for_signature(actor=officer, report=report)
    ReportVersion.objects.filter(pk=version.pk).update(frozen_at=at)
    CaseDocument.objects.filter(case=report.review.case_id,
                                related_key=signoff.version_key(version)).update(created_at=at)
    return ReportVersion.objects.get(pk=version.pk)


def _signed(version: ReportVersion, signers: list[tuple[str, datetime.datetime]]) -> None:
    """Each signs the version they read. The signed decision record is written at the last
    signature, with today's date on it: it is written again once that date is the story's."""
    case = version.report.review.case
    for number, (email, at) in enumerate(signers, start=1):
        user = User.objects.get(email=email)
        last = number == len(PARTNER_REPRESENTATIVES)
        if last:
            deadline_meet(actor=user, case=case, step_key=signoff.SIGN_STEP, met_at=at)
        signature = signoff.report_sign(actor=user, version=version,
                                        content_sha256=version.content_sha256,
                                        signer_role=SIGNER_ROLES[email])
        PartnerSignature.objects.filter(pk=signature.pk).update(signed_at=at)
        if last:
            signed = CaseDocument.objects.filter(
                case=case, related_key=f"{signoff.version_key(version)}-signed")
            signed.delete()
            signoff._store_signed_record(user, version)
            signed.update(created_at=at)


def _signature_requested(case: Case, officer: User, number: int,
                         days_ago: int) -> tuple[RapidReview, _Clock, ReportVersion]:
    """Notified ``days_ago`` working days ago; met on day 11; out for signature on day 12."""
    calendar = calendar_for(case.partnership_id)
    today = add_working_days(timezone.localdate(), 0, calendar)
    clock = _Clock(add_working_days(today, -days_ago, calendar), calendar)
    review = _notify(case, officer, clock, number)
    _returns_in(review, officer, clock)
    meeting = _meeting_held(review, officer, clock)
    report = _report_written(review, officer, clock, meeting)
    return review, clock, _sent_for_signature(report, officer, clock.at(12, 10))


def review_waiting_for_signatures(case: Case, officer: User, number: int) -> None:
    """Working day 13: the police signed version 1 on day 12; the local authority and the
    ICB still to sign (a demo partner can sign it)."""
    _review, clock, version = _signature_requested(case, officer, number, 13)
    _signed(version, [("police.partner@demo.example", clock.at(12, 16))])


def _submitted_to_panel(case: Case, officer: User, number: int,
                        days_ago: int) -> tuple[RapidReview, _Clock]:
    """Signed by the three partners on days 12 to 14, submitted on day 15."""
    review, clock, version = _signature_requested(case, officer, number, days_ago)
    _signed(version, [("police.partner@demo.example", clock.at(12, 16)),
                      ("la.partner@demo.example", clock.at(13, 11)),
                      ("icb.partner@demo.example", clock.at(14, 9))])
    submission = submission_record(actor=officer, review=review, submitted_on=clock.day(15),
                                   method=PanelSubmission.Method.PANEL_FORM)
    PanelSubmission.objects.filter(pk=submission.pk).update(recorded_at=clock.at(15, 12))
    return review, clock


def review_submitted(case: Case, officer: User, number: int) -> None:
    """Working day 18: submitted to the Panel on day 15, its response not in yet."""
    _submitted_to_panel(case, officer, number, 18)


def review_with_panel_response(case: Case, officer: User, number: int) -> None:
    """Working day 25: submitted on day 15; the Panel agreed on day 22. Sharing it and moving
    the case on to its LCSPR are left for the demo."""
    review, clock = _submitted_to_panel(case, officer, number, 25)
    response = panel_response_record(
        actor=officer, review=review, received_on=clock.day(22),
        outcome=PanelResponse.Outcome.AGREES,
        summary="The Panel agrees with the partners' decision to commission a local child "
                "safeguarding practice review, and asks to see its terms of reference "
                "(fictional).")
    PanelResponse.objects.filter(pk=response.pk).update(recorded_at=clock.at(22, 10))
