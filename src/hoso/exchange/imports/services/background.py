"""Runs started from the upload page and followed by it (issue 13, item 1): the file is kept
in a private temporary folder, the run goes on in a thread of the web process with its own
database connection, and its `ImportRun` says how far it is (the page polls it with htmx),
then the outcome and the first lines of the report. The thread checks and writes in that
process (`jobs=1`): the server's other threads keep serving pages.
"""

from __future__ import annotations

import dataclasses
import logging
import shutil
import tempfile
import threading
from collections.abc import Iterable
from pathlib import Path

from django.db import connection
from django.db.models import F
from django.utils import timezone

from hoso.access.models import User
from hoso.exchange.imports.services.runs import import_run
from hoso.exchange.models import ImportRun, RunStatus

REPORT_ROWS = 500  # kept for the page; the command writes them all
log = logging.getLogger(__name__)


def run_start(
    *, acting_user: User, file_name: str, content: Iterable[bytes], dry_run: bool
) -> ImportRun:
    """Keep the uploaded file and start checking (and unless `dry_run`, importing) it."""
    folder = Path(tempfile.mkdtemp(prefix="hoso-import-"))
    path = folder / (Path(file_name).name or "tep")  # the report names the file as sent
    with path.open("wb") as handle:
        for block in content:
            handle.write(block)
    run = ImportRun.objects.create(importer=acting_user, file_name=path.name, dry_run=dry_run)
    if connection.in_atomic_block:  # the caller's transaction (a test's): a thread won't see it
        _execute(run.pk, acting_user, path, dry_run, folder)
    else:
        threading.Thread(
            target=_in_thread,
            args=(run.pk, acting_user, path, dry_run, folder),
            name=f"hoso-import-{run.pk}",
            daemon=True,
        ).start()
    return run


def _in_thread(run_id: int, user: User, path: Path, dry_run: bool, folder: Path) -> None:
    try:
        _execute(run_id, user, path, dry_run, folder)
    finally:
        connection.close()  # the thread's own connection


def _execute(run_id: int, user: User, path: Path, dry_run: bool, folder: Path) -> None:
    runs = ImportRun.objects.filter(pk=run_id)
    try:
        outcome = import_run(
            acting_user=user,
            paths=[path],
            dry_run=dry_run,
            jobs=1,
            total=lambda count: runs.update(total=count),
            progress=lambda count: runs.update(done=F("done") + count),
        )
    except Exception:  # said on the page; the chunks written so far stay whole
        log.exception("import run %s failed", run_id)
        runs.update(status=RunStatus.FAILED, finished_at=timezone.now())
        return
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    runs.update(
        status=RunStatus.DONE,
        finished_at=timezone.now(),
        outcome={
            "read": outcome.read,
            "imported": outcome.imported,
            "unchanged": outcome.unchanged,
            "failed": outcome.failed,
            "files_refused": outcome.files_refused,
            "batch_id": outcome.batch_id,
            "issues": len(outcome.issues),
        },
        issues=[dataclasses.asdict(i) for i in outcome.issues[:REPORT_ROWS]],
    )
