"""Staff reduction (tinh giản biên chế, issue 12): who a unit may consider, from the dated
criteria of the `staff_reduction_criterion` catalog over the grades of consecutive years, and
the procedure's own checks — the person still meets the criterion named when it is proposed
and when the decision is issued. The list is read through the reader's gate: nobody sees here
a person or a grade they could not see on the dossier, and the listing is audited."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from hoso.access import policies, recorder
from hoso.access.models import User
from hoso.audit.purposes import Purpose
from hoso.catalog.selectors import codes, entries
from hoso.changes.effects.leaving import REDUCTION_OUTCOMES
from hoso.core.dates import today as local_today
from hoso.core.errors import Problem, ValidationFailed
from hoso.orgs.selectors import org_get
from hoso.people.selectors import people_of_unit
from hoso.procedures.definitions import StepDef, TypeDef
from hoso.procedures.models import Procedure

CRITERIA = "staff_reduction_criterion"
MIN_YEAR = 1945


@dataclass(frozen=True)
class Criterion:
    code: str
    name: str
    legal_basis: str
    years: int
    grades: frozenset[str]

    def met(self, grades: dict[int, str], year: int) -> dict[int, str] | None:
        """The grades of the `years` consecutive years ending at `year` if each is one of
        `grades`, else None (a year without a grade breaks the run)."""
        run = {y: grades.get(y, "") for y in range(year - self.years + 1, year + 1)}
        return run if all(g in self.grades for g in run.values()) else None


@dataclass
class Candidate:
    personal_id: str
    full_name: str
    unit_code: str
    criteria: list[dict[str, Any]] = field(default_factory=list)


def criteria(on: date) -> list[Criterion]:
    """The criteria in force on `on`, in catalog order."""
    return [
        Criterion(
            code=row["code"],
            name=row["name"],
            legal_basis=row["legal_basis"],
            years=int(row["attrs"]["years"]),
            grades=frozenset(row["attrs"]["grades"]),
        )
        for row in entries(CRITERIA, on=on).values("code", "name", "legal_basis", "attrs")
    ]


def _grades(access: policies.DossierAccess) -> dict[int, str]:
    """The person's grade of each year, as far as the reader may see them."""
    rows = access.content().get("evaluations") or []
    return {int(r["year"]): str(r.get("grade_code") or "") for r in rows if r.get("year")}


def meets(access: policies.DossierAccess, year: int, on: date) -> list[dict[str, Any]]:
    """Each criterion in force on `on` the person meets for the review ending at `year`, with
    its citation and the grades it rests on."""
    grades = _grades(access)
    out = []
    for criterion in criteria(on):
        run = criterion.met(grades, year)
        if run is not None:
            out.append(
                {
                    "code": criterion.code,
                    "name": criterion.name,
                    "legal_basis": criterion.legal_basis,
                    "grades": {str(y): g for y, g in sorted(run.items())},
                }
            )
    return out


def _year_problem(year: Any, today: date, where: str) -> list[Problem]:
    if isinstance(year, int) and not isinstance(year, bool) and MIN_YEAR <= year <= today.year:
        return []
    return [
        Problem(
            "staff_reduction_year_invalid",
            f"Năm xét (năm đánh giá gần nhất) phải từ {MIN_YEAR} đến {today.year}.",
            where,
        )
    ]


def candidates(
    user: User, unit_code: str, year: Any, *, today: date | None = None
) -> list[Candidate]:
    """The working people of unit `unit_code` (its own staff, not its sub-units') whom `user`
    may open and who meet a criterion for the review ending at `year` (the last year graded),
    each with every criterion met, in name order."""
    today = today or local_today()
    problems = _year_problem(year, today, "year")
    unit = org_get(unit_code)
    if unit is None:
        problems.append(
            Problem("staff_reduction_unit_unknown", f"Không có đơn vị «{unit_code}».", "unit")
        )
    if problems:
        raise ValidationFailed(problems, "Không lập được danh sách.")
    assert unit is not None
    gate = policies.gate_for(user)
    people = sorted(
        people_of_unit(scope=gate.people_scope(), unit=unit),
        key=lambda p: (p.sort_key, p.personal_id),  # Vietnamese name order
    )
    found = []
    for access in gate.access_many(people):
        met = meets(access, year, today)
        if met:
            person = access.person
            found.append(Candidate(person.personal_id, person.full_name, unit.code, met))
    recorder.listed(
        user,
        query={"unit": unit.code, "year": year},
        shown=[c.personal_id for c in found],
        total=len(found),
        purpose=Purpose.STAFF_REDUCTION,
    )
    return found


def _criterion_problems(access: policies.DossierAccess, params: dict[str, Any]) -> list[Problem]:
    code, year = params.get("criterion"), params["year"]
    if not any(m["code"] == code for m in meets(access, year, local_today())):
        return [
            Problem(
                "staff_reduction_not_candidate",
                f"Theo kết quả xếp loại đến năm {year}, người này không thuộc tiêu chí «{code}».",
                "params.criterion",
            )
        ]
    return []


def start_problems(
    access: policies.DossierAccess, params: dict[str, Any], today: date
) -> list[Problem]:
    """The review year, a criterion in force, the way service ends (the decision's
    parameter), and that the person meets the criterion now."""
    problems = _year_problem(params.get("year"), today, "params.year")
    criterion = params.get("criterion")
    if not isinstance(criterion, str) or criterion not in codes(CRITERIA):
        problems.append(
            Problem(
                "staff_reduction_criterion_unknown",
                "Cần chọn một tiêu chí tinh giản biên chế (params.criterion) trong danh mục.",
                "params.criterion",
            )
        )
    decision = params.get("decision")
    outcome = decision.get("outcome") if isinstance(decision, dict) else None
    if not isinstance(outcome, str) or outcome not in REDUCTION_OUTCOMES:
        allowed = ", ".join(f"{k} ({v})" for k, v in REDUCTION_OUTCOMES.items())
        problems.append(
            Problem(
                "staff_reduction_outcome_invalid",
                f"Cần ghi hình thức giải quyết (params.decision.outcome): {allowed}.",
                "params.decision.outcome",
            )
        )
    return problems or _criterion_problems(access, params)


def step_problems(
    procedure: Procedure,
    definition: TypeDef,
    step: StepDef,
    access: policies.DossierAccess,
    data: dict[str, Any],
) -> list[Problem]:
    """At the proposal and at the decision the person must still meet the criterion (a grade
    corrected meanwhile takes them off the list)."""
    if step.code == definition.steps[0].code or step.issues_decision:
        return _criterion_problems(access, procedure.params)
    return []


def decision_parameters(
    procedure: Procedure, definition: TypeDef, access: policies.DossierAccess, data: dict[str, Any]
) -> dict[str, Any]:
    return dict(procedure.params.get("decision") or {})
