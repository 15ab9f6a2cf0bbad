"""The database itself refuses to change or remove audit records (on SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from audit_support import audit_key, tamperer  # noqa: F401 - fixtures
from django.db import IntegrityError, connection, transaction

from hoso.audit import services
from hoso.audit.models import AuditAction, AuditCheckpoint, AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def sealed() -> None:
    for _ in range(3):
        services.event_record(actor=None, action=AuditAction.SYSTEM, outcome="ok")
    services.checkpoint_create()


def refused(statement, *args) -> None:
    with pytest.raises(IntegrityError, match="append_only"), transaction.atomic():
        statement(*args)


def raw(sql: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql)


@pytest.mark.usefixtures("sealed")
def test_an_orm_update_of_an_event_is_refused() -> None:
    refused(lambda: AuditEvent.objects.filter(seq=2).update(purpose="đã sửa"))
    event = AuditEvent.objects.get(seq=2)
    event.purpose = "đã sửa"
    refused(event.save)
    assert AuditEvent.objects.get(seq=2).purpose == ""


@pytest.mark.usefixtures("sealed")
def test_an_orm_delete_of_an_event_is_refused() -> None:
    refused(lambda: AuditEvent.objects.filter(seq=2).delete())
    refused(AuditEvent.objects.get(seq=3).delete)
    refused(lambda: AuditEvent.objects.all().delete())
    assert AuditEvent.objects.count() == 3


@pytest.mark.usefixtures("sealed")
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_event SET purpose = 'x' WHERE seq = 1",
        "UPDATE audit_event SET seq = seq + 100",
        "DELETE FROM audit_event WHERE seq = 3",
        "DELETE FROM audit_event",
    ],
)
def test_raw_sql_update_and_delete_of_events_are_refused(sql: str) -> None:
    refused(raw, sql)
    assert list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True)) == [1, 2, 3]


@pytest.mark.usefixtures("sealed")
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_checkpoint SET event_count = 2",
        "DELETE FROM audit_checkpoint",
    ],
)
def test_raw_sql_update_and_delete_of_checkpoints_are_refused(sql: str) -> None:
    refused(raw, sql)
    assert AuditCheckpoint.objects.get().event_count == 3


@pytest.mark.usefixtures("sealed")
def test_an_orm_update_or_delete_of_a_checkpoint_is_refused() -> None:
    refused(lambda: AuditCheckpoint.objects.update(event_count=1))
    refused(lambda: AuditCheckpoint.objects.all().delete())


@pytest.mark.usefixtures("sealed")
@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE exists on PostgreSQL")
@pytest.mark.parametrize("table", ["audit_event", "audit_checkpoint"])
def test_truncating_a_non_empty_audit_table_is_refused(table: str) -> None:
    refused(raw, f"TRUNCATE {table}")
    assert AuditEvent.objects.count() == 3


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE exists on PostgreSQL")
def test_an_empty_audit_table_may_be_truncated_so_test_databases_can_be_flushed() -> None:
    raw("TRUNCATE audit_event, audit_checkpoint")


@pytest.mark.usefixtures("sealed")
def test_the_triggers_are_back_after_a_privileged_bypass(tamperer) -> None:  # noqa: F811
    tamperer.execute("UPDATE audit_event SET purpose = 'x' WHERE seq = 1")
    assert AuditEvent.objects.get(seq=1).purpose == "x"
    refused(raw, "UPDATE audit_event SET purpose = 'y' WHERE seq = 1")


def test_inserting_is_allowed() -> None:
    services.event_record(actor=None, action=AuditAction.SYSTEM, outcome="ok")
    assert AuditEvent.objects.count() == 1
