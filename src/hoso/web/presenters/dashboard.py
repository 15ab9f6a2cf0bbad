"""The real-time view of the work (R-EVAL-REALTIME): `procedures.selectors.work_view` shaped
into rows with Vietnamese names and links, beside the records-work indicators the node already
counts (completeness, on-time dossier updates) and citizens' satisfaction, and the charts."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.urls import NoReverseMatch, reverse

from hoso.access import policies
from hoso.access.models import Role, User
from hoso.changes.selectors.obligations import counts_by_unit, obligation_scope
from hoso.orgs import selectors as org_selectors
from hoso.people.selectors import completeness_by_unit
from hoso.procedures.selectors import WorkScope, feedback_figures, work_view
from hoso.web.presenters.completeness import Chart, completeness_chart, level_of


def procedure_href(procedure_id: int) -> str:
    """The procedure's page when the node has one (`web:procedure`), else its history in the
    API; either reads it through the dossier gate."""
    try:
        return reverse("web:procedure", args=[procedure_id])
    except NoReverseMatch:
        return f"/api/v1/procedures/{procedure_id}"


def duty_name(duty: str) -> str:
    return Role(duty).label if duty in Role.values else duty


def scope_names(scope: WorkScope) -> list[str]:
    """The units whose subtrees a leader sees (none listed: an auditor sees every unit)."""
    if scope.everything:
        return []
    labels = org_selectors.unit_labels()
    return [labels.get(o.code, o.name) for o in org_selectors.org_list() if o.path in scope.paths]


def _percent_chart(rows: list[dict[str, Any]]) -> Chart | None:
    timed = [
        {"name": r["name"], "people": r["n"], "percent": r["percent"], "level": r["level"]}
        for r in rows
        if r["percent"] is not None
    ]
    return completeness_chart(timed) if timed else None


def _share(part: int, whole: int) -> float | None:
    return 100 * part / whole if whole else None


def _records_work(user: User, codes: set[str], today: date) -> dict[str, dict[str, Any]]:
    """Per unit: the mean completeness of its dossiers (R-COMPLETE) and the share of dossier
    updates done by their due day (the obligations), over what `user` may count."""
    out: dict[str, dict[str, Any]] = {}
    for r in completeness_by_unit(scope=policies.people_scope(user)):
        if r["current_unit__code"] in codes:
            out.setdefault(r["current_unit__code"], {})["completeness"] = 100 * (r["score"] or 0)
    for r in counts_by_unit(scope=obligation_scope(user), today=today):
        if r["unit__code"] in codes:
            finished = r["done"] + r["done_late"]
            row = out.setdefault(r["unit__code"], {})
            row["updates_on_time"] = _share(r["done"], finished)
            row["updates_overdue"] = r["overdue"]
    return out


def dashboard(user: User, scope: WorkScope, today: date) -> dict[str, Any]:
    """Everything the page and its polled fragment show, for `user` within `scope`."""
    view = work_view(scope, today)
    labels = org_selectors.unit_labels()
    codes = set(scope.units())
    minimum = settings.HOSO_PUBLIC_MIN_COUNT
    satisfaction = feedback_figures(minimum, codes)
    records = _records_work(user, codes, today)
    shown = {u.code for u in view.units} | set(satisfaction) | set(records)
    work = {u.code: u for u in view.units}
    units = []
    for code in sorted(shown, key=lambda c: labels.get(c, c)):
        row = work.get(code)
        units.append(
            {
                "code": code,
                "name": labels.get(code, code),
                "running": row.running if row else 0,
                "overdue": row.overdue if row else 0,
                "steps": row.steps if row else 0,
                "on_time": row.on_time_percent if row else None,
                "satisfaction": satisfaction.get(code),
                "completeness": None,
                "updates_on_time": None,
                "updates_overdue": None,
                **records.get(code, {}),
            }
        )
    late = [
        {
            "href": procedure_href(s.procedure_id),
            "id": s.procedure_id,
            "type_name": s.type_name,
            "step_name": s.step_name,
            "duty": duty_name(s.duty),
            "unit": labels.get(s.unit_code, s.unit_code),
            "due": s.due,
            "days_late": s.days_late,
            "days_in_step": s.days_in_step,
        }
        for s in view.late
    ]
    steps = [
        {
            "unit": labels.get(r.unit_code, r.unit_code),
            "type_name": r.type_name,
            "step_name": r.step_name,
            "duty": duty_name(r.duty),
            "running": r.running,
            "overdue": r.overdue,
            "mean_days": r.mean_days,
            "max_days": r.max_days,
        }
        for r in view.steps
    ]
    return {
        "view": view,
        "late": late,
        "steps": steps,
        "types": view.types,
        "officers": view.officers,
        "units": units,
        "minimum": minimum,
        "unit_chart": _percent_chart(
            [
                {
                    "name": u["name"],
                    "n": u["steps"],
                    "percent": u["on_time"],
                    "level": level_of(u["on_time"]) if u["on_time"] is not None else "",
                }
                for u in units
            ]
        ),
        "officer_chart": _percent_chart(
            [
                {
                    "name": o.full_name or o.username,
                    "n": o.acted,
                    "percent": o.on_time_percent,
                    "level": level_of(o.on_time_percent) if o.acted else "",
                }
                for o in view.officers
            ]
        ),
        "records_chart": _percent_chart(
            [
                {
                    "name": u["name"],
                    "n": 1,
                    "percent": u["completeness"],
                    "level": level_of(u["completeness"]) if u["completeness"] is not None else "",
                }
                for u in units
            ]
        ),
    }
