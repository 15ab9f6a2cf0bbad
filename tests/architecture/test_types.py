"""mypy (with django-stubs) on the core packages: the config is pyproject's `[tool.mypy]`.

Run in its own interpreter: django-stubs' plugin sets Django up for itself, which must not
touch the test run's Django. The cache (`.mypy_cache`, ignored by git) keeps reruns quick.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# The domain's core (docs/decisions/0014-rules-held-by-tools.md): the gate, the audit chain,
# the dossier, identity, the calendar, signatures, reference data and the node's plumbing.
PACKAGES = (
    "hoso.core",
    "hoso.identity",
    "hoso.calendar",
    "hoso.access",
    "hoso.audit",
    "hoso.signing",
    "hoso.people",
    "hoso.catalog",
    "hoso.orgs",
)


def test_the_core_packages_type_check() -> None:
    packages = [arg for package in PACKAGES for arg in ("-p", package)]
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--config-file",
            str(ROOT / "pyproject.toml"),
            "--cache-dir",
            str(ROOT / ".mypy_cache"),
            *packages,
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
