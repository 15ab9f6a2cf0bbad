"""The annual evaluation procedure's own checks (issue 12; NĐ 335/2025 for civil servants,
NĐ 90/2020 as amended by NĐ 48/2023 for public employees): the year evaluated, the manager's
points per criterion of the `evaluation_criteria` catalog, the grade the total falls in
(`evaluation_grade.scoring`), and the evaluation decision's parameters. The unit's
"excellent ≤ 20 % of good" limit is the decision's own (`changes.effects.evaluation`), so a
grade over it refuses the last step with the numbers and nothing is saved."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from hoso.access.policies import DossierAccess
from hoso.catalog.selectors import entries, name_of
from hoso.core.errors import Problem
from hoso.procedures.definitions import StepDef, TypeDef
from hoso.procedures.models import Procedure, ProcedureState, StepOutcome

CRITERIA = "evaluation_criteria"
MIN_YEAR = 1945


@dataclass(frozen=True)
class Criterion:
    code: str
    name: str
    max_points: Decimal
    legal_basis: str


@dataclass(frozen=True)
class Criteria:
    """The criteria a category's evaluation of a year is scored on, and the total possible."""

    staff_category: str
    total: Decimal
    items: tuple[Criterion, ...]


def criteria_for(staff_category: str, year: int) -> Criteria | None:
    """The criteria in force at the end of `year` for `staff_category`, or None (no scoring
    scale for it: the catalog is the law's, a missing one is refused, never guessed)."""
    rows = list(
        entries(CRITERIA, on=date(year, 12, 31)).values(
            "code", "name", "parent_code", "attrs", "legal_basis"
        )
    )
    head = next((r for r in rows if r["code"] == staff_category and not r["parent_code"]), None)
    if head is None:
        return None
    items = sorted(
        (r for r in rows if r["parent_code"] == staff_category), key=lambda r: r["attrs"]["order"]
    )
    return Criteria(
        staff_category=staff_category,
        total=Decimal(str(head["attrs"]["total"])),
        items=tuple(
            Criterion(
                r["code"], r["name"], Decimal(str(r["attrs"]["max_points"])), r["legal_basis"]
            )
            for r in items
        ),
    )


@dataclass(frozen=True)
class GradeBand:
    """One grade's score band (`evaluation_grade.scoring`): `low` inclusive, `high` exclusive,
    None where the band is open."""

    code: str
    name: str
    low: Decimal | None
    high: Decimal | None

    def holds(self, total: Decimal) -> bool:
        return (self.low is None or total >= self.low) and (self.high is None or total < self.high)


def grade_bands(staff_category: str, year: int) -> tuple[GradeBand, ...]:
    """The score bands that grade `staff_category`'s evaluation of `year` (none for a category
    graded by criteria, not points, or a year before the scale)."""
    bands = []
    for code, name, attrs in entries("evaluation_grade").values_list("code", "name", "attrs"):
        scoring = attrs.get("scoring") or {}
        start = scoring.get("valid_from")
        if staff_category not in (scoring.get("applies_to") or []) or (
            start and date.fromisoformat(start).year > year
        ):
            continue
        low, high = scoring.get("min_score"), scoring.get("max_score")
        bands.append(
            GradeBand(
                str(code),
                str(name),
                None if low is None else Decimal(str(low)),
                None if high is None else Decimal(str(high)),
            )
        )
    return tuple(bands)


def grade_for(total: Decimal, staff_category: str, year: int) -> str:
    """The grade whose score band holds `total` for the category and year
    (`evaluation_grade.scoring`: min inclusive, max exclusive), or "" where no band applies
    (public employees are graded by criteria, not points)."""
    return next((b.code for b in grade_bands(staff_category, year) if b.holds(total)), "")


def year_of(params: dict[str, Any]) -> int | None:
    """The year an evaluation procedure's parameters evaluate, or None where it is not one."""
    year = _year(params)
    return year if isinstance(year, int) and not isinstance(year, bool) else None


def _year(params: dict[str, Any]) -> Any:
    decision = params.get("decision")
    return decision.get("year") if isinstance(decision, dict) else None


def start_problems(access: DossierAccess, params: dict[str, Any], today: date) -> list[Problem]:
    """The year evaluated is given, past or current, scored for the person's category, and no
    other evaluation of that year is running for the person."""
    person = access.person
    year = _year(params)
    if not isinstance(year, int) or isinstance(year, bool) or not MIN_YEAR <= year <= today.year:
        return [
            Problem(
                "evaluation_year_invalid",
                f"Cần ghi năm đánh giá (params.decision.year), từ {MIN_YEAR} đến {today.year}.",
                "params.decision.year",
            )
        ]
    if criteria_for(person.staff_category, year) is None:
        category = name_of("staff_category", person.staff_category)
        return [
            Problem(
                "evaluation_criteria_none",
                f"Chưa có tiêu chí chấm điểm năm {year} cho đối tượng «{category}».",
                "params.decision.year",
            )
        ]
    running = Procedure.objects.filter(
        procedure_type="evaluation",
        personal_id=person.personal_id,
        state=ProcedureState.RUNNING,
        params__decision__year=year,
    )
    if running.exists():
        return [
            Problem(
                "evaluation_running",
                f"Việc đánh giá năm {year} của người này đang thực hiện; không mở thêm.",
                "params.decision.year",
            )
        ]
    return []


def score_problems(criteria: Criteria, scores: dict[str, Any]) -> list[Problem]:
    """Every criterion scored, none unknown, each within its maximum, the total within the
    scale (R-EVAL-REALTIME; the numbers are the catalog's)."""
    problems = []
    known = {c.code for c in criteria.items}
    for code in scores:
        if code not in known:
            problems.append(
                Problem(
                    "evaluation_criterion_unknown",
                    f"Không có tiêu chí «{code}» cho đối tượng này.",
                    f"data.scores.{code}",
                )
            )
    total = Decimal(0)
    for criterion in criteria.items:
        if criterion.code not in scores:
            problems.append(
                Problem(
                    "evaluation_criterion_missing",
                    f"Chưa chấm tiêu chí «{criterion.name}».",
                    f"data.scores.{criterion.code}",
                )
            )
            continue
        points = Decimal(str(scores[criterion.code]))
        total += points
        if points > criterion.max_points:
            problems.append(
                Problem(
                    "evaluation_score_over_max",
                    f"Tiêu chí «{criterion.name}» tối đa {criterion.max_points} điểm;"
                    f" {points} điểm vượt mức.",
                    f"data.scores.{criterion.code}",
                )
            )
    if total > criteria.total:
        problems.append(
            Problem(
                "evaluation_total_over_max",
                f"Tổng điểm tối đa {criteria.total}; tổng đã chấm {total} vượt mức.",
                "data.scores",
            )
        )
    return problems


def _scoring_step(definition: TypeDef) -> StepDef:
    return next(s for s in definition.steps if any(f.kind == "scores" for f in s.fields))


def total_of(procedure: Procedure, definition: TypeDef) -> Decimal:
    """The total of the points the manager gave at the scoring step (done before the grade)."""
    scored = procedure.steps.get(
        step_code=_scoring_step(definition).code, outcome=StepOutcome.APPROVE
    )
    return sum((Decimal(str(v)) for v in scored.data["scores"].values()), Decimal(0))


def step_problems(
    procedure: Procedure,
    definition: TypeDef,
    step: StepDef,
    access: DossierAccess,
    data: dict[str, Any],
) -> list[Problem]:
    """The scores against the criteria of the person's category and year; at the decision, a
    grade where the total does not give one."""
    person = access.person
    year = int(_year(procedure.params))
    if any(f.kind == "scores" for f in step.fields):
        criteria = criteria_for(person.staff_category, year)
        if criteria is None:
            return [
                Problem(
                    "evaluation_criteria_none",
                    f"Chưa có tiêu chí chấm điểm năm {year} cho đối tượng này.",
                    "data.scores",
                )
            ]
        return score_problems(criteria, data.get("scores") or {})
    if not step.issues_decision or data.get("grade_code"):
        return []
    if grade_for(total_of(procedure, definition), person.staff_category, year):
        return []
    return [
        Problem(
            "evaluation_grade_required",
            "Đối tượng này được xếp loại theo tiêu chí, không theo điểm: cần ghi mức xếp loại.",
            "data.grade_code",
        )
    ]


def decision_parameters(
    procedure: Procedure, definition: TypeDef, access: DossierAccess, data: dict[str, Any]
) -> dict[str, Any]:
    """The evaluation decision's parameters: the year, the total score, the grade given at the
    decision step or else the one the total falls in."""
    person = access.person
    year = int(_year(procedure.params))
    total = total_of(procedure, definition)
    grade = data.get("grade_code") or grade_for(total, person.staff_category, year)
    return {"year": year, "score": f"{total:f}", "grade_code": grade}
