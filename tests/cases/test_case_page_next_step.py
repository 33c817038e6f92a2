"""The case page always shows the stage, the next step with its due date and a link to
where it is done, and what has been done so far; referral actions stop after triage."""

import pytest
from django.urls import reverse

from accounts.models import Role
from cases.models import Stage
from cases.services import case_stage_change
from tests.cases.factories import referred_case
from tests.rapid_review.builders import officer_of, review_for

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
