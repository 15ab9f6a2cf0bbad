"""The SQLite database and its companions are the owner's only (issue 15 finding 7; R-SECRET)."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

from hoso.core.env import private_file


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_database_file_is_created_mode_600_and_sqlite_keeps_its_wal_and_shm_so(
    tmp_path: Path,
) -> None:
    db = private_file(tmp_path / "node" / "hoso.sqlite3")
    assert mode(db) == 0o600
    assert mode(db.parent) == 0o700
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE t (x)")
        conn.execute("INSERT INTO t VALUES (1)")
        for name in ("hoso.sqlite3-wal", "hoso.sqlite3-shm"):
            assert mode(db.parent / name) == 0o600, name


def test_a_database_left_readable_by_others_is_tightened_without_losing_its_content(
    tmp_path: Path,
) -> None:
    db = tmp_path / "hoso.sqlite3"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE t (x)")
        conn.execute("INSERT INTO t VALUES (42)")
    conn.close()
    wal = tmp_path / "hoso.sqlite3-wal"
    wal.write_bytes(b"")
    for path in (db, wal):
        path.chmod(0o644)
    private_file(db)
    assert mode(db) == 0o600 and mode(wal) == 0o600
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT x FROM t").fetchone() == (42,)
    conn.close()
