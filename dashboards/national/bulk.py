"""Loading many rows fast: ids taken from the table's own sequence beforehand (so rows can
name each other before they are written), then PostgreSQL's COPY, which is several times
faster than INSERT for the national data set's million rows."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, models
from django.utils import timezone

from dashboards.cache import UNSHOWN, bump


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """``count`` ids from ``model``'s sequence, never handed out again."""
    if count <= 0:
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) "
                       "FROM generate_series(1, %s)", [model._meta.db_table, count])
        return [row[0] for row in cursor.fetchall()]


def with_ids(model: type[models.Model], objs: list[models.Model]) -> list[models.Model]:
    """Give every object without a primary key one from the sequence."""
    missing = [obj for obj in objs if obj.pk is None]
    for obj, pk in zip(missing, reserve_ids(model, len(missing)), strict=True):
        obj.pk = pk
    return objs


def _value(obj: models.Model, field: models.Field, now):
    value = getattr(obj, field.attname)
    if value is None and (getattr(field, "auto_now", False)
                          or getattr(field, "auto_now_add", False)):
        value = now  # COPY skips pre_save: a date given here is kept, as a backdated one
    return field.get_db_prep_save(value, connection)


def copy_in(model: type[models.Model], objs: Iterable[models.Model], *,
            with_pk: bool = True) -> int:
    """Write the objects with one COPY: each with its primary key set, or (``with_pk``
    False) leaving the database to number them. Django defaults apply, as the objects were
    made with them; ``auto_now`` fields keep a value given; a foreign key takes the id its
    object was given after being assigned (as ``save()`` does)."""
    fields = [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]
    qn = connection.ops.quote_name
    sql = (f"COPY {qn(model._meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) "
           "FROM STDIN")
    now, count = timezone.now(), 0
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for obj in objs:
            obj._prepare_related_fields_for_save(operation_name="copy_in")
            copy.write_row([_value(obj, field, now) for field in fields])
            count += 1
    if model._meta.db_table not in UNSHOWN:
        bump()  # COPY does not pass Django's cursor, which raises it for every other write
    return count
