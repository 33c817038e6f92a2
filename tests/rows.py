"""Did a request change the database? For the role matrix: a GET changes nothing, and a
refused POST changes nothing either."""

from __future__ import annotations

import contextlib

from django.db import connection

# What a request may write whatever it is: the audit trail (every read of a child's data
# is audited, so is a refusal) and the session (signing in, the idle timeout).
MAY_WRITE = frozenset({"accounts_auditevent", "django_session"})

_WRITES = ("SELECT relname, n_tup_ins, n_tup_upd, n_tup_del FROM pg_stat_xact_user_tables "
           "WHERE n_tup_ins + n_tup_upd + n_tup_del > 0")


def rows_written() -> dict[str, tuple]:
    """Per table, what the test's transaction has done to it so far. On PostgreSQL the
    transaction's own counts of rows inserted, updated and deleted (one query, and an update
    that changes nothing still counts); elsewhere each table's count of rows (one query)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_WRITES)
        else:
            tables = connection.introspection.django_table_names(only_existing=True)
            # Django's own table names, quoted.
            counts = [f"SELECT '{table}', COUNT(*) FROM {connection.ops.quote_name(table)}"  # noqa: S608
                      for table in tables]
            cursor.execute(" UNION ALL ".join(counts))
        return {name: tuple(counts) for name, *counts in cursor.fetchall()
                if name not in MAY_WRITE}


@contextlib.contextmanager
def no_rows_written(what):
    """Fails, naming ``what`` and the tables, if the block inserts, updates or deletes a row
    of any table but the audit trail's and the sessions'."""
    before = rows_written()
    yield
    after = rows_written()
    changed = sorted(table for table in before.keys() | after.keys()
                     if before.get(table) != after.get(table))
    assert not changed, (what, changed)
