"""Learning reviews and single-agency reviews (seed 003 flowchart 4, seed 002 "A Learning
Review"): the triage decision opens one of its kind with its own target; its pages and
documents use its own name, and the LCSPR-only parts (the reviewer's name to the Panel,
Ofsted and DfE, the 6 month target, publication and the final report) are not there."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Partnership, Role
from calendars.models import Anchor, CalendarDay
from calendars.services import calendar_day_add, deadlines_recompute
from cases.models import Stage, TriageDecision
from cases.services import (
    EditConflict,
    case_create,
    case_take_to_triage,
    triage_decide,
    triage_executive_respond,
)
from lcspr.models import Lcspr
from lcspr.services import (
    lcspr_final_report_sent,
    lcspr_open,
    lcspr_target_revise,
    lcspr_terms_document,
    lcspr_terms_save,
    learning_review_method_save,
    reviewer_letter,
)
from tests.cases.builders import adopt_plan, agency_user
from tests.cases.factories import referred_case
from tests.factories import AgencyFactory
from tests.lcspr.builders import appointed_reviewer, full_sub_group
from tests.readback import docx_text, flat, has_name, pdf_text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]
d = datetime.date.fromisoformat
LCSPR_ONLY = ("Reviewer's name to the Panel", "6 month target", "Planned publication",
              "Final report to the Panel", "Local child safeguarding practice review",
              "Back to the LCSPR")


@pytest.fixture
def officer(make_user):
    return make_user(Role.BUSINESS_UNIT_OFFICER)


def decided(partnership, officer, decision, *, meeting_date=datetime.date(2027, 1, 5)):
    adopt_plan(partnership)
    case = referred_case(partnership)
    case_take_to_triage(actor=officer, case=case)
    return triage_decide(actor=officer, case=case, meeting_date=meeting_date,
                         attendees="Review group (fictional)", attending_agencies=[],
                         criteria_met=[], decision=decision,
                         rationale="A near miss with learning for the area (fictional)")


@pytest.fixture
def learning(partnership, officer):
    decision = decided(partnership, officer,
                       TriageDecision.Decision.LEARNING_REVIEW_PARTNERSHIP)
    return Lcspr.objects.select_related("case").get(case=decision.case)


@pytest.mark.parametrize(("decision", "kind"), [
    (TriageDecision.Decision.LEARNING_REVIEW_PARTNERSHIP, Lcspr.Kind.LEARNING_REVIEW),
    (TriageDecision.Decision.LEARNING_REVIEW_AGENCY, Lcspr.Kind.LEARNING_REVIEW),
    (TriageDecision.Decision.SINGLE_AGENCY_REVIEW, Lcspr.Kind.SINGLE_AGENCY_REVIEW),
])
def test_the_triage_decision_opens_a_review_of_its_kind_with_its_own_target(
        partnership, officer, decision, kind):
    case = decided(partnership, officer, decision).case
    review = Lcspr.objects.get(case=case)
    assert (review.kind, review.decided_on, review.decided_by) == (
        kind, d("2027-01-05"), Lcspr.DecidedBy.PARTNERS)
    assert case.anchor_events.get(
        kind=Anchor.DECISION_TO_START_LEARNING_REVIEW).occurred_on == d("2027-01-05")
    # 6 calendar months on the partnership's calendar: Monday 5 July 2027.
    target = case.deadlines.get(step__key="complete_learning_review")
    assert (target.due_date, target.step.calendar) == (d("2027-07-05"), "partnership")
    assert not case.deadlines.filter(step__key__in=["complete_lcspr",
                                                    "send_final_lcspr_report"]).exists()


def test_where_the_executive_approves_its_meeting_is_the_decision(partnership, officer):
    Partnership.objects.filter(pk=partnership.pk).update(triage_needs_executive_approval=True)
    partnership.refresh_from_db()
    decision = decided(partnership, officer, TriageDecision.Decision.SINGLE_AGENCY_REVIEW)
    assert not Lcspr.objects.filter(case=decision.case).exists()  # a recommendation only
    triage_executive_respond(actor=officer, decision=decision,
                             response=TriageDecision.ExecutiveResponse.AGREE,
                             rationale="Agreed (fictional)", meeting_date=d("2027-01-06"),
                             attendees="Assurance Executive (fictional)")
    review = Lcspr.objects.get(case=decision.case)
    assert (review.decided_on, review.decided_by) == (
        d("2027-01-06"), Lcspr.DecidedBy.ASSURANCE_EXECUTIVE)
    assert review.case.deadlines.get(
        step__key="complete_learning_review").due_date == d("2027-07-06")


def test_the_method_and_the_leading_agency_are_recorded(partnership, officer, make_user):
    decision = decided(partnership, officer, TriageDecision.Decision.LEARNING_REVIEW_AGENCY)
    review = Lcspr.objects.select_related("case").get(case=decision.case)
    school = AgencyFactory(partnerships=[partnership], name="Alphashire School (fictional)")
    elsewhere = AgencyFactory(name="Betashire Police (fictional)")
    with pytest.raises(ValidationError, match="Select the agency leading the learning review"):
        learning_review_method_save(actor=officer, lcspr=review,
                                    method=Lcspr.Method.CRITICAL_MOMENT, leading_agency=None)
    with pytest.raises(ValidationError, match="an agency of this partnership"):
        learning_review_method_save(actor=officer, lcspr=review,
                                    method=Lcspr.Method.CRITICAL_MOMENT,
                                    leading_agency=elsewhere)
    with pytest.raises(ValidationError, match="Select how the learning review"):
        learning_review_method_save(actor=officer, lcspr=review,
                                    method=Lcspr.Method.AGENCY_PROCESS, leading_agency=school)
    saved = learning_review_method_save(actor=officer, lcspr=review, revision=0,
                                        method=Lcspr.Method.CRITICAL_MOMENT,
                                        leading_agency=school)
    assert (saved.method, saved.leading_agency, saved.method_revision) == (
        Lcspr.Method.CRITICAL_MOMENT, school, 1)
    # A form read before that save does not overwrite it.
    with pytest.raises(EditConflict) as refused:
        learning_review_method_save(actor=make_user(), lcspr=review, revision=0,
                                    method=Lcspr.Method.DESK_TOP, leading_agency=school)
    assert refused.value.current == 1
    review.refresh_from_db()
    assert review.method == Lcspr.Method.CRITICAL_MOMENT


def test_the_lcspr_only_parts_are_refused_for_a_learning_review(learning, officer):
    appointed_reviewer(learning, officer)
    with pytest.raises(ValidationError, match="Only an LCSPR's reviewer"):
        reviewer_letter(actor=officer, lcspr=learning)
    with pytest.raises(ValidationError):
        lcspr_final_report_sent(actor=officer, case=learning.case, sent_on=d("2027-01-06"))
    with pytest.raises(ValidationError, match="learning review has already been started"):
        lcspr_open(actor=officer, case=learning.case, decided_on=d("2027-01-06"))


def test_the_pages_say_learning_review_and_hide_the_lcspr_only_parts(
        client, partnership, learning, make_user, django_assert_max_num_queries):
    manager = make_user(Role.BUSINESS_MANAGER)
    full_sub_group(learning, manager)
    learning_review_method_save(actor=manager, lcspr=learning, method=Lcspr.Method.DESK_TOP,
                                leading_agency=None)
    client.force_login(manager)
    reference = learning.case.reference
    with django_assert_max_num_queries(15):
        page = client.get(reverse("lcspr:overview", args=[reference])).content.decode()
    assert "<h1 class=\"govuk-heading-l\">Learning review</h1>" in page
    assert "Desk-top review" in page
    assert "Optional" in page  # a desk-top review needs no appointed reviewer
    assert reverse("lcspr:method", args=[reference]) in page
    for words in LCSPR_ONLY:
        assert words not in page, words
    for name in ("sub-group", "terms", "checkpoints", "family", "practitioners", "target",
                 "parallel-processes"):
        other = client.get(reverse(f"lcspr:{name}", args=[reference])).content.decode()
        assert "Back to the learning review" in other, name
        assert "LCSPR" not in other.split("<main", 1)[1], name
    for name in ("reviewer-letter", "publication-plan", "final-report-sent"):
        assert client.get(reverse(f"lcspr:{name}", args=[reference])).status_code == 404
    case_page = client.get(reverse("cases:case-detail", args=[reference])).content.decode()
    assert "Open the learning review" in case_page
    assert "The LCSPR: publication" not in case_page
    # The business unit's home queue names the review's target and links to the review.
    learning.case.deadlines.exclude(step__key="complete_learning_review").update(
        status="waived", waived_reason="Not needed (fictional)")
    home = client.get(reverse("dashboards:home")).content.decode()
    assert "Complete the learning review" in home
    assert reverse("lcspr:overview", args=[reference]) in home


def test_the_method_page_keeps_what_was_typed(client, partnership, officer):
    decision = decided(partnership, officer, TriageDecision.Decision.SINGLE_AGENCY_REVIEW)
    reference = decision.case.reference
    AgencyFactory(partnerships=[partnership], name="Alphashire Hospital (fictional)")
    client.force_login(officer)
    url = reverse("lcspr:method", args=[reference])
    page = client.get(url).content.decode()
    assert "How the single-agency review will be carried out" in page
    assert "initial fact find" in page and "Professional de-brief" not in page
    response = client.post(url, {"method": "agency_process", "leading_agency": "",
                                 "revision": "0"})
    body = response.content.decode()
    assert "govuk-error-summary" in body
    assert "Select the agency leading the single-agency review" in body
    assert re.search(r'value="agency_process"\s+checked', body)
    overview = reverse("lcspr:overview", args=[reference])
    hospital = decision.case.partnership.agencies.get(name="Alphashire Hospital (fictional)")
    response = client.post(url, {"method": "agency_process", "leading_agency": hospital.pk,
                                 "revision": "0"})
    assert response.status_code == 302 and response.url == overview
    page = client.get(overview).content.decode()
    assert "Single-agency review" in page and "Alphashire Hospital (fictional)" in page


def test_the_terms_of_reference_read_back_as_the_learning_reviews(partnership, officer,
                                                                  make_user):
    decision = decided(partnership, officer, TriageDecision.Decision.LEARNING_REVIEW_AGENCY)
    review = Lcspr.objects.select_related("case").get(case=decision.case)
    school = AgencyFactory(partnerships=[partnership], name="Alphashire School (fictional)")
    learning_review_method_save(actor=officer, lcspr=review,
                                method=Lcspr.Method.PROFESSIONAL_DEBRIEF, leading_agency=school)
    appointed_reviewer(review, make_user(Role.BUSINESS_MANAGER))
    terms = lcspr_terms_save(
        actor=officer, lcspr=review, agencies=[school], version=0,
        questions="What helped the school share its concern? (fictional)",
        scope_from=d("2026-06-01"), scope_to=d("2026-12-01"), method="A professional de-brief",
        child_perspective="Through the child's teacher", practitioner_involvement="A de-brief",
        family_involvement="The father will be told of the review",
        communications_lead="Partnership communications officer")
    document = lcspr_terms_document(actor=officer, terms=terms)
    for text in (docx_text(document.docx), pdf_text(document.pdf, layout=False)):
        text = flat(text)
        for part in ("Terms of Reference for the Learning Review",
                     "decided on 5 January 2027 to start a learning review, led by "
                     "Alphashire School (fictional)",
                     "carried out as a professional de-brief", "5 July 2027",
                     "What helped the school share its concern? (fictional)",
                     "Robin Reviewer-Example", review.case.reference):
            assert has_name(text, part), part
        for wrong in ("Local Child Safeguarding Practice Review", "6 months", "LCSPR", "seed",
                      "Lcspr"):
            assert wrong not in text, wrong


def test_who_may_see_it_is_unchanged(client, partnership, learning, make_user):
    """The seeds give an agency that carries out a review no access to the partnership's
    record of it: the leading agency's users see nothing of it, as before."""
    school = AgencyFactory(partnerships=[partnership], name="Alphashire School (fictional)")
    officer = make_user(Role.BUSINESS_UNIT_OFFICER)
    learning.case.pathway = "learning_review_agency"
    learning.case.save(update_fields=["pathway"])
    learning_review_method_save(actor=officer, lcspr=learning,
                                method=Lcspr.Method.CRITICAL_MOMENT, leading_agency=school)
    reference = learning.case.reference
    client.force_login(agency_user(partnership, school))
    for name in ("overview", "terms", "method", "sub-group"):
        assert client.get(reverse(f"lcspr:{name}", args=[reference])).status_code == 404
    other = Partnership.objects.create(name="Betashire (fictional)", code="BETA")
    client.force_login(make_user(Role.BUSINESS_MANAGER, partnership=other))
    assert client.get(reverse("lcspr:overview", args=[reference])).status_code == 404
    # A reader of the case reads the review, but only the business unit changes it.
    client.force_login(make_user(Role.SCRUTINEER))
    assert client.get(reverse("lcspr:overview", args=[reference])).status_code == 200
    assert client.get(reverse("lcspr:method", args=[reference])).status_code == 404


def test_a_case_at_a_learning_review_without_its_record_is_started_by_hand(
        client, partnership, officer):
    adopt_plan(partnership)
    case = case_create(actor=None, partnership=partnership, stage=Stage.LEARNING_REVIEW)
    client.force_login(officer)
    page = client.get(reverse("lcspr:overview", args=[case.reference])).content.decode()
    assert "Start the learning review" in page
    url = reverse("lcspr:commission", args=[case.reference])
    body = client.post(url, {"decided_by": "partners", "key_lines_of_enquiry": "Kept"}
                       ).content.decode()
    assert "Enter the date the decision to start the learning review was made" in body
    assert "Kept" in body
    response = client.post(reverse("lcspr:commission", args=[case.reference]), {
        "decided_on_0": "4", "decided_on_1": "1", "decided_on_2": "2027",
        "decided_by": "partners", "key_lines_of_enquiry": ""})
    assert response.status_code == 302
    review = Lcspr.objects.get(case=case)
    assert (review.kind, review.decided_on) == (Lcspr.Kind.LEARNING_REVIEW, d("2027-01-04"))
    assert case.deadlines.get(step__key="complete_learning_review").due_date == d("2027-07-02")


def test_its_reviewer_finds_it_by_its_name_and_sees_nothing_else(client, learning, officer):
    reviewer = appointed_reviewer(learning, officer)
    client.force_login(reviewer.user)
    home = client.get(reverse("dashboards:home")).content.decode()
    assert "Your learning review" in home and "Your local child" not in home
    assert reverse("lcspr:overview", args=[learning.case.reference]) in home
    assert client.get(reverse("lcspr:overview",
                              args=[learning.case.reference])).status_code == 200
    assert client.get(reverse("cases:case-detail",
                              args=[learning.case.reference])).status_code == 404


def test_its_target_is_revised_with_a_reason_and_kept_when_the_calendar_changes(
        partnership, learning, officer):
    revision = lcspr_target_revise(actor=officer, lcspr=learning, revised_on=d("2027-09-01"),
                                   reason="The inquest is in August (fictional)")
    assert (revision.previous_on, revision.revised_on) == (d("2027-07-05"), d("2027-09-01"))
    target = learning.case.deadlines.get(step__key="complete_learning_review")
    assert target.due_date == d("2027-09-01")
    # A new closure day makes the calendar count every deadline again: the revision stands.
    calendar_day_add(actor=None, partnership=partnership, date=d("2027-03-01"),
                     kind=CalendarDay.Kind.CLOSURE, reason="Training day (fictional)")
    deadlines_recompute(partnership=partnership)
    target.refresh_from_db()
    assert target.due_date == d("2027-09-01")


def test_its_report_goes_through_the_lighter_chain_then_to_its_action_plan(
        learning, officer, partnership):
    """No final report to the Panel: once the partners endorse it, their decision on
    publishing moves the case to its action plan and meets the review's target."""
    from lcspr.services.publication import publication_decide
    from tests.lcspr.builders import approved_version, written_report
    from tests.notifications.builders import partner_representatives

    written_report(learning, officer)
    version = approved_version(learning, officer, partner_representatives(partnership))
    assert [stage["kind"] for stage in version.chain][-1] == "partners"
    publication_decide(actor=officer, lcspr=learning, decision="not_publish",
                       decided_on=d("2027-01-06"),
                       decided_by="The three safeguarding partners",
                       reason="Shared through a seven-minute briefing instead (fictional)")
    learning.case.refresh_from_db()
    assert learning.case.stage == Stage.ACTION_PLAN
    target = learning.case.deadlines.get(
        anchor_event__kind=Anchor.DECISION_TO_START_LEARNING_REVIEW)
    assert target.status == "met"
