"""The current state and search keys of a dossier, derived from its sections (pure).

Derived once on every write so that search, filters, counts and completeness are single
indexed queries, never recomputed on read.
"""

from __future__ import annotations

from typing import Any

from hoso.core.text import name_sort_key, normalize
from hoso.people.validation import Reference


def _filled(value: Any) -> bool:
    return value not in (None, "", [], {})


def completeness(data: dict[str, Any], required: list[str]) -> tuple[float, list[str]]:
    """(score 0–1, missing required items). A bare section key requires at least one row."""
    if not required:
        return 1.0, []
    missing = []
    for item in required:
        section, _, name = item.partition(".")
        value = data.get(section)
        if not name:
            ok = _filled(value)
        elif isinstance(value, dict):
            ok = _filled(value.get(name))
        else:
            ok = False
        if not ok:
            missing.append(item)
    return 1 - len(missing) / len(required), missing


def derived_fields(data: dict[str, Any], ref: Reference) -> dict[str, Any]:
    ident = data.get("identity") or {}
    employment = data.get("employment") or {}
    positions = [p for p in data.get("positions") or [] if p.get("is_main", True)]
    current_main = next((p for p in positions if not p.get("to_date")), None)
    salary = sorted(data.get("salary") or [], key=lambda r: str(r.get("from_date")))
    latest_salary = salary[-1] if salary else None
    party = data.get("party") or []
    score, missing = completeness(data, ref.required)
    position_code = current_main.get("position_code", "") if current_main else ""
    rank_code = latest_salary.get("rank_code", "") if latest_salary else ""
    words = [
        ident.get("full_name", ""),
        ident.get("other_names", ""),
        ref.unit_names.get(employment.get("current_unit", ""), ""),
        ref.names.get(("rank", rank_code), ""),
        ref.names.get(("position", position_code), ""),
    ]
    return {
        "name_norm": normalize(ident.get("full_name", "")),
        # Leading space so a word prefix is always `LIKE '% word%'`.
        "search_text": (" " + normalize(" ".join(w for w in words if w)) + " ")[:600],
        "sort_key": name_sort_key(ident.get("full_name", "") or "?"),
        "current_position_code": position_code or "",
        "current_rank_code": rank_code or "",
        "current_salary_step": int(latest_salary["step"]) if latest_salary else None,
        "is_party_member": any(not p.get("left_date") for p in party),
        "completeness": round(score, 4),
        "missing_required": len(missing),
    }
