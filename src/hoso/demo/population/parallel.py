"""Seeding with several processes (issue 13, R-SCALE): each worker generates and writes the
people of its own shards (see `inputs.SHARDS`), so the result does not depend on `--jobs`.

The parent reserves every person id up front (person `i` gets `first + i − start`), forks the
workers and shows their progress; each worker writes through `people.services` like a single
run: one transaction per batch (COPY on PostgreSQL) with its audit event, so killing the seed
leaves whole dossiers only. A worker whose parent died stops after its current batch.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import queue
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from itertools import count as counting
from typing import Any, Protocol

from django.db import connections

from hoso.core.errors import DomainError, Problem
from hoso.demo.population.generator import Population
from hoso.demo.population.inputs import SHARDS
from hoso.people.services import dossiers_bulk_create, person_ids_reserve


class SeedPlan(Protocol):
    """What a worker needs of `seeding.SeedPlan`."""

    population: Population
    count: int
    start: int
    today: date


def shares(weights: Sequence[float], jobs: int) -> list[frozenset[int]]:
    """The shards of each worker: heaviest shard first, each to the least loaded worker."""
    loads = [0.0] * jobs
    owned: list[set[int]] = [set() for _ in range(jobs)]
    for shard in sorted(range(len(weights)), key=lambda s: (-weights[s], s)):
        worker = min(range(jobs), key=lambda w: (loads[w], w))
        loads[worker] += weights[shard]
        owned[worker].add(shard)
    return [frozenset(s) for s in owned if s]


def _worker(
    plan: SeedPlan, shards: frozenset[int], first_id: int, batch_size: int, out: Any, parent: int
) -> None:
    taken: deque[int] = deque()

    def share() -> Iterator[dict[str, Any]]:
        for index, data in plan.population.indexed(plan.count, plan.start, shards):
            taken.append(first_id + index - plan.start)
            yield data

    def progress(done: int) -> None:
        out.put(("progress", done))
        if os.getppid() != parent:  # the seed was killed: stop on a committed batch
            os._exit(1)

    # The long-lived tables are built; a generation makes many small acyclic dicts, for which
    # the collector's frequent young-generation passes are wasted work (~15% of generation).
    gc.freeze()
    gc.set_threshold(100_000, 50, 100)
    try:
        created = dossiers_bulk_create(
            acting_user=None,
            dossiers=share(),
            all_or_nothing=False,
            batch_size=batch_size,
            today=plan.today,
            on_progress=progress,
            person_ids=(taken.popleft() for _ in counting()),
        )
        out.put(("done", len(created)))
    except DomainError as exc:
        problems = [(p.code, p.message, p.field) for p in exc.problems[:50]]
        out.put(("error", exc.code, exc.message, problems))
    except Exception as exc:  # noqa: BLE001 - reported by the parent, which stops the others
        out.put(("error", "worker_failed", f"Một tiến trình sinh hồ sơ bị lỗi: {exc!r}", []))
    finally:
        connections.close_all()


def run_parallel(
    plan: SeedPlan,
    *,
    jobs: int,
    batch_size: int,
    on_progress: Callable[[int], None] | None = None,
) -> int:
    """Seed `plan` with `jobs` worker processes (PostgreSQL); returns how many were created."""
    first_id = person_ids_reserve(plan.count)
    owned = shares(plan.population.shard_weights(), min(jobs, SHARDS))
    connections.close_all()  # the workers are forked: none may share the parent's connection
    context = multiprocessing.get_context("fork")
    out = context.Queue()
    workers = [
        context.Process(
            target=_worker,
            args=(plan, shards, first_id, batch_size, out, os.getpid()),
            name=f"hoso-seed-{n}",
        )
        for n, shards in enumerate(owned)
    ]
    for worker in workers:
        worker.start()
    created, finished, failure = 0, 0, None
    try:
        while finished < len(workers) and failure is None:
            try:
                message = out.get(timeout=1)
            except queue.Empty:
                if any(w.exitcode not in (None, 0) for w in workers):
                    failure = ("worker_died", "Một tiến trình sinh hồ sơ đã dừng bất thường.", [])
                continue
            if message[0] == "progress":
                if on_progress:
                    on_progress(message[1])
            elif message[0] == "done":
                created += message[1]
                finished += 1
            else:
                failure = message[1:]
    finally:
        if failure is not None or finished < len(workers):
            for worker in workers:
                if worker.is_alive():
                    worker.terminate()
        for worker in workers:
            worker.join()
    if failure is not None:
        code, message, problems = failure
        raise DomainError(code, message, [Problem(*p) for p in problems])
    return created
