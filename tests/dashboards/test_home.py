"""Each role's home page is its work queue: each item says what is waiting, by when and for
whom, and links straight to the page where it is done; every list is bounded."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from accounts.models import Role, StatutoryPartner
from calendars.models import Anchor
from calendars.services import anchor_record
from cases import services as case_services
from cases.services import case_create
from rapid_review.models import ReviewReport
from rapid_review.services import terms_agree, terms_save
from rapid_review.services.signoff import report_send_for_signature, report_sign
from tests.cases.builders import adopt_plan, complete_draft
from tests.notifications.builders import partner_representatives
from tests.rapid_review.builders import (
    agency_with_user,
    held_quorate_meeting,
    review_for,
    send_requests,
    submitted_return,
)

pytestmark = pytest.mark.django_db
TODAY = datetime.datetime(2026, 11, 25, 12, tzinfo=datetime.UTC)
d = datetime.date.fromisoformat
HOME = "/"


def _rows(html: str, section: str) -> str:
    start = html.index(f'id="{section}"')
    return html[start:html.index("</section>", start)]


@time_machine.travel(TODAY)
def test_the_officer_sees_each_cases_next_step_one_click_away(client, partnership, make_user,
                                                              django_assert_max_num_queries):
    adopt_plan(partnership)
    officer = make_user(Role.BUSINESS_UNIT_OFFICER)
    referral = complete_draft(partnership)
    case = case_services.referral_submit(actor=referral.referrer, referral=referral)
    client.force_login(officer)
    with django_assert_max_num_queries(15):
        html = client.get(HOME).content.decode()
    steps = _rows(html, "next-steps")
    # Received today: the plan's first step is to inform the partners (SCSI-2) tomorrow.
    assert "Inform the safeguarding partners (SCSI-2)" in steps
    assert reverse("notifications:letters", args=[case.reference]) in steps
    assert "Thu 26 Nov 2026" in steps
    waiting = _rows(html, "referrals-waiting")
    assert reverse("cases:referral-review", args=[case.reference]) in waiting

    # Eleven more cases (each made through the referral services, so few): still a fixed
    # number of queries, ten rows and a count of the rest.
    for _ in range(11):
        more = complete_draft(partnership)
        case_services.referral_submit(actor=more.referrer, referral=more)
    with django_assert_max_num_queries(15):
        html = client.get(HOME).content.decode()
    steps = _rows(html, "next-steps")
    assert steps.count('<tr class="govuk-table__row">') == 11  # a header and ten rows
    assert "And 2 more." in steps and reverse("cases:case-list") in steps


def _out_for_signature(partnership, officer):
    with time_machine.travel(datetime.datetime(2026, 11, 2, 12, tzinfo=datetime.UTC)):
        review = review_for(partnership, officer, notified_on=d("2026-11-02"))
    with time_machine.travel(datetime.datetime(2026, 11, 17, 14, tzinfo=datetime.UTC)):
        meeting = held_quorate_meeting(review, officer, d("2026-11-17"))
        report = ReviewReport.objects.create(
            review=review, sections={"introduction": "A rapid review (fictional)."},
            decision=ReviewReport.Decision.NO_FURTHER_REVIEW, decision_meeting=meeting,
            no_further_learning_reason="Known (fictional)", dissemination="Briefing",
            updated_by=officer)
        version = report_send_for_signature(actor=officer, report=report)
    return review, version


def test_a_partner_finds_the_version_to_sign_and_the_terms_to_agree(
        client, partnership, make_user, django_assert_max_num_queries):
    officer = make_user(Role.BUSINESS_UNIT_OFFICER)
    partners = partner_representatives(partnership)
    review, version = _out_for_signature(partnership, officer)
    with time_machine.travel(datetime.datetime(2026, 11, 18, 12, tzinfo=datetime.UTC)):
        terms = terms_save(actor=officer, review=review, children=list(
            review.case.children.all()), people=[], scope_from=d("2025-11-01"),
            scope_to=d("2026-11-01"), meeting_dates=[d("2026-11-17")],
            returns_due_on=d("2026-11-09"))
        police = partners[StatutoryPartner.POLICE]
        client.force_login(police)
        with django_assert_max_num_queries(15):
            html = client.get(HOME).content.decode()
        sign = _rows(html, "sign-off")
        assert f"Sign version {version.number} of the rapid review report" in sign
        assert reverse("rapid_review:signoff", args=[review.case.reference]) in sign
        # The case reference opens the review's overview, which partners may read.
        assert reverse("rapid_review:overview", args=[review.case.reference]) in sign
        assert "Police" in sign
        agree = _rows(html, "terms-to-agree")
        assert f"Agree version {terms.version} of the terms of reference" in agree
        assert reverse("rapid_review:terms", args=[review.case.reference]) in agree

        report_sign(actor=police, version=version, content_sha256=version.content_sha256,
                    signer_role="Detective Superintendent (fictional)")
        terms_agree(actor=police, terms=terms, version=terms.version)
        html = client.get(HOME).content.decode()
    assert "Nothing is waiting for your signature." in html
    assert "No terms of reference are waiting for your agreement." in html
    # The local authority's representative still has both waiting.
    client.force_login(partners[StatutoryPartner.LOCAL_AUTHORITY])
    html = client.get(HOME).content.decode()
    assert f"Sign version {version.number}" in _rows(html, "sign-off")


@time_machine.travel(TODAY)
def test_an_agency_user_finds_its_requests_and_questions(client, partnership, make_user,
                                                        django_assert_max_num_queries):
    officer = make_user(Role.BUSINESS_UNIT_OFFICER)
    review = review_for(partnership, officer)
    police = agency_with_user(partnership, "Alphashire Police (fictional)")
    request, other = send_requests(review, [police.agency,
                                            agency_with_user(partnership).agency])
    client.force_login(police.user)
    with django_assert_max_num_queries(15):
        html = client.get(HOME).content.decode()
    waiting = _rows(html, "agency-requests")
    assert reverse("rapid_review:return", args=[request.pk]) in waiting
    assert reverse("rapid_review:return", args=[other.pk]) not in waiting  # not theirs
    assert "Wed 2 Dec 2026" in waiting
    submitted_return(request)
    html = client.get(HOME).content.decode()
    assert "There are no information requests waiting for your agency." in html

    referral = complete_draft(partnership, police.user)
    case = case_services.referral_submit(actor=police.user, referral=referral)
    query = case_services.referral_query_ask(actor=officer, referral=case.referral,
                                             question="Which school? (fictional)")
    html = client.get(HOME).content.decode()
    questions = _rows(html, "questions")
    assert reverse("cases:referral-query-answer",
                   kwargs={"reference": case.reference, "pk": query.pk}) in questions


def test_a_manager_sees_what_is_overdue_statutory_first(client, partnership, make_user):
    adopt_plan(partnership)
    case = case_create(actor=None, partnership=partnership)
    with time_machine.travel(TODAY):
        anchor_record(actor=None, case=case, kind=Anchor.REFERRAL_RECEIVED,
                      occurred_on=d("2026-11-02"))
        anchor_record(actor=None, case=case, kind=Anchor.BECAME_AWARE,
                      occurred_on=d("2026-11-02"))
        client.force_login(make_user(Role.MANAGER))
        html = client.get(HOME).content.decode()
    overdue = _rows(html, "overdue")
    first = overdue.index("Notify the National Panel")  # statutory, due 9 November
    assert first < overdue.index("Inform the safeguarding partners (SCSI-2)")
    assert reverse("cases:case-deadlines", args=[case.reference]) in overdue
