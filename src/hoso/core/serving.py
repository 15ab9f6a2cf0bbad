"""The task worker beside a serving command, and its lifecycle.

`background_worker()` starts `hoso worker` (tasks and the audit seal) and, whatever ends the
serving — SIGTERM, SIGINT (Ctrl+C), an error — stops it and waits for its final checkpoint.
Python's default SIGTERM kills the server without running any `finally`, which left the
worker orphaned with the database open; here SIGTERM is turned into `SystemExit` so cleanup
runs. The worker runs in its own session (a Ctrl+C reaches only us, and we stop it once) and
asks Linux to stop it should we die without cleaning up (SIGKILL).
"""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

STOP_TIMEOUT_SECONDS = 30


def _exit_on_sigterm(signum: int, frame: FrameType | None) -> None:  # noqa: ARG001
    raise SystemExit(128 + signum)


def worker_stop(worker: subprocess.Popen[bytes]) -> None:
    """SIGTERM, then wait for the final seal; kill only if it does not end in time."""
    if worker.poll() is not None:
        return
    worker.send_signal(signal.SIGTERM)
    try:
        worker.wait(timeout=STOP_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()


@contextmanager
def background_worker(*, verbosity: int = 0) -> Iterator[subprocess.Popen[bytes]]:
    worker = subprocess.Popen(  # noqa: S603 (our own command, fixed arguments)
        [
            sys.executable,
            "-m",
            "hoso.cli",
            "worker",
            "--interval",
            "1",
            "--no-startup-delay",
            "--exit-with-parent",
            "--verbosity",
            str(verbosity),
        ],
        start_new_session=True,
    )
    previous = signal.signal(signal.SIGTERM, _exit_on_sigterm)
    # A command started in the background by a non-interactive shell inherits SIGINT ignored
    # (POSIX), and Python then leaves it so: Ctrl+C or `kill -INT` would never stop us.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield worker
    finally:
        # Stopping takes a moment (the final seal); a repeated signal must not abandon it.
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            worker_stop(worker)
        finally:
            signal.signal(signal.SIGTERM, previous)
            signal.signal(signal.SIGINT, signal.default_int_handler)
