"""A salary raise needs last year's grade and the time in the step (issue 12 item 2)."""

from __future__ import annotations

from datetime import date

import pytest
from tests.eligibility.helpers import reason

from hoso.eligibility.engine import evaluate

pytestmark = pytest.mark.django_db

SALARY = [
    {"from_date": "2021-03-01", "rank_code": "01.003", "step": 2, "coefficient": "2.67"},
    {"from_date": "2024-03-01", "rank_code": "01.003", "step": 3, "coefficient": "3.00"},
]


def test_the_last_years_grade_must_reach_the_minimum(make_dossier):
    person = make_dossier(
        evaluations=[
            {"year": 2024, "grade_code": "not_completed"},
            {"year": 2025, "grade_code": "completed"},
        ]
    )
    # In 2026 the grade read is 2025's (completed); in 2025 it is 2024's (not completed).
    passed = reason(evaluate(person, "salary_raise", date(2026, 1, 1)), "last_evaluation_grade")
    refused = reason(evaluate(person, "salary_raise", date(2025, 12, 31)), "last_evaluation_grade")
    assert passed.passed and not refused.passed
    assert refused.facts == {"year": 2024, "grade_code": "not_completed", "min_grade": "completed"}
    assert "Không hoàn thành nhiệm vụ" in refused.message
    assert "08/2013/TT-BNV" in refused.citation


def test_no_grade_for_last_year_is_a_refusal(make_dossier):
    person = make_dossier(evaluations=[{"year": 2024, "grade_code": "excellent"}])
    refused = reason(evaluate(person, "salary_raise", date(2026, 6, 1)), "last_evaluation_grade")
    assert not refused.passed and "năm 2025" in refused.message


def test_a_raise_waits_for_the_time_in_the_step(make_dossier):
    person = make_dossier(salary=SALARY)
    early = reason(evaluate(person, "salary_raise", date(2027, 2, 28)), "salary_step_time")
    due = reason(evaluate(person, "salary_raise", date(2027, 3, 1)), "salary_step_time")
    assert not early.passed and due.passed
    assert early.until == date(2027, 3, 1) and early.facts["step_months"] == 36
    assert "01/03/2027" in early.message and "08/2013/TT-BNV" in early.citation


def test_a_reprimand_in_the_step_delays_the_raise(make_dossier):
    reprimand = {
        "decision_date": "2025-01-10",
        "form_code": "reprimand",
        "reason": "Vi phạm quy chế",
        "effect_from": "2025-01-10",
    }
    person = make_dossier(salary=SALARY, discipline=[reprimand])
    late = reason(evaluate(person, "salary_raise", date(2027, 8, 31)), "salary_step_time")
    due = reason(evaluate(person, "salary_raise", date(2027, 9, 1)), "salary_step_time")
    assert not late.passed and late.until == date(2027, 9, 1) and due.passed
    assert late.facts["delay_months"] == 6


def test_the_early_raise_does_not_wait_for_the_step(make_dossier):
    person = make_dossier(salary=SALARY, evaluations=[{"year": 2025, "grade_code": "excellent"}])
    verdict = evaluate(person, "salary_raise_early", date(2026, 6, 1))
    assert "salary_step_time" not in {r.rule for r in verdict.reasons}
    assert reason(verdict, "last_evaluation_grade").passed
