"""The rapid review overview's task list (GOV.UK task list with status tags): each task's
status comes from the record and the case's deadlines, a met step is completed and never
overdue, a submitted or stopped review is never overdue, partners read the overview with
links only to what they may open, and the page's queries do not grow with the review."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from accounts.models import Role, StatutoryPartner
from rapid_review.models import RapidReview, TermsOfReference
from rapid_review.selectors import ReviewClock, review_clock
from rapid_review.selectors.overview import TaskStatus, review_tasks
from rapid_review.services import rapid_review_stop, terms_agree
from rapid_review.services.submission import submission_record
from tests.factories import user_with_role
from tests.notifications.builders import partner_representatives
from tests.rapid_review.builders import (
    agency_with_user,
    review_for,
    send_requests,
    submitted_return,
)
from tests.rapid_review.test_submission import DAY_15, NOTIFIED, _report

pytestmark = pytest.mark.django_db
AT_NOTIFICATION = datetime.datetime(2026, 11, 2, 12, tzinfo=datetime.UTC)
MONTHS_LATER = datetime.date(2027, 2, 1)


@pytest.fixture
def officer(make_user):
    return make_user(Role.BUSINESS_UNIT_OFFICER)


@pytest.fixture
def partners(partnership):
    return partner_representatives(partnership)


def _tasks(user, review, today):
    return {task.key: task for task in review_tasks(user, review, today)}


def _task_html(html: str, key: str) -> str:
    start = html.index(f'id="task-{key}"')
    return html[start:html.index("</li>", start)]


def test_a_new_review_has_nothing_started_and_is_overdue_only_past_the_plans_dates(
        partnership, officer):
    with time_machine.travel(AT_NOTIFICATION):
        review = review_for(partnership, officer, notified_on=NOTIFIED)
    tasks = _tasks(officer, review, NOTIFIED)
    assert [t.status for t in tasks.values()] == [TaskStatus.NOT_STARTED] * len(tasks)
    assert tasks["requests"].hint.startswith("Due by ")
    assert tasks["requests"].url == reverse("rapid_review:requests",
                                            args=[review.case.reference])
    later = _tasks(officer, review, MONTHS_LATER)
    assert later["requests"].status is TaskStatus.OVERDUE
    assert later["submission"].status is TaskStatus.OVERDUE


def test_work_out_with_others_waits_and_a_step_met_late_is_completed_never_overdue(
        partnership, officer, partners):
    with time_machine.travel(AT_NOTIFICATION):
        review = review_for(partnership, officer, notified_on=NOTIFIED)
        school = agency_with_user(partnership, "Alphashire Primary School (fictional)")
        requests = send_requests(review, [school.agency], officer)
    tasks = _tasks(officer, review, NOTIFIED)
    assert tasks["requests"].status is TaskStatus.WAITING
    assert tasks["requests"].hint.startswith("0 of 1 returns in. Due by")
    # The return comes in weeks after its date: met late, so completed, with its day.
    with time_machine.travel(datetime.datetime(2026, 12, 1, 12, tzinfo=datetime.UTC)):
        submitted_return(requests[0])
    tasks = _tasks(officer, review, MONTHS_LATER)
    assert tasks["requests"].status is TaskStatus.COMPLETED
    assert tasks["requests"].hint == "1 of 1 returns in. Done on 1 December 2026"
    assert tasks["chronology"].status is TaskStatus.COMPLETED


def test_terms_wait_for_the_partners_until_all_three_agree(partnership, officer, partners):
    _report(partnership, officer, partners, sign=False)
    review = RapidReview.objects.select_related("case__partnership").get()
    terms = TermsOfReference.objects.get(review=review)
    for partner in (StatutoryPartner.LOCAL_AUTHORITY, StatutoryPartner.POLICE):
        terms_agree(actor=partners[partner], terms=terms, version=terms.version)
    tasks = _tasks(officer, review, NOTIFIED)
    assert tasks["terms"].status is TaskStatus.WAITING
    assert tasks["terms"].hint.startswith(f"Version {terms.version} agreed by 2 of 3 partners")
    icb = _tasks(partners[StatutoryPartner.ICB], review, NOTIFIED)["terms"]
    assert icb.hint.startswith("Waiting for your agreement")
    terms_agree(actor=partners[StatutoryPartner.ICB], terms=terms, version=terms.version)
    assert _tasks(officer, review, MONTHS_LATER)["terms"].status is TaskStatus.COMPLETED


def test_a_version_out_for_signature_waits_and_sends_the_partner_to_sign(
        client, partnership, officer, partners):
    review, _school = _report(partnership, officer, partners, sign=False)
    ref = review.case.reference
    with time_machine.travel(datetime.datetime(2026, 11, 19, 13, tzinfo=datetime.UTC)):
        tasks = _tasks(officer, review, datetime.date(2026, 11, 19))
        assert tasks["meeting"].status is TaskStatus.COMPLETED
        assert tasks["report"].status is TaskStatus.COMPLETED
        assert tasks["signoff"].status is TaskStatus.WAITING
        client.force_login(partners[StatutoryPartner.POLICE])
        response = client.get(reverse("rapid_review:overview", args=[ref]))
    assert response.status_code == 200
    html = response.content.decode()
    signoff = _task_html(html, "signoff")
    assert f'href="{reverse("rapid_review:signoff", args=[ref])}"' in signoff
    assert "Version 1 is waiting for your signature" in signoff
    assert "Waiting for others" in signoff and "govuk-tag--yellow" in signoff
    assert 'class="govuk-task-list"' in html


def test_a_review_submitted_on_day_15_is_never_shown_overdue(
        client, partnership, officer, partners):
    review, _school = _report(partnership, officer, partners)
    with time_machine.travel(datetime.datetime(2026, 11, 24, 12, tzinfo=datetime.UTC)):
        submission_record(actor=officer, review=review, submitted_on=DAY_15,
                          method="panel_form")
    ref = review.case.reference
    with time_machine.travel(datetime.datetime(2026, 12, 8, 12, tzinfo=datetime.UTC)):
        client.force_login(officer)
        overview = client.get(reverse("rapid_review:overview", args=[ref])).content.decode()
        client.force_login(partners[StatutoryPartner.POLICE])
        papers = client.get(reverse("rapid_review:papers")).content.decode()
        tasks = _tasks(officer, RapidReview.objects.get(pk=review.pk), MONTHS_LATER)
    for html in (overview, papers):
        assert "Overdue" not in html and "govuk-tag--red" not in html
        assert "ubmitted on working day 15 of 15 (23 November 2026)" in html
    assert ref in papers
    assert tasks["submission"].status is TaskStatus.COMPLETED
    assert tasks["submission"].hint.startswith("Sent on 23 November 2026")
    assert tasks["response"].status in (TaskStatus.WAITING, TaskStatus.OVERDUE)
    assert all(t.status is not TaskStatus.OVERDUE for k, t in tasks.items() if k != "response")


def test_a_stopped_review_is_never_shown_overdue(client, partnership, officer):
    with time_machine.travel(AT_NOTIFICATION):
        review = review_for(partnership, officer, notified_on=NOTIFIED)
    with time_machine.travel(datetime.datetime(2026, 12, 8, 12, tzinfo=datetime.UTC)):
        rapid_review_stop(actor=officer, review=review, reason="Criteria not met (fictional)",
                          panel_told_on=datetime.date(2026, 12, 8))
    assert not ReviewClock(day=25, stopped=True).overdue
    with time_machine.travel(datetime.datetime(2027, 1, 8, 12, tzinfo=datetime.UTC)):
        review = RapidReview.objects.get(pk=review.pk)
        assert review_clock(review).day > 15 and not review_clock(review).overdue
        client.force_login(officer)
        html = client.get(reverse("rapid_review:overview",
                                  args=[review.case.reference])).content.decode()
    assert "Overdue" not in html and "(clock stopped)" in html


def test_partners_read_the_overview_and_every_back_link_opens_for_them(
        client, partnership, officer, partners):
    review, _school = _report(partnership, officer, partners, sign=False)
    ref = review.case.reference
    client.force_login(partners[StatutoryPartner.ICB])
    html = client.get(reverse("rapid_review:overview", args=[ref])).content.decode()
    for forbidden in (reverse("rapid_review:requests", args=[ref]),
                      reverse("notifications:letters", args=[ref]),
                      reverse("cases:case-detail", args=[ref]),
                      reverse("notifications:notification-edit", args=[ref]),
                      reverse("rapid_review:stop", args=[ref])):
        assert f'href="{forbidden}"' not in html, forbidden
    assert f'href="{reverse("rapid_review:papers")}" class="govuk-back-link"' in html
    assert f'href="{reverse("rapid_review:terms", args=[ref])}"' in html
    # The sign-off page's "Back to the rapid review" and the other pages partners read.
    for name in ("signoff", "terms", "report", "meetings", "master-chronology",
                 "submission"):
        page = client.get(reverse(f"rapid_review:{name}", args=[ref])).content.decode()
        back = page.split('class="govuk-back-link"')[0].rsplit('href="', 1)[1].split('"')[0]
        assert client.get(back).status_code == 200, (name, back)
    agency = user_with_role(partnership, Role.AGENCY_USER)
    client.force_login(agency)
    assert client.get(reverse("rapid_review:overview", args=[ref])).status_code == 404


def test_the_overview_keeps_within_15_queries_as_the_review_grows(
        client, partnership, officer, partners, django_assert_max_num_queries):
    review, _school = _report(partnership, officer, partners, sign=False)
    url = reverse("rapid_review:overview", args=[review.case.reference])
    for user in (officer, partners[StatutoryPartner.POLICE]):
        client.force_login(user)
        with django_assert_max_num_queries(15) as few:
            assert client.get(url).status_code == 200
    with time_machine.travel(datetime.datetime(2026, 11, 3, 12, tzinfo=datetime.UTC)):
        agencies = [agency_with_user(partnership, f"Agency {n} (fictional)").agency
                    for n in range(6)]
        for request in send_requests(review, agencies, officer)[:3]:
            submitted_return(request)
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get(url).content.decode()
    assert "3 of 7 returns in" in html
    client.force_login(officer)
    with django_assert_max_num_queries(15):
        html = client.get(url).content.decode()
    assert "3 of 7 returns in" in html and html.count('<li class="govuk-task-list__item') == 10
