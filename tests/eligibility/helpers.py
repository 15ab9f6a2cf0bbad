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
