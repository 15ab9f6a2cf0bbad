"""The work of one chunk, in this process or in a worker (`runs`; spawned workers begin in
`core.workers`): the run's context and the accounts it acts for, per process."""

from __future__ import annotations

from typing import Any

from hoso.access.models import User
from hoso.exchange.imports.readers import Parsed, jsonl_parse
from hoso.exchange.imports.services.chunks import ChunkResult, RunContext, chunk_run
from hoso.exchange.models import ImportBatch

# A chunk of work: (file name, its SHA-256, chunk number, raw JSON lines or parsed dossiers).
Task = tuple[str, str, int, list[Any]]

_run: dict[str, Any] = {}


def worker_start(ctx: RunContext) -> None:
    _run.clear()
    _run["ctx"] = ctx


def spawned(context: dict[str, Any]) -> None:
    """A spawned worker's start (after `core.workers.spawned_start` set Django up): the
    caller's database (a test's is not the one of the settings), then the run's context."""
    from django.db import connections

    if context.get("database"):
        connections["default"].settings_dict["NAME"] = context["database"]
    worker_start(RunContext(**context))


def worker_here(user: User, batch: ImportBatch | None) -> None:
    """In the caller's own process: its accounts as they are (no reload)."""
    _run.update(user=user, batch=batch)


def chunk_work(task: Task) -> ChunkResult:
    name, sha, number, chunk = task
    ctx: RunContext = _run["ctx"]
    if "user" not in _run:
        _run["user"] = User.objects.get(pk=ctx.user_id)
        _run["batch"] = ImportBatch.objects.get(pk=ctx.batch_id) if ctx.batch_id else None
    parsed = [
        item if isinstance(item, Parsed) else jsonl_parse(name, item[0], item[1]) for item in chunk
    ]
    return chunk_run(
        ctx, parsed, user=_run["user"], batch=_run["batch"], file_sha256=sha, number=number
    )
