"""Checks of the calendar catalogs before they are loaded.

`hoso.catalog.services.validate_document` validates the generic format only; to refuse a bad
override or rule at load time, it calls `catalog_problems` for these two catalogs.
"""

from __future__ import annotations

from typing import Any

from hoso.calendar.engine import document_entries, override_from_entry, policies_from_entries
from hoso.core.errors import Problem

CATALOGS = ("calendar_override", "deadline_policy")


def catalog_problems(doc: Any, source: str) -> list[Problem]:
    """Every problem the engine finds in a ``calendar_override`` or ``deadline_policy`` file."""
    if not isinstance(doc, dict) or doc.get("catalog") not in CATALOGS:
        return []
    rows = document_entries(doc)
    problems: list[Problem] = []
    if doc["catalog"] == "calendar_override":
        for index, row in enumerate(rows, start=1):
            try:
                override_from_entry(row)
            except (TypeError, ValueError) as exc:
                problems.append(Problem("bad_override", f"{source} mục {index}: {exc}"))
        return problems
    try:
        policies_from_entries(rows)
    except (TypeError, ValueError) as exc:
        problems.append(Problem("bad_deadline_rule", f"{source}: {exc}"))
    return problems
