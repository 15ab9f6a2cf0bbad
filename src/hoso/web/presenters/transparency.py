"""The public page's rows (R-TRANSPARENT): each unit's procedure figures and citizens'
satisfaction, each shown only from `HOSO_PUBLIC_MIN_COUNT` procedures or answers, and the
units a citizen may rate."""

from __future__ import annotations

from typing import Any

from hoso.core.dates import today
from hoso.core.text import normalize
from hoso.orgs import selectors as org_selectors
from hoso.procedures.selectors import feedback_figures, service_figures
from hoso.web.presenters.completeness import Chart, completeness_chart, level_of


def public_rows(minimum: int) -> list[dict[str, Any]]:
    labels = org_selectors.unit_labels()
    figures = {r["unit_code"]: r for r in service_figures(minimum)}
    satisfaction = feedback_figures(minimum)
    rows = []
    for code in figures.keys() | satisfaction.keys():
        row = figures.get(code) or {
            "unit_code": code,
            "done": None,
            "running": None,
            "total": 0,
            "on_time_percent": None,
            "mean_working_days": None,
        }
        rows.append({**row, "name": labels.get(code, code), "satisfaction": satisfaction.get(code)})
    return sorted(rows, key=lambda r: normalize(r["name"]))


def on_time_chart(rows: list[dict[str, Any]]) -> Chart | None:
    timed = [
        {
            "name": r["name"],
            "people": r["total"],
            "percent": r["on_time_percent"],
            "level": level_of(r["on_time_percent"]),
        }
        for r in rows
        if r["on_time_percent"] is not None
    ]
    return completeness_chart(timed) if timed else None


def feedback_units() -> list[tuple[str, str]]:
    """(code, name) of every unit in force today, by name: what a citizen may rate."""
    labels = org_selectors.unit_labels()
    units = [(o.code, labels.get(o.code, o.name)) for o in org_selectors.org_list(on=today())]
    return sorted(units, key=lambda u: normalize(u[1]))
