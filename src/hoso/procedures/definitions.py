"""Procedure types read from the `procedure_type` catalog: steps in order, each with its duty,
its working-day deadline and what it records (its field spec, `FieldSpec`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hoso.catalog.selectors import entries
from hoso.core.errors import Problem, ValidationFailed

CATALOG = "procedure_type"
# What a step may record beyond outcome, reason and votes (docs/howto/add-a-procedure-type.md).
FIELD_KINDS = ("text", "int", "decimal", "date", "choice", "scores")


@dataclass(frozen=True)
class FieldSpec:
    """One datum a step records: `kind` (FIELD_KINDS), `required` on approval, `min`/`max`
    for numbers, `max_length` for text, `catalog` whose codes a choice (or, for scores, whose
    criteria) it takes. The step form renders it; `procedures.fields.check` enforces it."""

    name: str
    label: str
    kind: str
    required: bool = False
    min: float | None = None
    max: float | None = None
    max_length: int | None = None
    catalog: str = ""


@dataclass(frozen=True)
class StepDef:
    code: str
    name: str
    duty: str
    working_days: int
    documents: tuple[str, ...]
    vote: bool
    eligibility: str
    issues_decision: bool
    # Empty: the step takes any data (the types defined before field specs); otherwise only
    # these fields (and the votes of a vote step).
    fields: tuple[FieldSpec, ...] = ()


@dataclass(frozen=True)
class TypeDef:
    code: str
    name: str
    version: int
    decision_type: str
    legal_basis: str
    steps: tuple[StepDef, ...]
    service: str = ""  # its own checks, a key of `procedures.services.SERVICES`

    def step(self, code: str) -> StepDef:
        return next(s for s in self.steps if s.code == code)

    def after(self, code: str) -> StepDef | None:
        codes = [s.code for s in self.steps]
        i = codes.index(code) + 1
        return self.steps[i] if i < len(codes) else None


def _field(spec: dict[str, Any]) -> FieldSpec:
    return FieldSpec(
        name=spec["name"],
        label=spec.get("label") or spec["name"],
        kind=spec["kind"],
        required=bool(spec.get("required")),
        min=spec.get("min"),
        max=spec.get("max"),
        max_length=spec.get("max_length"),
        catalog=spec.get("catalog", ""),
    )


def _step(row: dict[str, Any]) -> StepDef:
    a = row["attrs"]
    return StepDef(
        code=row["code"],
        name=row["name"],
        duty=a["duty"],
        working_days=int(a["working_days"]),
        documents=tuple(a.get("documents", ())),
        vote=bool(a.get("vote")),
        eligibility=a.get("eligibility", ""),
        issues_decision=bool(a.get("issues_decision")),
        fields=tuple(_field(f) for f in a.get("fields", ())),
    )


def _rows() -> list[dict[str, Any]]:
    return list(entries(CATALOG).values("code", "name", "parent_code", "attrs", "legal_basis"))


def type_def(code: str) -> TypeDef:
    """The definition of procedure type `code`, or a Vietnamese refusal."""
    definition = _build(_rows(), code)
    if definition is None:
        raise ValidationFailed(
            [Problem("procedure_type_unknown", f"Không có loại quy trình «{code}».", "type")],
            "Chưa bắt đầu quy trình.",
        )
    return definition


def type_defs() -> dict[str, TypeDef]:
    """Every procedure type by code, from one read of the catalog (the dashboard's names)."""
    rows = _rows()
    found = (_build(rows, r["code"]) for r in rows if not r["parent_code"])
    return {d.code: d for d in found if d is not None}


def _build(rows: list[dict[str, Any]], code: str) -> TypeDef | None:
    head = next((r for r in rows if r["code"] == code and not r["parent_code"]), None)
    if head is None:
        return None
    steps = sorted((r for r in rows if r["parent_code"] == code), key=lambda r: r["attrs"]["order"])
    return TypeDef(
        code=code,
        name=head["name"],
        version=int(head["attrs"]["version"]),
        decision_type=head["attrs"]["decision_type"],
        legal_basis=head["legal_basis"],
        steps=tuple(_step(r) for r in steps),
        service=head["attrs"].get("service", ""),
    )


def spec_problems(doc: Any, source: str) -> list[Problem]:
    """Field specs of a `procedure_type` document that the step form and `fields.check`
    could not use: checked when the catalog is loaded, so a bad spec never reaches a step."""
    if not isinstance(doc, dict) or doc.get("catalog") != CATALOG:
        return []
    problems = []
    for entry in doc.get("entries") or []:
        specs = (entry.get("attrs") or {}).get("fields") if isinstance(entry, dict) else None
        for spec in specs or []:
            where = f"{source} «{entry.get('code')}»"
            if not isinstance(spec, dict) or not spec.get("name"):
                problems.append(Problem("bad_field_spec", f"{where}: trường thiếu «name»."))
            elif spec.get("kind") not in FIELD_KINDS:
                problems.append(
                    Problem(
                        "bad_field_spec",
                        f"{where}: trường «{spec['name']}» có loại «{spec.get('kind')}» không"
                        f" hợp lệ (chọn một trong {', '.join(FIELD_KINDS)}).",
                    )
                )
            elif spec["kind"] in ("choice", "scores") and not spec.get("catalog"):
                problems.append(
                    Problem("bad_field_spec", f"{where}: trường «{spec['name']}» cần «catalog».")
                )
    return problems
