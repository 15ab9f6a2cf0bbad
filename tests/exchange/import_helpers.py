"""Shared pieces of the import tests: dossiers written as the template or as JSON lines."""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from hoso.exchange.imports.writer import workbook_write


def jsonl_write(path: Path, dossiers: list[dict[str, Any]]) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for data in dossiers:
            handle.write(json.dumps(data, ensure_ascii=False) + "\n")
    return path


def xlsx_write(path: Path, dossiers: list[dict[str, Any]]) -> Path:
    workbook_write(path, dossiers)
    return path


def plain(value: Any) -> Any:
    """A dossier without its empty values and with numbers as text: what both sides hold."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items() if v not in (None, "", [], {})}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return str(value)
    return value


def same_values(given: Any, stored: Any) -> list[str]:
    """Where `stored` differs from what was `given` (every given value must be stored as
    given; numbers compare as numbers, "85" and "85.00" alike). Empty when the same."""
    if isinstance(given, dict):
        if not isinstance(stored, dict):
            return [f"{given!r} ≠ {stored!r}"]
        return [
            f"{k}: {d}"
            for k, v in given.items()
            if v not in (None, "", [])
            for d in same_values(v, stored.get(k))
        ]
    if isinstance(given, list):
        if not isinstance(stored, list) or len(given) != len(stored):
            return [f"{len(given)} dòng ≠ {stored!r}"]
        return [
            f"[{i}] {d}"
            for i, (a, b) in enumerate(zip(given, stored, strict=True))
            for d in same_values(a, b)
        ]
    if given == stored:
        return []
    try:
        if not isinstance(given, bool) and Decimal(str(given)) == Decimal(str(stored)):
            return []
    except InvalidOperation:
        pass
    return [f"{given!r} ≠ {stored!r}"]
