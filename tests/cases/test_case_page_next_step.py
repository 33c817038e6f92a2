"""The case page always shows the stage, the next step with its due date and a link to
where it is done, and what has been done so far; referral actions stop after triage."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from cases.models import Challenge, Child, Involvement, Person, ReferralQuery, Stage
from cases.services import case_stage_change
from tests.cases.factories import referred_case
from tests.lcspr.builders import lcspr_after_rapid_review
from tests.rapid_review.builders import agency_with_user, officer_of, review_for

pytestmark = pytest.mark.django_db


def _page(client, case) -> str:
    return client.get(reverse("cases:case-detail", args=[case.reference])).content.decode()


def test_a_rapid_review_case_shows_its_next_step_with_a_link(client, partnership,
                                                            django_assert_max_num_queries):
    review = review_for(partnership)
    officer = officer_of(partnership)
    client.force_login(officer)
    with django_assert_max_num_queries(15):
        html = _page(client, review.case)
    section = html.split('id="next-step"')[1].split("</div>")[0]
    assert "Due " in section and 'href="/' in section
    assert "Review the referral" not in html  # triage is over
    assert "Read the referral as it was submitted" in html
    assert "Open the rapid review" in html
    assert "What has been done so far" in html and "Done: " in html


def test_a_referral_waiting_for_triage_offers_the_review(client, partnership):
    case = referred_case(partnership)
    client.force_login(officer_of(partnership))
    html = _page(client, case)
    assert "Review the referral" in html and 'id="next-step"' in html


@pytest.mark.parametrize(("stage", "words"), [
    (Stage.NO_FURTHER_ACTION, "Nothing more is due"),
    (Stage.SINGLE_AGENCY_REVIEW, "The case is at its Single-agency review"),
])
def test_a_case_past_its_review_says_what_is_left(client, partnership, stage, words):
    case = referred_case(partnership)
    officer = officer_of(partnership)
    case_stage_change(actor=officer, case=case, to_stage=Stage.TRIAGE)
    case_stage_change(actor=officer, case=case, to_stage=stage)
    case.deadlines.filter(status="open").update(status="waived", waived_reason="Not needed")
    client.force_login(officer)
    html = _page(client, case)
    assert words in html


def test_a_manager_reads_the_next_step_without_a_link_to_do_it(client, partnership,
                                                              make_user):
    review = review_for(partnership)
    client.force_login(make_user(Role.MANAGER))
    html = _page(client, review.case)
    section = html.split('id="next-step"')[1].split("</div>")[0]
    assert "Due " in section and "href" not in section


def test_the_case_page_reads_each_list_in_one_query_with_its_people_and_agencies(
        client, partnership, make_user, django_assert_max_num_queries):
    """Three of everything the page lists (children, family, agencies involved, challenges,
    answered questions): a query per row, or per list's people and agencies, would show."""
    manager = make_user(Role.BUSINESS_MANAGER)
    _lcspr, review, _returned = lcspr_after_rapid_review(partnership, manager)
    case = review.case
    decision = case.triage_decisions.get()
    for i in range(3):
        agency = agency_with_user(partnership, f"Agency {i} (fictional)").agency
        Involvement.objects.create(case=case, agency=agency, nature="Health visits")
        Challenge.objects.create(decision=decision, agency=agency, grounds="Disagrees",
                                 raised_on=datetime.date(2026, 11, 2), recorded_by=manager)
        Child.objects.create(case=case, full_name=f"Sibling{i} Example", gender="not_known",
                             date_of_birth=datetime.date(2018, 1, 1))
        Person.objects.create(case=case, relationship="mother", full_name=f"Parent{i} Example")
        ReferralQuery.objects.create(referral=case.referral, question="When?", answer="Then",
                                     asked_by=manager, answered_by=manager,
                                     answered_at=timezone.now())
    client.force_login(manager)
    _page(client, case)  # the session's first page reads what later ones do not
    with django_assert_max_num_queries(15):
        html = _page(client, case)
    assert "Sibling2 Example" in html and "Agency 2 (fictional)" in html
