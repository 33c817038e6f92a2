"""Row history of the records that matter, written by the database (PostgreSQL only).

An AFTER UPDATE OR DELETE trigger on each table in ``HISTORY_TABLES`` writes the changed
columns' old and new values (a deletion: the whole row) to accounts_recordchange, with the
user and request the application named for the session (accounts/history.py). The
function runs as its owner (SECURITY DEFINER), so the application's role needs no INSERT
on the history: it can read it, never write it. The history has the audit trail's
append-only and no-truncate triggers. On SQLite (``make run``) the table stays empty.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

HISTORY_TABLES = [
    ("cases", "Case"), ("cases", "Child"), ("cases", "Referral"),
    ("rapid_review", "ReviewReport"), ("rapid_review", "PartnerSignature"),
    ("lcspr", "OverviewReport"), ("actionplans", "Action"),
]

FUNCTION = """
CREATE OR REPLACE FUNCTION spr_record_change() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    old_row jsonb := to_jsonb(OLD);
    new_row jsonb := CASE WHEN TG_OP = 'UPDATE' THEN to_jsonb(NEW) END;
    changed text[];
BEGIN
    IF TG_OP = 'UPDATE' THEN
        SELECT array_agg(key) INTO changed FROM jsonb_each(old_row) AS o(key, value)
            WHERE new_row -> key IS DISTINCT FROM value;
        IF changed IS NULL THEN
            RETURN NULL;  -- saved unchanged
        END IF;
    END IF;
    INSERT INTO accounts_recordchange
        (occurred_at, table_name, object_id, operation, before, after, actor_id, request_id)
    VALUES (
        now(), TG_TABLE_NAME, old_row ->> 'id', lower(TG_OP),
        CASE WHEN TG_OP = 'UPDATE'
             THEN (SELECT jsonb_object_agg(k, old_row -> k) FROM unnest(changed) AS k)
             ELSE old_row END,
        CASE WHEN TG_OP = 'UPDATE'
             THEN (SELECT jsonb_object_agg(k, new_row -> k) FROM unnest(changed) AS k)
             ELSE '{}'::jsonb END,
        nullif(current_setting('spr.actor_id', true), '')::bigint,
        coalesce(current_setting('spr.request_id', true), ''));
    RETURN NULL;
END;
$$;
REVOKE ALL ON FUNCTION spr_record_change() FROM PUBLIC;
CREATE TRIGGER accounts_recordchange_append_only
    BEFORE UPDATE OR DELETE ON accounts_recordchange
    FOR EACH ROW EXECUTE FUNCTION accounts_auditevent_append_only();
CREATE TRIGGER accounts_recordchange_no_truncate
    BEFORE TRUNCATE ON accounts_recordchange
    FOR EACH STATEMENT EXECUTE FUNCTION accounts_auditevent_append_only();
"""


def _tables(apps):
    return [apps.get_model(app, model)._meta.db_table for app, model in HISTORY_TABLES]


def _install(apps, schema_editor):
    schema_editor.execute(FUNCTION)
    for table in _tables(apps):
        schema_editor.execute(
            f"CREATE TRIGGER spr_record_change AFTER UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION spr_record_change()")


def _uninstall(apps, schema_editor):
    for table in _tables(apps):
        schema_editor.execute(f"DROP TRIGGER IF EXISTS spr_record_change ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS spr_record_change()")


def _on_postgresql(step):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            step(apps, schema_editor)
    return run


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0008_audit_no_truncate'),
        ('actionplans', '0001_action_plans'),
        ('cases', '0011_action_plans'),
        ('lcspr', '0008_report'),
        ('rapid_review', '0010_lcspr_further_information'),
    ]

    operations = [
        migrations.CreateModel(
            name='RecordChange',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('occurred_at', models.DateTimeField(db_index=True)),
                ('table_name', models.CharField(max_length=63)),
                ('object_id', models.CharField(max_length=64)),
                ('operation', models.CharField(choices=[('update', 'Changed'), ('delete', 'Deleted')], max_length=10)),
                ('before', models.JSONField(default=dict)),
                ('after', models.JSONField(default=dict)),
                ('request_id', models.CharField(blank=True, max_length=64)),
                ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-occurred_at', '-id'],
                'indexes': [models.Index(fields=['table_name', 'object_id', '-occurred_at'], name='accounts_re_table_n_2f6df9_idx')],
            },
        ),
        migrations.RunPython(_on_postgresql(_install), _on_postgresql(_uninstall)),
    ]
