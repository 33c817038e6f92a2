"""Drawing up the plan and carrying it out, through the services: the SMART check, the
agencies' evidence, the deadlines and the board's sign-off."""

import datetime

import pytest
from django.utils import timezone

from actionplans.documents import plan_content
from actionplans.models import Action, ActionPlan, Recommendation, Source
from actionplans.services import (
    SmartRefused,
    action_impact_review,
    action_not_implemented,
    action_save,
    action_update_give,
    evidence_add,
    plan_candidates,
    plan_review_record,
    plan_sign_off,
    plan_take_up,
    recommendation_save,
    updates_request,
)
from calendars.models import Deadline, DeadlineStatus, StepAction
from cases.models import CaseDocument, Stage
from cases.services import CaseError
from outbox.models import Message
from tests.actionplans.builders import (
    SMART_POINT,
    VAGUE_POINT,
    plan_from_rapid_review,
    working_day_after,
)
from tests.readback import docx_text

pytestmark = pytest.mark.django_db

MEASURE = "An audit of 20 cases in June 2027 finds the standard met in at least 18"


@pytest.fixture
def story(partnership):
    return plan_from_rapid_review(partnership)


def _take_up_all(story):
    keys = [c.key for c in plan_candidates(story.plan.case)]
    return plan_take_up(actor=story.officer, plan=story.plan, keys=keys)


def _rewrite_what_was_flagged(story):
    """The vague learning point rewritten, and the initial action given its measure."""
    plan = story.plan
    vague = Recommendation.objects.get(plan=plan, text=VAGUE_POINT)
    recommendation_save(actor=story.officer, plan=plan, recommendation=vague,
                        finding=vague.finding, text=SMART_POINT + " (second)")
    [action] = Action.objects.filter(recommendation__plan=plan)
    assert action.smart_flags == ["no_measure"]
    return action_save(actor=story.officer, plan=plan, recommendation=action.recommendation,
                       action=action, text=action.text, agency=action.agency,
                       lead=action.lead, due_on=action.due_on, outcome="", measure=MEASURE)


def _smart_action(story, recommendation, agency, **changes):
    values = {"text": "Run a multi-agency audit of 20 referrals", "agency": agency,
              "lead": "Head of safeguarding (fictional)",
              "due_on": working_day_after(story.plan.case.partnership, 30),
              "outcome": "Referrals record the child's voice", "measure": MEASURE}
    values.update(changes)
    return action_save(actor=story.officer, plan=story.plan, recommendation=recommendation,
                       **values)


def test_the_reviews_learning_becomes_recommendations_once_with_the_vague_one_flagged(story):
    made = _take_up_all(story)
    assert [r.source for r in made] == [Source.RAPID_REVIEW_ACTION,
                                        Source.RAPID_REVIEW_LEARNING,
                                        Source.RAPID_REVIEW_LEARNING]
    vague = next(r for r in made if r.text == VAGUE_POINT)
    smart = next(r for r in made if r.text == SMART_POINT)
    assert vague.smart_flags == ["vague_verb"] and vague.needs_rewriting
    assert smart.smart_flags == []
    initial = next(r for r in made if r.source == Source.RAPID_REVIEW_ACTION)
    [action] = initial.actions.all()
    assert action.agency == story.police.agency
    deadline = Deadline.objects.get(related_key=action.deadline_key)
    assert deadline.responsible_agency == story.police.agency
    assert deadline.due_date == action.due_on and deadline.status == DeadlineStatus.OPEN
    # Taking up again adds nothing.
    assert _take_up_all(story) == []
    assert Recommendation.objects.filter(plan=story.plan).count() == 3


def test_a_vague_recommendation_is_refused_next_to_its_field_until_rewritten_or_kept(story):
    with pytest.raises(SmartRefused) as refused:
        recommendation_save(actor=story.officer, plan=story.plan, finding="Finding",
                            text="Raise awareness of neglect")
    assert "text" in refused.value.message_dict
    assert not Recommendation.objects.filter(plan=story.plan).exists()
    kept = recommendation_save(actor=story.officer, plan=story.plan, finding="Finding",
                               text="Raise awareness of neglect",
                               accept_reason="The board asked for this wording")
    assert kept.smart_flags == ["vague_verb"] and not kept.needs_rewriting
    assert kept.smart_accepted_by == story.officer
    rewritten = recommendation_save(
        actor=story.officer, plan=story.plan, recommendation=kept, finding="Finding",
        text="By June 2027, 80% of staff in an audit of 30 files record neglect tools",
        revision=kept.revision)
    assert rewritten.smart_flags == [] and rewritten.smart_accepted_reason == ""


def test_an_action_without_lead_date_or_measure_or_on_a_bank_holiday_is_flagged(story):
    recommendation = recommendation_save(actor=story.officer, plan=story.plan, finding="",
                                         text=SMART_POINT)
    with pytest.raises(SmartRefused) as refused:
        _smart_action(story, recommendation, story.health.agency, lead="", due_on=None,
                      measure="")
    assert {"lead", "due_on", "measure"} <= set(refused.value.message_dict)
    with pytest.raises(SmartRefused) as refused:
        _smart_action(story, recommendation, story.health.agency,
                      due_on=datetime.date(2027, 12, 27))  # Boxing Day substitute holiday
    assert "not a working day" in refused.value.message_dict["due_on"][0]
    action = _smart_action(story, recommendation, story.health.agency)
    assert action.smart_flags == [] and action.reference == "1.1"


def test_complete_needs_evidence_and_the_business_unit_judges_its_impact(story):
    recommendation = recommendation_save(actor=story.officer, plan=story.plan, finding="",
                                         text=SMART_POINT)
    action = _smart_action(story, recommendation, story.health.agency)
    agency_user = story.health.user
    with pytest.raises(CaseError) as refused:
        action_update_give(actor=agency_user, action=action, status="complete",
                           note="Training done")
    assert "evidence" in refused.value.message_dict["status"][0]
    evidence_add(actor=agency_user, action=action, kind="audit",
                 description="18 of 20 files met the standard")
    action_update_give(actor=agency_user, action=action, status="complete",
                       note="Training done")
    deadline = Deadline.objects.get(related_key=action.deadline_key)
    assert deadline.status == DeadlineStatus.MET
    action_impact_review(actor=story.officer, action=action, outcome="more_needed",
                         note="Send the audit tool and the sample")
    action.refresh_from_db()
    deadline.refresh_from_db()
    assert action.status == Action.Status.ON_TRACK and deadline.status == DeadlineStatus.OPEN
    assert Message.objects.filter(kind="action_more_evidence",
                                  to=agency_user.email).count() == 1
    evidence_add(actor=agency_user, action=action, kind="link",
                 description="The audit tool", url="https://example.org/audit-tool")
    action_update_give(actor=agency_user, action=action, status="complete", note="Sent")
    action_impact_review(actor=story.officer, action=action, outcome="evidenced", note="")
    action.refresh_from_db()
    assert action.impact == Action.Impact.EVIDENCED and not action.is_open
    with pytest.raises(CaseError):
        action_update_give(actor=agency_user, action=action, status="at_risk", note="Oops")


def test_not_implemented_needs_its_reason_and_closes_the_deadline(story):
    recommendation = recommendation_save(actor=story.officer, plan=story.plan, finding="",
                                         text=SMART_POINT)
    action = _smart_action(story, recommendation, story.police.agency)
    with pytest.raises(CaseError):
        action_update_give(actor=story.police.user, action=action, status="not_implemented",
                           note="Stopped")
    action_not_implemented(actor=story.officer, action=action,
                           reason="The national programme replaced it")
    action.refresh_from_db()
    assert action.not_implemented_reason == "The national programme replaced it"
    assert Deadline.objects.get(related_key=action.deadline_key).status == DeadlineStatus.MET


def test_asking_for_updates_gives_each_open_action_a_deadline_and_each_agency_one_email(story):
    recommendation = recommendation_save(actor=story.officer, plan=story.plan, finding="",
                                         text=SMART_POINT)
    first = _smart_action(story, recommendation, story.police.agency)
    _smart_action(story, recommendation, story.police.agency, text="Second police action")
    third = _smart_action(story, recommendation, story.health.agency)
    due = working_day_after(story.plan.case.partnership, 5)
    assert updates_request(actor=story.officer, plan=story.plan, due_on=due) == 3
    updates = Deadline.objects.filter(step__met_by=StepAction.ACTION_UPDATE_GIVEN)
    assert sorted(d.responsible_agency_id for d in updates) == sorted(
        [story.police.agency.pk] * 2 + [story.health.agency.pk])
    assert Message.objects.filter(kind="action_updates_requested").count() == 2
    action_update_give(actor=story.health.user, action=third, status="on_track",
                       note="Half the staff trained")
    assert updates.get(related_key=third.update_key(1)).status == DeadlineStatus.MET
    # A second round closes what the first left open and asks again.
    updates_request(actor=story.officer, plan=story.plan, due_on=due)
    assert updates.get(related_key=first.update_key(1)).status == DeadlineStatus.WAIVED
    assert updates.get(related_key=first.update_key(2)).status == DeadlineStatus.OPEN


def test_the_group_agrees_only_a_smart_plan_and_keeps_the_paper_it_read(story):
    _take_up_all(story)
    today = timezone.localdate()
    with pytest.raises(CaseError) as refused:
        plan_review_record(actor=story.officer, plan=story.plan, met_on=today,
                           decisions="Agreed", plan_agreed=True)
    assert "SMART" in refused.value.message_dict["plan_agreed"][0]
    _rewrite_what_was_flagged(story)
    review = plan_review_record(actor=story.officer, plan=story.plan, met_on=today,
                                decisions="Plan agreed; updates before the next meeting",
                                plan_agreed=True)
    story.plan.refresh_from_db()
    assert story.plan.status == ActionPlan.Status.MONITORING
    assert review.paper.kind == CaseDocument.Kind.ACTION_PLAN
    text = docx_text(bytes(review.paper.docx))
    assert "Recommendation 1" in text and "Audit 20 domestic abuse referrals" in text


def test_the_board_signs_off_only_a_finished_plan_as_read_and_the_case_closes(story):
    _take_up_all(story)
    plan = story.plan
    _rewrite_what_was_flagged(story)
    today = timezone.localdate()
    plan_review_record(actor=story.officer, plan=plan, met_on=today, decisions="Agreed",
                       plan_agreed=True)
    [action] = Action.objects.filter(recommendation__plan=plan)
    plan.refresh_from_db()
    read = plan_content(plan).sha256()
    with pytest.raises(CaseError, match="Still open: 1.1"):
        plan_sign_off(actor=story.officer, plan=plan, signed_off_on=today,
                      board_name="Partnership Board", read_sha256=read)
    evidence_add(actor=story.police.user, action=action, kind="audit",
                 description="20 referrals audited: 19 record the child's voice")
    action_update_give(actor=story.police.user, action=action, status="complete", note="Done")
    action_impact_review(actor=story.officer, action=action, outcome="evidenced", note="")
    with pytest.raises(CaseError, match="changed while you were reading"):
        plan_sign_off(actor=story.officer, plan=plan, signed_off_on=today,
                      board_name="Partnership Board", read_sha256=read)
    plan.refresh_from_db()
    plan_sign_off(actor=story.officer, plan=plan, signed_off_on=today,
                  board_name="Partnership Board", read_sha256=plan_content(plan).sha256())
    plan.refresh_from_db()
    plan.case.refresh_from_db()
    assert plan.status == ActionPlan.Status.SIGNED_OFF and plan.case.stage == Stage.CLOSED
    document = CaseDocument.objects.filter(case=plan.case, kind="action_plan").latest("version")
    assert plan.signed_off_sha256 == document.content_sha256
    assert "Signed off" in docx_text(bytes(document.docx))
    assert not Deadline.objects.filter(case=plan.case, status=DeadlineStatus.OPEN,
                                       step__met_by__in=[StepAction.ACTION_COMPLETED,
                                                         StepAction.ACTION_UPDATE_GIVEN]).exists()
    with pytest.raises(CaseError, match="signed this plan off"):
        recommendation_save(actor=story.officer, plan=plan, finding="", text=SMART_POINT)


def test_an_overdue_action_reminds_its_agency_with_a_link_to_the_action(story):
    """The action's due date is a deadline like every other step: reminded, and escalated
    to the business manager when it is late."""
    import time_machine

    from calendars.services.reminders import reminders_plan, reminders_send
    from tests.factories import user_with_role

    manager = user_with_role(story.plan.case.partnership, "business_manager")
    recommendation = recommendation_save(actor=story.officer, plan=story.plan, finding="",
                                         text=SMART_POINT)
    action = _smart_action(story, recommendation, story.police.agency,
                           due_on=working_day_after(story.plan.case.partnership, 1))
    late = working_day_after(story.plan.case.partnership, 10)
    with time_machine.travel(datetime.datetime.combine(late, datetime.time(9)), tick=False):
        reminders_plan(today=late)
        reminders_send(today=late)
    to_agency = Message.objects.filter(kind="reminder", to=story.police.user.email)
    assert to_agency.exists()
    body = to_agency.first().body
    assert f"/cases/{story.plan.case.reference}/action-plan/actions/{action.pk}/" in body
    assert "Complete the action and send evidence of its impact" in body
    assert Message.objects.filter(kind="reminder", to=manager.email,
                                  subject__startswith="Escalat").exists()
