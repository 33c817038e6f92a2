"""Every list a page at a time (issue 16): with more rows than a page, each list page shows
one page, its GOV.UK "Next" link opens the next one, and its queries do not grow with the
rows. Pages are made 3 rows long here, so a few rows are more than a page."""

import re

import pytest
from django.urls import reverse

from accounts.models import Role
from config import pagination
from dashboards import overdue
from rapid_review.models import AgencyReturn, InformationRequest
from tests.cases.factories import bulk_cases
from tests.rapid_review.builders import agency_with_user, officer_of, review_for, send_requests

pytestmark = pytest.mark.django_db
ROWS = 3


@pytest.fixture(autouse=True)
def short_pages(monkeypatch):
    monkeypatch.setattr(pagination, "PAGE_SIZE", ROWS)
    monkeypatch.setattr(overdue, "PAGE_SIZE", ROWS)


def _one_page_then_the_next(client, url: str, assert_max, queries: int):
    with assert_max(queries):
        response = client.get(url)
    assert response.status_code == 200, url
    page = response.context["page"]
    assert page.paginator.count > ROWS and len(page.object_list) == ROWS, url
    html = response.content.decode()
    assert 'class="govuk-pagination"' in html
    [following] = re.findall(r'href="([^"]+)" rel="next"', html)
    with assert_max(queries):
        second = client.get(url.split("?")[0] + following.replace("&amp;", "&"))
    assert second.status_code == 200 and second.context["page"].number == 2, url
    assert 'rel="prev"' in second.content.decode()


def test_the_business_units_lists_show_a_page_at_a_time(client, partnership,
                                                       django_assert_max_num_queries):
    officer = officer_of(partnership)
    review = review_for(partnership, officer)
    send_requests(review, [agency_with_user(partnership).agency for _ in range(ROWS + 1)])
    referrer = agency_with_user(partnership)
    bulk_cases(partnership, ROWS + 1, agency=referrer.agency, referrer=referrer.user)
    client.force_login(officer)
    for url in (reverse("calendars:deadlines") + "?show=all",
                reverse("cases:case-deadlines", args=[review.case.reference]),
                reverse("cases:referral-inbox"),
                reverse("rapid_review:chase-list"),
                reverse("dashboards:overdue")):
        _one_page_then_the_next(client, url, django_assert_max_num_queries, 15)


def test_an_agency_reads_its_requests_a_page_at_a_time(client, partnership,
                                                      django_assert_max_num_queries):
    review = review_for(partnership)
    police = agency_with_user(partnership)
    [sent] = send_requests(review, [police.agency])
    # Further information asked for the LCSPR: as many requests to one agency as wanted.
    further = InformationRequest.objects.bulk_create(
        InformationRequest(review=review, agency=police.agency, sent_by=sent.sent_by,
                           sent_at=sent.sent_at, return_deadline=sent.return_deadline,
                           requested_for=InformationRequest.For.LCSPR)
        for _ in range(ROWS))
    AgencyReturn.objects.bulk_create(AgencyReturn(request=r) for r in further)
    client.force_login(police.user)
    _one_page_then_the_next(client, reverse("rapid_review:agency-requests"),
                            django_assert_max_num_queries, 15)


def test_a_case_list_page_past_the_end_shows_the_last(client, partnership, make_user):
    referrer = agency_with_user(partnership)
    bulk_cases(partnership, ROWS + 1, agency=referrer.agency, referrer=referrer.user)
    client.force_login(make_user(Role.BUSINESS_UNIT_OFFICER))
    page = client.get(reverse("cases:referral-inbox") + "?page=99").context["page"]
    assert page.number == 2 and len(page.object_list) == 1
