"""Evaluation and reward decisions: a year's evaluation row, an award row."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_FLOOR, Decimal
from typing import TYPE_CHECKING, Any

from hoso.catalog.selectors import attrs_map, entries, name_of
from hoso.changes.effects.common import (
    Data,
    Ops,
    Params,
    as_date,
    current_unit,
    employment_of,
    entry_on,
    iso,
    refuse,
    rows_of,
)
from hoso.core.dates import vn
from hoso.people.selectors import unit_grade_counts

if TYPE_CHECKING:
    from hoso.changes.models import PersonnelDecision

# --- Evaluation, reward, discipline, personal history --------------------------------------------


def evaluation(decision: PersonnelDecision, data: Data, params: Data) -> Ops:
    """The year's row is added, or corrected if the year has one. A score must fall in the
    grade's band where a scoring scale applies (``evaluation_grade.scoring``), except for
    "not completed", which also follows from listed grounds whatever the score
    (``evaluation_grade.grounds``, enforced below) — and the unit's quota holds."""
    p = Params(params)
    on = decision.effective_date
    year = p.integer("year", "Năm đánh giá", required=True, minimum=1945, maximum=on.year)
    grade = p.code("grade_code", "Xếp loại", "evaluation_grade", required=True)
    score = p.number("score", "Điểm", minimum=Decimal(0), maximum=Decimal(100))
    note = p.text("note", "Ghi chú")
    p.check()
    assert year is not None
    name, attrs = entry_on("evaluation_grade", grade, on)
    scoring = attrs.get("scoring") or {}
    category = employment_of(data).get("staff_category")
    applies = (
        score is not None
        and attrs.get("counts_as_completed", True)
        and category in (scoring.get("applies_to") or [])
        and (as_date(scoring.get("valid_from")) or date.min).year <= year
    )
    if applies:
        low, high = scoring.get("min_score"), scoring.get("max_score")
        if (low is not None and score < Decimal(str(low))) or (
            high is not None and score >= Decimal(str(high))
        ):
            band = f"từ {low} đến dưới {high}" if high is not None else f"từ {low}"
            raise refuse(
                "score_out_of_band",
                f"Mức «{name}» ứng với điểm {band}; điểm {score} không khớp.",
                "parameters.score",
            )
    _no_ground_against(data, year, grade, name, category)
    _within_quota(decision.personal_id, data, year, grade, name, attrs)
    values: dict[str, Any] = {"year": year, "grade_code": grade}
    if score is not None:
        values["score"] = str(score)
    if note:
        values["note"] = note
    for index, row in enumerate(rows_of(data, "evaluations")):
        if str(row.get("year")) == str(year):
            return [{"op": "correct", "section": "evaluations", "index": index, "row": values}]
    return [{"op": "add", "section": "evaluations", "row": values}]


def _no_ground_against(data: Data, year: int, grade: str, name: str, category: str | None) -> None:
    """A listed ground (``evaluation_grade.<code>.grounds``: e.g. a discipline from reprimand
    up decided in the year, NĐ 335/2025) fixes the grade at that code whatever the score;
    any other grade is refused with the ground and its citation (R-APPOINT-SAFE: a
    disciplined person's dossier never shows a good year)."""
    severity = {code: a.get("severity", 0) for code, a in attrs_map("discipline_form").items()}
    for code, attrs in entries("evaluation_grade").values_list("code", "attrs"):
        for ground in attrs.get("grounds") or []:
            start = as_date(ground.get("valid_from")) or date.min
            if (
                code == grade
                or ground.get("kind") != "discipline_in_year"
                or category not in (ground.get("applies_to") or [])
                or start.year > year
            ):
                continue
            for row in rows_of(data, "discipline"):
                decided = as_date(row.get("decision_date"))
                form = str(row.get("form_code") or "")
                if (
                    decided
                    and decided.year == year
                    and (severity.get(form, 0) >= ground.get("min_severity", 1))
                ):
                    raise refuse(
                        "evaluation_grade_discipline",
                        f"Năm {year} người này bị kỷ luật «{name_of('discipline_form', form)}»"
                        f" (quyết định ngày {vn(decided)}): phải xếp loại"
                        f" «{name_of('evaluation_grade', code)}», không xếp «{name}»"
                        f" ({ground.get('legal_basis', '')}).",
                        "parameters.grade_code",
                    )


def _within_quota(
    personal_id: str, data: Data, year: int, grade: str, name: str, attrs: dict[str, Any]
) -> None:
    """A grade with a quota (``evaluation_grade.quota``: "excellent" at most ``max_ratio`` of
    those graded ``of_grade`` in the unit, NĐ 335/2025; R-EVAL-REALTIME) is refused once the
    person's unit has used it up for the year. Every decision that grades a person passes here,
    inside a procedure or not, so the limit has one copy. The others now in the unit are
    counted as aggregates only; this person's own row of the year is left out (a re-grading)."""
    quota = attrs.get("quota") or {}
    if not quota or quota.get("scope", "unit") != "unit":
        return
    unit = current_unit(data)
    counts = unit_grade_counts(unit, year, leaving_out=personal_id)
    of_grade = str(quota["of_grade"])
    ratio = Decimal(str(quota["max_ratio"]))
    base, used = counts.get(of_grade, 0), counts.get(grade, 0)
    allowed = int((ratio * base).to_integral_value(rounding=ROUND_FLOOR))
    if used + 1 > allowed:
        percent = (ratio * 100).normalize()
        raise refuse(
            "evaluation_quota_exceeded",
            f"Năm {year}, {unit.name} có {base} người «{name_of('evaluation_grade', of_grade)}»:"
            f" tối đa {allowed} người «{name}» ({percent:f}%), đã có {used}.",
            "parameters.grade_code",
        )


def reward(decision: PersonnelDecision, data: Data, params: Data) -> Ops:
    p = Params(params)
    form = p.code(
        "form_code", "Hình thức khen thưởng", "award_form", required=True, on=decision.signed_date
    )
    reason = p.text("reason", "Nội dung khen thưởng")
    p.check()
    row = {
        "award_date": iso(decision.signed_date),
        "form_code": form,
        "reason": reason,
        "decision_number": decision.number,
        "issuer": decision.issuer,
    }
    return [{"op": "add", "section": "awards", "row": row}]
