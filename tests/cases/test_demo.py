import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, User
from calendars.models import AnchorEvent, Deadline, DeadlineStatus
from calendars.services import calendar_for
from calendars.working_days import add_working_days
from cases.models import Case, CaseDocument, DocumentDispatch, Stage
from rapid_review.models import (
    AgencyReturn,
    ChronologyEntry,
    InformationRequest,
    RapidReview,
    TermsAgreement,
)
from rapid_review.selectors import review_clock
from rapid_review.selectors.chronology import scope_period
from rapid_review.selectors.requests import chase_list

pytestmark = pytest.mark.django_db


def test_demo_has_a_case_at_every_referral_and_triage_stage():
    call_command("seed_demo", verbosity=0)
    stages = set(Case.objects.values_list("stage", flat=True))
    assert {Stage.DRAFT, Stage.REFERRED, Stage.MORE_INFORMATION, Stage.TRIAGE,
            Stage.RAPID_REVIEW, Stage.LEARNING_REVIEW, Stage.SINGLE_AGENCY_REVIEW,
            Stage.NO_FURTHER_ACTION} <= stages
    rapid = Case.objects.filter(stage=Stage.RAPID_REVIEW)
    assert all(c.anchor_events.filter(kind="notification_sent").exists() for c in rapid)
    assert all("(fictional)" in name for name in
               Case.objects.values_list("children__full_name", flat=True) if name)


def _counts():
    return {model.__name__: model.objects.count() for model in (
        Case, RapidReview, TermsAgreement, InformationRequest, AgencyReturn, ChronologyEntry,
        CaseDocument, DocumentDispatch, AnchorEvent, Deadline, AuditEvent)}


def test_demo_has_a_rapid_review_on_working_day_6_with_mixed_returns_made_by_the_services(
        client):
    call_command("seed_demo", verbosity=0)
    before = _counts()
    call_command("seed_demo", verbosity=0)
    assert _counts() == before  # running it again changes nothing

    review = RapidReview.objects.get(case__children__full_name="Demo Child 1 (fictional)")
    case = review.case
    assert review_clock(review).day == 6
    calendar = calendar_for(case.partnership_id)
    sent_on = add_working_days(review.started_on, 2, calendar)

    # Letters sent, terms of reference agreed by the three partners for the current version.
    assert DocumentDispatch.objects.filter(document__case=case).count() == 2
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
        User.objects.get(email="officer@demo.example"), case.partnership)}
    assert chase == {"Demoshire Hospitals NHS Trust (fictional)",
                     "Demoshire Community Health: health visiting (fictional)"}
