"""Evaluation and reward decisions: a year's evaluation row, an award row."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from hoso.changes.effects.common import (
    Data,
    Ops,
    Params,
    as_date,
    employment_of,
    entry_on,
    iso,
    refuse,
    rows_of,
)

if TYPE_CHECKING:
    from hoso.changes.models import PersonnelDecision

# --- Evaluation, reward, discipline, personal history --------------------------------------------


def evaluation(decision: PersonnelDecision, data: Data, params: Data) -> Ops:
    """The year's row is added, or corrected if the year has one. A score must fall in the
    grade's band where a scoring scale applies (``evaluation_grade.scoring``), except for
    "not completed", which also follows from listed grounds whatever the score."""
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
    values: dict[str, Any] = {"year": year, "grade_code": grade}
    if score is not None:
        values["score"] = str(score)
    if note:
        values["note"] = note
    for index, row in enumerate(rows_of(data, "evaluations")):
        if str(row.get("year")) == str(year):
            return [{"op": "correct", "section": "evaluations", "index": index, "row": values}]
    return [{"op": "add", "section": "evaluations", "row": values}]


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
