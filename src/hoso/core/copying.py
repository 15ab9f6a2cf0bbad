"""Writing thousands of new rows of one model at once: COPY on PostgreSQL, executemany on
SQLite. For services that write a chunk in one transaction (an import, issue 13).

`bulk_create` on PostgreSQL sends the rows as arrays that psycopg builds value by value in
Python (half the time of an import chunk); COPY streams them. Values are prepared as the ORM
prepares them (`pre_save`: auto_now dates; `get_db_prep_save`: encryption, JSON, dates), ids
are taken from the table's sequence first, so every instance has its pk afterwards. Like
`people.bulk` (the dossier tables' own COPY, with ids allocated the same way), it is called
only by services, inside their transaction; the two could share this module.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection, models


def _allocate(model: type[models.Model], count: int) -> list[int]:
    table = model._meta.db_table
    column = model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, column, count],
            )
            return [row[0] for row in cursor.fetchall()]
        # SQLite: the write transaction holds the database lock; AUTOINCREMENT never gives an
        # id twice, even one of a deleted row, so neither do we.
        quoted = connection.ops.quote_name(table)
        cursor.execute(f"SELECT COALESCE(MAX({column}), 0) FROM {quoted}")  # noqa: S608
        start = cursor.fetchone()[0]
        cursor.execute("SELECT COALESCE(MAX(seq), 0) FROM sqlite_sequence WHERE name = %s", [table])
        start = max(start, cursor.fetchone()[0]) + 1
        return list(range(start, start + count))


def instances_insert(objs: Sequence[models.Model]) -> None:
    """Insert new instances of one model; each gets its pk (see the module)."""
    if not objs:
        return
    model = type(objs[0])
    fields = list(model._meta.concrete_fields)
    pk = model._meta.pk
    for obj, pk_value in zip(objs, _allocate(model, len(objs)), strict=True):
        setattr(obj, pk.attname, pk_value)
    rows = [
        tuple(f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields) for obj in objs
    ]
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(str(f.column)) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(fields))
            cursor.executemany(
                f"INSERT INTO {table} ({names}) VALUES ({marks})",  # noqa: S608
                rows,
            )
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias
