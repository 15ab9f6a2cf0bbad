"""The rule that runs a test without a database once, not on both databases (ADR 0025): what
counts as a process that may open the run's database, and the guard that fails a test starting
one unmarked, so that no such test silently loses its PostgreSQL run."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from conftest import SENTINEL_DATABASE_URL, opens_the_database


@pytest.mark.parametrize(
    "args",
    [
        [sys.executable, "-m", "hoso.cli", "hub", "serve"],
        [sys.executable, "tests/federation/node.py", "setup"],
        ["/srv/hoso/.venv/bin/hoso", "migrate"],
        "hoso demo --no-serve",
        [sys.executable, "-c", "import django; django.setup()"],
    ],
)
def test_hoso_and_django_processes_may_open_the_database(args):
    assert opens_the_database(args)


@pytest.mark.parametrize(
    "args",
    [
        [sys.executable, "-m", "mypy", "-p", "hoso.core"],
        [sys.executable, "-c", "import sys, hoso.identity"],
        ["tesseract", "scan.png", "-"],
        ["pdfsig", "resume.pdf"],
    ],
)
def test_other_programs_do_not(args):
    assert not opens_the_database(args)


def test_a_test_without_a_database_runs_with_a_database_url_for_its_children():
    # The PostgreSQL run's own, or in the SQLite run the sentinel standing for it.
    assert os.environ.get("DATABASE_URL")
    if "invalid" in os.environ["DATABASE_URL"]:
        assert os.environ["DATABASE_URL"] == SENTINEL_DATABASE_URL


def test_an_unmarked_test_starting_hoso_with_the_run_s_database_fails_before_it_starts():
    # `python -c pass hoso.cli` runs nothing, and counts as a hoso process (its argument).
    with pytest.raises(pytest.fail.Exception, match="database_subprocess"):
        subprocess.run([sys.executable, "-c", "pass", "hoso.cli"], check=True)  # noqa: S603
    without = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    done = subprocess.run([sys.executable, "-c", "pass", "hoso.cli"], env=without, check=True)  # noqa: S603
    assert done.returncode == 0


@pytest.mark.database_subprocess
def test_a_marked_test_may_start_it():
    done = subprocess.run([sys.executable, "-c", "pass", "hoso.cli"], check=True)  # noqa: S603
    assert done.returncode == 0
