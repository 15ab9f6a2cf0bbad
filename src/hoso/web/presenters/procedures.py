"""What the procedure pages show: a procedure's type, person, current step (its duty and its
working-day deadline), and the signed history — each step's signature checked, its vote
counts, documents, scores per criterion and eligibility verdict (every rule with its
citation)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from hoso.access.models import Role
from hoso.catalog.selectors import name_of
from hoso.changes.effects.params import parameters_of
from hoso.core.dates import today, vn, vn_time
from hoso.eligibility.engine import facts_visible
from hoso.eligibility.labels import facts_text
from hoso.people.models import Person
from hoso.procedures.definitions import type_def
from hoso.procedures.documents import document_name
from hoso.procedures.models import Procedure, ProcedureState, StepOutcome
from hoso.procedures.services import step_verify

STATE_BADGES = {
    ProcedureState.RUNNING: "badge--pending",
    ProcedureState.DONE: "badge--active",
    ProcedureState.REJECTED: "badge--revoked",
}


def duty_label(duty: str) -> str:
    return Role(duty).label if duty in Role.values else duty


def _current(procedure: Procedure) -> dict[str, Any] | None:
    if procedure.state != ProcedureState.RUNNING:
        return None
    step = type_def(procedure.procedure_type).step(procedure.current_step)
    due = procedure.current_due
    return {
        "step": step,
        "duty": duty_label(step.duty),
        "due": vn(due),
        "overdue": bool(due and today() > due),
        "documents": [document_name(c) for c in step.documents],
    }


def _params(decision_type: str, values: dict[str, Any]) -> list[tuple[str, str]]:
    """The proposal's decision parameters, labelled, codes by their catalog name."""
    rows = []
    for spec in parameters_of(decision_type):
        value = values.get(spec.name)
        if value in (None, ""):
            continue
        if spec.kind == "code" and spec.catalog:
            value = name_of(spec.catalog, str(value)) or value
        elif spec.kind == "choice":
            value = spec.choices.get(str(value), value)
        rows.append((spec.label, str(value)))
    return rows


def procedure_context(procedure: Procedure, person: Person, masked: dict[str, str]) -> dict:
    definition = type_def(procedure.procedure_type)
    return {
        "procedure": procedure,
        "person": person,
        "type_name": definition.name,
        "legal_basis": definition.legal_basis,
        "steps": [
            {"name": s.name, "duty": duty_label(s.duty), "days": s.working_days}
            for s in definition.steps
        ],
        "state_label": procedure.get_state_display(),
        "badge": STATE_BADGES.get(procedure.state, ""),
        "current": _current(procedure),
        "params": _params(definition.decision_type, procedure.params.get("decision", {})),
        "masked": masked,
    }


def verdict_rows(reasons: list[dict[str, Any]], masked: dict[str, str]) -> list[dict[str, Any]]:
    """The stored eligibility reasons, each fact shown only to a reader who may see the
    section it comes from."""
    out = []
    for r in reasons:
        facts = r.get("facts") or {}
        shown = facts_visible(masked, r.get("rule", ""))
        out.append(
            {
                "label": r.get("label") or r.get("rule"),
                "passed": r.get("passed"),
                "citation": r.get("citation", ""),
                "message": r.get("message", ""),
                "until": vn(date.fromisoformat(r["until"])) if r.get("until") else "",
                "facts": facts_text(facts) if shown else "",
            }
        )
    return out


def _points(value: Any) -> str:
    return f"{Decimal(str(value)).normalize():f}".replace(".", ",")


def _scores(definition: Any, step_code: str, data: dict[str, Any]) -> dict[str, Any] | None:
    """The points a scores step recorded, each criterion by its catalog name, and the total."""
    spec = next(
        (
            f
            for s in definition.steps
            if s.code == step_code
            for f in s.fields
            if f.kind == "scores"
        ),
        None,
    )
    given = data.get(spec.name) if spec else None
    if not isinstance(given, dict) or not given:
        return None
    total = sum((Decimal(str(v)) for v in given.values()), Decimal(0))
    return {
        "rows": [(name_of(spec.catalog, code) or code, _points(v)) for code, v in given.items()],
        "total": _points(total),
    }


def history_rows(procedure: Procedure, masked: dict[str, str]) -> list[dict[str, Any]]:
    definition = type_def(procedure.procedure_type)
    names = {s.code: s.name for s in definition.steps}
    rows = []
    for step in procedure.steps.select_related("actor"):
        check = step_verify(step)
        data = step.data or {}
        rows.append(
            {
                "name": names.get(step.step_code, step.step_code),
                "duty": duty_label(step.duty),
                "actor": step.actor.full_name or step.actor.get_username(),
                "username": step.actor.get_username(),
                "acted_at": vn_time(step.acted_at),
                "approved": step.outcome == StepOutcome.APPROVE,
                "outcome": step.get_outcome_display(),
                "reason": step.reason,
                "deadline": vn(step.deadline),
                "overdue": step.overdue,
                "valid": check.valid,
                "signer": check.signer_name,
                "serial": step.certificate_serial,
                "problems": check.reasons,
                "votes": [data[k] for k in ("votes_for", "votes_against", "votes_abstain")]
                if "votes_for" in data
                else None,
                "documents": [
                    {"name": document_name(code), **d}
                    for code, d in (data.get("documents") or {}).items()
                ],
                "verdict": verdict_rows(data.get("verdict") or [], masked),
                "scores": _scores(definition, step.step_code, data),
                "decision_id": data.get("decision_id"),
            }
        )
    return rows


def list_rows(procedures: list[Procedure]) -> list[dict[str, Any]]:
    rows = []
    for p in procedures:
        definition = type_def(p.procedure_type)
        current = _current(p)
        rows.append(
            {
                "procedure": p,
                "type_name": definition.name,
                "person_name": getattr(p, "person_name", ""),
                "unit_name": getattr(p, "unit_name", ""),
                "state_label": p.get_state_display(),
                "badge": STATE_BADGES.get(p.state, ""),
                "current": current,
            }
        )
    return rows


def planning_rows(found: list[Any]) -> list[dict[str, Any]]:
    """One row per place in the planning list (`procedures.planning.planning_list`): the
    person, the post by its name, dates dd/mm/yyyy, the decision and a removal's reason."""
    rows = []
    for entry in found:
        for place in entry.rows:
            rows.append(
                {
                    "personal_id": entry.personal_id,
                    "full_name": entry.full_name,
                    "post": name_of("position", place.get("position_code")),
                    "from": _vn_iso(place.get("from_date")),
                    "to": _vn_iso(place.get("to_date")),
                    "decision_number": place.get("decision_number") or "",
                    "removal_reason": place.get("removal_reason") or "",
                }
            )
    return rows


def _vn_iso(value: Any) -> str:
    return vn(date.fromisoformat(value)) if value else ""
