"""Every write to an existing dossier asks the one write gate, and so the dossier's hold
(R-NO-SILO: a dossier handed over leaves a read-only trace here; access.holds,
docs/decisions/0024-write-holds.md). Checked on the source, so that a new write
service cannot open a dossier with the read gate alone under a writing purpose, nor borrow the
hand-over's purposes, which the hold lets through."""

from __future__ import annotations

import ast
from pathlib import Path

from hoso.access.policies import HANDOVER_PURPOSES, WRITE_PURPOSES

SRC = Path(__file__).resolve().parents[2] / "src" / "hoso"
# The adapters open a dossier under a writing purpose to show its form (a read); the write
# they then send goes through a service, which is checked here. `access` is the gate itself.
SKIPPED = {"web", "api", "access", "demo", "migrations"}
HANDOVER_CALLERS = {"exchange/services/handover.py", "exchange/archive/ingest.py"}


def _calls(name: str):
    for path in sorted(SRC.rglob("*.py")):
        relative = path.relative_to(SRC).as_posix()
        if set(relative.split("/")) & SKIPPED:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if called == name:
                yield relative, node


def _purposes(call: ast.Call) -> set[str]:
    """The `Purpose.X` members named among the call's arguments, as their values."""
    named = set()
    for arg in [*call.args, *(k.value for k in call.keywords)]:
        if (
            isinstance(arg, ast.Attribute)
            and isinstance(arg.value, ast.Name)
            and arg.value.id == "Purpose"
        ):
            named.add(arg.attr.lower())
    return named


def test_no_service_opens_a_dossier_to_write_it_through_the_read_gate():
    writing = {str(p) for p in WRITE_PURPOSES}
    found = [
        f"{path}:{call.lineno}"
        for path, call in _calls("dossier_access")
        if _purposes(call) & writing
    ]
    assert not found, f"use policies.dossier_write or dossier_open_write (the hold): {found}"


def test_only_the_hand_over_asks_the_write_gate_under_the_purposes_the_hold_lets_through():
    let_through = {str(p) for p in HANDOVER_PURPOSES}
    found = [
        f"{path}:{call.lineno}"
        for name in ("dossier_write", "dossier_open_write", "refuse_if_held")
        for path, call in _calls(name)
        if _purposes(call) & let_through and path not in HANDOVER_CALLERS
    ]
    assert not found, found


def test_the_check_sees_the_writes_it_guards():
    """The control: the scan finds the gate's callers (a rename would make it vacuous)."""
    assert {path for path, _ in _calls("dossier_write")} >= {
        "changes/services/changesets.py",
        "documents/services/components.py",
        "procedures/services.py",
    }
    assert {path for path, _ in _calls("dossier_open_write")} >= {
        "changes/services/discrepancies.py",
        "documents/services/resume.py",
        "procedures/services.py",
    }
