"""Every step of every built-in plan can be met, and is met by the action that does it.

For each plan one case is walked through the whole process with the product's services, on
time, from the agency's referral to the final LCSPR report and an action of its plan. Each
service call says which step action it does; a deadline that turns met during a call must
be a step that action meets. At the end no deadline is open, every step of the plan made a
deadline on the case, and the only steps closed rather than met are those the process itself
closes, with its reason. Working days count from Monday 2 March 2026, the day the referral arrives:
day 1 Tuesday 3, day 5 Monday 9, day 7 Wednesday 11, day 11 Tuesday 17, day 15 Monday 23
March; the Panel is notified on Tuesday 3 March, so its day 15 is Tuesday 24 March.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from zoneinfo import ZoneInfo

import pytest
import time_machine

from accounts.models import Role, StatutoryPartner
from actionplans.services import (
    action_plan_start,
    action_save,
    action_update_give,
    evidence_add,
    recommendation_save,
    updates_request,
)
from calendars.builtin_templates import LEARNING_REVIEW_STEPS, TEMPLATES
from calendars.models import (
    REVIEW_ACTIONS,
    Deadline,
    DeadlineStatus,
    Part,
    StepAction,
    TimelineTemplate,
    anchors_of,
)
from calendars.services import deadline_mark_done, template_adopt
from cases import services as case_services
from cases.models import Case, CaseDocument, Incident, TriageDecision
from lcspr.models import LETTER_STEPS, Lcspr, ReviewerLetterDispatch
from lcspr.services import (
    checkpoint_add,
    checkpoint_review_record,
    checkpoint_update_write,
    reviewer_letter_dispatch_record,
    timetable_item_add,
    timetable_item_done,
)
from lcspr.services.clock import lcspr_final_report_sent, lcspr_publication_plan
from notifications.services import (
    letter_send,
    looked_after_death_notices_record,
    notification_record,
)
from rapid_review.models import PanelResponse, RapidReview, ReviewReport
from rapid_review.report import ASSESSED_CRITERIA
from rapid_review.services import (
    case_move_on,
    collated_returns_generate,
    information_request_confirm_receipt,
    information_requests_send,
    master_chronology_generate,
    meeting_attendee_add,
    meeting_confirm_held,
    meeting_schedule,
    panel_response_record,
    rapid_review_stop,
    report_assessment_save,
    report_decision_record,
    report_start,
    terms_agree,
    terms_save,
)
from rapid_review.services.signoff import (
    report_endorse,
    report_send_for_signature,
    report_sign,
)
from rapid_review.services.submission import submission_record
from tests.cases.builders import complete_draft
from tests.lcspr.builders import appointed_reviewer, approved_version, written_report
from tests.notifications.builders import partner_representatives
from tests.rapid_review.builders import (
    QUORUM,
    agency_with_user,
    review_for,
    send_requests,
    submitted_return,
)

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
d = datetime.date.fromisoformat

# What each partnership asks for besides its plan. Lincolnshire's Assurance Executive
# approves the decision to start a rapid review and signs off the report (seed 002); the
# West Midlands partnership here keeps no independent chair, so nobody endorses (§4.6.3).
SETTINGS = {
    "Rapid review plan (Lincolnshire)": {"triage_needs_executive_approval": True,
                                         "rapid_review_endorsement": "executive"},
}
# Why the process itself closes a step when the walk is on time.
ON_TIME = "Submitted on time: the Panel did not need telling of a delay"
NOT_ASKED = "The partnership does not ask for an endorsement"


def at(day: str, time: str = "10:00"):
    """The clock at a London time on that day."""
    return time_machine.travel(datetime.datetime.fromisoformat(f"{day}T{time}").replace(
        tzinfo=LONDON))


class Walk:
    """Runs each service call and remembers which step action met which deadline."""

    def __init__(self, case: Case) -> None:
        self.case = case
        self.met_by: dict[int, str] = {}

    def _closed(self) -> set[int]:
        return set(Deadline.objects.filter(case=self.case).exclude(
            status=DeadlineStatus.OPEN).values_list("pk", flat=True))

    def do(self, actions: str | Iterable[str] | None, call: Callable, **kwargs):
        """Call the service; every deadline it met must be a step one of ``actions`` meets
        (``None``: the call meets nothing)."""
        actions = {actions} if isinstance(actions, str) else set(actions or ())
        closed_before = self._closed()
        result = call(**kwargs)
        for deadline in Deadline.objects.filter(
                case=self.case, status__in=[DeadlineStatus.MET, DeadlineStatus.MISSED]
        ).exclude(pk__in=closed_before).select_related("step"):
            assert deadline.step.met_by in actions, (
                f"{call.__name__} met {deadline.step.key!r}, a step met by "
                f"{deadline.step.met_by!r}")
            self.met_by[deadline.pk] = deadline.step.met_by
        return result


def _walk(name: str, partnership, make_user) -> Walk:
    """One case through the whole process under the named plan, on time."""
    for field, value in SETTINGS.get(name, {}).items():
        setattr(partnership, field, value)
    partnership.save()
    template_adopt(actor=None, partnership=partnership, builtin=TimelineTemplate.objects.get(
        partnership__isnull=True, name=name))
    officer = make_user(Role.BUSINESS_UNIT_OFFICER)
    partners = partner_representatives(partnership)
    police = agency_with_user(partnership, "Alphashire Police (fictional)")
    school = agency_with_user(partnership, "Alphashire Primary School (fictional)")

    # Monday 2 March: the incident happened on Sunday (the referral is due Monday); a
    # looked-after child died, so the Secretary of State and Ofsted must be told too.
    with at("2026-03-02", "10:00"):
        referral = complete_draft(partnership, incident_on=d("2026-03-01"))
        case_services.incident_save(actor=referral.referrer, referral=referral,
                                    harm=Incident.Harm.DEATH, looked_after_child_death=True)
        walk = Walk(referral.case)
        case = walk.do(StepAction.REFERRAL_SUBMITTED, case_services.referral_submit,
                       actor=referral.referrer, referral=referral)
    with at("2026-03-02", "14:00"):
        walk.do(None, case_services.case_take_to_triage, actor=officer, case=case)
        decision = walk.do(
            None, case_services.triage_decide, actor=officer, case=case,
            meeting_date=d("2026-03-02"), attendees="Review group (fictional)",
            attending_agencies=[], criteria_met=["serious_case"],
            decision=TriageDecision.Decision.RAPID_REVIEW, rationale="Notifiable incident")
        if decision.needs_executive_approval:
            walk.do(None, case_services.triage_executive_respond, actor=officer,
                    decision=decision, response=TriageDecision.ExecutiveResponse.AGREE,
                    rationale="Criteria met", meeting_date=d("2026-03-02"),
                    attendees="Assurance Executive (fictional)")

    # Day 1, Tuesday 3 March: the notification, the letters, the requests, the terms of
    # reference agreed, the meeting set for day 11 and the partners' conference arranged.
    with at("2026-03-03", "09:00"):
        walk.do(StepAction.PANEL_NOTIFIED, notification_record, actor=officer, case=case,
                became_aware_on=d("2026-03-02"), notified_on=d("2026-03-03"),
                notified_by="Duty manager (fictional)", children=list(case.children.all()))
        review = RapidReview.objects.get(case=case)
        walk.do([StepAction.SECRETARY_OF_STATE_NOTIFIED, StepAction.OFSTED_NOTIFIED],
                looked_after_death_notices_record, actor=officer, case=case,
                secretary_of_state_notified_on=d("2026-03-03"),
                ofsted_notified_on=d("2026-03-03"))
    with at("2026-03-03", "10:00"):
        for kind, action in ((CaseDocument.Kind.PARTNER_LETTER, StepAction.PARTNER_LETTER_SENT),
                             (CaseDocument.Kind.REVIEW_GROUP_LETTER,
                              StepAction.REVIEW_GROUP_LETTER_SENT),
                             (CaseDocument.Kind.RAPID_REVIEW_LETTER,
                              StepAction.RAPID_REVIEW_LETTER_SENT)):
            walk.do(action, letter_send, actor=officer, case=case, kind=kind)
        requests = walk.do(StepAction.INFORMATION_REQUESTS_SENT, information_requests_send,
                           actor=officer, review=review,
                           agencies_with_reasons=[(police.agency, "child"),
                                                  (school.agency, "child")])
        for request in requests:
            walk.do(StepAction.RECEIPT_CONFIRMED, information_request_confirm_receipt,
                    actor=officer, request=request, confirmed_on=d("2026-03-03"))
        terms = walk.do(None, terms_save, actor=officer, review=review,
                        children=list(case.children.all()), people=[],
                        scope_from=d("2025-03-01"), scope_to=d("2026-03-01"),
                        meeting_dates=[d("2026-03-17")], returns_due_on=d("2026-03-10"))
        for partner in StatutoryPartner.values:
            walk.do(StepAction.TERMS_AGREED, terms_agree, actor=partners[partner],
                    terms=terms, version=terms.version)
        meeting = walk.do(StepAction.MEETING_SCHEDULED, meeting_schedule, actor=officer,
                          review=review, held_on=d("2026-03-17"), starts_at=None,
                          location="Room 1 (fictional)")
        for deadline in Deadline.objects.filter(case=case, status=DeadlineStatus.OPEN,
                                                step__met_by=StepAction.MARKED_DONE):
            walk.do(StepAction.MARKED_DONE, deadline_mark_done, actor=officer,
                    deadline=deadline, note="Telephone conference booked (fictional)")

    # Day 5, Monday 9 March: both agencies return (one a nil return), and the business unit
    # collates the returns for the group.
    with at("2026-03-09", "10:00"):
        walk.do(StepAction.RETURN_SUBMITTED, submitted_return, request=requests[0])
        walk.do(StepAction.RETURN_SUBMITTED, submitted_return, request=requests[1], nil=True)
    with at("2026-03-09", "14:00"):
        walk.do(StepAction.RETURNS_COLLATED, collated_returns_generate, actor=officer,
                review=review)

    # Day 11, Tuesday 17 March: the meeting, quorate, decides on an LCSPR; the report and
    # decision record go to the partners.
    with at("2026-03-17", "15:00"):
        for person, role in QUORUM:
            walk.do(None, meeting_attendee_add, actor=officer, meeting=meeting, name=person,
                    role=role)
        walk.do(StepAction.MEETING_HELD, meeting_confirm_held, actor=officer, meeting=meeting)
        report = walk.do(None, report_start, actor=officer, review=review)
        walk.do(None, report_assessment_save, actor=officer, report=report,
                criteria={code: {"met": "not_known", "evidence": ""}
                          for code, _group, _label in ASSESSED_CRITERIA},
                may_be_complex_or_national=False, reason="")
        walk.do(None, report_decision_record, actor=officer, report=report,
                decision=ReviewReport.Decision.LOCAL_CSPR, meeting=meeting,
                key_lines_of_enquiry="How did agencies share information? (fictional)")
        version = walk.do(StepAction.DECISION_RECORD_SENT, report_send_for_signature,
                          actor=officer, report=report)

    # Day 12, Wednesday 18 March: the three partners sign; the executive endorses where the
    # partnership asks for it.
    with at("2026-03-18", "10:00"):
        for partner in StatutoryPartner.values:
            walk.do(StepAction.PARTNERS_SIGNED, report_sign, actor=partners[partner],
                    version=version, content_sha256=version.content_sha256,
                    signer_role="Director (fictional)")
    if partnership.rapid_review_endorsement:
        with at("2026-03-18", "15:00"):
            walk.do(StepAction.REPORT_ENDORSED, report_endorse, actor=officer,
                    version=version, endorsed_by_name="Chair Example (fictional)",
                    endorsed_by_role="Chair of the Assurance Executive",
                    endorsed_on=d("2026-03-18"))

    # Day 13, Thursday 19 March: to the Panel, 2 working days after the meeting and before
    # every plan's day 15.
    with at("2026-03-19", "10:00"):
        walk.do(StepAction.RAPID_REVIEW_SUBMITTED, submission_record, actor=officer,
                review=review, submitted_on=d("2026-03-19"), method="panel_form")

    # The Panel's working day 16, Wednesday 25 March: it agrees; the case moves on to the
    # LCSPR decided on 17 March (6 months: Thursday 17 September).
    with at("2026-03-25", "10:00"):
        walk.do(StepAction.PANEL_RESPONSE_RECEIVED, panel_response_record, actor=officer,
                review=review, received_on=d("2026-03-25"), outcome=PanelResponse.Outcome.AGREES,
                summary="The Panel agrees with the decision (fictional)")
        walk.do(None, case_move_on, actor=officer, review=review, next_step="lcspr")

    # The LCSPR's own dates. The reviewer is appointed on Thursday 26 March: their name goes
    # to the Panel, Ofsted and DfE within 5 working days (Thursday 2 April), on the 27th. A
    # progress checkpoint and a sub-group meeting are set for Wednesday 13 May: the reviewer
    # writes the update the day before, the partners review it and the meeting is held on
    # the day.
    lcspr = Lcspr.objects.get(case=case)
    with at("2026-03-26", "10:00"):
        reviewer = appointed_reviewer(lcspr, officer)
    with at("2026-03-27", "10:00"):
        for recipient, action in LETTER_STEPS.items():
            walk.do(action, reviewer_letter_dispatch_record, actor=officer, lcspr=lcspr,
                    recipient=recipient, method=ReviewerLetterDispatch.Method.EMAIL,
                    sent_on=d("2026-03-27"))
    with at("2026-04-01", "10:00"):
        checkpoint = checkpoint_add(actor=officer, lcspr=lcspr, due_on=d("2026-05-13"))
        item = timetable_item_add(actor=officer, lcspr=lcspr, kind="sub_group_meeting",
                                  title="Review sub-group meeting 2", due_on=d("2026-05-13"))
    with at("2026-05-12", "10:00"):
        walk.do(StepAction.CHECKPOINT_UPDATE_WRITTEN, checkpoint_update_write,
                actor=reviewer.user, checkpoint=checkpoint,
                reviewer_update="On track (fictional)")
    with at("2026-05-13", "16:00"):
        walk.do(StepAction.CHECKPOINT_REVIEWED, checkpoint_review_record, actor=officer,
                checkpoint=checkpoint, reviewed_on=d("2026-05-13"), time_view="On time",
                quality_view="Good")
        walk.do(StepAction.TIMETABLE_ITEM_DONE, timetable_item_done, actor=officer,
                item=item, done_on=d("2026-05-13"))

    # Publication planned for Wednesday 2 September: the final report is due 7 working
    # days before (Friday 21 August, over the bank holiday on 31 August) and goes on the 20th.
    with at("2026-07-01", "10:00"):
        walk.do(None, lcspr_publication_plan, actor=officer, case=case,
                planned_on=d("2026-09-02"))
    # The report is written and approved through the chain (which meets no step) first.
    with at("2026-08-19", "10:00"):
        walk.do(None, _report_approved, officer=officer, case=case)
    with at("2026-08-20", "10:00"):
        walk.do(StepAction.FINAL_REPORT_SENT, lcspr_final_report_sent, actor=officer,
                case=case, sent_on=d("2026-08-20"))

    # The living action plan: the police's action is due on Wednesday 14 October; updates
    # are asked for by Wednesday 16 September. The police update on the 15th and finish,
    # with evidence, on 13 October.
    with at("2026-08-21", "10:00"):
        plan = action_plan_start(actor=officer, case=case)
        recommendation = recommendation_save(
            actor=officer, plan=plan, finding="Information was not shared (fictional)",
            text="By October 2026, 90% of referrals audited record the child's voice")
        action = action_save(actor=officer, plan=plan, recommendation=recommendation,
                             text="Audit 20 referrals", agency=police.agency,
                             lead="Detective Inspector (fictional)", due_on=d("2026-10-14"),
                             outcome="Referrals record it", measure="18 of 20 audited")
        updates_request(actor=officer, plan=plan, due_on=d("2026-09-16"))
    with at("2026-09-15", "10:00"):
        walk.do(StepAction.ACTION_UPDATE_GIVEN, action_update_give, actor=police.user,
                action=action, status="on_track", note="Half audited (fictional)")
    with at("2026-10-13", "10:00"):
        evidence_add(actor=police.user, action=action, kind="audit",
                     description="19 of 20 referrals record the child's voice")
        walk.do(StepAction.ACTION_COMPLETED, action_update_give, actor=police.user,
                action=action, status="complete", note="Audit finished (fictional)")
    return walk


def _report_approved(*, officer, case):
    lcspr, _ = Lcspr.objects.get_or_create(case=case, defaults={"updated_by": officer})
    written_report(lcspr, officer)
    return approved_version(lcspr, officer, partner_representatives(case.partnership))


@pytest.mark.parametrize("name", [t["name"] for t in TEMPLATES])
def test_walking_a_case_on_time_meets_every_step_of_the_plan(name, partnership, make_user):
    walk = _walk(name, partnership, make_user)
    deadlines = list(Deadline.objects.filter(case=walk.case).select_related("step"))

    still_open = sorted(dl.step.key for dl in deadlines if dl.status == DeadlineStatus.OPEN)
    assert still_open == []

    plan = TimelineTemplate.objects.get(partnership=partnership, is_active=True)
    steps = set(plan.steps.values_list("key", flat=True))
    builtin = next(template for template in TEMPLATES if template["name"] == name)
    assert steps == {step["key"] for step in builtin["steps"]}
    # A learning review's steps belong to the other pathway (walked below).
    learning = {step["key"] for step in LEARNING_REVIEW_STEPS}
    assert steps - learning - {dl.step.key for dl in deadlines} == set(), \
        "steps that made no deadline"
    assert {dl.step.template_id for dl in deadlines} == {plan.pk}

    # Closed, not met: telling the Panel of a delay (there was none), and an endorsement
    # the partnership does not ask for.
    closed = {dl.step.key: dl.waived_reason for dl in deadlines
              if dl.status == DeadlineStatus.WAIVED}
    expected = {"tell_panel_if_late": ON_TIME}
    if not partnership.rapid_review_endorsement:
        expected |= {step.key: NOT_ASKED for step in plan.steps.filter(
            met_by=StepAction.REPORT_ENDORSED)}
    assert closed == expected

    # Everything else on time, so met (not met late), by the call doing the step's action.
    done = [dl for dl in deadlines if dl.status != DeadlineStatus.WAIVED]
    assert {(dl.step.key, dl.related_key): (dl.status, walk.met_by.get(dl.pk))
            for dl in done} == {(dl.step.key, dl.related_key): (DeadlineStatus.MET,
                                                                 dl.step.met_by)
                                for dl in done}


@pytest.mark.parametrize("name", [t["name"] for t in TEMPLATES])
def test_a_learning_review_from_triage_meets_its_plans_steps(name, partnership, make_user):
    """Seed 003 flowchart 4: the triage decision opens the learning review; its target is
    met when the business unit marks it done, and no rapid review step is left open."""
    template_adopt(actor=None, partnership=partnership, builtin=TimelineTemplate.objects.get(
        partnership__isnull=True, name=name))
    officer = make_user(Role.BUSINESS_UNIT_OFFICER)
    with at("2026-03-02", "10:00"):
        referral = complete_draft(partnership, incident_on=d("2026-03-01"))
        walk = Walk(referral.case)
        case = walk.do(StepAction.REFERRAL_SUBMITTED, case_services.referral_submit,
                       actor=referral.referrer, referral=referral)
    with at("2026-03-02", "14:00"):
        walk.do(None, case_services.case_take_to_triage, actor=officer, case=case)
        walk.do(None, case_services.triage_decide, actor=officer, case=case,
                meeting_date=d("2026-03-02"), attendees="Review group (fictional)",
                attending_agencies=[], criteria_met=[],
                decision=TriageDecision.Decision.LEARNING_REVIEW_PARTNERSHIP,
                rationale="A near miss with multi-agency learning (fictional)")
    with at("2026-08-03", "10:00"):
        for deadline in Deadline.objects.filter(
                case=case, status=DeadlineStatus.OPEN,
                step__key__in=[step["key"] for step in LEARNING_REVIEW_STEPS]):
            walk.do(StepAction.MARKED_DONE, deadline_mark_done, actor=officer,
                    deadline=deadline, note="Learning agreed by the review group (fictional)")
    deadlines = {dl.step.key: dl for dl in Deadline.objects.filter(case=case)
                 .select_related("step", "anchor_event")}
    for step in LEARNING_REVIEW_STEPS:
        assert deadlines[step["key"]].status == DeadlineStatus.MET
    # Only the local authority's duties stay (not the partnership's to close), and no step
    # of the rapid review the group did not decide on.
    assert {dl.anchor_event.kind for dl in deadlines.values()
            if dl.status == DeadlineStatus.OPEN} <= set(anchors_of(Part.NOTIFICATION))
    assert not [key for key, dl in deadlines.items() if dl.status == DeadlineStatus.OPEN
                and dl.step.met_by in REVIEW_ACTIONS]


# --- Bugs in the services that leave a step unmet (reported; the markers go with the fix) --

WEST_MIDLANDS = "Rapid review plan (West Midlands)"
STOPPED = "Rapid review stopped: the criteria are not met"


@pytest.mark.parametrize("name", [
    t["name"] for t in TEMPLATES])
def test_stopping_the_review_leaves_none_of_its_steps_open(name, partnership, make_user):
    template_adopt(actor=None, partnership=partnership, builtin=TimelineTemplate.objects.get(
        partnership__isnull=True, name=name))
    officer = make_user(Role.BUSINESS_UNIT_OFFICER)
    partner_representatives(partnership)
    with at("2026-03-02"):
        review = review_for(partnership, officer, notified_on=d("2026-03-02"))
    with at("2026-03-03"):
        for kind in (CaseDocument.Kind.PARTNER_LETTER, CaseDocument.Kind.REVIEW_GROUP_LETTER,
                     CaseDocument.Kind.RAPID_REVIEW_LETTER):
            letter_send(actor=officer, case=review.case, kind=kind)
        send_requests(review, [agency_with_user(partnership).agency], officer)
    # Working day 2: the partners decide the criteria are not met, and tell the Panel.
    with at("2026-03-04"):
        rapid_review_stop(actor=officer, review=review, reason="Criteria not met (fictional)",
                          panel_told_on=d("2026-03-04"))
    deadlines = list(Deadline.objects.filter(case=review.case).select_related("step"))
    assert sorted(dl.step.key for dl in deadlines if dl.status == DeadlineStatus.OPEN) == []
    assert {dl.waived_reason for dl in deadlines if dl.status == DeadlineStatus.WAIVED} == {
        STOPPED}


def test_collating_is_the_business_units_collated_returns_not_a_download(partnership,
                                                                         make_user):
    """The collated returns (SCSI-7) carry the merged chronology to the review group, so
    generating them collates; a partner reading the master chronology does not."""
    template_adopt(actor=None, partnership=partnership, builtin=TimelineTemplate.objects.get(
        partnership__isnull=True, name="Rapid review plan (Lincolnshire)"))
    officer = make_user(Role.BUSINESS_UNIT_OFFICER)
    partners = partner_representatives(partnership)
    with at("2026-03-02"):
        review = review_for(partnership, officer, notified_on=d("2026-03-02"))
        request, = send_requests(review, [agency_with_user(partnership).agency], officer)
    with at("2026-03-09"):
        submitted_return(request)
        master_chronology_generate(actor=partners["police"], review=review)
        collate = Deadline.objects.get(case=review.case, step__key="collate_returns")
        assert collate.status == DeadlineStatus.OPEN
        collated_returns_generate(actor=officer, review=review)
    collate.refresh_from_db()
    assert collate.status == DeadlineStatus.MET
