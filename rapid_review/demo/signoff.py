"""Fictional demo rapid reviews from the meeting to the Panel's response, made through the
real services and dated back as ``gathering`` explains."""

from __future__ import annotations

import datetime

from accounts.models import Agency, User
from calendars.models import StepAction
from calendars.services import deadline_meet
from cases.models import Case, CaseDocument

from .. import services
from ..models import (
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
    TermsMember,
)
from ..services import signoff
from ..services.panel_response import panel_response_record
from ..services.submission import submission_record
from .gathering import (
    HOSPITAL,
    PARTNER_REPRESENTATIVES,
    POLICE,
    SCHOOL,
    DemoClock,
    nil_return,
    notified_days_ago,
    police_return,
    requests_sent,
    return_submitted,
    terms_agreed,
)

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


def _returns_in(review: RapidReview, officer: User, clock: DemoClock) -> None:
    """Days 1 to 8, everything on time: terms, two requests, the school's nil return, the
    police's with its chronology, and the returns collated on day 8."""
    requests = requests_sent(review, officer, clock, [
        (POLICE, InformationRequest.Reason.CHILD), (SCHOOL, InformationRequest.Reason.CHILD),
    ], clock.at(2, 11))
    terms_agreed(review, officer, clock, set_at=clock.at(1, 15), agreed_at=clock.at(2, 16))
    for request in requests.values():
        services.information_request_confirm_receipt(
            actor=officer, request=request, confirmed_on=clock.day(2),
            note="Confirmed by phone (fictional)")
    nil_return(requests[SCHOOL], "No contact with the family (fictional).")
    return_submitted(requests[SCHOOL], authorised_by="Hedda Headteacher-Demo (fictional)",
                     submitted_at=clock.at(4, 9))
    police_return(requests[POLICE], clock, review.case.incident.occurred_on,
                   with_chronology=True)
    return_submitted(requests[POLICE], authorised_by="Detective Inspector Lee Leadofficer "
                     "(fictional)", submitted_at=clock.at(6, 14))
    # The service meets the plan's collation step today: meet it on the story's day first.
    deadline_meet(actor=officer, case=review.case, action=StepAction.RETURNS_COLLATED,
                  met_at=clock.at(8, 11))
    document = services.collated_returns_generate(actor=officer, review=review)
    CaseDocument.objects.filter(pk=document.pk).update(created_at=clock.at(8, 11))


def _meeting_held(review: RapidReview, officer: User, clock: DemoClock) -> ReviewMeeting:
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


def _report_written(review: RapidReview, officer: User, clock: DemoClock,
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
    deadline_meet(actor=officer, case=report.review.case,
                  action=StepAction.DECISION_RECORD_SENT, met_at=at)
    version = signoff.report_send_for_signature(actor=officer, report=report)
    ReportVersion.objects.filter(pk=version.pk).update(frozen_at=at)
    # Made now, not when the demo's transaction commits, so they can be dated back too.
    signoff.version_documents_generate(actor=officer, version=version)
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
            deadline_meet(actor=user, case=case, action=StepAction.PARTNERS_SIGNED, met_at=at)
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
                         days_ago: int) -> tuple[RapidReview, DemoClock, ReportVersion]:
    """Notified ``days_ago`` working days ago; met on day 11; out for signature on day 12."""
    review, clock = notified_days_ago(case, officer, number, days_ago)
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
                        days_ago: int) -> tuple[RapidReview, DemoClock]:
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
