"""Fast insertion of validated rows: COPY on PostgreSQL, executemany on SQLite.

Used only by `people.services`, after validation. Person ids are allocated up front so that
section rows can reference them without a round trip per person.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import connection, models

from hoso.core.errors import DomainError
from hoso.people.models import Person

Row = tuple[Any, ...]


def columns(model: type[models.Model], *, with_pk: bool) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]


def allocate_person_ids(count: int) -> list[int]:
    table = Person._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) "  # noqa: S608
                "FROM generate_series(1, %s)",
                [count],
            )
            return [row[0] for row in cursor.fetchall()]
        # SQLite: the write transaction (BEGIN IMMEDIATE) holds the database lock.
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608
        start = cursor.fetchone()[0] + 1
        return list(range(start, start + count))


def reserve_person_ids(count: int) -> int:
    """The first of `count` consecutive person ids taken from the sequence at once, so that
    parallel writers can each number their own people (PostgreSQL; SQLite runs one writer)."""
    table = Person._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT min(v), max(v) FROM (SELECT nextval(pg_get_serial_sequence('{table}', 'id'))"  # noqa: S608
            " AS v FROM generate_series(1, %s)) AS taken",
            [count],
        )
        first, last = cursor.fetchone()
    if last - first + 1 != count:  # another writer drew ids meanwhile: this range has holes
        raise DomainError(
            "person_ids_busy", "Có hồ sơ khác đang được tạo cùng lúc: chạy lại lệnh sau."
        )
    return first


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def insert(model: type[models.Model], fields: list[models.Field], rows: list[Row]) -> None:
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(str(f.column)) for f in fields)  # concrete
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # psycopg 3 cursor under Django's wrapper
            with raw.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(fields))
        cursor.executemany(
            f"INSERT INTO {table} ({names}) VALUES ({marks})",  # noqa: S608
            [tuple(_sqlite_value(v) for v in row) for row in rows],
        )
