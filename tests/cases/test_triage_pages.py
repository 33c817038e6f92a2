"""The business unit's referral and triage pages, the case page, and who may open them."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse

from accounts.models import AuditEvent, Role
from accounts.selectors import record_changes_of
from calendars.models import Deadline, DeadlineStatus
from cases import services
from cases.models import Case, Challenge, Stage, TriageDecision
from tests.factories import AgencyFactory

from .builders import adopt_plan
from .factories import referred_case

pytestmark = pytest.mark.django_db
TODAY = datetime.datetime(2026, 11, 25, 12, 0, tzinfo=datetime.UTC)  # a Wednesday


def _date(prefix: str, value: datetime.date) -> dict:
    return {f"{prefix}_0": value.day, f"{prefix}_1": value.month, f"{prefix}_2": value.year}


def _decision_post(decision: str = TriageDecision.Decision.RAPID_REVIEW, **extra) -> dict:
    return {**_date("meeting_date", datetime.date(2026, 11, 25)),
            "attendees": "Chair, local authority\nDesignated nurse, ICB",
            "criteria_definition": ["serious_case"],
            "criteria_lcspr_criteria": ["agencies_working_together"],
            "decision": decision, "rationale": "Neglect suspected and serious harm",
            **extra}


def _executive_post(response: str, **extra) -> dict:
    return {"response": response, "rationale": "The executive's reasons",
            "attendees": "Director of children's services",
            **_date("meeting_date", datetime.date(2026, 11, 25)), **extra}


def _stage(case: Case) -> str:
    case.refresh_from_db()
    return case.stage


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(TODAY):
        yield


@pytest.fixture
def case(partnership):
    adopt_plan(partnership)
    return referred_case(partnership)


@pytest.fixture
def officer(make_user):
    return make_user(Role.BUSINESS_UNIT_OFFICER)


@pytest.fixture
def bu(client, officer):
    client.force_login(officer)
    return client


def _in_triage(case: Case, officer) -> Case:
    return services.case_take_to_triage(actor=officer, case=case)


def test_the_inbox_lists_new_referrals_with_agency_and_status(bu, case):
    response = bu.get(reverse("cases:referral-inbox"))
    html = response.content.decode()
    assert response.status_code == 200
    assert reverse("cases:referral-review", args=[case.reference]) in html
    assert case.referral.referring_agency.name in html
    assert "Testchild Example" in html
    assert '<strong class="govuk-tag govuk-tag--light-blue">Referred</strong>' in html
    Case.objects.filter(pk=case.pk).update(stage=Stage.RAPID_REVIEW)
    assert case.reference not in bu.get(reverse("cases:referral-inbox")).content.decode()


def test_the_referral_page_shows_what_the_agency_submitted(bu, case, officer):
    response = bu.get(reverse("cases:referral-review", args=[case.reference]))
    html = response.content.decode()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.VIEW, actor=officer,
                                     object_id=str(case.pk)).exists()
    for text in ("Testchild Example", "943 476 5919".replace(" ", ""), "Home address",
                 "Fictional test incident", "Sibling placed with family", "Neglect - recent",
                 "Serious harm", "Serious harm with neglect suspected", "Sam Lead-Officer",
                 "Named nurse", "Partner notification of a serious incident",
                 "No questions asked", "Take to triage", "Ask the referrer a question"):
        assert text in html, text


def test_taking_a_referral_to_triage_and_the_refusal_when_already_there(bu, case):
    url = reverse("cases:triage-take", args=[case.reference])
    assert bu.get(url).status_code == 405
    response = bu.post(url)
    assert response.status_code == 302
    assert response.url == reverse("cases:referral-review", args=[case.reference])
    assert _stage(case) == Stage.TRIAGE
    page = bu.get(response.url).content.decode()
    assert f"{case.reference} is in triage" in page
    assert "Record the triage decision" in page and "Take to triage" not in page
    again = bu.post(url)
    html = again.content.decode()
    assert again.status_code == 200
    assert "govuk-error-summary" in html and "<title>Error: " in html
    assert "The case is already at &#x27;Triage&#x27;" in html


def test_a_question_to_the_referrer_waits_for_more_information(bu, case):
    url = reverse("cases:referral-query-ask", args=[case.reference])
    response = bu.post(url, {"question": "   "})
    assert "Enter what you need to know" in response.content.decode()
    assert _stage(case) == Stage.REFERRED
    response = bu.post(url, {"question": "Which school does the child attend?"})
    assert response.status_code == 302
    assert _stage(case) == Stage.MORE_INFORMATION
    page = bu.get(response.url).content.decode()
    assert "Question sent to the referrer" in page
    assert "Which school does the child attend?" in page and "Waiting for an answer" in page
    assert "More information requested" in page


def test_a_question_is_refused_once_the_case_has_moved_on(bu, case):
    Case.objects.filter(pk=case.pk).update(stage=Stage.RAPID_REVIEW)
    response = bu.post(reverse("cases:referral-query-ask", args=[case.reference]),
                       {"question": "Anything else?"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "cannot move to &#x27;More information requested&#x27;" in html
    assert "Anything else?" in html  # what was typed is kept


def test_rapid_review_decision_moves_the_case_and_shows_the_notification_deadline(
        bu, case, officer, partnership):
    agency = AgencyFactory(name="Alphashire Police", partnerships=[partnership])
    _in_triage(case, officer)
    page = bu.get(reverse("cases:triage-decide", args=[case.reference])).content.decode()
    assert "Learning review criteria" in page and "LCSPR criteria" in page
    assert "Circumstances the partners should have regard to" in page
    assert "Alphashire Police" in page and "recommendation to the executive" not in page
    response = bu.post(reverse("cases:triage-decide", args=[case.reference]),
                       _decision_post(attending_agencies=[agency.pk], media_monitoring="on"))
    assert response.status_code == 302
    assert response.url == reverse("cases:case-detail", args=[case.reference])
    case.refresh_from_db()
    assert (case.stage, case.pathway, case.media_monitoring) == (
        "rapid_review", "rapid_review", True)
    # The row history (PostgreSQL): who changed the case in that request, what it was.
    change = record_changes_of(case).filter(after__has_key="pathway").get()
    assert (change.actor, change.request_id) == (officer, response["X-Request-ID"])
    assert (change.before["pathway"], change.after["pathway"]) == ("", "rapid_review")
    decision = case.triage_decisions.get()
    assert decision.criteria_met == ["agencies_working_together", "serious_case"]
    assert list(decision.attending_agencies.all()) == [agency]
    html = bu.get(response.url).content.decode()
    assert "Decision saved: Rapid review: a notifiable serious incident" in html
    assert '<strong class="govuk-tag govuk-tag--orange">Rapid review</strong>' in html
    notify = Deadline.objects.get(case=case, step__key="notify_panel")
    assert notify.due_date == datetime.date(2026, 12, 2)  # 5 working days after 25 November
    assert "Notify the National Panel" in html and "Wed 2 Dec 2026" in html
    assert reverse("cases:case-deadlines", args=[case.reference]) in html
    assert "Highlights or may highlight concerns about two or more agencies" in html


def test_decision_errors_are_explained_and_what_was_typed_is_kept(bu, case, officer):
    url = reverse("cases:triage-decide", args=[case.reference])
    response = bu.post(url, _decision_post())
    assert "Take the referral to triage before recording a decision" in (
        response.content.decode())
    assert bu.get(url).content.decode().count("Take the referral to triage") >= 1
    _in_triage(case, officer)
    response = bu.post(url, _decision_post(rationale="", decision=""))
    html = response.content.decode()
    assert "Explain the reasons for the decision" in html
    assert "Select the decision" in html
    assert "Chair, local authority" in html
    assert re.search(r'value="serious_case"\s+checked="checked"', html)
    response = bu.post(url, _decision_post(**_date("meeting_date", datetime.date(2026, 12, 1))))
    assert "The date of the meeting must be today or in the past" in response.content.decode()
    response = bu.post(url, _decision_post(criteria_definition=["made_up"]))
    assert "Select criteria from the list" in response.content.decode()
    assert _stage(case) == Stage.TRIAGE and not case.triage_decisions.exists()


def test_executive_approval_agree_applies_the_recommendation(bu, case, officer, partnership):
    partnership.triage_needs_executive_approval = True
    partnership.save()
    _in_triage(case, officer)
    url = reverse("cases:triage-decide", args=[case.reference])
    page = bu.get(url).content.decode()
    assert "recommendation to the executive" in page and "Save recommendation" in page
    response = bu.post(url, _decision_post())
    assert response.status_code == 302
    assert _stage(case) == Stage.TRIAGE
    decision = case.triage_decisions.get()
    assert decision.awaiting_executive
    html = bu.get(response.url).content.decode()
    assert "Recommendation saved" in html and "Waiting for the executive" in html
    executive = reverse("cases:triage-executive", args=[case.reference, decision.pk])
    assert executive in html
    refused = bu.post(url, _decision_post())
    assert "The executive has not yet responded to the last recommendation" in (
        refused.content.decode())
    response = bu.post(executive, _executive_post("agree", rationale=""))
    assert "Enter the executive&#x27;s reasons" in response.content.decode()
    response = bu.post(executive, _executive_post("agree"))
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.stage, case.pathway) == ("rapid_review", "rapid_review")
    html = bu.get(response.url).content.decode()
    assert "The executive agreed" in html and "Executive agreed" in html
    assert "The executive&#x27;s reasons" in html
    again = bu.post(executive, _executive_post("disagree"))
    assert "This decision is not waiting for the executive" in again.content.decode()


def test_executive_disagreeing_keeps_the_case_in_triage(bu, case, officer, partnership):
    partnership.triage_needs_executive_approval = True
    partnership.save()
    _in_triage(case, officer)
    bu.post(reverse("cases:triage-decide", args=[case.reference]), _decision_post())
    decision = case.triage_decisions.get()
    url = reverse("cases:triage-executive", args=[case.reference, decision.pk])
    response = bu.post(url, {"rationale": "x", "attendees": "y"})
    html = response.content.decode()
    assert "Select whether the executive agrees" in html
    assert "Enter the date of the executive&#x27;s meeting" in html
    response = bu.post(url, _executive_post(
        "disagree", **_date("meeting_date", datetime.date(2026, 11, 30))))
    assert "must be today or in the past" in response.content.decode()
    response = bu.post(url, _executive_post("disagree"))
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.stage, case.pathway) == ("triage", "")
    html = bu.get(response.url).content.decode()
    assert "The case stays in triage" in html and "Executive did not agree" in html
    assert reverse("cases:triage-decide", args=[case.reference]) in html


def test_challenge_to_no_further_action_recorded_and_upheld(bu, case, officer):
    _in_triage(case, officer)
    bu.post(reverse("cases:triage-decide", args=[case.reference]),
            _decision_post(TriageDecision.Decision.NO_FURTHER_ACTION))
    assert _stage(case) == Stage.NO_FURTHER_ACTION
    decision = case.triage_decisions.get()
    url = reverse("cases:challenge-record", args=[case.reference, decision.pk])
    form = bu.get(url).content.decode()
    agency = case.referral.referring_agency
    assert f'value="{agency.pk}" selected' in form  # the referring agency by default
    response = bu.post(url, {"agency": agency.pk, "grounds": " ",
                             **_date("raised_on", datetime.date(2026, 11, 25))})
    assert "Enter why the agency disagrees" in response.content.decode()
    response = bu.post(url, {"agency": agency.pk, "grounds": "Learning was missed",
                             **_date("raised_on", datetime.date(2026, 12, 25))})
    assert "must be today or in the past" in response.content.decode()
    response = bu.post(url, {"agency": agency.pk, "grounds": "Learning was missed",
                             **_date("raised_on", datetime.date(2026, 11, 25))})
    assert response.status_code == 302
    challenge = Challenge.objects.get()
    assert (challenge.agency, challenge.outcome) == (agency, Challenge.Outcome.PENDING)
    html = bu.get(response.url).content.decode()
    assert "Challenge recorded" in html and "Learning was missed" in html
    resolve = reverse("cases:challenge-resolve", args=[challenge.pk])
    assert resolve in html
    response = bu.post(resolve, {"outcome": "pending", "notes": "x"})
    assert "Select the outcome of the challenge" in response.content.decode()
    response = bu.post(resolve, {"outcome": "upheld", "notes": "The group will look again"})
    assert response.status_code == 302
    assert _stage(case) == Stage.TRIAGE
    assert "The case is back in triage" in bu.get(response.url).content.decode()
    again = bu.post(resolve, {"outcome": "not_upheld", "notes": "Changed our minds"})
    assert "This challenge already has an outcome" in again.content.decode()


def test_viewing_the_case_page_is_audited(bu, case, officer):
    url = reverse("cases:case-detail", args=[case.reference])
    assert bu.get(url).status_code == 200
    assert AuditEvent.objects.filter(action=AuditEvent.Action.VIEW, actor=officer,
                                     object_type="cases.case",
                                     object_id=str(case.pk)).count() == 1
    html = bu.get(url).content.decode()
    assert "Stage: Referred (Referral submitted)" in html


@pytest.fixture
def every_url(case, officer):
    """Every page of this journey, with a decision and a challenge behind it."""
    _in_triage(case, officer)
    decision = services.triage_decide(
        actor=officer, case=case, meeting_date=datetime.date(2026, 11, 25), attendees="Chair",
        attending_agencies=[], criteria_met=[], rationale="Not met",
        decision=TriageDecision.Decision.NO_FURTHER_ACTION)
    challenge = services.challenge_record(
        actor=officer, decision=decision, agency=case.referral.referring_agency,
        raised_on=datetime.date(2026, 11, 25), grounds="Disagree")
    ref = case.reference
    return {
        "cases:case-list": reverse("cases:case-list"),
        "cases:referral-inbox": reverse("cases:referral-inbox"),
        "cases:case-detail": reverse("cases:case-detail", args=[ref]),
        "cases:referral-review": reverse("cases:referral-review", args=[ref]),
        "cases:referral-query-ask": reverse("cases:referral-query-ask", args=[ref]),
        "cases:triage-take": reverse("cases:triage-take", args=[ref]),
        "cases:triage-decide": reverse("cases:triage-decide", args=[ref]),
        "cases:triage-executive": reverse("cases:triage-executive", args=[ref, decision.pk]),
        "cases:challenge-record": reverse("cases:challenge-record", args=[ref, decision.pk]),
        "cases:challenge-resolve": reverse("cases:challenge-resolve", args=[challenge.pk]),
    }


READ_PAGES = {"cases:case-list", "cases:case-detail"}
GET_ONLY = READ_PAGES | {"cases:referral-inbox", "cases:referral-review"}
ACTIONS = {"cases:referral-query-ask", "cases:triage-take", "cases:triage-decide",
           "cases:triage-executive", "cases:challenge-record", "cases:challenge-resolve"}


def test_business_unit_opens_every_page(client, make_user, every_url):
    for role in (Role.BUSINESS_UNIT_OFFICER, Role.BUSINESS_MANAGER):
        client.force_login(make_user(role))
        for name, url in every_url.items():
            expected = 405 if name == "cases:triage-take" else 200
            assert client.get(url).status_code == expected, (role, name)


def test_managers_and_scrutineers_read_only(client, make_user, every_url, case):
    for role in (Role.MANAGER, Role.SCRUTINEER):
        client.force_login(make_user(role))
        for name, url in every_url.items():
            if name in READ_PAGES:
                assert client.get(url).status_code == 200, (role, name)
            else:
                assert client.get(url).status_code == 404, (role, name)
            if name in ACTIONS:
                assert client.post(url, {"question": "x", "outcome": "upheld", "notes": "x",
                                         "grounds": "x"}).status_code == 404, (role, name)
        html = client.get(every_url["cases:case-detail"]).content.decode()
        assert "Testchild Example" in html and "Disagree" in html
        for name in set(every_url) - READ_PAGES - {"cases:referral-inbox"}:
            assert every_url[name] not in html, (role, name)
        assert "What you can do" not in html
    assert Challenge.objects.get().outcome == Challenge.Outcome.PENDING
    assert not case.referral.queries.exists()


@pytest.mark.parametrize("role", list(Role))
def test_other_partnerships_users_get_404_on_every_case_page(client, make_user, every_url,
                                                            case, other_partnership, role):
    client.force_login(make_user(role, partnership=other_partnership))
    for name, url in every_url.items():
        if name in ("cases:case-list", "cases:referral-inbox"):
            continue  # their own partnership's list: checked for leaks below
        assert client.get(url).status_code == 404, name
        if name in ACTIONS:
            assert client.post(url, {"question": "x"}).status_code == 404, name
    if role in (Role.BUSINESS_UNIT_OFFICER, Role.BUSINESS_MANAGER):
        for name in ("cases:case-list", "cases:referral-inbox"):
            response = client.get(every_url[name])
            assert response.status_code == 200
            assert case.reference not in response.content.decode(), name


def test_agency_users_get_404_on_every_page(client, make_user, every_url, case):
    client.force_login(case.referral.referrer)  # even the agency that referred it
    for name, url in every_url.items():
        assert client.get(url).status_code == 404, name
        if name in ACTIONS:
            assert client.post(url, {"question": "x"}).status_code == 404, name
    client.force_login(make_user(Role.AGENCY_USER))
    for name, url in every_url.items():
        assert client.get(url).status_code == 404, name
    assert _stage(case) == Stage.NO_FURTHER_ACTION
    assert Deadline.objects.filter(case=case, status=DeadlineStatus.WAIVED).exists()
