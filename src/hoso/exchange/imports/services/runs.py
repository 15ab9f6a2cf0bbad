"""Import runs (issue 13, items 1 and 3; docs/decisions/0018-import-as-change-sets.md).

A run reads every file twice: first only the personal ids (a duplicate anywhere in the files
is an error of each dossier carrying it), then chunk by chunk (`HOSO_IMPORT_CHUNK` dossiers):
each chunk is checked whole and, unless it is a dry run, proposed in its own transaction
together with its items and its journal entry (`services.chunks`). JSON lines are chunked as
raw lines and parsed by whoever checks them; a workbook is read by this process. On
PostgreSQL the chunks go to `jobs` worker processes (default: the cores), at most two chunks
each in flight, so memory stays that of a few chunks whatever the file's size. A rerun
continues the importer's open batch and skips the chunks journaled without failures.
"""

from __future__ import annotations

import dataclasses
import hashlib
import multiprocessing
import os
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction

from hoso.access import recorder
from hoso.access.models import User
from hoso.audit.models import AuditAction, AuditOutcome
from hoso.audit.purposes import Purpose
from hoso.core.dates import today as local_today
from hoso.core.workers import spawned_start
from hoso.exchange.imports.readers import (
    Issue,
    file_refusal,
    jsonl_lines,
    kind_of,
    read_xlsx,
    scan,
)
from hoso.exchange.imports.selectors import journal
from hoso.exchange.imports.services import work
from hoso.exchange.imports.services.chunks import ChunkResult, RunContext
from hoso.exchange.imports.services.work import Task
from hoso.exchange.models import BatchStatus, ImportBatch
from hoso.people.reference import load_reference


@dataclass
class Outcome:
    read: int = 0
    imported: int = 0
    unchanged: int = 0
    failed: int = 0
    files_refused: int = 0
    issues: list[Issue] = field(default_factory=list)
    batch_id: int | None = None

    def add(self, part: ChunkResult) -> None:
        self.read += part.read
        self.imported += part.imported
        self.unchanged += part.unchanged
        self.failed += part.failed
        self.files_refused += part.files_refused
        self.issues += part.issues


def open_batch(importer: User) -> ImportBatch:
    """The importer's open batch (a rerun continues it), or a new one."""
    batch = ImportBatch.objects.filter(importer=importer, status=BatchStatus.OPEN).first()
    return batch or ImportBatch.objects.create(importer=importer)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _tasks(
    path: Path,
    ref: Any,
    batch_id: int | None,
    size: int,
    skipped: Callable[[int], None],
    ordered: bool,
) -> Iterator[Task]:
    """The chunks of one file still to do; a chunk journaled without failures is skipped
    (`skipped(its dossiers)`), unparsed when it is JSON lines."""
    refused = file_refusal(path)
    if refused is not None:
        yield (path.name, "", 0, [refused])
        return
    sha = file_sha256(path) if batch_id is not None else ""
    journaled = journal(batch_id, sha) if batch_id is not None else {}
    done = {n: read for n, (read, failed) in journaled.items() if not failed}
    if kind_of(path) == "jsonl":
        chunks: Iterable[list[Any]] = jsonl_lines(path, size)
    else:
        parsed = iter(read_xlsx(path, ref, ordered=ordered))
        chunks = iter(lambda: list(islice(parsed, size)), [])
    for number, chunk in enumerate(chunks):
        if number in done:
            skipped(done[number])
            continue
        yield (path.name, sha, number, chunk)


def default_jobs() -> int:
    return os.cpu_count() or 1


def _parallel(jobs: int) -> bool:
    """Worker processes need their own connections to a server: PostgreSQL, outside any
    transaction of the caller (a test's, or a request's atomic block)."""
    return jobs > 1 and connection.vendor == "postgresql" and not connection.in_atomic_block


def import_run(
    *,
    acting_user: User,
    paths: Iterable[Path],
    dry_run: bool,
    paper_confirmed_on: date | None = None,
    today: date | None = None,
    progress: Callable[[int], None] | None = None,
    jobs: int | None = None,
    total: Callable[[int], None] | None = None,
) -> Outcome:
    """Check (and unless `dry_run`, propose) every dossier of `paths`; see the module.
    `total(n)` is told how many dossiers the files name once they are scanned, `progress(k)`
    each chunk's count once it is done."""
    today = today or local_today()
    paths = list(paths)
    scans = {path: scan(path) for path in paths}
    counts = Counter(pid for ids, _ in scans.values() for pid in ids)
    ordered = {path: streams for path, (_, streams) in scans.items()}
    del scans
    if total:
        total(counts.total())
    ref = load_reference()
    outcome = Outcome()
    batch = None if dry_run else open_batch(acting_user)
    outcome.batch_id = batch.pk if batch else None
    ctx = RunContext(
        user_id=acting_user.pk,
        batch_id=outcome.batch_id,
        duplicates=frozenset(pid for pid, n in counts.items() if n > 1),
        today=today,
        confirmed=paper_confirmed_on or today,
        database=str(connection.settings_dict["NAME"]),
    )
    size = max(1, int(settings.HOSO_IMPORT_CHUNK))

    def merge(part: ChunkResult) -> None:
        outcome.add(part)
        if progress and part.read:
            progress(part.read)

    def skipped(count: int) -> None:
        merge(ChunkResult(read=count, unchanged=count))

    tasks = (
        task
        for path in paths
        for task in _tasks(path, ref, outcome.batch_id, size, skipped, ordered[path])
    )
    # One chunk or less: no worker is worth its start (an interpreter and Django each).
    jobs = (jobs or default_jobs()) if counts.total() > size else 1
    work.worker_start(ctx)
    if _parallel(jobs):
        _run_parallel(ctx, tasks, jobs, merge)
    else:
        work.worker_here(acting_user, batch)
        for task in tasks:
            merge(work.chunk_work(task))
    with transaction.atomic():
        recorder.record(
            user=acting_user,
            action=AuditAction.IMPORT,
            outcome=AuditOutcome.OK if not outcome.failed else AuditOutcome.ERROR,
            purpose=Purpose.PROPOSE,
            detail={
                "files": [p.name for p in paths],
                "dry_run": dry_run,
                "batch": outcome.batch_id,
                "read": outcome.read,
                "imported": outcome.imported,
                "unchanged": outcome.unchanged,
                "failed": outcome.failed,
                "files_refused": outcome.files_refused,
                "jobs": jobs if _parallel(jobs) else 1,
            },
        )
    return outcome


def _run_parallel(
    ctx: RunContext, tasks: Iterator[Task], jobs: int, merge: Callable[[ChunkResult], None]
) -> None:
    """Chunks to `jobs` worker processes, at most two each in flight, merged in file order.
    Workers are spawned, not forked: a forked child would share this process's connection."""
    pending: deque[Future[ChunkResult]] = deque()
    with ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=spawned_start,
        initargs=(f"{work.__name__}.spawned", dataclasses.asdict(ctx)),
    ) as pool:
        for task in tasks:
            pending.append(pool.submit(work.chunk_work, task))
            while len(pending) >= 2 * jobs:
                merge(pending.popleft().result())
        while pending:
            merge(pending.popleft().result())
