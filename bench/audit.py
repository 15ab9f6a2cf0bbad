"""Benchmark: the audit chain's append rate under concurrent readers, and verification speed
(issue 13; docs/decisions/0022-audit-sequencer.md).

    .venv/bin/python bench/audit.py --seconds 10 --processes 4 --threads 8 --verify-events 1000000

PostgreSQL only (`--database-url`, default a `hoso_readpath_audit` database on 127.0.0.1,
dropped and re-created). Three append runs at the same concurrency, each for `--seconds`,
while `--readers` threads read the trail ("who read this dossier", the newest events):
- raw SQL: one `INSERT` of an event row and its commit per transaction, into a table shaped
  like the intake — the machine's ceiling for one durable write per event;
- chained in the caller's transaction (`HOSO_AUDIT_SEQUENCER=0`: the chain lock held to the
  end of each append's transaction — the design before the sequencer);
- the sequencer (`HOSO_AUDIT_SEQUENCER=1`): the intake in the caller's transaction, chained
  in batches after commit.
Each append is what a dossier read records (`access.recorder.record`, its alert checks
included), one transaction each. Then `--verify-events` events are written (hashed in
Python, COPY) and `audit.verify.chain_verify` is timed over the whole chain. Writes
bench/results/audit-postgresql.json. Not a test: run on demand.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _django(database_url: str, sequencer: bool) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["HOSO_AUDIT_SEQUENCER"] = "1" if sequencer else "0"
    os.environ.setdefault("HOSO_DATA_DIR", "/tmp/hoso-bench-audit")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hoso.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()


def _readers(stop: threading.Event, counts: list[int]) -> None:
    from django.db import connections

    from hoso.audit import selectors

    n = 0
    try:
        while not stop.is_set():
            list(selectors.events_for_person(f"0010{n % 1000:08d}")[:20])
            list(selectors.event_list()[:20])
            n += 1
    finally:
        counts.append(n)
        connections.close_all()


def _child(mode: str, database_url: str, threads: int, seconds: float, worker: int, out, go):
    _django(database_url, sequencer=(mode == "sequencer"))
    from django.db import connection, connections, transaction

    from hoso.access import recorder
    from hoso.audit.models import AuditAction, AuditOutcome

    done: list[int] = []
    out.put("ready")
    go.wait()  # every process set up before the clock starts
    started = time.time()
    deadline = time.monotonic() + seconds

    def appender(t: int) -> None:
        n = 0
        try:
            if mode == "raw":
                with connection.cursor() as cursor:
                    while time.monotonic() < deadline:
                        cursor.execute(
                            "INSERT INTO bench_raw_event (occurred_at, actor_user_id, "
                            "actor_username, actor_role, actor_unit, action, outcome, "
                            "personal_id, sections, purpose, grant_id, client_address, "
                            "correlation_id, detail) VALUES (now(), NULL, %s, '', '', "
                            "'dossier_read_allowed', 'allow', %s, '[]', 'view', '', '', "
                            "'', '{}')",
                            [f"bench{worker}-{t}", f"0010{n % 1000:08d}"],
                        )  # autocommit: one commit per row
                        n += 1
            else:
                while time.monotonic() < deadline:
                    with transaction.atomic():
                        recorder.record(
                            user=None,
                            username=f"bench{worker}-{t}",
                            action=AuditAction.DOSSIER_READ_ALLOWED,
                            outcome=AuditOutcome.ALLOW,
                            personal_id=f"0010{n % 1000:08d}",
                            purpose="view",
                            detail={"basis": ["duty"], "masked": []},
                        )
                    n += 1
        finally:
            done.append(n)
            connections.close_all()

    workers = [threading.Thread(target=appender, args=(t,)) for t in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    out.put((sum(done), started, time.time()))


def _run(mode: str, args: argparse.Namespace) -> dict[str, object]:
    from django.db import connection

    from hoso.audit import services
    from hoso.audit.models import AuditEvent, AuditIntake

    before = AuditEvent.objects.count()
    ctx = multiprocessing.get_context("spawn")
    out, go = ctx.Queue(), ctx.Event()
    procs = [
        ctx.Process(
            target=_child,
            args=(mode, args.database_url, args.threads, args.seconds, p, out, go),
        )
        for p in range(args.processes)
    ]
    stop = threading.Event()
    reads: list[int] = []
    readers = [threading.Thread(target=_readers, args=(stop, reads)) for _ in range(args.readers)]
    for p in procs:
        p.start()
    for _ in procs:
        assert out.get() == "ready"
    for r in readers:
        r.start()
    go.set()
    done = [out.get() for _ in procs]
    for p in procs:
        p.join()
    appended = sum(n for n, _, _ in done)
    elapsed = max(end for _, _, end in done) - min(start for _, start, _ in done)
    stop.set()
    for r in readers:
        r.join()
    load = round(os.getloadavg()[0], 2)
    result: dict[str, object] = {
        "appends": appended,
        "seconds": round(elapsed, 2),
        "appends_per_second": round(appended / elapsed),
        "reader_queries_per_second": round(2 * sum(reads) / elapsed),
        "load": load,
    }
    if mode != "raw":
        pending = AuditIntake.objects.count()
        drain = time.perf_counter()
        services.chain_pending(rounds=1000)
        result["left_in_intake_at_end"] = pending
        result["drain_seconds"] = round(time.perf_counter() - drain, 3)
        result["chained"] = AuditEvent.objects.count() - before
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM bench_raw_event")
        result["raw_rows"] = cursor.fetchone()[0] if mode == "raw" else None
    return result


def _fill(n: int) -> float:
    """Append `n` events to the chain as fast as Python can hash them (COPY)."""
    from django.db import connection, transaction

    from hoso.audit import chain, selectors

    start = time.perf_counter()
    base = datetime.now(UTC)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [0x686F736F61756474])
        seq, prev = selectors.chain_head()
        columns = ("seq", *chain.CONTENT_FIELDS, "prev_hash", "hash")
        with cursor.copy(f"COPY audit_event ({', '.join(columns)}) FROM STDIN") as copy:
            for i in range(n):
                seq += 1
                row = {
                    "seq": seq,
                    "occurred_at": base + timedelta(microseconds=i),
                    "actor_user_id": 7,
                    "actor_username": "quanly",
                    "actor_role": "records_manager",
                    "actor_unit": "T37",
                    "action": "dossier_read_allowed",
                    "outcome": "allow",
                    "personal_id": f"037{i % 1000000:09d}",
                    "sections": ["identity", "training"],
                    "purpose": "view",
                    "grant_id": "",
                    "client_address": "127.0.0.1",
                    "correlation_id": f"{i:032x}",
                    "detail": {"channel": "api", "basis": ["duty"], "masked": []},
                    "prev_hash": prev,
                }
                prev = row["hash"] = chain.event_hash(row)
                copy.write_row(
                    [
                        json.dumps(row[c], ensure_ascii=False)
                        if c in ("sections", "detail")
                        else row[c]
                        for c in columns
                    ]
                )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--database-url", default="postgresql://postgres@127.0.0.1:5432/hoso_readpath_audit"
    )
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--threads", type=int, default=8, help="appenders per process")
    parser.add_argument("--readers", type=int, default=2)
    parser.add_argument("--verify-events", type=int, default=1_000_000)
    parser.add_argument("--modes", default="raw,inline,sequencer")
    args = parser.parse_args()

    db_name = args.database_url.rsplit("/", 1)[1]
    psql = ["psql", "-q", "-U", "postgres", "-h", "127.0.0.1"]
    subprocess.run([*psql, "-c", f"DROP DATABASE IF EXISTS {db_name}"], check=True)
    subprocess.run([*psql, "-c", f"CREATE DATABASE {db_name}"], check=True)
    env = {**os.environ, "DATABASE_URL": args.database_url}
    subprocess.run([str(ROOT / ".venv/bin/hoso"), "migrate", "-v", "0"], check=True, env=env)
    subprocess.run(
        [
            *psql,
            "-d",
            db_name,
            "-c",
            "CREATE TABLE bench_raw_event (LIKE audit_intake INCLUDING ALL)",
        ],
        check=True,
    )

    _django(args.database_url, sequencer=True)
    from django.db import connection

    from hoso.audit.models import AuditEvent
    from hoso.audit.verify import chain_verify

    appends = {}
    for mode in args.modes.split(","):
        appends[mode] = _run(mode, args)
        print(mode, json.dumps(appends[mode]), flush=True)

    verify = None
    if args.verify_events:
        fill = _fill(args.verify_events)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE audit_event")
        total = AuditEvent.objects.count()
        start = time.perf_counter()
        report = chain_verify()
        elapsed = time.perf_counter() - start
        assert report.ok, report.problems
        verify = {
            "events": total,
            "fill_seconds": round(fill, 1),
            "verify_seconds": round(elapsed, 2),
            "events_per_second": round(total / elapsed),
            "projected_10m_seconds": round(10_000_000 / (total / elapsed)),
            "load": round(os.getloadavg()[0], 2),
        }
        print("verify", json.dumps(verify), flush=True)

    record = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": "python bench/audit.py " + " ".join(sys.argv[1:]),
        "database": f"{connection.vendor} {getattr(connection, 'pg_version', '')}",
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}",
        "concurrency": {
            "processes": args.processes,
            "threads_per_process": args.threads,
            "readers": args.readers,
        },
        "appends": appends,
        "verify": verify,
    }
    out_dir = ROOT / "bench" / "results"
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / "audit-postgresql.json"
    out.write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
