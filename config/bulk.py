"""Many rows written in a few statements, for the sweeps that write tens of thousands.

``update_from_values``: each row to its own values. Django's ``bulk_update`` writes a
``CASE WHEN id = ... THEN ...`` per field, which PostgreSQL evaluates row by row against
every branch: slow past a few hundred rows. Here each chunk is one ``UPDATE ... FROM
(VALUES ...)`` joined on the primary key (PostgreSQL, and SQLite 3.33 or later), with the
values adapted by the fields themselves.

``insert_rows``: on PostgreSQL one ``INSERT ... SELECT ... FROM jsonb_to_recordset(%s)``
a chunk, the rows sent as one JSON parameter. ``bulk_create`` builds a model instance and
adapts each field of each row in Python, which for a sweep's rows cost more than the
database's work. Elsewhere (SQLite) it is ``bulk_create``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from django.db import connection
from django.db.models import Model

CHUNK = 5000


def insert_rows(model: type[Model], fields: Sequence[str], rows: Sequence[Sequence], *,
                same: dict | None = None, ignore_conflicts: bool = False) -> None:
    """Insert ``rows`` (values in the order of ``fields``, JSON-serialisable: dates and
    times as ISO strings are read back as such) with the columns in ``same`` set to one
    value for all. ``ignore_conflicts``: a row a unique constraint refuses is left out."""
    same = same or {}
    if not rows:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create([model(**dict(zip(fields, row, strict=True)), **same)
                                   for row in rows], batch_size=2000,
                                  ignore_conflicts=ignore_conflicts)
        return
    meta, quote = model._meta, connection.ops.quote_name
    given = [meta.get_field(name) for name in fields]
    constants = [meta.get_field(name) for name in same]
    columns = ", ".join(quote(f.column) for f in [*given, *constants])
    picked = ", ".join([*(f"r.{quote(f.column)}" for f in given), *(["%s"] * len(constants))])
    typed = ", ".join(f"{quote(f.column)} {f.db_type(connection)}" for f in given)
    params = [f.get_db_prep_save(value, connection) for f, value in zip(
        constants, same.values(), strict=True)]
    conflict = " ON CONFLICT DO NOTHING" if ignore_conflicts else ""
    with connection.cursor() as cursor:
        for start in range(0, len(rows), CHUNK):
            chunk = json.dumps([dict(zip((f.column for f in given), row, strict=True))
                                for row in rows[start:start + CHUNK]], default=str)
            cursor.execute(
                f"INSERT INTO {quote(meta.db_table)} ({columns}) SELECT {picked} "  # noqa: S608
                f"FROM jsonb_to_recordset(%s::jsonb) AS r({typed}){conflict}",
                [*params, chunk])


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
