"""Procedure types read from the `procedure_type` catalog: steps in order, each with its duty,
its working-day deadline and what it records."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hoso.catalog.selectors import entries
from hoso.core.errors import Problem, ValidationFailed

CATALOG = "procedure_type"


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


@dataclass(frozen=True)
class TypeDef:
    code: str
    name: str
    version: int
    decision_type: str
    legal_basis: str
    steps: tuple[StepDef, ...]

    def step(self, code: str) -> StepDef:
        return next(s for s in self.steps if s.code == code)

    def after(self, code: str) -> StepDef | None:
        codes = [s.code for s in self.steps]
        i = codes.index(code) + 1
        return self.steps[i] if i < len(codes) else None


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
    )
