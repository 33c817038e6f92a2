"""The audit trail reads as people do, filters by case, person, action and date, and exports
exactly what the filters select, itself audited."""

import csv
import datetime
import io

import pytest
import time_machine
from django.db.models import Q
from django.urls import reverse

from accounts.audit import audit_record, audit_view
from accounts.models import AuditEvent, Role
from tests.cases.factories import referred_case

pytestmark = pytest.mark.django_db
URL = "/audit/"


@pytest.fixture
def trail(partnership, make_user):
    officer = make_user(Role.BUSINESS_UNIT_OFFICER, user__full_name="Olive Officer-Example")
    first, second = referred_case(partnership), referred_case(partnership)
    with time_machine.travel(datetime.datetime(2026, 11, 20, 10, tzinfo=datetime.UTC)):
        audit_view(actor=officer, obj=first)
    with time_machine.travel(datetime.datetime(2026, 11, 24, 10, tzinfo=datetime.UTC)):
        audit_view(actor=officer, obj=second)
        audit_record(action=AuditEvent.Action.DOWNLOAD, actor=officer, obj=first.referral,
                     detail={"case": first.pk})
    return officer, first, second


def test_entries_read_as_people_do(client, make_user, trail):
    officer, first, _second = trail
    client.force_login(make_user(Role.BUSINESS_MANAGER))
    html = client.get(URL).content.decode()
    assert f"Viewed case {first.reference} (child record)" in html
    assert f"Downloaded referral on case {first.reference}" in html
    assert "Olive Officer-Example" in html
    assert "cases.case" not in html and "cases.referral" not in html


def test_filters_by_case_person_action_and_date(client, make_user, trail,
                                                django_assert_max_num_queries):
    officer, first, second = trail
    client.force_login(make_user(Role.BUSINESS_MANAGER))
    with django_assert_max_num_queries(15):
        html = client.get(URL, {"case": first.reference}).content.decode()
    assert first.reference in html and second.reference not in html
    html = client.get(URL, {"action": "download"}).content.decode()
    assert "Downloaded referral" in html and "Viewed case" not in html
    html = client.get(URL, {"person": officer.pk, "date_from_0": "22", "date_from_1": "11",
                            "date_from_2": "2026"}).content.decode()
    assert second.reference in html and f"Viewed case {first.reference}" not in html
    html = client.get(URL, {"case": "NOPE-2026-999"}).content.decode()
    assert "No entries match these filters" in html
    html = client.get(URL, {"date_from_0": "24", "date_from_1": "11", "date_from_2": "2026",
                            "date_to_0": "20", "date_to_1": "11",
                            "date_to_2": "2026"}).content.decode()
    assert "The last date must be the same as or after the first date" in html


def test_the_export_holds_what_the_filters_select_and_is_audited(client, make_user, trail):
    _officer, first, _second = trail
    manager = make_user(Role.BUSINESS_MANAGER)
    client.force_login(manager)
    about_first = (Q(object_type="cases.case", object_id=str(first.pk))
                   | Q(detail__case=first.pk))
    expected = AuditEvent.objects.filter(partnership=first.partnership).filter(
        about_first).count()  # the case itself and its records, the download among them
    assert expected >= 3
    response = client.get(URL, {"case": first.reference, "format": "csv"})
    assert response["Content-Type"] == "text/csv"
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == ["When (UTC)", "Who", "What", "Address", "Request"]
    assert len(rows) - 1 == expected
    assert all(first.reference in row[2] for row in rows[1:])
    export = AuditEvent.objects.filter(actor=manager, action=AuditEvent.Action.DOWNLOAD).get()
    assert export.detail["export"] == "audit_trail" and export.detail["rows"] == expected


def test_only_those_who_read_the_trail_see_it(client, make_user, other_partnership, trail):
    for role in (Role.BUSINESS_UNIT_OFFICER, Role.AGENCY_USER, Role.PARTNER_REPRESENTATIVE):
        client.force_login(make_user(role))
        assert client.get(URL).status_code == 404
        assert client.get(URL, {"format": "csv"}).status_code == 404
    client.force_login(make_user(Role.SCRUTINEER, partnership=other_partnership))
    assert trail[1].reference not in client.get(URL).content.decode()
    assert reverse("dashboards:audit-trail") == URL
