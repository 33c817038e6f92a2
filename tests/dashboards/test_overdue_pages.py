"""The overdue dashboard's pages: bounded whatever the data size, audited, the filters kept
in the URL and refused clearly, each row linked to where it is done, the chase-all chasing
each late return once, and an agency seeing only its own rows."""

import datetime
import uuid

import pytest
import time_machine
from django.urls import reverse

from accounts.models import AuditEvent, Role
from calendars.models import Reminder
from calendars.services.reminders import reminders_send
from dashboards.overdue import PAGE_SIZE, Filters, overdue_dashboard
from outbox.models import Message
from rapid_review.services import returns_chase
from tests.factories import AgencyFactory
from tests.rapid_review.builders import agency_with_user, review_for, send_requests

from .overdue_builders import AWARE_ON, REQUEST_ON, TODAY, late_case

pytestmark = pytest.mark.django_db
NOON = datetime.datetime(2026, 12, 30, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(NOON, tick=False):
        yield TODAY


def _page(client, **params):
    return client.get(reverse("dashboards:overdue"), params)


@pytest.mark.slow
@pytest.mark.parametrize("cases", [2, PAGE_SIZE + 5])
def test_the_dashboard_costs_the_same_queries_whatever_the_data_size(
        client, partnership, make_user, django_assert_max_num_queries, cases):
    agencies = [AgencyFactory(partnerships=[partnership]) for _ in range(3)]
    for i in range(cases):
        late_case(partnership, agency=agencies[i % 3])
    manager = make_user(Role.BUSINESS_MANAGER)
    client.force_login(manager)
    for params in ({}, {"group_by": "holder", "page": "2"}, {"agency": agencies[0].pk}):
        with django_assert_max_num_queries(15):
            response = _page(client, **params)
        assert response.status_code == 200
    # Paged by the counts at the top, which add up to every row listed.
    listed = overdue_dashboard(manager, Filters()).deadlines.count()
    assert _page(client).context["page"].paginator.count == listed > 0


@pytest.mark.parametrize("cases", [2, 25])
def test_the_agency_page_costs_the_same_queries_whatever_the_data_size(
        client, partnership, make_user, django_assert_max_num_queries, cases):
    police = agency_with_user(partnership, "Alphashire Police")
    for _ in range(cases):
        late_case(partnership, agency=police.agency)
    client.force_login(police.user)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("dashboards:overdue-agency"))
    assert len(response.context["parts"][0]["rows"]) == cases


def test_the_page_shows_counts_statutory_first_and_links_each_row(client, partnership,
                                                                  make_user):
    police = AgencyFactory(partnerships=[partnership], name="Alphashire Police")
    case = late_case(partnership, agency=police)
    manager = make_user(Role.BUSINESS_MANAGER)
    client.force_login(manager)
    response = _page(client)
    html = response.content.decode()
    counts = html[html.index('id="overdue-counts"'):html.index('id="overdue-groups"')]
    assert "2</span>statutory deadlines overdue" in counts
    assert "1</span>agency with late returns" in counts
    rows = html[html.index('id="overdue-groups"'):]
    assert rows.index("Notify the National Panel") < rows.index("Agency returns due")
    assert "Statutory</strong>" in rows and "3 working days late" in rows
    assert reverse("notifications:notification-edit", args=[case.reference]) in rows
    event = AuditEvent.objects.filter(actor=manager, action=AuditEvent.Action.VIEW).last()
    assert event.detail == {"page": "overdue_dashboard"}


def test_filters_stay_in_the_url_and_bad_ones_are_refused_next_to_the_field(
        client, partnership, make_user):
    police, school = (AgencyFactory(partnerships=[partnership], name=n)
                      for n in ("Alphashire Police", "Alphashire School"))
    late_case(partnership, agency=police, aware_on=None)
    late_case(partnership, agency=school, aware_on=None)
    client.force_login(make_user(Role.MANAGER))
    response = _page(client, agency=school.pk, page=1)
    assert response.context["form"].is_valid()
    assert {r.who for g in response.context["groups"] for r in g.rows} == {"Alphashire School"}
    assert f'value="{school.pk}" selected' in response.content.decode()

    response = _page(client, agency=999999, due_from_0="31", due_from_1="2",
                     due_from_2="2026", stage="nonsense")
    errors = response.context["form"].errors
    assert errors["agency"] == ["Select an agency from the list"]
    assert errors["due_from"] == ["First due date must be a real date"]
    assert errors["stage"] == ["Select a stage from the list"]
    assert "govuk-error-summary" in response.content.decode()
    # What was invalid filters nothing; what was typed is kept.
    assert len(response.context["page"].object_list) == 2
    assert 'value="31"' in response.content.decode()

    response = _page(client, due_from_0="24", due_from_1="12", due_from_2="2026",
                     due_to_0="23", due_to_1="12", due_to_2="2026")
    assert response.context["form"].errors["due_to"] == [
        "The last due date must be the same as or after the first due date"]


def test_out_of_scope_is_404(client, partnership, make_user):
    for role in (Role.AGENCY_USER, Role.PARTNER_REPRESENTATIVE, Role.REVIEWER,
                 Role.ADMINISTRATOR):
        client.force_login(make_user(role))
        assert _page(client).status_code == 404
    client.force_login(make_user(Role.MANAGER))
    assert client.get(reverse("dashboards:overdue-agency")).status_code == 404


def test_a_scrutineer_reads_but_cannot_chase(client, partnership, make_user):
    late_case(partnership, agency=AgencyFactory(partnerships=[partnership]))
    client.force_login(make_user(Role.SCRUTINEER))
    response = _page(client)
    assert response.status_code == 200 and not response.context["can_chase"]
    assert client.post(reverse("dashboards:overdue"),
                       {"chase-form_token": uuid.uuid4()}).status_code == 404
    assert not Reminder.objects.exists()


def _late_requests(partnership):
    """A rapid review whose requests went on 17 December: both returns late today."""
    police = agency_with_user(partnership, "Alphashire Police")
    school = agency_with_user(partnership, "Alphashire School")
    with time_machine.travel(datetime.datetime(2026, 12, 17, 10, 0, tzinfo=datetime.UTC)):
        review = review_for(partnership, notified_on=REQUEST_ON)
        send_requests(review, [police.agency, school.agency])
    return police, school


def test_chase_all_chases_each_late_return_once(client, partnership, make_user,
                                                django_capture_on_commit_callbacks):
    police, school = _late_requests(partnership)
    client.force_login(make_user(Role.BUSINESS_UNIT_OFFICER))
    page = _page(client)
    assert page.context["can_chase"]
    token = page.context["chase"]["form_token"].initial
    token = token() if callable(token) else token
    with django_capture_on_commit_callbacks() as queued:
        response = client.post(reverse("dashboards:overdue"), {"chase-form_token": token},
                               follow=True)
    assert len(queued) == 1  # the sending, queued once the chase commits
    assert "Chasing 2 late returns" in response.content.decode()
    chases = Reminder.objects.filter(kind=Reminder.Kind.OVERDUE, for_date=TODAY)
    assert chases.count() == 2
    reminders_send(partnership_id=partnership.pk)  # what the queued task does
    assert not chases.filter(sent_at__isnull=True).exists()
    to = set(Message.objects.filter(kind="reminder", subject__startswith="Overdue")
             .values_list("to", flat=True))
    assert to == {police.user.email, school.user.email}

    # The same form again (a double click), then a new click the same day: nobody twice.
    sent = Message.objects.count()
    with django_capture_on_commit_callbacks() as queued:
        again = client.post(reverse("dashboards:overdue"), {"chase-form_token": token}, follow=True)
        later = client.post(reverse("dashboards:overdue"), {"chase-form_token": uuid.uuid4()},
                            follow=True)
    assert queued == []
    assert "already chased" in again.content.decode()
    assert "had already been chased today" in later.content.decode()
    assert Message.objects.count() == sent and chases.count() == 2
    assert AuditEvent.objects.filter(detail__event="returns_chased").count() == 2


def test_chasing_one_agency_chases_only_it(partnership, make_user,
                                           django_capture_on_commit_callbacks):
    police, school = _late_requests(partnership)
    officer = make_user(Role.BUSINESS_UNIT_OFFICER)
    with django_capture_on_commit_callbacks(execute=False):
        result = returns_chase(actor=officer, partnership=partnership,
                               agency_id=police.agency.pk)
    assert (result.late, result.chased) == (1, 1)
    assert list(Reminder.objects.values_list("deadline__responsible_agency", flat=True)) == [
        police.agency.pk]


def test_agency_a_never_sees_agency_b(client, partnership):
    police = agency_with_user(partnership, "Alphashire Police")
    school = agency_with_user(partnership, "Alphashire School")
    mine = late_case(partnership, agency=police.agency, aware_on=AWARE_ON)
    theirs = late_case(partnership, agency=school.agency)
    client.force_login(police.user)
    response = client.get(reverse("dashboards:overdue-agency"))
    html = response.content.decode()
    assert mine.reference in html and theirs.reference not in html
    assert "Notify the National Panel" not in html  # the business unit's, not the agency's
    assert "Alphashire School" not in html
