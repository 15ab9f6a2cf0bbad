"""Idempotent reruns, all-or-nothing per dossier, and a run killed with SIGKILL mid-import:
the rerun lands exactly the expected dossiers (whole chunks were written, the journal skips
them), and the audit chain stays valid."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from tests.exchange.import_helpers import jsonl_write

from conftest import dossier
from hoso.changes.models import ChangeSet
from hoso.exchange.imports.services import import_run
from hoso.exchange.models import ImportItem

ROOT = Path(__file__).resolve().parents[2]
CHUNK = 10  # dossiers per transaction: a kill between two chunks leaves whole chunks
COUNT = 300


def test_a_rerun_changes_nothing_and_a_bad_dossier_lands_nothing(personas, tmp_path) -> None:
    people = [dossier(full_name=f"Phạm Văn Dũng {i}") for i in range(3)]
    people[1]["training"][0]["to_date"] = "2002-06-30"  # ends before it starts
    path = jsonl_write(tmp_path / "dot.jsonl", people)
    first = import_run(acting_user=personas["nhaplieu"], paths=[path], dry_run=False)
    assert (first.imported, first.failed, first.unchanged) == (2, 1, 0)
    bad = people[1]["identity"]["personal_id"]
    assert {i.personal_id for i in first.issues} == {bad}
    assert not ChangeSet.objects.filter(personal_id=bad).exists()  # nothing of it
    again = import_run(acting_user=personas["nhaplieu"], paths=[path], dry_run=False)
    assert (again.imported, again.failed, again.unchanged) == (0, 1, 2)
    assert again.batch_id == first.batch_id
    assert ImportItem.objects.count() == 2 and ChangeSet.objects.count() == 2


def _env(node: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOSO_")}
    env.pop("DATABASE_URL", None)
    env["HOSO_DATA_DIR"] = str(node)
    env["HOSO_IMPORT_CHUNK"] = str(CHUNK)
    env["PYTHONPATH"] = str(ROOT / "src")
    return env


def _hoso(node: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "hoso.cli", *args],
        env=_env(node),
        capture_output=True,
        text=True,
        timeout=600,
        check=check,
    )


def _count(db: Path, sql: str) -> int:
    with sqlite3.connect(db, timeout=30) as conn:
        return conn.execute(sql).fetchone()[0]


def test_kill_9_mid_import_then_rerun_lands_each_dossier_once(tmp_path) -> None:
    node = tmp_path / "node"
    node.mkdir()
    _hoso(node, "demo", "--no-serve", "--people", "0")
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "import_files.py"),
            str(COUNT),
            str(node / "g"),
            "--no-xlsx",
            "--importer",
            "nhaptinh",
        ],
        env=_env(node),
        check=True,
        capture_output=True,
        timeout=600,
    )
    db = node / "hoso.sqlite3"
    expected = _hoso(
        node,
        "import",
        str(node / "g.jsonl"),
        "--as",
        "nhaptinh",
        "--dry-run",
        "--no-progress",
        check=False,
    )
    landable = COUNT - int(expected.stdout.split("; ")[3].split()[0])  # "N có lỗi"
    run = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "hoso.cli",
            "import",
            str(node / "g.jsonl"),
            "--as",
            "nhaptinh",
            "--no-progress",
        ],
        env=_env(node),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and run.poll() is None:
        try:
            if _count(db, "SELECT COUNT(*) FROM exchange_importitem") >= CHUNK:
                break
        except sqlite3.OperationalError:  # the table is being written: try again
            pass
        time.sleep(0.05)
    os.kill(run.pid, signal.SIGKILL)
    run.wait()
    assert run.returncode == -signal.SIGKILL  # killed, not finished
    landed = _count(db, "SELECT COUNT(*) FROM exchange_importitem")
    assert 0 < landed < landable
    # No half dossier: every proposal creating a dossier has its item, and the reverse;
    # each journaled chunk is whole.
    assert _count(db, "SELECT COUNT(*) FROM changes_changeset") == landed
    journaled = _count(db, "SELECT COALESCE(SUM(imported), 0) FROM exchange_importchunk")
    assert journaled == landed

    rerun = _hoso(
        node, "import", str(node / "g.jsonl"), "--as", "nhaptinh", "--no-progress", check=False
    )
    assert f"{landable - landed} đã nhập thành đề xuất" in rerun.stdout
    assert f"{landed} đã nhập từ trước" in rerun.stdout
    assert _count(db, "SELECT COUNT(*) FROM exchange_importitem") == landable
    assert _count(db, "SELECT COUNT(DISTINCT personal_id) FROM changes_changeset") == landable

    approved = _hoso(node, "import", "approve", "--batch", "1", "--as", "quanly")
    assert f"({landable} hồ sơ)" in approved.stdout
    assert _count(db, "SELECT COUNT(*) FROM people_person") == landable
    assert "hợp lệ" in _hoso(node, "import", "verify", "--batch", "1").stdout
    assert _hoso(node, "audit", "verify").returncode == 0
