"""The LCSPR's pages for information from agencies: the rapid review's returns and master
chronology for the reviewer of this review only, asking for further information, and the
agency answering through its own return pages."""

import datetime

import pytest
from django.urls import reverse

from accounts.models import Role
from rapid_review.models import InformationRequest
from rapid_review.services import further_information_request_send
from tests.lcspr.builders import appointed_reviewer, lcspr_after_rapid_review
from tests.rapid_review.builders import agency_with_user, user_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]
d = datetime.date.fromisoformat
QUESTIONS = "Why was the referral of 3 November not followed up? (fictional)"


@pytest.fixture
def after_rapid_review(partnership, manager):
    return lcspr_after_rapid_review(partnership, manager)


def _ask(manager, review, agency):
    return further_information_request_send(actor=manager, review=review, agency=agency,
                                            questions=QUESTIONS, return_by=d("2027-01-20"))


def test_the_business_unit_asks_an_agency_from_the_lcspr(client, manager, after_rapid_review,
                                                         django_assert_max_num_queries):
    lcspr, review, returned = after_rapid_review
    ref = lcspr.case.reference
    client.force_login(manager)
    overview = client.get(reverse("lcspr:overview", args=[ref])).content.decode()
    assert reverse("lcspr:information", args=[ref]) in overview
    assert "None asked" in overview
    url = reverse("lcspr:further-request", args=[ref])
    page = client.get(url).content.decode()
    assert returned.agency.name in page
    response = client.post(url, {"agency": str(returned.agency.pk), "questions": QUESTIONS,
                                 "return_by_0": "6", "return_by_1": "1",
                                 "return_by_2": "2027"})
    page = response.content.decode()
    assert "govuk-error-summary" in page and "must be in the future" in page
    assert "not followed up" in page  # what was typed is kept
    form = {"agency": str(returned.agency.pk), "questions": QUESTIONS, "return_by_0": "20",
            "return_by_1": "1", "return_by_2": "2027",
            "form_token": "2b0b7e4c-8d55-4f55-9a55-0d7d5e9e1a11"}
    assert client.post(url, form).status_code == 302
    assert client.post(url, form).status_code == 302  # a double click asks once
    assert InformationRequest.objects.filter(requested_for="lcspr").count() == 1
    for _ in range(3):
        _ask(manager, review, returned.agency)
    with django_assert_max_num_queries(15):
        page = client.get(reverse("lcspr:information", args=[ref])).content.decode()
    assert page.count("not followed up") == 4 and "Not returned yet" in page
    assert reverse("rapid_review:master-chronology", args=[ref]) in page
    assert "1 of 1 agency returned" in page
    overview = client.get(reverse("lcspr:overview", args=[ref])).content.decode()
    assert "Awaiting answers" in overview
    # The follow-up call is recorded from the LCSPR's page, and comes back to it.
    first = InformationRequest.objects.filter(requested_for="lcspr").order_by("pk").first()
    receipt = reverse("rapid_review:request-receipt", args=[ref, first.pk])
    assert receipt in page
    response = client.post(receipt, {"confirmed_on_0": "6", "confirmed_on_1": "1",
                                     "confirmed_on_2": "2027", "note": "Called (fictional)"})
    assert response.url == reverse("lcspr:information", args=[ref])


def test_the_agency_answers_on_its_own_return_pages(client, partnership, manager,
                                                    after_rapid_review):
    lcspr, review, returned = after_rapid_review
    request = _ask(manager, review, returned.agency)
    agency_user = user_of(request)
    client.force_login(agency_user)
    queue = client.get(reverse("rapid_review:agency-requests")).content.decode()
    assert reverse("rapid_review:return", args=[request.pk]) in queue
    home = client.get(reverse("dashboards:home")).content.decode()
    assert reverse("rapid_review:return", args=[request.pk]) in home
    page = client.get(reverse("rapid_review:return", args=[request.pk])).content.decode()
    assert QUESTIONS in page and "Answers to the reviewer&#x27;s questions" in page
    section = reverse("rapid_review:return-section", args=[request.pk, "answers"])
    response = client.post(section, {"further_answers": "", "revision": "0"})
    assert "Answer the reviewer" in response.content.decode()
    response = client.post(section, {"further_answers": "It was (fictional)",
                                     "revision": "0"})
    assert response.status_code == 302
    check = client.get(reverse("rapid_review:return-submit", args=[request.pk]))
    assert "It was (fictional)" in check.content.decode()
    response = client.post(reverse("rapid_review:return-submit", args=[request.pk]),
                           {"authorised_by": "Pat Example-Lead",
                            "form_token": "3c0b7e4c-8d55-4f55-9a55-0d7d5e9e1a11"})
    assert response.status_code == 302
    # The rapid review's return has no answers section; another agency sees nothing.
    assert client.get(reverse("rapid_review:return-section",
                              args=[returned.pk, "answers"])).status_code == 404
    client.force_login(agency_with_user(partnership).user)
    assert client.get(reverse("rapid_review:return", args=[request.pk])).status_code == 404
    # The business unit reads the answer under the case.
    client.force_login(manager)
    page = client.get(reverse("rapid_review:return-view",
                              args=[lcspr.case.reference, request.pk])).content.decode()
    assert QUESTIONS in page and "It was (fictional)" in page


def test_the_reviewer_reads_returns_and_chronology_of_their_review_only(
        client, partnership, manager, after_rapid_review, django_assert_max_num_queries):
    lcspr, review, returned = after_rapid_review
    further = _ask(manager, review, returned.agency)
    reviewer = appointed_reviewer(lcspr, manager).user
    other, _other_review, other_returned = lcspr_after_rapid_review(
        partnership, manager, agency_name="Betashire Police (fictional)")
    appointed_reviewer(other, manager, email="reviewer.two@example.org")
    client.force_login(reviewer)
    ref = lcspr.case.reference
    readable = [
        reverse("lcspr:information", args=[ref]),
        reverse("rapid_review:requests", args=[ref]),
        reverse("rapid_review:return-view", args=[ref, returned.pk]),
        reverse("rapid_review:return-view", args=[ref, further.pk]),
        reverse("rapid_review:return-chronology", args=[returned.pk]),
        reverse("rapid_review:master-chronology", args=[ref]),
        reverse("rapid_review:collated-returns", args=[ref]),
    ]
    for url in readable:
        with django_assert_max_num_queries(15):
            response = client.get(url)
        assert response.status_code == 200, url
    master = client.get(reverse("rapid_review:master-chronology", args=[ref])).content.decode()
    assert reverse("lcspr:information", args=[ref]) in master  # their way back
    export = client.post(reverse("rapid_review:master-chronology-export", args=[ref, "docx"]))
    assert export.status_code in (200, 302)
    # Nothing of the business unit's work, and nothing of another review.
    for url in (reverse("lcspr:further-request", args=[ref]),
                reverse("rapid_review:requests-send", args=[ref]),
                reverse("rapid_review:return-reopen", args=[ref, returned.pk]),
                reverse("rapid_review:request-receipt", args=[ref, further.pk]),
                reverse("rapid_review:overview", args=[ref]),
                reverse("rapid_review:terms", args=[ref]),
                reverse("rapid_review:return", args=[further.pk]),
                reverse("lcspr:information", args=[other.case.reference]),
                reverse("rapid_review:requests", args=[other.case.reference]),
                reverse("rapid_review:master-chronology", args=[other.case.reference]),
                reverse("rapid_review:return-view", args=[other.case.reference,
                                                          other_returned.pk]),
                reverse("rapid_review:return-chronology", args=[other_returned.pk])):
        assert client.get(url).status_code == 404, url


def test_an_lcspr_without_a_rapid_review_says_so(client, manager, lcspr):
    client.force_login(manager)
    ref = lcspr.case.reference
    page = client.get(reverse("lcspr:information", args=[ref])).content.decode()
    assert "had no rapid review" in page
    page = client.get(reverse("lcspr:further-request", args=[ref])).content.decode()
    assert "had no rapid review" in page and 'name="questions"' not in page


def test_others_get_404(client, partnership, after_rapid_review, make_user):
    lcspr, _review, _returned = after_rapid_review
    ref = lcspr.case.reference
    for role in (Role.AGENCY_USER, Role.PARTNER_REPRESENTATIVE, Role.REVIEWER):
        client.force_login(make_user(role))
        for name in ("lcspr:information", "lcspr:further-request"):
            assert client.get(reverse(name, args=[ref])).status_code == 404, (role, name)
    client.force_login(make_user(Role.SCRUTINEER))
    assert client.get(reverse("lcspr:information", args=[ref])).status_code == 200
    assert client.get(reverse("lcspr:further-request", args=[ref])).status_code == 404
