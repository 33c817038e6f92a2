"""The case list: filters, search, pagination that keeps them, and a fixed number of queries.
The filters are posted and kept in the session: a child's name is in no address."""

import datetime
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from calendars import services as calendar_services
from calendars.models import Anchor
from cases.models import Case, Child, Pathway, Referral, Stage
from tests.factories import AgencyFactory

from .builders import adopt_plan, agency_user
from .factories import bulk_cases

pytestmark = pytest.mark.django_db
TODAY = datetime.datetime(2026, 11, 25, 12, 0, tzinfo=datetime.UTC)
URL = reverse("cases:case-list")


def _date(prefix: str, value: datetime.date) -> dict:
    return {f"{prefix}_0": value.day, f"{prefix}_1": value.month, f"{prefix}_2": value.year}


def _references(response) -> list[str]:
    return [case.reference for case in response.context["page"]]


def _filter(client, data: dict) -> str:
    """Post the filters as the page's form does: the address the browser is sent to holds
    their token only."""
    response = client.post(URL, data)
    assert response.status_code == 303
    assert re.fullmatch(rf"{URL}\?filters=[\w-]{{22}}", response["Location"]), response
    return response["Location"]


def _get(client, data: dict, page=None):
    return client.get(_filter(client, data) + (f"&page={page}" if page else ""))


@pytest.fixture
def many(partnership):
    """500 referred cases, a few of them different in one way each."""
    with time_machine.travel(TODAY):
        adopt_plan(partnership)
        agency = AgencyFactory(name="Bulkshire Community Health", partnerships=[partnership])
        cases = bulk_cases(partnership, 500, agency=agency,
                           referrer=agency_user(partnership, agency))
        Child.objects.filter(case=cases[0]).update(full_name="Zebedee Quill")
        Case.objects.filter(pk__in=[c.pk for c in cases[1:6]]).update(stage=Stage.TRIAGE)
        Case.objects.filter(pk__in=[c.pk for c in cases[6:9]]).update(
            stage=Stage.RAPID_REVIEW, pathway=Pathway.RAPID_REVIEW)
        october_first = datetime.datetime(2026, 10, 1, 12, tzinfo=datetime.UTC)
        Case.objects.filter(pk__in=[c.pk for c in cases[10:14]]).update(
            created_at=october_first - datetime.timedelta(days=3))  # started as a draft
        Referral.objects.filter(case__in=cases[10:14]).update(submitted_at=october_first)
        northern = AgencyFactory(name="Northern Lights Hospital", partnerships=[partnership])
        Referral.objects.filter(case=cases[20]).update(referring_agency=northern)
        for case in cases[30:32]:  # notify the Panel was due on 9 November: overdue
            calendar_services.anchor_record(actor=None, case=case, kind=Anchor.BECAME_AWARE,
                                            occurred_on=datetime.date(2026, 11, 2))
    return cases


@time_machine.travel(TODAY)
def test_the_list_pages_and_keeps_to_a_fixed_number_of_queries(
        client, make_user, many, django_assert_max_num_queries):
    client.force_login(make_user(Role.BUSINESS_UNIT_OFFICER))
    searches = [({}, None), ({}, 2), ({}, 10), ({"search": "Quill"}, None),
                ({"search": "ALPHA-2026-0042"}, None), ({"search": "northern lights"}, None),
                ({"stage": "triage"}, None), ({"pathway": "rapid_review"}, None),
                ({"overdue": "on"}, None),
                ({**_date("referred_from", datetime.date(2026, 9, 1)),
                  **_date("referred_to", datetime.date(2026, 10, 31))}, None),
                ({"search": "Bulkchild", "stage": "referred", "overdue": "on"}, 1)]
    for data, page in searches:
        url = (_filter(client, data) + (f"&page={page}" if page else "") if data
               else f"{URL}?page={page}")
        with django_assert_max_num_queries(10):
            response = client.get(url)
        assert response.status_code == 200, data
    response = client.get(URL)
    assert len(response.context["page"]) == 50
    assert response.context["page"].paginator.count == 500
    html = response.content.decode()
    assert "Showing 1 to 50 of 500 cases" in html
    first = many[-1]  # newest first
    assert f'href="{reverse("cases:case-detail", args=[first.reference])}"' in html
    assert "Bulkchild Number0500" in html
    last_page = client.get(URL + "?page=10")
    assert len(last_page.context["page"]) == 50
    assert many[0].reference in _references(last_page)


@time_machine.travel(TODAY)
def test_pagination_links_keep_the_filters(client, make_user, many):
    client.force_login(make_user(Role.BUSINESS_MANAGER))
    url = _filter(client, {"search": "Bulkchild", "stage": "referred"})
    token = url.split("=")[1]
    response = client.get(url)
    html = response.content.decode()
    assert response.context["page"].paginator.count == 500 - 5 - 3 - 1  # not triage, rapid
    # review or renamed
    assert f'href="?filters={token}&amp;page=2"' in html
    page_two = client.get(f"{url}&page=2")
    assert f'href="?filters={token}&amp;page=1"' in page_two.content.decode()
    assert set(_references(page_two)).isdisjoint(_references(response))
    assert 'value="Bulkchild"' in page_two.content.decode()  # the search box keeps it


@time_machine.travel(TODAY)
def test_filters_and_search(client, make_user, many):
    client.force_login(make_user(Role.SCRUTINEER))
    assert _references(_get(client, {"search": "quill"})) == [many[0].reference]
    assert _references(_get(client, {"search": "alpha-2026-0042"})) == [many[41].reference]
    assert _references(_get(client, {"search": "Northern Lights"})) == [many[20].reference]
    assert sorted(_references(_get(client, {"stage": "triage"}))) == sorted(
        c.reference for c in many[1:6])
    rapid = _get(client, {"pathway": "rapid_review"})
    assert sorted(_references(rapid)) == sorted(c.reference for c in many[6:9])
    assert "Rapid review (notifiable serious incident)" in rapid.content.decode()
    october = {**_date("referred_from", datetime.date(2026, 10, 1)),
               **_date("referred_to", datetime.date(2026, 10, 1))}
    assert sorted(_references(_get(client, october))) == sorted(
        c.reference for c in many[10:14])
    since = _date("referred_from", datetime.date(2026, 10, 2))
    assert _get(client, since).context["page"].paginator.count == 496
    overdue = _get(client, {"overdue": "on"})
    assert sorted(_references(overdue)) == sorted(c.reference for c in many[30:32])
    assert "govuk-tag--red" in overdue.content.decode()
    combined = _get(client, {"search": "Bulkchild", "stage": "triage", "overdue": "on"})
    assert _references(combined) == []
    assert "No cases match these filters" in combined.content.decode()


@time_machine.travel(TODAY)
def test_bad_filter_input_is_explained_not_a_server_error(client, make_user, many):
    client.force_login(make_user(Role.MANAGER))
    response = _get(client, {**_date("referred_from", datetime.date(2026, 10, 1)),
                             "referred_from_0": "31", "referred_from_1": "2"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "Date referred from must be a real date" in html
    assert 'value="31"' in html  # what was typed is kept
    response = _get(client, {"referred_from_0": "1", "referred_from_1": "",
                             "referred_from_2": "2026"})
    assert "Date referred from must include a month" in response.content.decode()
    response = _get(client, {"stage": "nonsense"}, page=999)
    assert response.status_code == 200
    assert "Select a stage from the list" in response.content.decode()
    response = _get(client, {**_date("referred_from", datetime.date(2026, 11, 2)),
                             **_date("referred_to", datetime.date(2026, 11, 1))})
    assert ("The date referred to must be the same as or after the date referred from"
            in response.content.decode())
    assert client.get(URL + "?page=abc").status_code == 200


@time_machine.travel(TODAY)
def test_only_case_readers_of_the_partnership_see_its_cases(client, make_user, many,
                                                            partnership, other_partnership):
    for role in (Role.AGENCY_USER, Role.PARTNER_REPRESENTATIVE, Role.REVIEWER,
                 Role.ADMINISTRATOR):
        client.force_login(make_user(role))
        assert client.get(URL).status_code == 404, role
    client.force_login(make_user(Role.BUSINESS_UNIT_OFFICER, partnership=other_partnership))
    response = client.get(URL)
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 0
    assert client.get(reverse("cases:case-detail",
                              args=[many[0].reference])).status_code == 404


ADDRESSES = re.compile(r'(?:href|action|src)="([^"]*)"')


@time_machine.travel(TODAY)
def test_a_childs_name_searched_for_is_in_no_address_the_browser_is_sent_to(
        client, make_user, many):
    client.force_login(make_user(Role.BUSINESS_UNIT_OFFICER))
    form = client.get(URL).content.decode()
    [tag] = [t for t in re.findall(r"<form\s[^>]*>", form)
             if "sign-out" not in t and "keep-alive" not in t]
    assert 'method="post"' in tag and f'action="{URL}"' in tag, tag
    response = client.post(URL, {"search": "Bulkchild Number", "stage": ""}, follow=True)
    [(address, status)] = response.redirect_chain
    assert status == 303 and "bulkchild" not in address.lower()
    for page in (1, 2):
        html = response.content.decode()
        assert f"of {500 - 1} cases" in html and "Bulkchild Number" in html  # found, shown
        addresses = ADDRESSES.findall(html)
        assert addresses and not [a for a in addresses if "bulkchild" in a.lower()]
        if page == 1:
            [next_page] = re.findall(r'href="(\?filters=[\w-]+&amp;page=2)" rel="next"', html)
            response = client.get(URL + next_page.replace("&amp;", "&"))
            assert response.context["page"].number == 2


@time_machine.travel(TODAY)
def test_a_search_is_kept_for_the_session_that_made_it_and_never_read_from_the_address(
        client, make_user, many):
    client.force_login(make_user(Role.BUSINESS_UNIT_OFFICER))
    address = _filter(client, {"search": "Quill"})
    assert _references(client.get(address)) == [many[0].reference]
    someone_else = Client()
    someone_else.force_login(make_user(Role.BUSINESS_MANAGER))
    response = someone_else.get(address)
    assert response.context["page"].paginator.count == 500
    assert "That search has ended" in response.content.decode()
    # A name typed into the address by hand filters nothing.
    assert client.get(URL + "?search=Quill").context["page"].paginator.count == 500
    response = client.post(URL, {"search": " ", "stage": "", "referred_from_0": ""})
    assert response.status_code == 303 and response["Location"] == URL  # nothing entered
