"""Rows of the dossier sections the eligibility rules read, for the tests."""

from __future__ import annotations

from datetime import date


def reason(verdict, rule):
    (found,) = [r for r in verdict.reasons if r.rule == rule]
    return found


def legal(kind: str, start: str, end: str | None = None) -> dict:
    return {
        "kind": kind,
        "from_date": start,
        "to_date": end,
        "authority": "Tòa án nhân dân tỉnh Thử Nghiệm",
        "document_number": "12/2026/HS-ST",
        "note": "",
    }


def planning(position: str, start: str, *, term="2026-2031", end=None, removal="") -> dict:
    return {
        "term": term,
        "position_code": position,
        "organization": "T01.STC",
        "from_date": start,
        "to_date": end,
        "decision_number": "5/QĐ-UBND",
        "removal_reason": removal,
    }


def day(text: str) -> date:
    return date.fromisoformat(text)


# A rank of grade level 2 (Chuyên viên chính, A2.1 step 1): the rank a director's post needs.
SENIOR_SALARY = [
    {"from_date": "2008-09-01", "rank_code": "01.003", "step": 1, "coefficient": "2.34"},
    {"from_date": "2016-09-01", "rank_code": "01.002", "step": 1, "coefficient": "4.40"},
]
GRADES = [
    {"year": 2024, "grade_code": "good", "score": "85"},
    {"year": 2025, "grade_code": "good", "score": "86"},
]


def eligible(position: str | None = None) -> dict:
    """Sections for `make_dossier` with which the default test dossier passes every rule of a
    salary raise (last year's grade) and, with `position`, of an appointment to it: a planning
    of the 2026-2031 term for the post, advanced political theory and a senior rank."""
    sections: dict = {"evaluations": GRADES}
    if position:
        sections |= {
            "qualifications": {"political_theory": "advanced"},
            "salary": SENIOR_SALARY,
            "planning": [planning(position, "2026-01-05")],
        }
    return sections
