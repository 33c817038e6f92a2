"""The database as operations run it, on the real PostgreSQL: the application's role cannot
change, delete or truncate the audit trail, and nobody can truncate it; a pg_dump restores
every record, the stored documents' bytes and the audit trail (still append-only) into a
fresh database."""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from accounts.audit import audit_record
from accounts.models import AuditEvent
from accounts.selectors import record_changes_of
from cases.documents import DocumentContent, Paragraph, document_generate
from cases.models import Case, CaseDocument
from cases.services import case_create

from .conftest import conninfo

AUDIT = "accounts_auditevent"


@pytest.fixture
def app_role(db):
    """A role created in the test's transaction (rolled back with it), granted its rights
    by the command compose's migrate service runs."""
    role = f"spr_test_app_{uuid.uuid4().hex[:10]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE ROLE "{role}" NOLOGIN')
    call_command("db_grant_app_role", role)
    return role


def _as(role: str, sql: str, params=()) -> list:
    """Run one statement as the role, in a savepoint (a refusal rolls back only that)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f'SET LOCAL ROLE "{role}"')
        cursor.execute(sql, params)
        rows = cursor.fetchall() if cursor.description else []
        cursor.execute("RESET ROLE")
        return rows


def _refused(role: str, sql: str) -> None:
    with pytest.raises(DatabaseError) as refused:
        _as(role, sql)
    # Refused for want of the right, before the append-only trigger is even asked.
    assert isinstance(refused.value.__cause__, psycopg.errors.InsufficientPrivilege), refused


def test_the_app_role_reads_and_adds_to_the_audit_trail_but_cannot_change_it(
        app_role, partnership):
    audit_record(action=AuditEvent.Action.CREATE, obj=partnership, partnership=partnership)
    before = AuditEvent.objects.count()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f'SET LOCAL ROLE "{app_role}"')
        audit_record(action=AuditEvent.Action.VIEW, obj=partnership, partnership=partnership)
        cursor.execute("RESET ROLE")
    assert _as(app_role, "SELECT count(*) FROM accounts_auditevent") == [(before + 1,)]
    _refused(app_role, "UPDATE accounts_auditevent SET detail = '{}'")
    _refused(app_role, "DELETE FROM accounts_auditevent")
    _refused(app_role, "TRUNCATE accounts_auditevent")
    _refused(app_role, "ALTER TABLE accounts_auditevent DISABLE TRIGGER ALL")  # only the owner may
    _refused(app_role, "DELETE FROM django_migrations")
    assert AuditEvent.objects.count() == before + 1


def test_the_app_role_has_the_usual_rights_on_every_other_table(app_role, partnership):
    case = case_create(actor=None, partnership=partnership)
    _as(app_role, "UPDATE cases_case SET media_monitoring = true WHERE id = %s",
        [case.pk])
    case.refresh_from_db()
    assert case.media_monitoring is True
    # The row history is written for it by the database, and is all it may do there.
    assert record_changes_of(case).get().after == {"media_monitoring": True}
    assert _as(app_role, "SELECT count(*) FROM accounts_recordchange") == [(1,)]
    for sql in ("INSERT INTO accounts_recordchange (occurred_at, table_name, object_id, "
                "operation, before, after, request_id) "
                "VALUES (now(), 'cases_case', '1', 'update', '{}', '{}', 'forged')",
                "UPDATE accounts_recordchange SET request_id = 'forged'",
                "DELETE FROM accounts_recordchange", "TRUNCATE accounts_recordchange"):
        _refused(app_role, sql)
    _as(app_role, "DELETE FROM django_session")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f'SET LOCAL ROLE "{app_role}"')
        second = case_create(actor=None, partnership=partnership)  # inserts and sequences
        cursor.execute("RESET ROLE")
    assert Case.objects.filter(pk=second.pk).exists()


def test_tables_a_later_migration_adds_are_the_app_roles_by_default(app_role):
    call_command("db_grant_app_role", app_role)  # run again after every migrate: idempotent
    with connection.cursor() as cursor:  # as the owner, as migrate would
        cursor.execute("CREATE TABLE spr_test_later (id bigserial PRIMARY KEY, note text)")
    _as(app_role, "INSERT INTO spr_test_later (note) VALUES ('added')")  # and its sequence
    _as(app_role, "UPDATE spr_test_later SET note = 'changed'")
    assert _as(app_role, "SELECT note FROM spr_test_later") == [("changed",)]
    _as(app_role, "DELETE FROM spr_test_later")
    _refused(app_role, "TRUNCATE spr_test_later")


def test_truncate_of_the_audit_trail_is_refused_even_to_the_owner(partnership):
    audit_record(action=AuditEvent.Action.CREATE, obj=partnership, partnership=partnership)
    with connection.cursor() as cursor:  # check the insert's deferred foreign keys now
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    # The tests connect as a superuser, who owns the tables and has every right.
    for sql in (f"TRUNCATE {AUDIT}",
                "TRUNCATE accounts_user CASCADE",  # the trail refers to users
                "TRUNCATE accounts_partnership CASCADE"):
        with pytest.raises(DatabaseError, match="append-only") as refused, \
                transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
        assert isinstance(refused.value.__cause__, psycopg.errors.RaiseException), sql
    assert AuditEvent.objects.count() == 1


class _Caught(Exception):
    pass


def _statement_of(write) -> tuple[str, tuple]:
    """The SQL and parameters the application's code sends for ``write``, not run."""
    caught = []

    def catch(execute, sql, params, many, context):
        caught.append((sql, params))
        raise _Caught

    with pytest.raises(_Caught), connection.execute_wrapper(catch):
        write()
    return caught[0]


@pytest.mark.django_db(transaction=True)
def test_a_login_role_on_its_own_connection_reads_and_adds_to_the_audit_trail_only(
        partnership):
    """As the application connects in compose: a role of its own, with a password, on a
    connection of its own that sees only what is committed."""
    role, password = f"spr_test_login_{uuid.uuid4().hex[:10]}", uuid.uuid4().hex
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE \"{role}\" LOGIN PASSWORD '{password}'")
    try:
        call_command("db_grant_app_role", role)
        audit_record(action=AuditEvent.Action.CREATE, obj=partnership, partnership=partnership)
        with psycopg.connect(**{**conninfo(), "user": role, "password": password},
                             autocommit=True) as app:
            assert app.execute("SELECT current_user").fetchone() == (role,)
            app.execute(*_statement_of(lambda: audit_record(
                action=AuditEvent.Action.VIEW, obj=partnership, partnership=partnership)))
            assert app.execute("SELECT count(*) FROM accounts_auditevent").fetchone() == (2,)
            app.execute("UPDATE accounts_partnership SET name = name || ' (renamed)' "
                        "WHERE id = %s", [partnership.pk])
            for sql in ("UPDATE accounts_auditevent SET detail = '{}'",
                        "DELETE FROM accounts_auditevent",
                        "TRUNCATE accounts_auditevent",
                        "ALTER TABLE accounts_auditevent DISABLE TRIGGER ALL",
                        "DROP TRIGGER accounts_auditevent_no_truncate ON accounts_auditevent"):
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    app.execute(sql)
        partnership.refresh_from_db()
        assert partnership.name.endswith("(renamed)")
        assert AuditEvent.objects.count() == 2
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP OWNED BY "{role}"')  # its grants, here and on the database
            cursor.execute(f'DROP ROLE "{role}"')


def test_the_grants_are_run_by_the_owner_only(app_role):
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE ROLE "{app_role}_other" NOLOGIN')
    try:
        with pytest.raises(CommandError, match="Run this as the role that owns the tables"), \
                transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f'SET LOCAL ROLE "{app_role}_other"')
            call_command("db_grant_app_role", app_role)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")


@pytest.mark.django_db
def test_the_grants_refuse_a_superuser_or_a_missing_role():
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        owner = cursor.fetchone()[0]
    with pytest.raises(CommandError, match="superuser or owns the tables"):
        call_command("db_grant_app_role", owner)
    with pytest.raises(CommandError, match="There is no role"):
        call_command("db_grant_app_role", f"nobody_{uuid.uuid4().hex[:8]}")


def test_the_documented_statements_are_the_ones_run(capsys):
    assert AuditEvent._meta.db_table == AUDIT and Case._meta.db_table == "cases_case"
    call_command("db_grant_app_role", "spr_app", "--print-sql")
    sql = capsys.readouterr().out
    assert f'REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON "{AUDIT}" FROM "spr_app"' \
        in sql
    assert ('ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE '
            'ON TABLES TO "spr_app"') in sql


# Backup and restore ------------------------------------------------------------------------

def _pg(tool: str, *args: str) -> None:
    executable = shutil.which(tool)
    if executable is None:
        pytest.fail(f"{tool} is needed (Debian's postgresql-client)")
    info = conninfo()
    env = {**os.environ, **({"PGPASSWORD": info["password"]} if info["password"] else {})}
    subprocess.run([executable, "--host", info["host"], "--port", str(info["port"]),  # noqa: S603
                    "--username", info["user"], *args], check=True, env=env,
                   capture_output=True, timeout=300)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_records_document_bytes_and_the_audit_trail(partnership, make_user,
                                                                       tmp_path):
    officer = make_user()
    case = case_create(actor=officer, partnership=partnership)
    document = document_generate(
        actor=officer, case=case, kind=CaseDocument.Kind.TERMS_OF_REFERENCE,
        content=DocumentContent(title="Terms of reference", partnership=partnership.name,
                                case_reference=case.reference,
                                blocks=[Paragraph("Scope (fictional)")]))
    audit = sorted(AuditEvent.objects.values_list("pk", "action", "object_type", "object_id"))
    assert audit and document.pdf and document.docx

    dump = tmp_path / "spr.dump"
    _pg("pg_dump", "--format=custom", "--file", str(dump), conninfo()["dbname"])
    restored = f"{conninfo()['dbname']}_restored_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(**conninfo(dbname="postgres"), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{restored}"')
    try:
        _pg("pg_restore", "--exit-on-error", "--dbname", restored, str(dump))
        with psycopg.connect(**conninfo(dbname=restored)) as copy:
            row = copy.execute(
                "SELECT docx, pdf, pdf_sha256 FROM cases_casedocument WHERE id = %s",
                [document.pk]).fetchone()
            assert (bytes(row[0]), bytes(row[1]), row[2]) == (
                bytes(document.docx), bytes(document.pdf), document.pdf_sha256)
            assert copy.execute("SELECT reference FROM cases_case WHERE id = %s",
                                [case.pk]).fetchone() == (case.reference,)
            assert sorted(copy.execute(
                "SELECT id, action, object_type, object_id FROM accounts_auditevent"
            ).fetchall()) == audit
            # Still append-only after the restore: the trigger came with it.
            with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
                copy.execute("DELETE FROM accounts_auditevent")
    finally:
        with psycopg.connect(**conninfo(dbname="postgres"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{restored}" WITH (FORCE)')
