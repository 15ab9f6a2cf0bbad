"""The database itself refuses UPDATE and DELETE on the audit tables (append-only).

PostgreSQL: a plpgsql trigger function raising integrity_constraint_violation for every row
updated or deleted, and a statement trigger refusing TRUNCATE of a non-empty table (an empty
one may be truncated, so test databases can still be flushed). SQLite: BEFORE UPDATE/DELETE
triggers with RAISE(ABORT). Both surface in Django as `IntegrityError`.

The trigger SQL is written out here, not imported, so this migration never changes.
"""

from django.db import migrations

TABLES = ("audit_event", "audit_checkpoint")

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION hoso_audit_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'hoso_audit_append_only: % on % is refused; audit records are append-only',
        TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END
$$;
"""

PG_TRUNCATE_FUNCTION = """
CREATE OR REPLACE FUNCTION hoso_audit_refuse_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    has_rows boolean;
BEGIN
    EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I.%I)', TG_TABLE_SCHEMA, TG_TABLE_NAME)
        INTO has_rows;
    IF has_rows THEN
        RAISE EXCEPTION 'hoso_audit_append_only: TRUNCATE on % is refused; audit records are append-only',
            TG_TABLE_NAME
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NULL;
END
$$;
"""


def _pg_forward(cursor) -> None:
    cursor.execute(PG_FUNCTION)
    cursor.execute(PG_TRUNCATE_FUNCTION)
    for table in TABLES:
        cursor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION hoso_audit_refuse_change()"
        )
        cursor.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION hoso_audit_refuse_truncate()"
        )


def _pg_backward(cursor) -> None:
    for table in TABLES:
        cursor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
    cursor.execute("DROP FUNCTION IF EXISTS hoso_audit_refuse_change()")
    cursor.execute("DROP FUNCTION IF EXISTS hoso_audit_refuse_truncate()")


def _sqlite_forward(cursor) -> None:
    for table in TABLES:
        for operation in ("UPDATE", "DELETE"):
            cursor.execute(
                f"CREATE TRIGGER {table}_no_{operation.lower()} BEFORE {operation} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, 'hoso_audit_append_only: {operation} on {table} "
                "is refused; audit records are append-only'); END"
            )


def _sqlite_backward(cursor) -> None:
    for table in TABLES:
        for operation in ("update", "delete"):
            cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_{operation}")


def forward(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    with schema_editor.connection.cursor() as cursor:
        if vendor == "postgresql":
            _pg_forward(cursor)
        elif vendor == "sqlite":
            _sqlite_forward(cursor)
        else:
            raise NotImplementedError(f"audit append-only triggers for {vendor}")


def backward(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    with schema_editor.connection.cursor() as cursor:
        if vendor == "postgresql":
            _pg_backward(cursor)
        elif vendor == "sqlite":
            _sqlite_backward(cursor)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
