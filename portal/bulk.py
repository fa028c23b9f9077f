"""Many rows of one model in one statement.

`rows_insert` is `bulk_create` for plain rows (no multi-table inheritance,
no conflicts handling): on PostgreSQL one `INSERT … SELECT FROM unnest(…)`
with one array per column, returning the keys, which are set on the
instances (as `bulk_create` does); elsewhere `bulk_create` itself.
Values are prepared as `bulk_create` prepares them (`pre_save`, then
`get_db_prep_save`), JSON through the field's own encoder.
"""

import json
from collections.abc import Sequence

from django.db import connections, models


def rows_insert[M: models.Model](rows: Sequence[M]) -> Sequence[M]:
    if not rows:
        return rows
    model = type(rows[0])
    manager = model._default_manager
    connection = connections[manager.db]
    if connection.vendor != "postgresql" or model._meta.parents:
        return manager.bulk_create(rows, batch_size=1000)
    meta = model._meta
    pk = meta.pk
    assert pk is not None
    fields = [
        f for f in meta.concrete_fields if f is not pk or getattr(rows[0], f.attname) is not None
    ]
    if any(f is pk for f in fields):
        return manager.bulk_create(rows, batch_size=1000)
    quote = connection.ops.quote_name
    arrays: list[list[object]] = []
    types: list[str] = []
    selects: list[str] = []
    for n, f in enumerate(fields):
        if isinstance(f, models.JSONField):
            encoder = f.encoder
            arrays.append(
                [
                    None if v is None else json.dumps(v, cls=encoder)
                    for v in (f.pre_save(row, True) for row in rows)
                ]
            )
            types.append("text[]")
            selects.append(f"u.c{n}::jsonb")
        else:
            arrays.append([f.get_db_prep_save(f.pre_save(row, True), connection) for row in rows])
            types.append(f"{f.db_type(connection)}[]")
            selects.append(f"u.c{n}")
    columns = ", ".join(quote(f.column) for f in fields)
    # Identifiers and types come from the model's own metadata; every value is a parameter.
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({columns}) "  # noqa: S608
        f"SELECT {', '.join(selects)} "
        f"FROM unnest({', '.join(f'%s::{t}' for t in types)}) "
        f"AS u({', '.join(f'c{n}' for n in range(len(fields)))}) "
        f"RETURNING {quote(pk.column)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, arrays)
        keys = [key for (key,) in cursor.fetchall()]
    for row, key in zip(rows, keys, strict=True):
        setattr(row, pk.attname, key)
        row._state.adding = False
        row._state.db = manager.db
    return rows
