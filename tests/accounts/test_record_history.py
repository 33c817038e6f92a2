"""Row history of the records that matter, written by the database (PostgreSQL): bulk
updates and deletions included, with who made them; nobody can change it."""

from __future__ import annotations

import datetime

import psycopg
import pytest
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection, transaction

from accounts.models import RecordChange
from accounts.request_context import actor_id_var, request_id_var
from accounts.selectors import record_changes_of
from cases.models import Case, Child
from cases.services import case_create

pytestmark = pytest.mark.django_db
TRACKED = {"cases_case", "cases_child", "cases_referral", "rapid_review_reviewreport",
           "rapid_review_partnersignature", "lcspr_overviewreport", "actionplans_action"}


@pytest.fixture
def case(partnership):
    return case_create(actor=None, partnership=partnership)


def _as_request(actor_id, request_id):
    return actor_id_var.set(actor_id), request_id_var.set(request_id)


def test_a_bulk_update_is_kept_with_who_made_it_and_what_it_was(case, make_user):
    officer = make_user()
    actor, rid = _as_request(officer.pk, "req-1")
    try:
        Case.objects.filter(pk=case.pk).update(media_monitoring=True)  # no save(), no signal
        case.refresh_from_db()
        case.save()  # unchanged: nothing kept
    finally:
        actor_id_var.reset(actor)
        request_id_var.reset(rid)
    change = record_changes_of(case).get()
    assert (change.operation, change.before, change.after) == (
        RecordChange.Operation.UPDATE, {"media_monitoring": False}, {"media_monitoring": True})
    assert (change.actor, change.request_id, change.table_name) == (
        officer, "req-1", "cases_case")
    # Outside a request (a task, a command) it is the system's, never the last request's.
    Case.objects.filter(pk=case.pk).update(media_monitoring=False)
    latest = record_changes_of(case).first()
    assert (latest.actor, latest.request_id, latest.after) == (
        None, "", {"media_monitoring": False})


def test_a_deletion_keeps_the_whole_row(case):
    child = Child.objects.create(case=case, full_name="Testchild Example", gender="female",
                                 date_of_birth=datetime.date(2015, 3, 1))
    pk = child.pk
    Case.objects.filter(pk=case.pk).delete()  # the child goes with its case
    deleted = RecordChange.objects.get(table_name="cases_child", object_id=str(pk))
    assert deleted.operation == RecordChange.Operation.DELETE
    assert (deleted.before["full_name"], deleted.before["case_id"], deleted.after) == (
        "Testchild Example", case.pk, {})
    assert RecordChange.objects.filter(table_name="cases_case", object_id=str(case.pk),
                                       operation="delete").exists()


def test_the_records_that_matter_have_the_trigger():
    with connection.cursor() as cursor:
        cursor.execute("SELECT tgrelid::regclass::text FROM pg_trigger "
                       "WHERE tgname = 'spr_record_change'")
        assert {row[0] for row in cursor.fetchall()} == TRACKED


def test_nobody_changes_the_history(case):
    Case.objects.filter(pk=case.pk).update(media_monitoring=True)
    change = RecordChange.objects.get()
    with pytest.raises(PermissionDenied):
        change.save()
    with pytest.raises(PermissionDenied):
        RecordChange.objects.update(request_id="forged")
    with pytest.raises(PermissionDenied):
        RecordChange.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    for sql in ("UPDATE accounts_recordchange SET request_id = 'forged'",
                "DELETE FROM accounts_recordchange", "TRUNCATE accounts_recordchange"):
        with pytest.raises(DatabaseError, match="append-only") as refused, \
                transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
        assert isinstance(refused.value.__cause__, psycopg.errors.RaiseException), sql
    assert RecordChange.objects.get().request_id == ""


def test_the_case_page_of_changes_says_who_changed_what_in_words(client, case, make_user,
                                                                  django_assert_max_num_queries):
    from django.urls import reverse

    from accounts.models import Role

    officer = make_user()
    officer.full_name = "Fictional Officer"
    officer.save()
    child = Child.objects.create(case=case, full_name="Historychild Example", gender="female",
                                 date_of_birth=datetime.date(2015, 3, 1))
    actor, rid = _as_request(officer.pk, "req-2")
    try:
        Case.objects.filter(pk=case.pk).update(media_monitoring=True)
        Child.objects.filter(pk=child.pk).update(gender="male")
        for n in range(3):  # more pages of changes cost no more queries
            Child.objects.filter(pk=child.pk).update(full_name=f"Historychild Example {n}")
    finally:
        actor_id_var.reset(actor)
        request_id_var.reset(rid)
    Child.objects.filter(pk=child.pk).delete()
    other = case_create(actor=None, partnership=case.partnership)
    Case.objects.filter(pk=other.pk).update(media_monitoring=True)  # not this case's
    url = reverse("cases:case-history", kwargs={"reference": case.reference})

    client.force_login(make_user(Role.BUSINESS_MANAGER))
    with django_assert_max_num_queries(15):
        page = client.get(url)
    text = page.content.decode()
    assert "Fictional Officer" in text
    assert "Gender: Female" in text and "Male" in text
    assert "(deleted)" in text and "The service" in text and "Date of birth: 1 Mar 2015" in text
    assert "cases_child" not in text and "gender_id" not in text
    assert len(page.context["changes"]) == 6  # the case, five to the child, not the other
    client.force_login(make_user(Role.BUSINESS_UNIT_OFFICER))
    assert client.get(url).status_code == 404
