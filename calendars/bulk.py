"""Many rows updated, each to its own values, in a few statements.

Django's ``bulk_update`` writes a ``CASE WHEN id = ... THEN ...`` per field, which
PostgreSQL evaluates row by row against every branch: slow past a few hundred rows. Here
each chunk is one ``UPDATE ... FROM (VALUES ...)`` joined on the primary key (PostgreSQL,
and SQLite 3.33 or later), with the values adapted by the fields themselves.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection
from django.db.models import Model

CHUNK = 5000


def update_from_values(model: type[Model], fields: Sequence[str],
                       rows: Sequence[tuple], *, same: dict | None = None,
                       where: dict | None = None) -> int:
    """Set ``fields`` of each row ``(pk, value, ...)`` to its values, and the columns in
    ``same`` to one value for all; only rows also matching ``where`` (column equal to a
    value). Returns how many rows changed."""
    if not rows:
        return 0
    meta = model._meta
    table, pk = connection.ops.quote_name(meta.db_table), meta.pk
    postgres = connection.vendor == "postgresql"
    model_fields = [pk, *(meta.get_field(name) for name in fields)]

    def cast(field) -> str:
        return f"::{field.db_type(connection)}" if postgres else ""

    aliases = ", ".join(f"c{i}" for i in range(len(model_fields)))
    sets = [f"{connection.ops.quote_name(f.column)} = v.c{i}{cast(f)}"
            for i, f in enumerate(model_fields) if i]
    set_params: list = []
    for name, value in (same or {}).items():
        field = meta.get_field(name)
        sets.append(f"{connection.ops.quote_name(field.column)} = %s")
        set_params.append(field.get_db_prep_save(value, connection))
    conditions = [f"{table}.{connection.ops.quote_name(pk.column)} = v.c0{cast(pk)}"]
    where_params: list = []
    for name, value in (where or {}).items():
        field = meta.get_field(name)
        conditions.append(f"{table}.{connection.ops.quote_name(field.column)} = %s")
        where_params.append(field.get_db_prep_save(value, connection))
    changed = 0
    with connection.cursor() as cursor:
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start:start + CHUNK]
            values = ", ".join(["(" + ", ".join(["%s"] * len(model_fields)) + ")"] * len(chunk))
            params = [field.get_db_prep_save(value, connection)
                      for row in chunk for field, value in zip(model_fields, row, strict=True)]
            cursor.execute(
                f"WITH v({aliases}) AS (VALUES {values}) "  # noqa: S608 - names from _meta
                f"UPDATE {table} SET {', '.join(sets)} FROM v WHERE {' AND '.join(conditions)}",
                [*params, *set_params, *where_params])
            changed += cursor.rowcount
    return changed
