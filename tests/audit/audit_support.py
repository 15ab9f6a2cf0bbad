"""Shared audit test support (imported by the audit tests; not a conftest, whose module name
would shadow the root conftest): a signing key outside the repository, a privileged tamperer
that bypasses the append-only triggers, and the purge transactional tests need before the
database flush."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import connection, transaction

TABLES = ("audit_event", "audit_checkpoint")


@dataclass(frozen=True)
class Someone:
    """A stand-in acting user: what `event_record` needs of Django's user."""

    pk: int
    username: str

    def get_username(self) -> str:
        return self.username


class Tamperer:
    """A privileged database session that switches the append-only triggers off, as an
    attacker with the database owner's (PostgreSQL superuser's) rights could."""

    @contextmanager
    def bypass(self) -> Iterator[None]:
        if connection.vendor == "postgresql":
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = replica")
                try:
                    yield
                finally:
                    cursor.execute("SET LOCAL session_replication_role = origin")
            return
        with transaction.atomic(), connection.cursor() as cursor:
            placeholders = ", ".join("%s" for _ in TABLES)
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "  # noqa: S608
                f"AND tbl_name IN ({placeholders})",
                list(TABLES),
            )
            triggers = cursor.fetchall()
            assert triggers, "the append-only triggers should exist"
            for name, _sql in triggers:
                cursor.execute(f'DROP TRIGGER "{name}"')
            try:
                yield
            finally:
                for _name, sql in triggers:
                    cursor.execute(sql)

    def execute(self, sql: str, params: list[object] | None = None) -> None:
        with self.bypass(), connection.cursor() as cursor:
            cursor.execute(sql, params or [])


@pytest.fixture
def tamperer() -> Tamperer:
    return Tamperer()


@pytest.fixture(autouse=True)
def audit_key(tmp_path: Path, settings) -> Path:
    """Every audit test signs with its own key in a temporary directory."""
    from hoso.audit.keys import key_file_write

    path = tmp_path / "audit-ed25519.pem"
    key_file_write(path)
    settings.HOSO_AUDIT_KEY_FILE = str(path)
    return path


@pytest.fixture
def audit_purge(transactional_db) -> Iterator[None]:  # noqa: ARG001 - orders teardown
    """Empty the audit tables before pytest-django flushes the database (the triggers refuse
    the flush's DELETE on SQLite and its TRUNCATE of a non-empty table on PostgreSQL)."""
    yield
    from hoso.audit.models import AuditCheckpoint, AuditEvent

    with Tamperer().bypass():
        AuditEvent.objects.all().delete()
        AuditCheckpoint.objects.all().delete()
