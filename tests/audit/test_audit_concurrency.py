"""Concurrent appends stay one gapless chain (PostgreSQL: the advisory lock serializes them)."""

from __future__ import annotations

import threading
import time

import pytest
from audit_support import audit_key, audit_purge  # noqa: F401 - fixtures
from django.db import connection, connections, transaction

from hoso.audit import services
from hoso.audit.models import AuditAction, AuditEvent
from hoso.audit.verify import chain_verify

WORKERS = 8
EACH = 15


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite's in-memory test database cannot be shared by threads; SQLite serializes "
    "writers itself (BEGIN IMMEDIATE)",
)
@pytest.mark.usefixtures("audit_purge")
def test_concurrent_transactions_append_one_gapless_verified_chain() -> None:
    errors: list[BaseException] = []
    start = threading.Barrier(WORKERS)

    def work(worker: int) -> None:
        try:
            start.wait()
            for number in range(EACH):
                with transaction.atomic():
                    services.event_record(
                        actor=None,
                        action=AuditAction.SYSTEM,
                        outcome="ok",
                        detail={"worker": worker, "n": number},
                    )
                    time.sleep(0.001)  # keep the transaction open while others queue
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    seqs = list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, WORKERS * EACH + 1))
    report = chain_verify()
    assert report.ok, report.problems
