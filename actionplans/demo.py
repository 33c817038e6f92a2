"""Demo action plans (fictional; issue 13, "The demo data has plans from a rapid review, an
LCSPR and a learning review, with actions on track, overdue, evidenced and not implemented").

Three plans, made through the services so the SMART check, the agencies' deadlines, the audit
trail and the plan's papers are real:

- a rapid review that decided no further review, the Panel agreeing, the case moved on to its
  action plan: learning points rewritten SMART, the group's agreement some weeks ago, one
  action on track, one overdue, one with its impact evidenced, one not implemented, and
  updates asked for by a date still to come;
- the published LCSPR's plan from its approved recommendation: evidence waiting for the
  business unit's review and a scrutiny audit asked for (the rapid review's learning is left
  for the demo to take up);
- the learning review's small plan, drawn up today: one recommendation the SMART check
  flagged kept as written with the reason, one action not implemented, the others on track.

As in ``rapid_review.demo``, a step that happened before today is done through its service and
then dated back; a deadline the service meets is met at the story's time first. Actions only
belong to agencies with a demo user (the hospital, the school, the police) where an update is
given, because only the owning agency updates its action.
"""

from __future__ import annotations

import datetime
import io

from django.utils import timezone

from accounts.models import Agency, Partnership, User
from calendars.models import StepAction
from calendars.services import calendar_for, deadline_meet
from calendars.working_days import WorkingDayCalendar, add_working_days
from cases.models import Case, CaseDocument
from lcspr.models import Lcspr

from .models import (
    Action,
    ActionPlan,
    ActionUpdate,
    Evidence,
    PlanReview,
    Recommendation,
    Source,
)
from .services import (
    action_impact_review,
    action_not_implemented,
    action_plan_start,
    action_save,
    action_update_give,
    evidence_add,
    plan_candidates,
    plan_review_record,
    plan_take_up,
    recommendation_save,
    scrutiny_audit_request,
    updates_request,
)

POLICE = "Demoshire Constabulary (fictional)"
SCHOOL = "Make-Believe Primary Academy (fictional)"
HOSPITAL = "Demoshire Hospitals NHS Trust (fictional)"
HEALTH_VISITING = "Demoshire Community Health: health visiting (fictional)"
CHILDRENS_SERVICES = "Demoshire Children's Services (fictional)"
AGENCY_USERS = {POLICE: "police@demo.example", SCHOOL: "school@demo.example",
                HOSPITAL: "agency@demo.example"}
RAPID_REVIEW_CHILD = "Demo Child 13"
RAPID_REVIEW_NUMBER = 13
LCSPR_CHILD = "Demo Child 12 (fictional)"  # lcspr.demo.lcspr_published


class _Story:
    """Working days from today on the partnership's calendar, and a time on one of them."""

    def __init__(self, calendar: WorkingDayCalendar):
        self.calendar = calendar
        self.today = timezone.localdate()

    def day(self, n: int) -> datetime.date:
        return add_working_days(self.today, n, self.calendar)

    def at(self, n: int, hour: int = 10) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(self.day(n), datetime.time(hour)))


def seed_action_plans(partnership: Partnership) -> None:
    """Once per partnership, after the demo's reviews (``cases.demo``)."""
    if ActionPlan.objects.filter(case__partnership=partnership).exists():
        return
    officer = User.objects.get(email="officer@demo.example")
    story = _Story(calendar_for(partnership.pk))
    rapid_review_plan(_rapid_review_moved_on_to_a_plan(partnership, officer), officer, story)
    lcspr_plan(Case.objects.get(partnership=partnership, children__full_name=LCSPR_CHILD),
               officer, story)
    learning_review_plan(Lcspr.objects.select_related("case").get(
        case__partnership=partnership, kind=Lcspr.Kind.LEARNING_REVIEW).case, officer, story)


# Steps the stories share ---------------------------------------------------------------------
def _agency(name: str) -> Agency:
    return Agency.objects.get(name=name)


def _agency_user(action: Action) -> User:
    return User.objects.get(email=AGENCY_USERS[action.agency.name])


def _action(officer: User, plan: ActionPlan, recommendation: Recommendation, *, agency: str,
            text: str, lead: str, due_on: datetime.date, outcome: str,
            measure: str) -> Action:
    return action_save(actor=officer, plan=plan, recommendation=recommendation, text=text,
                       agency=_agency(agency), lead=lead, due_on=due_on, outcome=outcome,
                       measure=measure)


def _update(action: Action, status: str, note: str,
            at: datetime.datetime | None = None) -> None:
    """The owning agency's update; ``at`` dates it back (and, when it finishes the action,
    meets the action's deadline then, so the service finds nothing open to meet today)."""
    if at is not None and status == Action.Status.COMPLETE:
        plan = action.recommendation.plan
        deadline_meet(actor=_agency_user(action), case=plan.case,
                      action=StepAction.ACTION_COMPLETED, related_key=action.deadline_key,
                      met_at=at)
    update = action_update_give(actor=_agency_user(action), action=action, status=status,
                                note=note)
    if at is not None:
        ActionUpdate.objects.filter(pk=update.pk).update(written_at=at)


def _evidence(action: Action, *, kind: str, description: str, at: datetime.datetime | None,
              url: str = "", filename: str = "", data: bytes = b"") -> None:
    evidence = evidence_add(actor=_agency_user(action), action=action, kind=kind,
                            description=description, url=url, filename=filename, data=data)
    if at is not None:
        Evidence.objects.filter(pk=evidence.pk).update(added_at=at)


def _not_implemented(officer: User, action: Action, reason: str,
                     at: datetime.datetime | None = None) -> None:
    if at is not None:
        deadline_meet(actor=officer, case=action.recommendation.plan.case,
                      action=StepAction.ACTION_COMPLETED, related_key=action.deadline_key,
                      met_at=at)
    action_not_implemented(actor=officer, action=action, reason=reason)
    if at is not None:
        ActionUpdate.objects.filter(action=action, status=Action.Status.NOT_IMPLEMENTED).update(
            written_at=at)


def _agreed(officer: User, plan: ActionPlan, met_on: datetime.date, decisions: str,
            at: datetime.datetime | None = None) -> None:
    """The group agrees the plan; the plan it read is its paper."""
    review = plan_review_record(actor=officer, plan=plan, met_on=met_on, decisions=decisions,
                                plan_agreed=True)
    if at is not None:
        PlanReview.objects.filter(pk=review.pk).update(recorded_at=at)
        CaseDocument.objects.filter(pk=review.paper_id).update(created_at=at)


def _drawn_up_at(plan: ActionPlan, at: datetime.datetime) -> None:
    """The plan, its recommendations and its actions as written on the story's day."""
    ActionPlan.objects.filter(pk=plan.pk).update(created_at=at)
    Recommendation.objects.filter(plan=plan).update(created_at=at, updated_at=at)
    Action.objects.filter(recommendation__plan=plan).update(created_at=at, updated_at=at)


def _audit_report_docx(title: str, lines: list[str]) -> bytes:
    """A short audit report as the agency would upload it."""
    from docx import Document

    document = Document()
    document.add_heading(title, level=1)
    for line in lines:
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# A rapid review that ended in an action plan ---------------------------------------------------
REPORT_SECTIONS = {
    "case_summary": "A four-year-old was admitted to hospital with a serious untreated chest "
                    "infection. Three hospital outpatient appointments had been missed; the "
                    "GP practice and the health visitor did not know (fictional).",
    "background": "Police attended two domestic incidents at the home in the year before; "
                  "the child was present and was not spoken to (fictional).",
    "conclusions": "The group found clear learning about missed health appointments and about "
                   "hearing the child at domestic incidents. The agencies' own reviews have "
                   "already found it; a local child safeguarding practice review is not "
                   "expected to add more. The learning is taken forward through an action "
                   "plan monitored by the Serious Incident Review Group (fictional).",
}
ASSESSMENT = {
    "improvements_needed": ("yes", "Missed appointments were not shared; the child was not "
                                   "spoken to at two domestic incidents (fictional)."),
    "recurrent_themes": ("no", ""),
    "agencies_working_together": ("no", ""),
    "panel_considered_local": ("no", ""),
    "single_agency_concern": ("no", ""),
    "no_agency_involvement": ("no", ""),
    "more_than_one_area": ("no", ""),
    "institutional_setting": ("no", ""),
}
# (kind, text, agency, owner, working day of the review it is due: day 195 is 55 working
# days ago): the first two as the meeting wrote them, vague enough for the SMART check to
# flag when the plan takes them up.
LEARNING = [
    ("learning_point", "Agencies should raise awareness of the risk when a young child misses "
                       "health appointments (fictional).", None, "", None),
    ("learning_point", "Officers should be reminded to speak to the child at domestic "
                       "incidents (fictional).", None, "", None),
    ("immediate_action", "Brief all response officers on speaking to the child at domestic "
                         "incidents (fictional).", POLICE, "Percy Police-Demo", 195),
]


def _rapid_review_moved_on_to_a_plan(partnership: Partnership, officer: User) -> Case:
    """Notified about a year ago (250 working days: in the last financial year, for the
    yearly figures), decided no further review on day 11, submitted on day 15; the Panel
    agreed on day 25 and the case moved on to its action plan."""
    # Imported here: cases.demo calls this module once its own stories are told.
    from cases.demo import _referral, _triage
    from cases.models import TriageDecision
    from rapid_review import services as rr
    from rapid_review.demo.gathering import notified_days_ago
    from rapid_review.demo.signoff import (
        _meeting_held,
        _returns_in,
        _sent_for_signature,
        _signed,
    )
    from rapid_review.models import (
        LearningItem,
        PanelResponse,
        PanelSubmission,
        ReportRevision,
        ReviewReport,
    )
    from rapid_review.services.panel_response import NextStep, case_move_on, panel_response_record
    from rapid_review.services.submission import submission_record

    today = timezone.localdate()
    referral = _referral(User.objects.get(email=AGENCY_USERS[HOSPITAL]), HOSPITAL, partnership,
                         child=RAPID_REVIEW_CHILD, born=datetime.date(today.year - 4, 2, 9),
                         incident_on=add_working_days(today, -1), what="Fictional incident")
    case = referral.case
    _triage(case, officer, TriageDecision.Decision.RAPID_REVIEW,
            "Notifiable: serious harm, health appointments missed", partnership)
    review, clock = notified_days_ago(case, officer, RAPID_REVIEW_NUMBER, 250)
    _returns_in(review, officer, clock)
    meeting = _meeting_held(review, officer, clock)
    report = rr.report_start(actor=officer, review=review)
    for key, text in REPORT_SECTIONS.items():
        report = rr.report_section_save(actor=officer, report=report, key=key, text=text)
    report = rr.report_assessment_save(
        actor=officer, report=report, may_be_complex_or_national=False, reason="",
        criteria={code: {"met": met, "evidence": evidence}
                  for code, (met, evidence) in ASSESSMENT.items()})
    report = rr.report_decision_record(
        actor=officer, report=report, decision=ReviewReport.Decision.NO_FURTHER_REVIEW,
        meeting=meeting,
        no_further_learning_reason="The hospital's and the police's own reviews have found "
                                   "the learning; a wider review is not expected to add to it "
                                   "(fictional).",
        dissemination="An action plan monitored by the Serious Incident Review Group, and a "
                      "seven-minute briefing for practitioners (fictional).")
    for kind, text, agency, owner, due_day in LEARNING:
        rr.learning_item_add(actor=officer, report=report, kind=kind, text=text, owner=owner,
                             agency=_agency(agency) if agency else None,
                             due_on=clock.day(due_day) if due_day else None)
    LearningItem.objects.filter(report=report).update(created_at=clock.at(11, 15))
    ReportRevision.objects.filter(report=report).update(edited_at=clock.at(10, 14))
    ReviewReport.objects.filter(pk=report.pk).update(decided_at=clock.at(11, 15),
                                                     updated_at=clock.at(11, 16))
    version = _sent_for_signature(ReviewReport.objects.get(pk=report.pk), officer,
                                  clock.at(12, 10))
    _signed(version, [("police.partner@demo.example", clock.at(12, 16)),
                      ("la.partner@demo.example", clock.at(13, 11)),
                      ("icb.partner@demo.example", clock.at(14, 9))])
    submission = submission_record(actor=officer, review=review, submitted_on=clock.day(15),
                                   method=PanelSubmission.Method.PANEL_FORM)
    PanelSubmission.objects.filter(pk=submission.pk).update(recorded_at=clock.at(15, 12))
    response = panel_response_record(
        actor=officer, review=review, received_on=clock.day(25),
        outcome=PanelResponse.Outcome.AGREES,
        summary="The Panel agrees that no further review is needed, and asks the partnership "
                "to make sure the learning is acted on through its action plan (fictional).")
    PanelResponse.objects.filter(pk=response.pk).update(recorded_at=clock.at(25, 10))
    case_move_on(actor=officer, review=review, next_step=NextStep.ACTION_PLAN)
    return Case.objects.get(pk=case.pk)


def rapid_review_plan(case: Case, officer: User, story: _Story) -> ActionPlan:
    """Drawn up 5 working days after the Panel's response (220 working days ago), agreed by
    the group 60 working days ago. The police's briefing
    is complete with its impact evidenced; its dip sample is on track; the hospital's alert
    is overdue; the school's check was not implemented. Updates are due in 10 working days."""
    plan = action_plan_start(actor=officer, case=case)
    plan_take_up(actor=officer, plan=plan, keys=[c.key for c in plan_candidates(case)])
    recommendations = plan.recommendations.all()
    briefing = recommendations.get(source=Source.RAPID_REVIEW_ACTION)
    appointments, voice = recommendations.filter(source=Source.RAPID_REVIEW_LEARNING)
    # The two learning points, flagged by the SMART check, rewritten.
    recommendation_save(
        actor=officer, plan=plan, recommendation=appointments,
        finding=appointments.finding, revision=appointments.revision,
        text="Every missed hospital appointment for a child under five is shared with the "
             "child's GP and health visitor within 2 working days (fictional).")
    recommendation_save(
        actor=officer, plan=plan, recommendation=voice, finding=voice.finding,
        revision=voice.revision,
        text="At every domestic incident a child is present at, officers speak to the child "
             "alone or record why not, in 95% of incidents in a quarterly dip sample "
             "(fictional).")
    hospital = _action(
        officer, plan, appointments, agency=HOSPITAL, lead="Hal Hospital-Demo, named nurse "
        "(fictional)", due_on=story.day(-5),
        text="Add a missed-appointment alert for under-fives to the outpatients system that "
             "tells the GP and health visitor within 2 working days (fictional).",
        outcome="No missed appointment of a child under five goes unshared (fictional).",
        measure="An audit of 30 missed appointments 3 months after go-live: 90% shared "
                "within 2 working days (fictional).")
    school = _action(
        officer, plan, appointments, agency=SCHOOL, lead="Hedda Headteacher-Demo (fictional)",
        due_on=story.day(-20),
        text="The designated safeguarding lead checks health appointments at each termly "
             "review of the 60 nursery and reception children (fictional).",
        outcome="Missed appointments known to the academy reach the health visitor "
                "(fictional).",
        measure="A dip sample of 10 termly reviews each term (fictional).")
    dip_sample = _action(
        officer, plan, voice, agency=POLICE, lead="Detective Inspector Lee Leadofficer "
        "(fictional)", due_on=story.day(20),
        text="Add a 'child spoken to' question to the domestic incident record and dip sample "
             "30 incidents each quarter (fictional).",
        outcome="Children at domestic incidents are heard and their views recorded "
                "(fictional).",
        measure="95% of incidents in the quarterly dip sample of 30 (fictional).")
    (officers_briefed,) = briefing.actions.all()
    officers_briefed = action_save(
        actor=officer, plan=plan, recommendation=briefing, action=officers_briefed,
        revision=officers_briefed.revision, text=officers_briefed.text,
        agency=officers_briefed.agency, lead=officers_briefed.lead,
        due_on=officers_briefed.due_on,
        outcome="All 240 response officers briefed before the next shift pattern starts "
                "(fictional).",
        measure="Briefing attendance records for all 240 officers, and a dip sample of 20 "
                "domestic incidents a month later (fictional).")
    _drawn_up_at(plan, story.at(-220))
    _agreed(officer, plan, story.day(-60), "The group agreed the plan as written and asked for "
            "updates before each of its meetings (fictional).", at=story.at(-60, 14))

    _evidence(officers_briefed, kind=Evidence.Kind.AUDIT, at=story.at(-58),
              description="Attendance records: 236 of 240 response officers briefed (98%); "
                          "a dip sample of 20 domestic incidents found the child spoken to in "
                          "19 (fictional).")
    _update(officers_briefed, Action.Status.COMPLETE, "Briefings finished; the dip sample is "
            "attached as an audit result (fictional).", at=story.at(-58, 11))
    action_impact_review(actor=officer, action=officers_briefed,
                         outcome=Action.Impact.EVIDENCED,
                         note="The dip sample shows the change in practice (fictional).")
    Action.objects.filter(pk=officers_briefed.pk).update(impact_reviewed_at=story.at(-55))
    _not_implemented(officer, school, "The academy holds no record of its pupils' health "
                     "appointments; the group agreed the hospital's alert to the health "
                     "visitor covers these children (fictional).",
                     at=story.at(-30))
    _update(dip_sample, Action.Status.ON_TRACK, "The question is on the incident record; the "
            "first quarterly dip sample is booked (fictional).", at=story.at(-10))
    _update(hospital, Action.Status.AT_RISK, "The system supplier's change is delayed; the "
            "outpatients team send each missed appointment by hand meanwhile (fictional).",
            at=story.at(-15))
    updates_request(actor=officer, plan=plan, due_on=story.day(10))
    return plan


# The published LCSPR's plan ------------------------------------------------------------------
def lcspr_plan(case: Case, officer: User, story: _Story) -> ActionPlan:
    """From the LCSPR's approved recommendation, agreed by the group 5 working days ago: the
    hospital's audit complete and waiting for the business unit's review, the police on
    track, the school at risk, children's services not started; a scrutiny audit asked for."""
    plan = action_plan_start(actor=officer, case=case)
    keys = [c.key for c in plan_candidates(case) if c.key.startswith("lcspr-")]
    (moves,) = plan_take_up(actor=officer, plan=plan, keys=keys)
    due = story.day(40)
    hospital = _action(
        officer, plan, moves, agency=HOSPITAL, lead="Hal Hospital-Demo, named nurse "
        "(fictional)", due_on=story.day(3),
        text="Record every change of address given at an outpatient or emergency attendance "
             "and tell the GP within 5 working days (fictional).",
        outcome="The GP knows of every move the hospital learns of (fictional).",
        measure="An audit of 20 records of children who moved: 18 or more told in time "
                "(fictional).")
    police = _action(
        officer, plan, moves, agency=POLICE, lead="Detective Inspector Lee Leadofficer "
        "(fictional)", due_on=due,
        text="Share a family's new address with children's services on every public "
             "protection notice (fictional).",
        outcome="Children's services hold the current address of every family notified "
                "(fictional).",
        measure="A dip sample of 25 notices each quarter: 95% with the current address "
                "(fictional).")
    school = _action(
        officer, plan, moves, agency=SCHOOL, lead="Hedda Headteacher-Demo (fictional)",
        due_on=story.day(25),
        text="Send a child's new address to the local authority within 5 working days of a "
             "parent telling the academy (fictional).",
        outcome="No child leaves the academy's roll without a known address (fictional).",
        measure="An audit of all 12 leavers this term (fictional).")
    _action(officer, plan, moves, agency=CHILDRENS_SERVICES,
            lead="Demo Head-of-Service (fictional)", due_on=story.day(60),
            text="Add the new address to the case record and tell the agencies involved "
                 "within 5 working days (fictional).",
            outcome="Every agency on the case knows of the move (fictional).",
            measure="A multi-agency audit of 20 cases in six months (fictional).")
    _drawn_up_at(plan, story.at(-8))
    _agreed(officer, plan, story.day(-5), "The group agreed the plan and asked the independent "
            "scrutineer to audit the hospital's and the police's actions (fictional).",
            at=story.at(-5, 14))

    audit = _audit_report_docx("Audit of change-of-address records (fictional)", [
        "Records audited: 20 children who moved in the last six months (fictional).",
        "GP told within 5 working days: 19 of 20 (95%).",
        "The one record late was told after 7 working days; the ward has been reminded.",
    ])
    _evidence(hospital, kind=Evidence.Kind.FILE, filename="change-of-address-audit.docx",
              data=audit, at=story.at(-1),
              description="The hospital's audit of 20 records: 19 told in time (fictional).")
    _update(hospital, Action.Status.COMPLETE, "The audit is attached (fictional).",
            at=story.at(-1, 11))
    _update(police, Action.Status.ON_TRACK, "The notice template has a new address field; "
            "the first dip sample is due next quarter (fictional).")
    _update(school, Action.Status.AT_RISK, "The office manager's post is vacant; the head is "
            "covering the returns (fictional).")
    scrutiny_audit_request(actor=officer, plan=plan, actions=[hospital, police],
                           auditor="Scout Scrutineer-Demo, independent scrutineer (fictional)",
                           due_on=story.day(25))
    return plan


# The learning review's plan ------------------------------------------------------------------
def learning_review_plan(case: Case, officer: User, story: _Story) -> ActionPlan:
    """Drawn up today from the professional de-brief: the school's and the hospital's actions
    on track, health visiting's not implemented; one recommendation kept as written."""
    plan = action_plan_start(actor=officer, case=case)
    escalation = recommendation_save(
        actor=officer, plan=plan,
        finding="Practitioners in universal services did not use the escalation policy when "
                "their concerns were not acted on (fictional).",
        text="Promote the partnership's escalation policy with staff in universal services "
             "(fictional).",
        accept_reason="The group kept the de-brief's own words; the actions under it set the "
                      "numbers and dates (fictional).")
    absence = recommendation_save(
        actor=officer, plan=plan,
        finding="The child's absences from school were not discussed with the school nurse "
                "(fictional).",
        text="Every child missing 10 or more sessions in a half term is discussed with the "
             "school nurse within 10 working days (fictional).")
    school = _action(
        officer, plan, escalation, agency=SCHOOL, lead="Hedda Headteacher-Demo (fictional)",
        due_on=story.day(30),
        text="Brief all 40 staff on the escalation policy at the next training day "
             "(fictional).",
        outcome="Staff escalate when a concern they raised is not acted on (fictional).",
        measure="An audit of 10 safeguarding records a term later (fictional).")
    hospital = _action(
        officer, plan, escalation, agency=HOSPITAL, lead="Hal Hospital-Demo, named nurse "
        "(fictional)", due_on=story.day(45),
        text="Add the escalation policy to the induction of all 25 new emergency department "
             "nurses (fictional).",
        outcome="New nurses know when and how to escalate (fictional).",
        measure="Induction records for all 25 nurses (fictional).")
    nursing = _action(
        officer, plan, absence, agency=HEALTH_VISITING, lead="Demo School-Nurse-Lead "
        "(fictional)", due_on=story.day(50),
        text="Hold a fortnightly absence meeting with each of the 12 primary schools "
             "(fictional).",
        outcome="Long absences reach the school nurse within 10 working days (fictional).",
        measure="A dip sample of 15 children with long absences (fictional).")
    _agreed(officer, plan, story.today, "The group agreed the plan and kept recommendation 1 "
            "as the de-brief worded it (fictional).")
    _update(school, Action.Status.ON_TRACK, "The briefing is on the next training day's "
            "agenda (fictional).")
    _update(hospital, Action.Status.ON_TRACK, "The induction pack is being revised (fictional).")
    _not_implemented(officer, nursing, "The school nursing service is being recommissioned; "
                     "the new provider's contract will carry the standard instead "
                     "(fictional).")
    return plan
