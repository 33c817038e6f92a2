"""The managers' dashboards served from the page cache (dashboards/cache.py): a second look
costs the floor's queries and is still audited, every kind of change shows on the next look,
nobody is ever served another person's page, and each filter and page number is its own.

Transactional: the data version is raised when a write commits, as in the service."""

import datetime
import re
import time

import pytest
import time_machine
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection, transaction
from django.test.client import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.audit import audit_record
from accounts.models import AuditEvent, Membership, Role
from accounts.services import role_remove
from calendars.models import Anchor, CalendarDay, Deadline, DeadlineRecompute, StepAction
from calendars.services import anchor_record, deadline_meet
from calendars.services.deadlines import deadlines_recompute
from calendars.services.recompute import deadlines_recompute_request
from cases.models import Stage
from cases.services import case_stage_change
from config.bulk import insert_rows, update_from_values
from dashboards import cache as page_cache
from dashboards import views as dashboard_views
from dashboards import views_overdue
from dashboards.figures import views as figures_views
from dashboards.national.bulk import copy_in
from outbox.models import Message
from tests.factories import AgencyFactory, MembershipFactory, PartnershipFactory
from tests.rapid_review.builders import (
    agency_with_user,
    review_for,
    send_requests,
    submitted_return,
)

from .overdue_builders import AWARE_ON, REQUEST_ON, TODAY, late_case

pytestmark = pytest.mark.django_db(transaction=True)
NOON = datetime.datetime(2026, 12, 30, 12, 0, tzinfo=datetime.UTC)
OVERDUE, AGENCY, FIGURES = "dashboards:overdue", "dashboards:overdue-agency", "dashboards:figures"
HOME = "dashboards:home"


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(NOON, tick=False):
        yield TODAY


def _get(client, name: str = OVERDUE, **params):
    response = client.get(reverse(name), params)
    assert response.status_code == 200
    return response


def _built(response) -> bool:
    """Whether the page's stored part was rendered for this request (not served stored)."""
    return any(t.name and t.name.startswith("dashboards/_") for t in response.templates)


def _html(response) -> str:
    return response.content.decode()


def _rows(response) -> str:
    """The listed rows (the filter's list of agencies names every agency)."""
    html = _html(response)
    return html[html.index('id="overdue-groups"'):]


def _counts(response) -> str:
    html = _html(response)
    return html[html.index('id="overdue-counts"'):html.index("</div>\n</div>",
                                                               html.index('id="overdue-counts"'))]


def _manager(partnership, role=Role.BUSINESS_MANAGER):
    return MembershipFactory(partnership=partnership, role=role).user


# Served from the cache ---------------------------------------------------------------------

def test_a_second_look_costs_the_floors_queries_and_is_still_audited(
        client, partnership, django_assert_max_num_queries):
    late_case(partnership, agency=AgencyFactory(partnerships=[partnership]))
    client.force_login(_manager(partnership))
    viewed = AuditEvent.objects.filter(detail__page="overdue_dashboard")
    first = _get(client, agency="")
    assert _built(first) and viewed.count() == 1
    # Session, user, memberships, the data version, the audit row.
    with django_assert_max_num_queries(5):
        second = _get(client, agency="")
    assert not _built(second) and viewed.count() == 2
    assert _counts(second) == _counts(first) and "3 working days late" in _html(second)
    # Served stored, it is still a whole page: the heading, the chase button, the lists.
    for html in map(_html, (first, second)):
        assert "Overdue and due soon" in html and "Chase all overdue returns" in html
        assert 'id="overdue-groups"' in html


def test_nothing_per_request_is_stored(client, partnership):
    late_case(partnership, agency=AgencyFactory(partnerships=[partnership]))
    client.force_login(_manager(partnership))
    first, second = _get(client), _get(client)
    assert not _built(second)

    def tokens(html):
        return (re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html),
                re.findall(r'name="chase-form_token" value="([^"]+)"', html),
                re.findall(r'nonce="([^"]+)"', html))
    for before, after in zip(tokens(_html(first)), tokens(_html(second)), strict=True):
        assert before and after and set(before).isdisjoint(after)
    entry = _entry(client, partnership, OVERDUE)
    for part in (entry["top"], entry["lists"]):
        assert "csrfmiddlewaretoken" not in part and "nonce" not in part
        assert "form_token" not in part


def _entry(client, partnership, name, **params) -> dict:
    request = RequestFactory().get(reverse(name), params)
    request.user = _session_user(client)
    request.partnership = partnership
    key = page_cache.page_key(name.split(":")[1].replace("-", "_"), request,
                              page_cache.current_version())
    return page_cache.caches[page_cache.CACHE_ALIAS].get(key)


def _session_user(client):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(pk=client.session["_auth_user_id"])


# Every kind of change shows on the next look ---------------------------------------------

def test_a_deadline_met_by_the_service_leaves_the_page(client, partnership):
    case = late_case(partnership)
    client.force_login(_manager(partnership))
    assert "Notify the National Panel" in _html(_get(client))
    deadline_meet(actor=None, case=case, action=StepAction.PANEL_NOTIFIED)
    after = _get(client)
    assert _built(after) and "Notify the National Panel" not in _html(after)


def test_a_moved_deadline_shows_its_new_date(client, partnership):
    case = late_case(partnership)
    client.force_login(_manager(partnership))
    assert "3 working days late" in _html(_get(client))
    with transaction.atomic():
        anchor_record(actor=None, case=case, kind=Anchor.BECAME_AWARE,
                      occurred_on=AWARE_ON + datetime.timedelta(days=1))
    after = _html(_get(client))
    assert "3 working days late" not in after and "2 working days late" in after


def test_a_submitted_return_leaves_the_page(client, partnership):
    police = agency_with_user(partnership, "Alphashire Police")
    with time_machine.travel(datetime.datetime(2026, 12, 17, 10, 0, tzinfo=datetime.UTC)):
        review = review_for(partnership, notified_on=REQUEST_ON)
        [request] = send_requests(review, [police.agency])
    client.force_login(_manager(partnership))
    assert "Alphashire Police" in _rows(_get(client, owner="agency"))
    submitted_return(request)
    after = _get(client, owner="agency")
    assert _built(after) and "Alphashire Police" not in _rows(after)


def test_a_closed_case_leaves_the_page(client, partnership):
    case = late_case(partnership, stage=Stage.RAPID_REVIEW)
    officer = _manager(partnership, Role.BUSINESS_UNIT_OFFICER)
    client.force_login(_manager(partnership))
    assert case.reference in _html(_get(client))
    with transaction.atomic():
        case_stage_change(actor=officer, case=case, to_stage=Stage.CLOSED)
    assert case.reference not in _html(_get(client))


def test_the_bulk_recompute_shows_on_the_next_look(client, partnership):
    late_case(partnership, agency=AgencyFactory(partnerships=[partnership], name="Police"))
    client.force_login(_manager(partnership))
    # The partnership closed on Thursday 24 December: the return falls due on the 29th.
    CalendarDay.objects.create(partnership=partnership, date=datetime.date(2026, 12, 24),
                               kind=CalendarDay.Kind.CLOSURE, reason="Closed (fictional)")
    assert "2 working days late" in _html(_get(client, owner="agency"))  # not yet recomputed
    version = page_cache.current_version()
    assert deadlines_recompute(partnership=partnership) > 0
    assert page_cache.current_version() == version + 1  # one raise for the whole pass
    after = _html(_get(client, owner="agency"))
    assert "1 working day late" in after and "2 working days late" not in after


@pytest.mark.celery
def test_a_recompute_by_the_worker_in_its_own_process_shows_on_the_next_look(
        celery_worker, client, partnership):
    """The worker is another process with its own memory: only the version in the database
    can tell this one that the page it stored is out of date."""
    late_case(partnership, agency=AgencyFactory(partnerships=[partnership], name="Police"))
    client.force_login(_manager(partnership))
    CalendarDay.objects.create(partnership=partnership, date=datetime.date(2026, 12, 24),
                               kind=CalendarDay.Kind.CLOSURE, reason="Closed (fictional)")
    assert "2 working days late" in _html(_get(client, owner="agency"))  # stored
    version = page_cache.current_version()
    with transaction.atomic():  # a job row only: nothing shown changes in this process
        deadlines_recompute_request(partnership=partnership)
    assert page_cache.current_version() == version
    waited = time.monotonic() + 90
    while DeadlineRecompute.objects.exists():
        assert time.monotonic() < waited, "The worker did not recompute the deadlines"
        time.sleep(0.3)
    assert page_cache.current_version() > version
    after = _html(_get(client, owner="agency"))
    assert "1 working day late" in after and "2 working days late" not in after


def test_a_role_removed_takes_its_partnerships_rows_away(client, partnership):
    other = PartnershipFactory()
    north, south = late_case(partnership), late_case(other)
    manager = _manager(partnership)
    removed = Membership.objects.create(user=manager, partnership=other,
                                        role=Role.BUSINESS_MANAGER)
    admin = MembershipFactory(partnership=other, role=Role.ADMINISTRATOR).user
    client.force_login(manager)
    html = _html(_get(client))
    assert north.reference in html and south.reference in html
    with transaction.atomic():
        role_remove(actor=admin, membership=removed)
    html = _html(_get(client))
    assert north.reference in html and south.reference not in html


def test_the_figures_follow_a_change(client, partnership):
    client.force_login(_manager(partnership))
    _get(client, FIGURES)
    assert not _built(_get(client, FIGURES))
    partnership.name = "Betashire Safeguarding Children Partnership"
    partnership.save(update_fields=["name"])
    after = _get(client, FIGURES)
    assert _built(after) and "Betashire Safeguarding Children Partnership" in _html(after)
    assert AuditEvent.objects.filter(detail__export="figures").count() == 3


def test_the_officers_home_follows_a_met_step(client, partnership,
                                              django_assert_max_num_queries):
    case = late_case(partnership, stage=Stage.RAPID_REVIEW)
    client.force_login(_manager(partnership, Role.BUSINESS_UNIT_OFFICER))
    first = _get(client, HOME)
    with django_assert_max_num_queries(4):  # session, user, memberships, the data version
        again = _get(client, HOME)
    assert case.reference in _html(first) and not _built(again)
    assert _html(again).count("<tr") == _html(first).count("<tr")
    for action in set(Deadline.objects.filter(case=case).values_list("step__met_by", flat=True)):
        deadline_meet(actor=None, case=case, action=action)
    after = _get(client, HOME)
    assert _built(after) and case.reference not in _html(after)


# Nobody is served another person's page; each filter and page number is its own ---------

def test_people_with_different_scopes_never_share_a_page(client, partnership):
    police = agency_with_user(partnership, "Alphashire Police")
    school = agency_with_user(partnership, "Alphashire School")
    mine = late_case(partnership, agency=police.agency)
    theirs = late_case(partnership, agency=school.agency)
    client.force_login(_manager(partnership))
    manager_view = _html(_get(client))
    assert mine.reference in manager_view and theirs.reference in manager_view
    client.force_login(police.user)
    assert client.get(reverse(OVERDUE)).status_code == 404
    lead = _get(client, AGENCY)
    assert _built(lead)
    assert mine.reference in _html(lead) and theirs.reference not in _html(lead)
    client.force_login(school.user)
    other_lead = _html(_get(client, AGENCY))
    assert theirs.reference in other_lead and mine.reference not in other_lead
    # Another partnership's manager: their own (empty) page, not the one stored above.
    elsewhere = PartnershipFactory()
    client.force_login(_manager(elsewhere))
    assert mine.reference not in _html(_get(client))


def test_filters_and_pages_are_stored_apart(client, partnership):
    police = AgencyFactory(partnerships=[partnership], name="Alphashire Police")
    school = AgencyFactory(partnerships=[partnership], name="Alphashire School")
    for i in range(18):
        late_case(partnership, agency=police if i % 2 else school)
    client.force_login(_manager(partnership))
    everything = _get(client)
    only_police = _get(client, agency=police.pk)
    assert _built(only_police) and "Alphashire School" not in _rows(only_police)
    assert "Alphashire School" in _rows(everything)
    second = _get(client, page=2)
    assert _built(second) and "Showing 51 to" in _html(second)
    assert "Showing 1 to 50" in _html(_get(client))  # the first page's, stored
    # The same filters in another order are the same page.
    a = _get(client, agency=police.pk, group_by="holder")
    b = _get(client, group_by="holder", agency=police.pk)
    assert _built(a) and not _built(b)


def test_a_page_read_after_an_uncommitted_write_is_built_and_not_stored(partnership, make_user):
    request = RequestFactory().get(reverse(OVERDUE))
    request.user, request.partnership = make_user(Role.BUSINESS_MANAGER), partnership
    built = []

    def build():
        built.append(partnership.name)
        return {"body": partnership.name}

    with pytest.raises(RuntimeError), transaction.atomic():
        partnership.name = "Rolled back (fictional)"
        partnership.save(update_fields=["name"])
        assert page_cache.cached_page("test", request, build) == {"body": partnership.name}
        raise RuntimeError
    partnership.refresh_from_db()
    for _ in range(2):
        assert page_cache.cached_page("test", request, build) == {"body": partnership.name}
    assert built == ["Rolled back (fictional)", partnership.name]


# The version -----------------------------------------------------------------------------

def _raises(write) -> int:
    before = page_cache.current_version()
    write()
    return page_cache.current_version() - before


def test_every_way_of_writing_a_shown_table_raises_the_version(partnership):
    case = late_case(partnership)
    deadline = Deadline.objects.filter(case=case).first()
    agency = AgencyFactory(partnerships=[partnership])

    def several_in_one_transaction():
        with transaction.atomic():
            for day in (1, 2, 3):
                Deadline.objects.filter(pk=deadline.pk).update(due_date=TODAY.replace(day=day))

    def raw_sql():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE accounts_agency SET name = name WHERE id = %s", [agency.pk])

    writes = {
        "save": lambda: agency.save(update_fields=["name"]),
        "update": lambda: Deadline.objects.filter(pk=deadline.pk).update(due_date=TODAY),
        "bulk_create": lambda: CalendarDay.objects.bulk_create([CalendarDay(
            partnership=partnership, date=datetime.date(2027, 1, 5),
            kind=CalendarDay.Kind.CLOSURE, reason="x")]),
        "bulk_update": lambda: Deadline.objects.bulk_update([deadline], ["due_date"]),
        "delete": lambda: CalendarDay.objects.filter(partnership=partnership).delete(),
        "config.bulk update": lambda: update_from_values(Deadline, ["due_date"],
                                                         [(deadline.pk, TODAY)]),
        "config.bulk insert": lambda: insert_rows(
            CalendarDay, ["partnership_id", "date", "kind", "reason"],
            [[partnership.pk, "2027-01-06", CalendarDay.Kind.CLOSURE, "x"]],
            same={"created_at": timezone.now()}),
        "raw SQL": raw_sql,
        "COPY (the national seed)": lambda: copy_in(CalendarDay, [CalendarDay(
            partnership=partnership, date=datetime.date(2027, 1, 7),
            kind=CalendarDay.Kind.CLOSURE, reason="x")], with_pk=False),
        "several writes in one transaction": several_in_one_transaction,
    }
    assert {name: _raises(write) for name, write in writes.items()} == {
        name: 1 for name in writes}


def test_rolled_back_and_unshown_writes_leave_the_version(partnership, make_user):
    user = make_user(Role.BUSINESS_MANAGER)

    def rolled_back():
        with pytest.raises(RuntimeError), transaction.atomic():
            partnership.save(update_fields=["name"])
            raise RuntimeError

    writes = {
        "rolled back": rolled_back,
        "audit row": lambda: audit_record(action=AuditEvent.Action.VIEW, actor=user,
                                          partnership=partnership, detail={"page": "x"}),
        "email in the outbox": lambda: Message.objects.create(
            to="someone@example.org", subject="s", body="b", kind="reminder"),
        "signing in": lambda: user.save(update_fields=["last_login"]),
    }
    assert {name: _raises(write) for name, write in writes.items()} == {
        name: 0 for name in writes}


def _tables_read(build) -> set[str]:
    with CaptureQueriesContext(connection) as queries:
        build()
    return {table for q in queries.captured_queries
            for table in re.findall(r'(?:FROM|JOIN)\s+"(\w+)"', q["sql"])}


def test_the_pages_read_only_tables_whose_writes_raise_the_version(partnership):
    """A page built from a table left out of the version (``UNSHOWN``) would be stale after
    that table changed: this fails if a dashboard starts reading one."""
    police = agency_with_user(partnership, "Alphashire Police")
    late_case(partnership, agency=police.agency)
    manager = _manager(partnership)
    factory = RequestFactory()

    def request(user, name, **params):
        req = factory.get(reverse(name), params)
        req.user, req.partnership, req.session = user, partnership, SessionStore()
        return req

    readable = [partnership]
    officer = _manager(partnership, Role.BUSINESS_UNIT_OFFICER)
    builds = {
        "home (business unit)": lambda: dashboard_views._home_page(request(officer, HOME)),
        "home (agency)": lambda: dashboard_views._home_page(request(police.user, HOME)),
        "home (manager)": lambda: dashboard_views._home_page(request(manager, HOME)),
        "overdue": lambda: views_overdue._overdue_page(request(manager, OVERDUE)),
        "agency": lambda: views_overdue._agency_page(request(police.user, AGENCY)),
        "figures": lambda: figures_views._figures_page(
            request(manager, FIGURES), request(manager, FIGURES).GET.copy(), TODAY,
            readable),
    }
    for name, build in builds.items():
        read = _tables_read(build)
        assert read and read.isdisjoint(page_cache.UNSHOWN), (name, read)
