import datetime
import functools

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import Agency, AuditEvent, Membership, Partnership, User
from actionplans.models import (
    Action,
    ActionPlan,
    ActionUpdate,
    Evidence,
    PlanReview,
    Recommendation,
    ScrutinyAudit,
    Source,
)
from actionplans.selectors import agency_actions, evidence_to_review
from actionplans.services import not_yet_smart
from calendars.models import AnchorEvent, Deadline, DeadlineStatus
from calendars.selectors import my_deadlines
from calendars.services import calendar_for
from calendars.working_days import add_working_days, is_working_day, working_days_between
from cases.models import Case, CaseDocument, DocumentDispatch, Stage
from rapid_review.models import (
    AgencyReturn,
    ChronologyEntry,
    InformationRequest,
    PanelResponse,
    PanelSubmission,
    PartnerSignature,
    RapidReview,
    ReportVersion,
    ReviewMeeting,
    ReviewReport,
    TermsAgreement,
)
from rapid_review.selectors import review_clock
from rapid_review.selectors.chronology import scope_period
from rapid_review.selectors.requests import chase_list
from rapid_review.selectors.signoff import signoff_state
from rapid_review.services.signoff import report_sign

pytestmark = pytest.mark.django_db(transaction=True)


def test_demo_tells_each_stages_story_and_running_it_again_changes_nothing(demo, client):
    """The demo as ``seed_demo`` made it (the run's one seeding, shared with the browser
    journeys: tests/conftest.py), seeded again (which changes nothing), then each story
    checked: seeding takes half a minute, so the checks share it."""
    before = _counts()
    call_command("seed_demo", on_a_served_instance=True, verbosity=0)
    assert _counts() == before
    _a_case_at_every_referral_and_triage_stage()
    _a_rapid_review_on_working_day_6_with_mixed_returns_made_by_the_services(client)
    _rapid_reviews_waiting_for_signatures_submitted_and_with_a_panel_response(client)
    _lcsprs_at_every_stage_and_a_learning_review(client)
    _action_plans_from_a_rapid_review_an_lcspr_and_a_learning_review(client)


def _a_case_at_every_referral_and_triage_stage():
    stages = set(Case.objects.values_list("stage", flat=True))
    assert {Stage.DRAFT, Stage.REFERRED, Stage.MORE_INFORMATION, Stage.TRIAGE,
            Stage.RAPID_REVIEW, Stage.LEARNING_REVIEW, Stage.SINGLE_AGENCY_REVIEW,
            Stage.NO_FURTHER_ACTION} <= stages
    rapid = Case.objects.filter(stage=Stage.RAPID_REVIEW)
    not_told = rapid.get(children__full_name="Demo Child 14 (fictional)")
    assert all(c.anchor_events.filter(kind="notification_sent").exists()
               for c in rapid.exclude(pk=not_told.pk))
    # The Panel not told: the local authority's 5 working days from the referral, 8 working
    # days before the last working day, ran out 3 working days ago.
    notify = not_told.deadlines.get(step__key="notify_panel")
    assert notify.status == DeadlineStatus.OPEN and notify.step.calendar == "statutory"
    assert working_days_between(notify.due_date, add_working_days(timezone.localdate(), 0)) == 3
    assert all("(fictional)" in name for name in
               Case.objects.values_list("children__full_name", flat=True) if name)


def _counts():
    return {model.__name__: model.objects.count() for model in (
        Partnership, Agency, User, Membership, Case, RapidReview, TermsAgreement,
        InformationRequest, AgencyReturn, ChronologyEntry,
        CaseDocument, DocumentDispatch, AnchorEvent, Deadline, AuditEvent, ReviewMeeting,
        ReviewReport, ReportVersion, PartnerSignature, PanelSubmission, PanelResponse,
        ActionPlan, Recommendation, Action, ActionUpdate, Evidence, PlanReview, ScrutinyAudit)}


def _a_rapid_review_on_working_day_6_with_mixed_returns_made_by_the_services(client):

    review = RapidReview.objects.get(case__children__full_name="Demo Child 1 (fictional)")
    case = review.case
    assert review_clock(review).day == 6
    calendar = calendar_for(case.partnership_id)
    sent_on = add_working_days(review.started_on, 2, calendar)

    # Letters sent, terms of reference agreed by the three partners for the current version.
    assert DocumentDispatch.objects.filter(document__case=case).count() == 3  # SCSI-2, 3, 4
    terms = review.terms_of_reference
    assert terms.scope_from and terms.scope_to and terms.meeting_dates and terms.members.exists()
    assert terms.returns_due_on == add_working_days(sent_on, 5, calendar)
    assert set(terms.agreements.filter(version=terms.version)
               .values_list("agreed_by__email", flat=True)) == {
        "la.partner@demo.example", "police.partner@demo.example", "icb.partner@demo.example"}

    # Four requests sent on working day 2, their anchors and deadlines on that date.
    requests = {r.agency.name: r for r in review.information_requests.select_related(
        "agency", "agency_return")}
    assert len(requests) == 4
    for request in requests.values():
        assert timezone.localdate(request.sent_at) == sent_on
        assert request.due_on == add_working_days(sent_on, 5, calendar)
        anchor = case.anchor_events.get(kind="information_request_sent",
                                        related_key=request.deadline_key)
        assert anchor.occurred_on == sent_on
        assert anchor.deadlines.get(step__key="agency_returns_due").due_date == request.due_on
    assert not AnchorEvent.objects.filter(related_key__startswith="demo-request").exists()
    assert sum(r.receipt_confirmed_at is not None for r in requests.values()) == 2

    police = requests["Demoshire Constabulary (fictional)"].agency_return
    assert police.status == AgencyReturn.Status.SUBMITTED and not police.is_nil_return
    assert police.authorised_by and not police.submitted_late
    assert police.chronology_entries.count() == 6
    scope = scope_period(review)
    assert [scope.excludes(e.date) for e in police.chronology_entries.all()].count(True) == 1
    school = requests["Make-Believe Primary Academy (fictional)"].agency_return
    assert school.status == AgencyReturn.Status.SUBMITTED and school.is_nil_return
    hospital = requests["Demoshire Hospitals NHS Trust (fictional)"].agency_return
    assert hospital.status == AgencyReturn.Status.DRAFT and hospital.summary
    assert hospital.chronology_entries.count() == 2
    health_visiting = requests[
        "Demoshire Community Health: health visiting (fictional)"].agency_return
    assert health_visiting.status == AgencyReturn.Status.DRAFT
    assert not health_visiting.summary and not health_visiting.chronology_entries.exists()
    for agency_return in (police, school):
        submitted_on = timezone.localdate(agency_return.submitted_at)
        assert sent_on < submitted_on < timezone.localdate()
        deadline = case.deadlines.get(step__key="agency_returns_due",
                                      related_key=agency_return.request.deadline_key)
        assert deadline.status == DeadlineStatus.MET
        assert timezone.localdate(deadline.met_at) == submitted_on
    assert not case.deadlines.filter(status=DeadlineStatus.MISSED).exists()

    client.force_login(User.objects.get(email="officer@demo.example"))
    overview = client.get(reverse("rapid_review:overview", args=[case.reference]))
    assert "working day 6 of 15" in overview.content.decode()
    chase = {row.request.agency.name for row in chase_list(
        User.objects.get(email="officer@demo.example"), case.partnership)
        if row.request.review.case_id == case.pk}  # the mid-way LCSPR's request is chased too
    assert chase == {"Demoshire Hospitals NHS Trust (fictional)",
                     "Demoshire Community Health: health visiting (fictional)"}


def _review(child: str) -> RapidReview:
    return RapidReview.objects.select_related("case").get(
        case__children__full_name=f"{child} (fictional)")


def _on(moment: datetime.datetime) -> datetime.date:
    return timezone.localdate(moment)


def _day(review: RapidReview, n: int) -> datetime.date:
    """Working day n of the review, by its partnership's calendar."""
    return add_working_days(review.started_on, n, calendar_for(review.case.partnership_id))


def _rapid_reviews_waiting_for_signatures_submitted_and_with_a_panel_response(client):
    officer = User.objects.get(email="officer@demo.example")
    client.force_login(officer)
    for child, day in (("Demo Child 6", 13), ("Demo Child 7", 18), ("Demo Child 8", 25)):
        review = _review(child)
        case = review.case
        # Notified ``day`` working days ago; once submitted (on day 15), the clock stops.
        assert working_days_between(review.started_on, timezone.localdate()) == day
        assert review_clock(review).day == (15 if day > 15 else day)
        on = functools.partial(_day, review)

        # A quorate meeting on working day 11 decided a local CSPR, with key lines of enquiry.
        report = review.report
        meeting = report.decision_meeting
        assert meeting.held_on == on(11) and _on(meeting.attendance_confirmed_at) == on(11)
        assert {"la_representative", "police_representative", "icb_representative"} <= set(
            meeting.attendees.values_list("role", flat=True))
        assert report.decision == ReviewReport.Decision.LOCAL_CSPR
        assert report.key_lines_of_enquiry and report.sections["conclusions"]
        assert report.learning_items.count() == 2 and _on(report.decided_at) == on(11)
        assert {_on(r.edited_at) for r in report.revisions.all()} <= {on(9), on(10), on(11)}

        # Version 1 frozen on working day 12, its documents stored with it.
        version = signoff_state(review).version
        assert version.number == 1 and _on(version.frozen_at) == on(12)
        assert not report.versions.filter(voided_at__isnull=False).exists()
        assert set(case.documents.filter(related_key="report-version-1").values_list(
            "kind", flat=True)) == {CaseDocument.Kind.RAPID_REVIEW_REPORT,
                                    CaseDocument.Kind.DECISION_RECORD,
                                    CaseDocument.Kind.DECISION_RECORD_LETTER}
        for step in ("collate_returns", "rapid_review_meeting", "send_decision_record"):
            assert case.deadlines.get(step__key=step).status == DeadlineStatus.MET
        assert not case.deadlines.filter(status=DeadlineStatus.MISSED).exists()

        for name in ("overview", "signoff", "submission"):
            assert client.get(reverse(f"rapid_review:{name}",
                                      args=[case.reference])).status_code == 200

    # Waiting: the police signed on day 12; the local authority and the ICB have not.
    waiting = _review("Demo Child 6")
    state = signoff_state(waiting)
    signed = {p.partner: p.signature for p in state.partners if p.signature}
    assert list(signed) == ["police"]
    assert _on(signed["police"].signed_at) == _day(waiting, 12)
    assert not state.all_signed and not hasattr(waiting, "submission")
    assert waiting.case.deadlines.get(step__key="partners_sign").status == DeadlineStatus.OPEN

    # Submitted on working day 15 after the three signatures on days 12 to 14.
    for child in ("Demo Child 7", "Demo Child 8"):
        review = _review(child)
        on = functools.partial(_day, review)
        state = signoff_state(review)
        assert state.all_signed
        assert sorted(_on(p.signature.signed_at) for p in state.partners) == [
            on(12), on(13), on(14)]
        submission = PanelSubmission.objects.get(review=review)
        assert submission.version == state.version
        assert submission.submitted_on == on(15) and submission.working_day == 15
        assert submission.method == PanelSubmission.Method.PANEL_FORM
        assert _on(submission.recorded_at) == on(15)
        signed_record = review.case.documents.get(kind=CaseDocument.Kind.DECISION_RECORD,
                                                  related_key="report-version-1-signed")
        assert signed_record.version == 1 and _on(signed_record.created_at) == on(14)
        for step in ("partners_sign", "submit_rapid_review"):
            assert review.case.deadlines.get(step__key=step).status == DeadlineStatus.MET
    assert not _review("Demo Child 7").panel_responses.exists()

    # The Panel agreed on working day 22.
    answered = _review("Demo Child 8")
    response = answered.panel_responses.get()
    assert response.outcome == PanelResponse.Outcome.AGREES
    assert response.received_on == _day(answered, 22) and response.summary

    # A demo partner can sign the waiting review's version.
    version = signoff_state(waiting).version
    report_sign(actor=User.objects.get(email="la.partner@demo.example"), version=version,
                content_sha256=version.content_sha256,
                signer_role="Director of Children's Services (fictional)")
    assert signoff_state(waiting).status_for("local_authority").signature is not None


def _lcsprs_at_every_stage_and_a_learning_review(client):
    from lcspr.models import Lcspr

    reviewer = User.objects.get(email="reviewer@demo.example")
    lcsprs = list(Lcspr.objects.filter(kind=Lcspr.Kind.LCSPR)
                  .select_related("case", "reviewer", "terms").order_by("case__reference"))
    assert len(lcsprs) == 4
    for lcspr in lcsprs:
        assert lcspr.reviewer.user == reviewer
        assert lcspr.members.count() == 3 and lcspr.terms.version == 1
    commissioning, mid_way, awaiting, published = lcsprs
    assert {lcspr.case.stage for lcspr in lcsprs[:3]} == {Stage.LCSPR}
    assert not commissioning.checkpoints.exists()
    (checkpoint,) = mid_way.checkpoints.all()
    assert checkpoint.due_on < timezone.localdate() and checkpoint.reviewed_on is None
    assert checkpoint.reviewer_update
    assert mid_way.case.rapid_review.information_requests.filter(
        requested_for="lcspr").count() == 1
    review_due = mid_way.case.deadlines.get(related_key=checkpoint.deadline_key,
                                            step__met_by="checkpoint_reviewed")
    assert (review_due.due_date, review_due.status) == (checkpoint.due_on, "open")
    assert mid_way.timetable.count() == 4 and not commissioning.timetable.exists()
    client.force_login(reviewer)
    home = client.get(reverse("dashboards:home")).content.decode()
    for lcspr in lcsprs[:3]:
        assert reverse("lcspr:overview", args=[lcspr.case.reference]) in home
    overview = client.get(reverse("lcspr:overview", args=[mid_way.case.reference]))
    assert overview.status_code == 200 and "Overdue" in overview.content.decode()
    # Awaiting publication: approved through the chain, anonymised, the final report due.
    from lcspr.services.approval import approved_version
    from lcspr.services.redaction import ready_copy

    assert approved_version(awaiting) is not None and ready_copy(awaiting) is not None
    final_due = awaiting.case.deadlines.get(step__key="send_final_lcspr_report")
    assert final_due.status == "open" and final_due.due_date > timezone.localdate()
    assert not awaiting.final_report_dispatches.exists()
    # Published: sent to all three in time, published today, on to its action plan.
    assert published.case.stage == Stage.ACTION_PLAN
    assert published.publication.published_on == timezone.localdate()
    assert published.final_report_dispatches.count() == 3
    assert published.case.deadlines.get(step__key="send_final_lcspr_report").status == "met"
    client.force_login(User.objects.get(email="manager@demo.example"))
    page = client.get(reverse("lcspr:publication", args=[published.case.reference]))
    assert page.status_code == 200 and "demoshire.example" in page.content.decode()
    # The triage decisions opened a learning review (in progress) and a single-agency review.
    learning = Lcspr.objects.select_related("case").get(kind=Lcspr.Kind.LEARNING_REVIEW)
    assert learning.case.stage == Stage.LEARNING_REVIEW
    assert learning.method == Lcspr.Method.PROFESSIONAL_DEBRIEF
    assert learning.members.count() == 3 and learning.terms.version == 1
    assert Lcspr.objects.get(kind=Lcspr.Kind.SINGLE_AGENCY_REVIEW).decided_on is not None


def _action_plans_from_a_rapid_review_an_lcspr_and_a_learning_review(client):
    today = timezone.localdate()
    plans = ActionPlan.objects.select_related("case__partnership")
    assert plans.count() == 3
    rapid = plans.get(case__rapid_review__next_step="action_plan")
    lcspr = plans.get(case__lcspr__kind="lcspr")
    learning = plans.get(case__lcspr__kind="learning_review")
    calendar = calendar_for(rapid.case.partnership_id)
    actions = {plan: list(Action.objects.filter(recommendation__plan=plan)
                          .select_related("agency")) for plan in (rapid, lcspr, learning)}
    for plan, owned in actions.items():
        # Agreed by the group, every due date a working day, nothing left for the SMART check.
        assert plan.status == ActionPlan.Status.MONITORING
        assert plan.reviews.get().plan_agreed and plan.reviews.get().paper is not None
        assert owned and all(is_working_day(a.due_on, calendar) for a in owned)
        assert not_yet_smart(plan) == 0
        assert any(a.status == Action.Status.ON_TRACK for a in owned)
    kept = Recommendation.objects.exclude(smart_flags=[])
    assert [(r.plan, r.smart_flags) for r in kept] == [(learning, ["vague_verb"])]
    assert kept.get().smart_accepted_reason
    assert not Action.objects.exclude(smart_flags=[]).exists()

    # The rapid review decided no further review; the Panel agreed; its learning rewritten.
    review = rapid.case.rapid_review
    assert review.next_step == "action_plan" and rapid.case.stage == Stage.ACTION_PLAN
    assert review.report.decision == ReviewReport.Decision.NO_FURTHER_REVIEW
    assert review.panel_responses.get().outcome == PanelResponse.Outcome.AGREES
    assert set(rapid.recommendations.values_list("source", flat=True)) == {
        Source.RAPID_REVIEW_ACTION, Source.RAPID_REVIEW_LEARNING}
    assert rapid.recommendations.filter(revision__gt=0).count() == 2
    by_status = {a.status: a for a in actions[rapid]}
    evidenced = by_status[Action.Status.COMPLETE]
    assert evidenced.impact == Action.Impact.EVIDENCED and evidenced.evidence.exists()
    assert by_status[Action.Status.NOT_IMPLEMENTED].not_implemented_reason
    overdue = by_status[Action.Status.AT_RISK]
    assert overdue.due_on < today and overdue.is_open
    deadline = rapid.case.deadlines.get(related_key=overdue.deadline_key)
    assert (deadline.status, deadline.due_date) == (DeadlineStatus.OPEN, overdue.due_on)
    assert rapid.reviews.get().met_on < today and rapid.updates_due_on > today
    assert rapid.case.deadlines.filter(step__key="action_update", status=DeadlineStatus.OPEN,
                                       due_date=rapid.updates_due_on).count() == 2

    # The LCSPR's plan: the hospital's evidence waits for the business unit; an audit asked.
    waiting = evidence_to_review(lcspr.case.partnership).get()
    assert waiting.recommendation.plan == lcspr and waiting.evidence.get().file is not None
    assert {a.status for a in actions[lcspr]} == {
        Action.Status.COMPLETE, Action.Status.ON_TRACK, Action.Status.AT_RISK,
        Action.Status.NOT_STARTED}
    audit = lcspr.audits.get()
    assert audit.completed_on is None and audit.due_on > today and audit.actions.count() == 2
    # The learning review's small plan: one action not implemented, the others on track.
    assert sorted(a.status for a in actions[learning]) == [
        Action.Status.NOT_IMPLEMENTED, Action.Status.ON_TRACK, Action.Status.ON_TRACK]

    # Each demo agency user finds its actions; the hospital's overdue one among its deadlines.
    partnership = rapid.case.partnership
    for email in ("agency@demo.example", "school@demo.example", "police@demo.example"):
        assert agency_actions(User.objects.get(email=email), partnership).exists(), email
    hospital = User.objects.get(email="agency@demo.example")
    assert deadline in my_deadlines(hospital, partnership)
    client.force_login(hospital)
    page = client.get(reverse("actionplans:my-actions")).content.decode()
    assert reverse("actionplans:action", args=[rapid.case.reference, overdue.pk]) in page
