"""The audit sequencer (PostgreSQL, docs/decisions/0022-audit-sequencer.md): appends written
to the intake in their callers' transactions, without the chain lock, are chained after
commit in batches into one gapless verified chain; a rolled-back append leaves nothing; the
alerts still follow the chained reads (R-INCIDENT)."""

from __future__ import annotations

import threading

import pytest
from audit_support import audit_key, audit_purge  # noqa: F401 - fixtures
from django.db import connection, connections, transaction

from hoso.audit import services
from hoso.audit.models import Alert, AlertKind, AuditAction, AuditEvent, AuditIntake
from hoso.audit.verify import chain_verify

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the sequencer runs on PostgreSQL only"
    ),
    pytest.mark.usefixtures("audit_purge"),
]

WORKERS = 8
EACH = 25


@pytest.fixture
def sequencer(settings):
    settings.HOSO_AUDIT_SEQUENCER = True
    settings.HOSO_AUDIT_SEQUENCER_BATCH = 7  # several batches even in a short test


def _append(worker: int, number: int) -> AuditEvent:
    return services.event_record(
        actor=None,
        action=AuditAction.SYSTEM,
        outcome="ok",
        detail={"worker": worker, "n": number},
    )


@pytest.mark.usefixtures("sequencer")
def test_an_append_is_chained_after_its_commit_not_before() -> None:
    with transaction.atomic():
        event = _append(0, 0)
        assert event.seq is None  # in the intake, unchained, while its transaction runs
        assert AuditIntake.objects.count() == 1
        assert not AuditEvent.objects.exists()
    # The commit chained it.
    chained = AuditEvent.objects.get()
    assert (chained.seq, chained.detail) == (1, {"worker": 0, "n": 0})
    assert not AuditIntake.objects.exists()
    assert chain_verify().ok


@pytest.mark.usefixtures("sequencer")
def test_a_rolled_back_append_leaves_no_event_and_no_gap() -> None:
    _append(0, 1)

    class Undo(Exception):
        pass

    with pytest.raises(Undo), transaction.atomic():
        _append(0, 2)
        raise Undo
    _append(0, 3)
    rows = list(AuditEvent.objects.order_by("seq").values_list("seq", "detail"))
    assert rows == [(1, {"worker": 0, "n": 1}), (2, {"worker": 0, "n": 3})]
    assert not AuditIntake.objects.exists()
    assert chain_verify().ok


@pytest.mark.usefixtures("sequencer")
def test_concurrent_appends_without_the_lock_make_one_gapless_verified_chain() -> None:
    errors: list[BaseException] = []
    start = threading.Barrier(WORKERS)

    def work(worker: int) -> None:
        try:
            start.wait()
            for number in range(EACH):
                with transaction.atomic():
                    _append(worker, number)
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
    # Every committed append was chained by some committer's pass, none twice.
    assert not AuditIntake.objects.exists()
    seqs = list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, WORKERS * EACH + 1))
    details = {(e["worker"], e["n"]) for e in AuditEvent.objects.values_list("detail", flat=True)}
    assert details == {(w, n) for w in range(WORKERS) for n in range(EACH)}
    assert chain_verify().ok
    # And the chain seals as before.
    checkpoint, created = services.checkpoint_create()
    assert created and checkpoint.event_count == WORKERS * EACH


@pytest.mark.usefixtures("sequencer")
def test_chain_pending_takes_what_a_failed_chaining_left() -> None:
    import psycopg

    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    # Another session holds the chain lock while this append commits: the try fails and the
    # event stays in the intake, as when a chaining fails after the commit.
    with psycopg.connect(**params) as other:
        other.execute("SELECT pg_advisory_xact_lock(%s)", [services.CHAIN_LOCK_KEY])
        with transaction.atomic():
            _append(1, 1)
        assert AuditIntake.objects.count() == 1
        assert not AuditEvent.objects.exists()
        other.rollback()  # its transaction ends, the lock is free
    assert services.chain_pending() == 1
    assert AuditEvent.objects.get().seq == 1
    assert not AuditIntake.objects.exists()
    assert chain_verify().ok


@pytest.mark.usefixtures("sequencer")
def test_mass_reading_is_raised_from_the_chained_batch(settings) -> None:
    settings.HOSO_ALERT_READS = 5
    with transaction.atomic():
        for n in range(6):
            services.event_record(
                actor=None,
                actor_username="docnhieu",
                action=AuditAction.DOSSIER_READ_ALLOWED,
                outcome="allow",
                personal_id=f"0010{n:08d}",
            )
    alert = Alert.objects.get(kind=AlertKind.MASS_READING)
    assert alert.actor_username == "docnhieu"
    assert (alert.first_seq, alert.last_seq, alert.count) == (1, 6, 6)


@pytest.mark.usefixtures("sequencer")
def test_in_a_request_the_process_sequencer_chains_after_the_answer() -> None:
    import time

    from django.http import HttpResponse
    from django.test import RequestFactory

    from hoso.core.context import RequestContextMiddleware

    def view(request):
        with transaction.atomic():
            _append(2, 2)
        return HttpResponse("ok")

    # The request waits for its own commit only; the process's sequencer thread chains.
    response = RequestContextMiddleware(view)(RequestFactory().get("/"))
    assert response.status_code == 200
    deadline = time.monotonic() + 20
    while not AuditEvent.objects.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert AuditEvent.objects.get().detail == {"worker": 2, "n": 2}
    assert not AuditIntake.objects.exists()
    assert chain_verify().ok
