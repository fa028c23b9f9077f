"""Inserting many rows at once: PostgreSQL COPY, or `bulk_create` elsewhere.

The cohort's rows bypass the services on purpose (a service per row costs
tens of queries); the builders in `cohort` and `reviews` write the same
derived rows the services would (history, audit), and the database's
constraints and triggers still check every row. Model `save()` is not
called, so nothing here may rely on it.
"""

from collections.abc import Callable, Sequence

from django.db import DEFAULT_DB_ALIAS, connections, models

BATCH = 5_000


def _is_postgresql() -> bool:
    return connections[DEFAULT_DB_ALIAS].vendor == "postgresql"


def _ids_reserve(model: type[models.Model], count: int) -> list[int]:
    """`count` fresh primary keys from the table's own sequence (PostgreSQL)."""
    table = model._meta.db_table
    column = model._meta.pk.column
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, column, count],
        )
        return [row[0] for row in cursor.fetchall()]


# Values psycopg adapts as they are: no Django preparation needed (it is the
# slow part of writing a row: a field's get_db_prep_save per value).
_PLAIN = (
    models.IntegerField,
    models.CharField,
    models.TextField,
    models.BooleanField,
    models.FloatField,
    models.DecimalField,
    models.DateField,  # DateTimeField too
    models.ForeignKey,
)


def _getter(field: models.Field, conn) -> Callable[[models.Model], object]:
    """How to read the field's database value from an object."""
    attname = field.attname
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        # Keep a value the builder set (a submission twenty days ago); else now.
        def stamp(obj):
            current = getattr(obj, attname)
            if current is None:
                current = field.pre_save(obj, add=True)
            return field.get_db_prep_save(current, conn)

        return stamp
    if isinstance(field, _PLAIN):
        return lambda obj: getattr(obj, attname)
    return lambda obj: field.get_db_prep_save(field.pre_save(obj, add=True), conn)


def rows_insert(
    model: type[models.Model], objs: Sequence[models.Model], *, with_ids: bool = False
) -> None:
    """Insert `objs`; with `with_ids` each object gets its primary key.

    PostgreSQL: primary keys are reserved from the table's sequence and the
    rows are streamed with COPY. Elsewhere: `bulk_create` in large batches
    (SQLite returns the new keys).
    """
    if not objs:
        return
    # The connection itself: the `connection` proxy costs a lookup per use.
    connection = connections[DEFAULT_DB_ALIAS]
    if not _is_postgresql():
        _bulk_create_keeping_stamps(model, objs)
        return
    for obj in objs:
        # Foreign keys to objects inserted just before: copy their new keys.
        obj._prepare_related_fields_for_save(operation_name="rows_insert")
    pk = model._meta.pk
    auto_pk = isinstance(pk, models.AutoField)
    if with_ids and auto_pk:
        for obj, new_id in zip(objs, _ids_reserve(model, len(objs)), strict=True):
            obj.pk = new_id
    fields = [f for f in model._meta.concrete_fields if not (f is pk and auto_pk and not with_ids)]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    sql = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"
    getters = [_getter(f, connection) for f in fields]
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for obj in objs:
            copy.write_row([get(obj) for get in getters])
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias


def _bulk_create_keeping_stamps(model: type[models.Model], objs: Sequence[models.Model]) -> None:
    """`bulk_create`, then the timestamps the builders set put back (a submission
    twenty days ago): like `save()`, `bulk_create` stamps every auto_now and
    auto_now_add field with the present, where COPY keeps the builder's value."""
    stamped = [
        f
        for f in model._meta.concrete_fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    given = [[getattr(obj, f.attname) for f in stamped] for obj in objs]
    model._default_manager.bulk_create(objs, batch_size=500)
    restamped = []
    for obj, values in zip(objs, given, strict=True):
        kept = [(f, value) for f, value in zip(stamped, values, strict=True) if value is not None]
        for f, value in kept:
            setattr(obj, f.attname, value)
        if kept:
            restamped.append(obj)
    if restamped:
        model._default_manager.bulk_update(restamped, [f.name for f in stamped], batch_size=500)


def tables_analyze(models_: Sequence[type[models.Model]]) -> None:
    """Fresh statistics for tables just filled (PostgreSQL), so the next queries
    (the scores' rebuild) are planned for ten thousand rows, not for empty tables.
    ANALYZE counts the rows this transaction inserted."""
    if not _is_postgresql():
        return
    connection = connections[DEFAULT_DB_ALIAS]
    tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in models_)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {tables}")
