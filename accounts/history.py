"""Row history (RecordChange): telling the database's trigger who is writing.

The trigger (migration 0009) reads the session settings ``spr.actor_id`` and
``spr.request_id``. Before every UPDATE or DELETE the application sends, the execute
wrapper installed here sets both from the request's context, so a bulk ``update()`` is
attributed as a ``save()`` is, and a value is never left over from an earlier request on a
kept connection. Outside a request (a Celery task, a command) both are empty: the system.
"""

from __future__ import annotations

from django.db.backends.signals import connection_created

from .request_context import actor_id_var, request_id_var


def _may_change_rows(sql) -> bool:
    """An UPDATE or DELETE, or an INSERT that may update (an upsert)."""
    if not isinstance(sql, str):
        return False
    head = sql.lstrip()[:6].upper()
    return head in ("UPDATE", "DELETE") or (head == "INSERT" and "ON CONFLICT" in sql)


def record_change_context(execute, sql, params, many, context):
    if _may_change_rows(sql):
        connection = context["connection"]
        with connection.wrap_database_errors:
            # The driver's own cursor: not wrapped again, nor counted as the app's query.
            context["cursor"].cursor.execute(
                "SELECT set_config('spr.actor_id', %s, false), "
                "set_config('spr.request_id', %s, false)",
                [str(actor_id_var.get() or ""), request_id_var.get()])
    return execute(sql, params, many, context)


def _install(sender, connection, **kwargs):
    if connection.vendor == "postgresql" and record_change_context not in \
            connection.execute_wrappers:
        connection.execute_wrappers.append(record_change_context)


def install() -> None:
    """Called once, from AppConfig.ready: every new PostgreSQL connection gets the wrapper."""
    connection_created.connect(_install, dispatch_uid="accounts.history")

