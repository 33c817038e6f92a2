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
