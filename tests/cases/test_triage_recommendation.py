"""The paper for the executive (seed 002 Appendix D): where the partnership's executive
approves the review group's triage decision, a recommendation of a rapid review is written
up from the decision and the case record, and completed with the executive's response."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from accounts.models import Role
from cases import services
from cases.models import CaseDocument, Child, Involvement, LegalStatus, TriageDecision
from tests.factories import AgencyFactory
from tests.readback import docx_text, flat, pdf_text

from .builders import adopt_plan
from .factories import referred_case

pytestmark = pytest.mark.django_db
TODAY = datetime.datetime(2026, 11, 25, 12, 0, tzinfo=datetime.UTC)
KIND = CaseDocument.Kind.TRIAGE_RECOMMENDATION


def _date(prefix: str, value: datetime.date) -> dict:
    return {f"{prefix}_0": value.day, f"{prefix}_1": value.month, f"{prefix}_2": value.year}


def _row(words: str, *cells: str) -> bool:
    """A table row with these cells, in order, in a Word document's text."""
    return "\n".join(cells) in words


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(TODAY):
        yield


@pytest.fixture
def officer(make_user):
    return make_user(Role.BUSINESS_UNIT_OFFICER)


@pytest.fixture
def case(partnership, officer):
    """In triage, in a partnership whose executive approves the group's decisions; the
    child's record filled in as Appendix D asks."""
    partnership.triage_needs_executive_approval = True
    partnership.save()
    adopt_plan(partnership)
    case = referred_case(partnership)
    Child.objects.filter(case=case).update(
        ethnicity="White British (fictional)", disability="None known",
        legal_status=LegalStatus.CHILD_PROTECTION_PLAN,
        protection_plan_start=datetime.date(2026, 6, 1), protection_plan_category="neglect",
        other_services="Health visiting, 2019 to 2022", address="1 Fictional Street")
    Involvement.objects.create(
        case=case, agency=AgencyFactory(name="Alphashire Health Visiting (fictional)",
                                        partnerships=[partnership]),
        nature="Universal health visiting", from_date=datetime.date(2019, 3, 10),
        to_date=datetime.date(2022, 3, 4))
    return services.case_take_to_triage(actor=officer, case=case)


def _recommend(client, case, decision=TriageDecision.Decision.RAPID_REVIEW):
    return client.post(reverse("cases:triage-decide", args=[case.reference]), {
        **_date("meeting_date", datetime.date(2026, 11, 24)),
        "attendees": "Chair, local authority\nDesignated nurse, ICB",
        "criteria_definition": ["serious_case"],
        "criteria_lcspr_criteria": ["agencies_working_together"],
        "decision": decision, "rationale": "Neglect suspected and serious harm (fictional)"})


def test_a_rapid_review_recommendation_is_written_up_for_the_executive(client, officer, case):
    client.force_login(officer)
    assert _recommend(client, case).status_code == 302
    decision = case.triage_decisions.get()
    assert decision.awaiting_executive
    paper = CaseDocument.objects.get(case=case, kind=KIND)
    assert (paper.version, paper.related_key) == (1, f"triage-decision-{decision.pk}")

    words = docx_text(paper.docx)
    assert words.startswith("Recommendation to the Executive for a Rapid Review")
    for cells in (
            ("Notified by (agency)", case.referral.referring_agency.name),
            ("Date discussed by the review group", "24 November 2026"),
            ("Attended the review group's meeting",
             "Chair, local authority, Designated nurse, ICB"),
            ("Child's full name", "Testchild Example"),
            ("Date of birth", "4 March 2019"),
            ("Date of death (if applicable)", "Not applicable"),
            ("Gender", "Female"),
            ("Ethnicity", "White British (fictional)"),
            ("Disability", "None known"),
            ("Legal status at the time of the incident", "Child protection plan"),
            ("If on a child protection plan: start date and category",
             "Neglect, from 1 June 2026"),
            ("Other services involved at the time or before the incident",
             "Health visiting, 2019 to 2022"),
            ("Alphashire Health Visiting (fictional)", "Universal health visiting",
             "10 March 2019", "4 March 2022"),
            ("Reason for notification", "Serious harm; Neglect (suspected)"),
            ("Date of the incident (the event that triggered this notification)",
             "20 November 2026"),
            ("Characteristics of the incident (suspected or actual)", "Neglect - recent"),
            ("Response", "______________"), ("Date of meeting", "______________")):
        assert _row(words, *cells), cells
    for expected in (
            "20 November 2026, Home address.", "Fictional test incident",
            "Sibling placed with family",
            "Working Together to Safeguard Children 2023, chapter 5",
            "The review group found these criteria met: Abuse or neglect is known or "
            "suspected and the child has died or been seriously harmed; Highlights or may "
            "highlight concerns about two or more agencies working together.",
            "Neglect suspected and serious harm (fictional)",
            "the review group makes the recommendation to the executive to complete a "
            "notification to the National Panel on this serious child safeguarding incident",
            "15 working days from the notification to complete a rapid review",
            "the group would welcome feedback on the decision"):
        assert expected in words, expected
    text = flat(pdf_text(paper.pdf))
    assert "Testchild Example" in text and "OFFICIAL-SENSITIVE" in text
    assert "makes the recommendation to the executive to complete a notification" in text
    for left_out in ("943 476 5919", "9434765919", "1 Fictional Street"):
        assert left_out not in words and left_out not in text

    # Linked for the business unit from the case page and the executive's response page.
    download = reverse("cases:document-download", args=[case.reference, paper.pk, "pdf"])
    page = client.get(reverse("cases:case-detail", args=[case.reference])).content.decode()
    assert download in page and "Recommendation to the executive (PDF, version 1)" in page
    executive = reverse("cases:triage-executive", args=[case.reference, decision.pk])
    assert download in client.get(executive).content.decode()
    response = client.get(download)
    assert response.status_code == 200 and bytes(response.content) == bytes(paper.pdf)


def test_the_executives_response_completes_the_paper_in_a_new_version(client, officer, case):
    client.force_login(officer)
    _recommend(client, case)
    decision = case.triage_decisions.get()
    response = client.post(
        reverse("cases:triage-executive", args=[case.reference, decision.pk]),
        {"response": "agree", "rationale": "The criteria are met (fictional)",
         "attendees": "Director of children's services\nChief superintendent",
         **_date("meeting_date", datetime.date(2026, 11, 25))})
    assert response.status_code == 302
    first, second = CaseDocument.objects.filter(case=case, kind=KIND).order_by("version")
    assert (first.version, second.version) == (1, 2)
    assert first.related_key == second.related_key
    assert "______________" in docx_text(first.docx)  # what was taken to the meeting stays
    words = docx_text(second.docx)
    for cells in (("Response", "The executive agrees with the recommendation"),
                  ("Rationale", "The criteria are met (fictional)"),
                  ("Date of meeting", "25 November 2026"),
                  ("Attendees", "Director of children's services, Chief superintendent")):
        assert _row(words, *cells), cells
    assert "______________" not in words
    assert "The executive agrees with the recommendation" in flat(pdf_text(second.pdf))
    page = client.get(reverse("cases:case-detail", args=[case.reference])).content.decode()
    assert reverse("cases:document-download", args=[case.reference, second.pk, "pdf"]) in page
    assert reverse("cases:document-download", args=[case.reference, first.pk, "pdf"]) \
        not in page


def test_a_disagreement_is_recorded_on_the_paper_and_the_next_recommendation_has_its_own(
        officer, case):
    first = services.triage_decide(
        actor=officer, case=case, meeting_date=datetime.date(2026, 11, 24), attendees="Chair",
        attending_agencies=[], criteria_met=["serious_case"], rationale="Notifiable",
        decision=TriageDecision.Decision.RAPID_REVIEW)
    services.triage_executive_respond(
        actor=officer, decision=first, response="disagree", rationale="Not yet (fictional)",
        meeting_date=datetime.date(2026, 11, 25), attendees="")
    second = services.triage_decide(
        actor=officer, case=case, meeting_date=datetime.date(2026, 11, 25), attendees="Chair",
        attending_agencies=[], criteria_met=["serious_case"], rationale="Now notifiable",
        decision=TriageDecision.Decision.RAPID_REVIEW)
    papers = CaseDocument.objects.filter(case=case, kind=KIND)
    assert sorted(papers.values_list("related_key", "version")) == sorted([
        (f"triage-decision-{first.pk}", 1), (f"triage-decision-{first.pk}", 2),
        (f"triage-decision-{second.pk}", 1)])
    words = docx_text(papers.get(related_key=f"triage-decision-{first.pk}", version=2).docx)
    assert _row(words, "Response", "The executive does not agree with the recommendation")
    assert _row(words, "Attendees", "Not recorded")


def test_no_paper_without_a_rapid_review_recommendation_for_the_executive(
        client, officer, case, partnership):
    client.force_login(officer)
    _recommend(client, case, TriageDecision.Decision.NO_FURTHER_ACTION)
    assert case.triage_decisions.get().awaiting_executive
    assert not CaseDocument.objects.filter(case=case, kind=KIND).exists()
    assert "Paper for the executive" not in client.get(
        reverse("cases:case-detail", args=[case.reference])).content.decode()

    partnership.triage_needs_executive_approval = False
    partnership.save()
    other = services.case_take_to_triage(actor=officer, case=referred_case(partnership))
    _recommend(client, other)
    assert not other.triage_decisions.get().needs_executive_approval
    assert not CaseDocument.objects.filter(case=other, kind=KIND).exists()


def test_the_paper_is_for_the_case_readers_only(client, officer, case, make_user):
    client.force_login(officer)
    _recommend(client, case)
    paper = CaseDocument.objects.get(case=case, kind=KIND)
    url = reverse("cases:document-download", args=[case.reference, paper.pk, "pdf"])
    for role in (Role.PARTNER_REPRESENTATIVE, Role.AGENCY_USER):
        client.force_login(make_user(role))
        assert client.get(url).status_code == 404, role
    client.force_login(make_user(Role.BUSINESS_MANAGER))
    assert client.get(url).status_code == 200
