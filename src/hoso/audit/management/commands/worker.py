"""`hoso worker`: the node's background worker.

It is django-tasks' database worker (`db_worker`: conversion and OCR of scans) plus the seal
of the audit chain (docs/decisions/0005-audit-chain.md): a signed checkpoint when it starts,
every `HOSO_AUDIT_CHECKPOINT_SECONDS` (default 600) and once more when it stops on SIGTERM or
SIGINT, so a running node never leaves more than one interval of events unsealed. A seal that
fails (no key, database busy) is reported on stderr and retried at the next tick; the worker
keeps running tasks.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
from argparse import ArgumentParser, ArgumentTypeError
from typing import Any

from django.conf import settings
from django.core.management.base import OutputWrapper
from django.db import DatabaseError, connections
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from hoso.audit import services
from hoso.core.errors import DomainError

PR_SET_PDEATHSIG = 1  # linux/prctl.h


def seal(stdout: OutputWrapper, stderr: OutputWrapper, verbosity: int) -> None:
    """Write one checkpoint if events were appended since the last; never raises."""
    try:
        checkpoint, created = services.checkpoint_create(acting_user=None)
    except (DomainError, DatabaseError) as exc:
        stderr.write(f"Không niêm phong được nhật ký kiểm toán: {exc}")
        return
    if created and verbosity >= 1:
        stdout.write(f"Đã niêm phong #{checkpoint.seq}: {checkpoint.event_count} sự kiện.")


def sweep(stderr: OutputWrapper) -> None:
    """Chain what the sequencer's intake still holds (an append whose chaining failed after
    its commit); never raises."""
    try:
        services.chain_pending()
    except DatabaseError as exc:
        stderr.write(f"Không xâu chuỗi được nhật ký kiểm toán: {exc}")


class Sealer(threading.Thread):
    """Seals on a schedule beside the task loop (its own database connection)."""

    def __init__(self, interval: float, seal_once: Any) -> None:
        super().__init__(name="hoso-audit-sealer", daemon=True)
        self.interval = interval
        self.seal_once = seal_once
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopped.wait(self.interval):
                self.seal_once()
        finally:
            connections.close_all()


def _positive_seconds(value: str) -> int:
    seconds = int(value)
    if seconds <= 0:
        raise ArgumentTypeError("phải là số giây dương")
    return seconds


def _exit_with_parent() -> None:
    """Ask Linux to send us SIGTERM when the process that started us dies, even by SIGKILL:
    a worker must not outlive the server it serves and keep the database open."""
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    if os.getppid() == 1:  # the parent was already gone before the request took effect
        os.kill(os.getpid(), signal.SIGTERM)


class Command(DbWorkerCommand):
    help = (
        "Tiến trình nền của nút: chạy các tác vụ nền (chuyển đổi, OCR bản quét) và niêm phong "
        "nhật ký kiểm toán theo lịch (HOSO_AUDIT_CHECKPOINT_SECONDS, mặc định 10 phút) và khi "
        "dừng (SIGTERM, SIGINT)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--checkpoint-seconds",
            type=_positive_seconds,
            default=None,
            help="Chu kỳ niêm phong, giây (mặc định HOSO_AUDIT_CHECKPOINT_SECONDS).",
        )
        parser.add_argument(
            "--exit-with-parent",
            action="store_true",
            help="Dừng khi tiến trình khởi động nó kết thúc (Linux; `hoso demo` dùng).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        interval = options.pop("checkpoint_seconds") or settings.HOSO_AUDIT_CHECKPOINT_SECONDS
        if options.pop("exit_with_parent"):
            _exit_with_parent()
        # A reloading worker restarts without passing through the final seal.
        options["reload"] = False
        verbosity = options["verbosity"]

        def seal_once() -> None:
            seal(self.stdout, self.stderr, verbosity)

        seal_once()  # whatever was appended while no worker ran
        sealer = Sealer(interval, seal_once)
        sealer.start()
        sweeper = Sealer(settings.HOSO_AUDIT_SWEEP_SECONDS, lambda: sweep(self.stderr))
        sweeper.start()
        try:
            super().handle(*args, **options)
        finally:
            sweeper.stopped.set()
            sealer.stopped.set()
            sweeper.join(timeout=30)
            sealer.join(timeout=30)
            # A second signal must not cut the last seal short.
            for signum in (signal.SIGINT, signal.SIGTERM):
                signal.signal(signum, signal.SIG_IGN)
            connections.close_all()  # the task loop may have been interrupted mid-query
            seal_once()
