"""Give the application's database role what it needs, and nothing more.

Run as the owner of the tables (the role that runs migrations) after every ``migrate``:
compose's ``migrate`` service does. The application connects as another role, which may
read and write the tables but only read and add to the audit trail: no UPDATE, DELETE or
TRUNCATE (the triggers refuse them too, but an owner could drop the triggers; a role that
owns nothing cannot), and only read the row history (RecordChange), which the database
writes. Tables and sequences a later migration creates get the usual rights
by default, so a ``migrate`` run without this command does not stop the application.
Idempotent.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from accounts.models import AuditEvent, RecordChange


def grant_statements(role: str, database: str) -> list[str]:
    quote = connection.ops.quote_name
    role, audit = quote(role), quote(AuditEvent._meta.db_table)
    history = quote(RecordChange._meta.db_table)
    return [
        f"GRANT CONNECT ON DATABASE {quote(database)} TO {role}",
        f"GRANT USAGE ON SCHEMA public TO {role}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
        f"REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {audit} FROM {role}",
        # Written by the database's trigger (as the owner) only.
        f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {history} "
        f"FROM {role}",
        f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON django_migrations FROM {role}",
        # For what the owner (who runs this) creates later; the audit table exists already.
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public "
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {role}",
    ]


class Command(BaseCommand):
    help = ("Grant the application's PostgreSQL role the usual rights on every table, but "
            "only SELECT and INSERT on the audit trail. Run as the tables' owner.")

    def add_arguments(self, parser):
        parser.add_argument("role", help="The role the application connects as")
        parser.add_argument("--print-sql", action="store_true",
                            help="Print the statements instead of running them")

    def handle(self, *args, role: str, print_sql: bool, **options):
        statements = grant_statements(role, connection.settings_dict["NAME"])
        if print_sql:
            self.stdout.write(";\n".join(statements) + ";")
            return
        if connection.vendor != "postgresql":
            raise CommandError("Database roles are for PostgreSQL only")
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT r.rolsuper, pg_has_role(r.oid, t.tableowner, 'MEMBER'), "
                "t.tableowner = current_user "
                "FROM pg_roles r, pg_tables t WHERE r.rolname = %s AND t.tablename = %s",
                [role, AuditEvent._meta.db_table])
            found = cursor.fetchone()
        if found is None:
            raise CommandError(f"There is no role {role} (or no audit table: run migrate "
                               "first). Create the role with CREATE ROLE ... LOGIN PASSWORD")
        superuser, owner, run_by_owner = found
        if superuser or owner:
            raise CommandError(f"{role} is a superuser or owns the tables: the application "
                               "must connect as a role that does not")
        if not run_by_owner:
            # Anyone else's GRANT only warns, and default privileges would be theirs.
            raise CommandError("Run this as the role that owns the tables (the one that "
                               "runs migrate)")
        with transaction.atomic(), connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
        self.stdout.write(f"Granted {role} the application's rights")
