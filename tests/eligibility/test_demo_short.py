"""A demo too small for its eligibility cases says which it left out (issue 12, demo walk)."""

from __future__ import annotations

from datetime import date
from io import StringIO

from hoso.demo import eligibility as demo_eligibility


def test_a_department_short_of_people_names_the_cases_left_out(monkeypatch):
    # None of the clerk's department's people is free: no case can be placed.
    monkeypatch.setattr(demo_eligibility, "snv_people", lambda limit: [])
    out = StringIO()
    made = demo_eligibility.refusals_create(date(2026, 12, 7), out)
    assert made == {}
    said = out.getvalue()
    assert said.startswith("Bản demo nhỏ: phòng của người nhập liệu thiếu người, bỏ qua: ")
    for rule in ("discipline_restriction", "suspended_sentence", "open_review"):
        assert rule in said
