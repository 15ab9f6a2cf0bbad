"""The data a step records, checked against the step's field spec (`FieldSpec`): each datum of
its kind and within its limits, every required one given on approval, nothing the spec lacks.
Every problem is reported at once, each with a stable code; nothing is saved when one is."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from hoso.catalog.selectors import codes
from hoso.core.errors import Problem
from hoso.procedures.definitions import FieldSpec, StepDef

VOTE_FIELDS = ("votes_for", "votes_against", "votes_abstain")
DOCUMENTS_FIELD = "documents"


def _number(value: Any, integral: bool) -> Decimal | None:
    """`value` as a number of the kind, or None; JSON booleans are no numbers."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    if not number.is_finite() or (integral and number != number.to_integral_value()):
        return None
    return number


def _range(spec: FieldSpec, number: Decimal, where: str) -> list[Problem]:
    low = Decimal(str(spec.min)) if spec.min is not None else None
    high = Decimal(str(spec.max)) if spec.max is not None else None
    if (low is not None and number < low) or (high is not None and number > high):
        bounds = f"từ {spec.min}" if low is not None else ""
        bounds += f" đến {spec.max}" if high is not None else ""
        return [
            Problem(
                "procedure_field_out_of_range",
                f"«{spec.label}» phải {bounds.strip()}; {number:f} không hợp lệ.",
                where,
            )
        ]
    return []


def _value_problems(spec: FieldSpec, value: Any) -> list[Problem]:
    where = f"data.{spec.name}"

    def invalid(message: str) -> list[Problem]:
        return [Problem("procedure_field_invalid", message, where)]

    if spec.kind == "text":
        if not isinstance(value, str):
            return invalid(f"«{spec.label}» phải là văn bản.")
        if spec.max_length is not None and len(value) > spec.max_length:
            return [
                Problem(
                    "procedure_field_too_long",
                    f"«{spec.label}» dài tối đa {spec.max_length} ký tự.",
                    where,
                )
            ]
        return []
    if spec.kind in ("int", "decimal"):
        number = _number(value, spec.kind == "int")
        if number is None:
            kind = "số nguyên" if spec.kind == "int" else "số"
            return invalid(f"«{spec.label}» phải là {kind}.")
        return _range(spec, number, where)
    if spec.kind == "date":
        try:
            date.fromisoformat(value)
        except (TypeError, ValueError):
            return invalid(f"«{spec.label}» phải là ngày dạng YYYY-MM-DD.")
        return []
    if spec.kind == "choice":
        if not isinstance(value, str) or value not in codes(spec.catalog):
            return [
                Problem(
                    "procedure_field_code_unknown",
                    f"«{spec.label}»: không có mã «{value}» trong danh mục.",
                    where,
                )
            ]
        return []
    # scores: criterion code → points, each a number from 0 (the criteria and their maxima
    # depend on the person and the year: the type's own check, e.g. `procedures.evaluation`).
    if not isinstance(value, dict):
        return invalid(f"«{spec.label}» phải ghi điểm theo từng tiêu chí.")
    problems = []
    for code, points in value.items():
        number = _number(points, integral=False)
        if number is None or number < 0:
            problems.append(
                Problem(
                    "procedure_field_invalid",
                    f"«{spec.label}»: điểm của tiêu chí «{code}» phải là số không âm.",
                    f"{where}.{code}",
                )
            )
    return problems


def check(step: StepDef, data: dict[str, Any], *, approving: bool) -> list[Problem]:
    """Every problem of `data` against `step`'s field spec (none for a step without one)."""
    if not step.fields:
        return []
    known = {f.name for f in step.fields} | (set(VOTE_FIELDS) if step.vote else set())
    if step.documents:
        known.add(DOCUMENTS_FIELD)  # the uploaded documents' ids, judged by `step_documents`
    problems = [
        Problem("procedure_field_unknown", f"Bước này không ghi «{name}».", f"data.{name}")
        for name in data
        if name not in known
    ]
    for spec in step.fields:
        value = data.get(spec.name)
        if value is None or value == "" or value == {}:
            if spec.required and approving:
                problems.append(
                    Problem(
                        "procedure_field_required",
                        f"Cần ghi «{spec.label}».",
                        f"data.{spec.name}",
                    )
                )
            continue
        problems += _value_problems(spec, value)
    return problems
