"""The node's worker, run as real processes: it seals the audit chain on a schedule and when it
stops, and `hoso demo` never leaves it behind (issue 15 findings 7 and 9; R-SECRET, R-INCIDENT).

Each test runs its own copy of a node prepared once (own `HOSO_DATA_DIR`, SQLite, free port)
and kills whatever it started, whatever happens.
"""

from __future__ import annotations

import contextlib
import http.cookiejar
import os
import re
import shutil
import signal
import socket
import sqlite3
import stat
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ENV_NOT_INHERITED = ("DATABASE_URL", "HOSO_MASTER_KEY_FILE", "HOSO_AUDIT_KEY_FILE")


def node_env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {**os.environ, "HOSO_DATA_DIR": str(data_dir), **extra}
    for name in ENV_NOT_INHERITED:
        env.pop(name, None)
    return env


def hoso(*args: str) -> list[str]:
    return [sys.executable, "-m", "hoso.cli", *args]


def processes_of(data_dir: Path) -> list[int]:
    """Every live process whose environment names this node's data directory."""
    marker = f"HOSO_DATA_DIR={data_dir}".encode() + b"\0"
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            environ = (entry / "environ").read_bytes()
            state = (entry / "stat").read_text()
        except OSError:
            continue
        if marker in environ and ") Z " not in state:  # zombies hold nothing open
            found.append(int(entry.name))
    return found


def wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def chain_counts(data_dir: Path) -> tuple[int, int]:
    """(events, events sealed by the newest checkpoint), read without writing."""
    db = data_dir / "hoso.sqlite3"
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10) as conn:
        events = conn.execute("SELECT COUNT(*) FROM audit_event").fetchone()[0]
        sealed = conn.execute("SELECT MAX(event_count) FROM audit_checkpoint").fetchone()[0]
    return events, sealed or 0


def all_sealed(data_dir: Path) -> bool:
    events, sealed = chain_counts(data_dir)
    return events > 0 and sealed == events


def failed_login(base: str) -> None:
    """One audited event from outside: a wrong password on the login page."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    page = opener.open(base + "dang-nhap/", timeout=30).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = {"csrfmiddlewaretoken": token, "username": "khong_co_ai", "password": "sai-mat-khau"}
    # A refusal page (400/429) is still an answer; the attempt is audited either way.
    with contextlib.suppress(urllib.error.HTTPError):
        opener.open(base + "dang-nhap/", urllib.parse.urlencode(form).encode(), timeout=30)


def serving(base: str) -> bool:
    try:
        with urllib.request.urlopen(base + "dang-nhap/", timeout=5) as response:  # noqa: S310
            return response.status == 200
    except OSError:
        return False


@pytest.fixture(scope="module")
def prepared_node(tmp_path_factory) -> Path:
    """A demo node with its data, set up once (no server); tests copy it."""
    data_dir = tmp_path_factory.mktemp("node") / "data"
    subprocess.run(
        hoso("demo", "--no-serve", "--people", "2"),
        env=node_env(data_dir),
        check=True,
        capture_output=True,
        timeout=600,
    )
    return data_dir


@pytest.fixture
def node(prepared_node: Path, tmp_path: Path) -> Iterator[Path]:
    data_dir = tmp_path / "data"
    shutil.copytree(prepared_node, data_dir)
    yield data_dir
    for pid in processes_of(data_dir):  # never leave a process behind, even on failure
        os.kill(pid, signal.SIGKILL)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_worker_seals_on_schedule_and_at_shutdown_and_keeps_its_files_private(node):
    worker = subprocess.Popen(
        hoso("worker", "--checkpoint-seconds", "1", "--no-startup-delay"),
        env=node_env(node),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        # It seals at start what was appended while no worker ran (the demo's setup).
        wait_for(lambda: all_sealed(node), 60, "the seal at start")
        # Database (and SQLite's -wal and -shm, open now) and keys: the owner's only.
        for name in ("hoso.sqlite3", "hoso.sqlite3-wal", "hoso.sqlite3-shm"):
            assert mode(node / name) == 0o600, name
        for name in ("audit-ed25519.pem", "secret_key", "master.key"):
            assert mode(node / name) == 0o600, name
        append = (
            "from django.db import transaction\n"
            "from hoso.audit.services import event_record\n"
            "with transaction.atomic():\n"
            "    event_record(actor=None, action='system', outcome='ok', purpose='thử lịch')\n"
        )
        before = chain_counts(node)[0]
        subprocess.run(hoso("shell", "-c", append), env=node_env(node), check=True, timeout=120)
        assert chain_counts(node)[0] == before + 1
        wait_for(lambda: all_sealed(node), 30, "the scheduled seal")
        assert worker.poll() is None  # sealed by the schedule, not by stopping

        subprocess.run(hoso("shell", "-c", append), env=node_env(node), check=True, timeout=120)
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=60)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    out, err = worker.communicate()
    assert worker.returncode == 0, err.decode()
    # With a 1-second schedule the last event may be sealed by a tick or by the final seal;
    # the demo test below proves the final one with the default 10-minute schedule.
    assert all_sealed(node)
    assert "Đã niêm phong #" in out.decode()


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL], ids=str)
def test_stopping_the_demo_stops_its_worker_after_a_final_seal(node, stop):
    """SIGTERM and SIGINT stop the server, which stops its worker and waits for the final seal;
    even SIGKILL, which runs no cleanup, leaves no worker behind (it follows its parent)."""
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    log = (node.parent / "demo.log").open("wb")
    demo = subprocess.Popen(
        hoso("demo", "--people", "2", "--port", str(port)),
        env=node_env(node),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for(lambda: serving(base), 180, "the demo server")
        wait_for(lambda: all_sealed(node), 60, "the worker's seal at start")
        assert len(processes_of(node)) == 2  # the server and its worker
        failed_login(base)
        events, sealed = chain_counts(node)
        assert sealed < events  # the schedule (10 minutes) will not seal this in time
        demo.send_signal(stop)
        try:
            demo.wait(timeout=180)  # generous: CI runs two suites side by side on two cores
        except subprocess.TimeoutExpired:
            log.flush()
            pytest.fail(
                f"the demo did not stop on {stop!r}:\n" + (node.parent / "demo.log").read_text()
            )
        wait_for(lambda: not processes_of(node), 30, "every process of the node to end")
    finally:
        if demo.poll() is None:
            demo.kill()
            demo.wait()
        log.close()
    assert chain_counts(node) == (events, events), (node.parent / "demo.log").read_text()
    verify = subprocess.run(
        hoso("audit", "verify"), env=node_env(node), capture_output=True, text=True, timeout=120
    )
    assert verify.returncode == 0, verify.stderr
    assert "0 sự kiện sau đó chưa được niêm phong" in verify.stdout
    assert verify.stderr == ""
