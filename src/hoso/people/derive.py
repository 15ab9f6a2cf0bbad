"""The current state and search keys of a dossier, derived from its sections (pure).

Derived once on every write so that search, filters, counts and completeness are single
indexed queries, never recomputed on read.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from hoso.core.dates import today as local_today
from hoso.core.text import name_sort_key, normalize
from hoso.people.selectors import dossier_standard
from hoso.people.standard import Requirement, Standard, check_fields, score
from hoso.people.validation import Reference


def completeness(data: dict[str, Any], required: list[str]) -> tuple[float, list[str]]:
    """(score 0–1, missing required items) of presence alone, for a list of codes of the
    catalog `required_field` (see `people.standard` for what a code requires)."""
    standard = Standard(required=tuple(Requirement(code, code, 0) for code in required))
    missing = [f.rule for f in check_fields(data, standard, today=date.min)]
    return score_of(missing, len(required)), missing


def score_of(failed: list[str], size: int) -> float:
    return 1.0 if not size else max(0.0, 1 - len(set(failed)) / size)


def standard_score(data: dict[str, Any], standard: Standard, *, today: date) -> tuple[float, int]:
    """(completeness 0–1, failed field rules) against the dossier standard: what
    `Person.completeness` / `missing_required` store (components are counted on read)."""
    return score(check_fields(data, standard, today=today), standard)


def derived_fields(
    data: dict[str, Any],
    ref: Reference,
    *,
    standard: Standard | None = None,
    today: date | None = None,
) -> dict[str, Any]:
    """The derived columns of a dossier. `standard` defaults to the catalogs' dossier standard
    (`people.selectors.dossier_standard`), `today` to the node's date."""
    ident = data.get("identity") or {}
    employment = data.get("employment") or {}
    positions = [p for p in data.get("positions") or [] if p.get("is_main", True)]
    current_main = next((p for p in positions if not p.get("to_date")), None)
    salary = sorted(data.get("salary") or [], key=lambda r: str(r.get("from_date")))
    latest_salary = salary[-1] if salary else None
    party = data.get("party") or []
    if standard is None:
        standard = dossier_standard()
    today = today or local_today()
    rate, failed = standard_score(data, standard, today=today)
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
        "completeness": round(rate, 4),
        "missing_required": min(failed, 32767),
    }
