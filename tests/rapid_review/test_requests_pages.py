"""The business unit's pages: requests, sending, receipt, reading and reopening, chasing."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from accounts.models import Role
from rapid_review.models import AgencyReturn, InformationRequest
from rapid_review.services import rapid_review_stop
from tests.factories import AgencyFactory, MembershipFactory

from .builders import (
    agency_with_user,
    officer_of,
    review_for,
    send_requests,
    submitted_return,
)

pytestmark = pytest.mark.django_db
SENT = datetime.datetime(2026, 11, 25, 10, 0, tzinfo=datetime.UTC)
LATER = datetime.datetime(2026, 12, 7, 10, 0, tzinfo=datetime.UTC)  # Mon, 3 WD after due


@pytest.fixture
def review(partnership):
    with time_machine.travel(SENT):
        return review_for(partnership)


def _url(name, review, **kwargs):
    return reverse(f"rapid_review:{name}", kwargs={"reference": review.case.reference,
                                                   **kwargs})


@time_machine.travel(SENT)
def test_the_send_page_prefills_the_professional_network_and_sends(client, review,
                                                                   partnership):
    client.force_login(officer_of(partnership))
    network = agency_with_user(partnership, "Alphashire Health Visiting (fictional)",
                               phone="01632 960123")
    review.case.involvements.create(agency=network.agency, nature="Health visiting")
    extra = agency_with_user(partnership, "Alphashire Probation (fictional)")
    response = client.get(_url("requests-send", review))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'value="{network.agency.pk}" checked' in html
    assert f'value="{extra.agency.pk}" data-aria' in html  # listed, not selected
    assert "01632 960123" in html and "Friday 27 November 2026" in html

    response = client.post(_url("requests-send", review), {
        "agencies": [network.agency.pk, extra.agency.pk],
        f"reason_{network.agency.pk}": "child", f"reason_{extra.agency.pk}": "perpetrator"})
    assert response.status_code == 302
    assert dict(review.information_requests.values_list("agency__name", "reason")) == {
        network.agency.name: "child", extra.agency.name: "perpetrator"}

    page = client.get(_url("requests", review)).content.decode()
    assert "Alphashire Probation (fictional)" in page
    assert "Worked with the suspected perpetrator" in page and "Not returned yet" in page
    again = client.get(_url("requests-send", review)).content.decode()
    assert network.agency.name not in again  # already asked: not offered again


@time_machine.travel(SENT)
def test_send_errors_are_shown_next_to_the_field(client, review, partnership):
    client.force_login(officer_of(partnership))
    agency = agency_with_user(partnership).agency
    response = client.post(_url("requests-send", review), {})
    assert response.status_code == 200
    assert "Select the agencies to send information requests to" in response.content.decode()
    assert 'href="#id_agencies"' in response.content.decode()
    response = client.post(_url("requests-send", review), {"agencies": [agency.pk]})
    assert f"Select why {agency.name} is being asked" in response.content.decode()
    assert f'value="{agency.pk}" checked' in response.content.decode()  # nothing lost
    assert not InformationRequest.objects.exists()


@time_machine.travel(SENT)
def test_a_double_send_is_refused_with_a_message(client, review, partnership):
    client.force_login(officer_of(partnership))
    agency = agency_with_user(partnership).agency
    form = {"agencies": [agency.pk], f"reason_{agency.pk}": "child"}
    assert client.post(_url("requests-send", review), form).status_code == 302
    response = client.post(_url("requests-send", review), form)
    assert response.status_code == 200
    assert review.information_requests.count() == 1


@time_machine.travel(SENT)
def test_a_stopped_review_sends_nothing(client, review, partnership):
    officer = officer_of(partnership)
    rapid_review_stop(actor=officer, review=review, reason="Criteria not met",
                      panel_told_on=review.started_on)
    client.force_login(officer)
    assert client.get(_url("requests-send", review)).status_code == 404
    assert "Send information requests</a>" not in client.get(
        _url("requests", review)).content.decode()


@time_machine.travel(SENT)
def test_receipt_errors_keep_the_note(client, review, partnership):
    [request] = send_requests(review, [agency_with_user(partnership).agency])
    client.force_login(officer_of(partnership))
    url = _url("request-receipt", review, pk=request.pk)
    response = client.post(url, {"confirmed_on_0": "26", "confirmed_on_1": "11",
                                 "confirmed_on_2": "2026", "note": "Spoke to the SLO"})
    html = response.content.decode()
    assert "must be today or in the past" in html and "Spoke to the SLO" in html
    response = client.post(url, {"confirmed_on_0": "25", "confirmed_on_1": "11",
                                 "confirmed_on_2": "2026", "note": "Spoke to the SLO"})
    assert response.status_code == 302
    assert "Spoke to the SLO" in client.get(_url("requests", review)).content.decode()


@time_machine.travel(SENT)
def test_the_business_unit_reads_and_reopens_a_submitted_return(client, review, partnership):
    [request] = send_requests(review, [agency_with_user(partnership).agency])
    client.force_login(officer_of(partnership))
    assert client.get(_url("return-reopen", review, pk=request.pk)).status_code == 404
    submitted_return(request)
    page = client.get(_url("return-view", review, pk=request.pk)).content.decode()
    assert "Six routine contacts" in page and "Pat Example-Lead" in page
    response = client.post(_url("return-reopen", review, pk=request.pk), {"reason": ""})
    assert "Enter why the return is being reopened" in response.content.decode()
    response = client.post(_url("return-reopen", review, pk=request.pk),
                           {"reason": "Add the school nurse contacts"})
    assert response.status_code == 302
    request.agency_return.refresh_from_db()
    assert request.agency_return.status == AgencyReturn.Status.REOPENED


def test_requests_page_shows_late_and_overdue_and_nil_returns(client, review, partnership):
    with time_machine.travel(SENT):
        on_time, late, missing = send_requests(
            review, [agency_with_user(partnership, f"Agency {n} (fictional)").agency
                     for n in "ABC"])
        submitted_return(on_time, nil=True)
    with time_machine.travel(LATER):
        submitted_return(late)
        client.force_login(officer_of(partnership))
        page = client.get(_url("requests", review)).content.decode()
    assert "Nil return" in page and "Late" in page and "Overdue" in page


@pytest.mark.slow
def test_the_chase_list_shows_unreturned_requests_oldest_first_in_bounded_queries(
        client, partnership, other_partnership, django_assert_max_num_queries):
    officer = officer_of(partnership)
    with time_machine.travel(SENT):
        first = review_for(partnership)
        police = agency_with_user(partnership, "Alphashire Police (fictional)",
                                  phone="01632 960999")
        [old] = send_requests(first, [police.agency])
    with time_machine.travel(datetime.datetime(2026, 12, 1, 10, 0, tzinfo=datetime.UTC)):
        second = review_for(partnership)
        requests = send_requests(second, [agency_with_user(partnership).agency
                                          for _ in range(6)])
        submitted_return(requests[0])
        elsewhere = review_for(other_partnership)
        send_requests(elsewhere, [AgencyFactory(partnerships=[other_partnership])],
                      officer=MembershipFactory(partnership=other_partnership).user)
    with time_machine.travel(LATER):
        client.force_login(officer)
        with django_assert_max_num_queries(12):
            response = client.get(reverse("rapid_review:chase-list"))
    rows = response.context["page"].object_list
    assert [r.request for r in rows][0] == old
    assert len(rows) == 6  # 1 + 5 not returned; the submitted one and partnership B's not
    assert rows[0].overdue_by == 3  # due Wed 2 Dec; Thu, Fri, Mon
    html = response.content.decode()
    assert 'href="tel:01632 960999"' in html and "Overdue by 3 working days" in html
    assert elsewhere.case.reference not in html

    # More requests, same number of queries.
    with time_machine.travel(datetime.datetime(2026, 12, 1, 10, 0, tzinfo=datetime.UTC)):
        send_requests(review_for(partnership), [agency_with_user(partnership).agency
                                                for _ in range(8)])
    with time_machine.travel(LATER), django_assert_max_num_queries(12):
        assert len(client.get(reverse("rapid_review:chase-list")).context["page"].object_list) == 14


@time_machine.travel(SENT)
def test_the_requests_page_queries_are_bounded(client, review, partnership,
                                               django_assert_max_num_queries):
    send_requests(review, [agency_with_user(partnership).agency for _ in range(10)])
    client.force_login(officer_of(partnership))
    with django_assert_max_num_queries(14):
        response = client.get(_url("requests", review))
    assert len(response.context["rows"]) == 10


@time_machine.travel(SENT)
def test_other_roles_and_partnerships_cannot_send_or_chase(client, review, partnership,
                                                           other_partnership, make_user):
    [request] = send_requests(review, [agency_with_user(partnership).agency])
    client.force_login(MembershipFactory(partnership=other_partnership).user)
    for name, kwargs in (("requests", {}), ("requests-send", {}),
                         ("return-view", {"pk": request.pk}),
                         ("request-receipt", {"pk": request.pk})):
        assert client.get(_url(name, review, **kwargs)).status_code == 404, name
    assert client.get(reverse("rapid_review:chase-list")).context["page"].object_list == []
    client.force_login(make_user(Role.SCRUTINEER))
    assert client.get(_url("requests", review)).status_code == 200
    assert client.get(_url("requests-send", review)).status_code == 404
    assert client.get(reverse("rapid_review:chase-list")).status_code == 404
