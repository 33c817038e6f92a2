"""The database refuses to TRUNCATE the audit trail, even for the tables' owner.

The row triggers of 0002 do not fire on TRUNCATE (nor on a TRUNCATE of a table the audit
trail refers to, with CASCADE). The application's role has no TRUNCATE right at all
(``db_grant_app_role``); this stops the owner doing it by mistake, with ``flush`` for
example. PostgreSQL only: SQLite has no TRUNCATE, and its "DELETE FROM" without a WHERE
fires 0002's delete trigger.
"""

from django.db import migrations

POSTGRES_UP = """
CREATE TRIGGER accounts_auditevent_no_truncate
    BEFORE TRUNCATE ON accounts_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION accounts_auditevent_append_only();
"""
POSTGRES_DOWN = "DROP TRIGGER IF EXISTS accounts_auditevent_no_truncate ON accounts_auditevent;"


def _on_postgresql(sql: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)
    return run


class Migration(migrations.Migration):
    dependencies = [("accounts", "0007_user_sessions_ended_at")]

    operations = [
        migrations.RunPython(_on_postgresql(POSTGRES_UP), _on_postgresql(POSTGRES_DOWN)),
    ]
