"""Bulk writes to the catalogue's tables, fast on PostgreSQL.

``objects_insert``, ``objects_update`` and ``rows_insert`` go by ``COPY`` on
PostgreSQL (several times faster than parameterised ``INSERT`` or Django's
``CASE``-per-row ``bulk_update`` for thousands of rows) and by Django's bulk
methods elsewhere. They write rows only: the caller then calls
``derived.papers_changed`` for the papers it touched (papers/core/derived.py).
"""

from collections.abc import Iterable, Iterator

from django.db import connection, connections, router

IN_LIST_SIZE = 900  # rows per ``__in`` lookup: within SQLite's bound-parameter limit


def chunks(values: Iterable, size: int = IN_LIST_SIZE) -> Iterator[list]:
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


PLAIN_FIELD_TYPES = {
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "DateField",
    "FloatField",
    "ForeignKey",
    "IntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SlugField",
    "SmallIntegerField",
    "TextField",
    "URLField",
}


def objects_insert(model, objs: list) -> None:
    """``bulk_create`` for new rows of a plain model (no many-to-many, no signals).

    On PostgreSQL the rows go by ``COPY`` with primary keys drawn from the
    table's sequence first, which is several times faster than the
    parameterised ``INSERT`` for thousands of rows; elsewhere ``bulk_create``.
    """
    if not objs:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objs)
        return
    opts = model._meta
    fields = [field for field in opts.concrete_fields if not field.primary_key]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [quote(opts.db_table), opts.pk.column, len(objs)],
        )
        for obj, (pk,) in zip(objs, cursor.fetchall(), strict=True):
            obj.pk = pk
        # Plain values go to psycopg as they are; other fields (and timestamps
        # set on save) are prepared as Django prepares them.
        plain = [
            field.get_internal_type() in PLAIN_FIELD_TYPES
            and not getattr(field, "auto_now", False)
            and not getattr(field, "auto_now_add", False)
            for field in fields
        ]
        attnames = [field.attname for field in fields]
        columns = ", ".join(quote(field.column) for field in [opts.pk, *fields])
        with cursor.cursor.copy(f"COPY {quote(opts.db_table)} ({columns}) FROM STDIN") as copy:
            for obj in objs:
                values = obj.__dict__
                copy.write_row(
                    [
                        obj.pk,
                        *(
                            values[attname]
                            if is_plain
                            else field.get_db_prep_save(field.pre_save(obj, True), connection)
                            for field, attname, is_plain in zip(
                                fields, attnames, plain, strict=True
                            )
                        ),
                    ]
                )
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias


def objects_update(model, objs: list, fields: list[str], *, using: str | None = None) -> None:
    """``bulk_update`` of ``fields`` on ``objs`` (in the database ``using``).

    On PostgreSQL the new values go by ``COPY`` into a temporary table and are
    applied by one ``UPDATE ... FROM``: Django's ``bulk_update`` builds a
    ``CASE`` per field and row, which costs more than the import itself.
    """
    if not objs:
        return
    connection = connections[using or router.db_for_write(model)]
    if connection.vendor != "postgresql":
        model.objects.using(connection.alias).bulk_update(objs, fields)
        return
    opts = model._meta
    quote = connection.ops.quote_name
    targets = [opts.get_field(name) for name in fields]
    columns = [quote(field.column) for field in [opts.pk, *targets]]
    table, temporary = quote(opts.db_table), quote(f"bulk_update_{opts.db_table}")
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE {temporary} ON COMMIT DROP AS "
            f"SELECT {', '.join(columns)} FROM {table} WITH NO DATA"
        )
        with cursor.cursor.copy(f"COPY {temporary} ({', '.join(columns)}) FROM STDIN") as copy:
            for obj in objs:
                copy.write_row(
                    [
                        obj.pk,
                        *(
                            field.get_db_prep_save(getattr(obj, field.attname), connection)
                            for field in targets
                        ),
                    ]
                )
        assignments = ", ".join(f"{column} = source.{column}" for column in columns[1:])
        cursor.execute(
            f"UPDATE {table} SET {assignments} FROM {temporary} AS source "
            f"WHERE {table}.{columns[0]} = source.{columns[0]}"
        )
        cursor.execute(f"DROP TABLE {temporary}")


def rows_insert(model, fields: list[str], rows: list[tuple]) -> None:
    """Insert plain rows (no ids needed back, no defaults to fill) in bulk.

    For link rows an import writes by the thousand, building a model instance
    per row is most of ``bulk_create``'s cost. PostgreSQL gets them by
    ``COPY``; other databases by multi-row ``INSERT``. Values must be complete;
    constraints are checked by the database as usual.
    """
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        row_sql = f"({', '.join(['%s'] * len(fields))})"
        params_limit = min(connection.features.max_query_params or 999, 30000)
        per_statement = max(1, min(1000, params_limit // len(fields)))
        for chunk in chunks(rows, per_statement):
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {', '.join([row_sql] * len(chunk))}",
                [value for row in chunk for value in row],
            )
