"""Planning membership and the post's requirements (R-APPOINT-SAFE, issue 12 item 2)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from tests.eligibility.helpers import planning, reason

from hoso.catalog.selectors import attrs_of
from hoso.catalog.services import catalog_load_document
from hoso.core.errors import ValidationFailed
from hoso.eligibility.engine import evaluate

pytestmark = pytest.mark.django_db

POST = "head_division_provincial"
CATALOGS = Path(__file__).resolve().parents[2] / "src" / "hoso" / "catalog" / "data"


def test_a_leadership_post_needs_a_current_planning_for_it(make_dossier):
    person = make_dossier(planning=[planning(POST, "2026-03-01")])
    before = reason(
        evaluate(person, "appointment", date(2026, 2, 28), position=POST), "planning_membership"
    )
    first = reason(
        evaluate(person, "appointment", date(2026, 3, 1), position=POST), "planning_membership"
    )
    assert not before.passed and first.passed
    assert before.until is None and "80-QĐ/TW" in before.citation
    assert "Trưởng phòng thuộc Sở" in before.message
    assert first.facts["plannings"][0]["term"] == "2026-2031"
    # In the planning of another post: not this one.
    other = reason(
        evaluate(person, "appointment", date(2026, 6, 1), position="director_so"),
        "planning_membership",
    )
    assert not other.passed


def test_a_removal_from_the_planning_ends_it_the_day_after(make_dossier):
    row = planning(POST, "2026-03-01", end="2026-09-30", removal="Không còn đủ tiêu chuẩn")
    person = make_dossier(planning=[row])

    def membership(on):
        return reason(evaluate(person, "appointment", on, position=POST), "planning_membership")

    assert membership(date(2026, 9, 30)).passed  # the last day in the planning
    after = membership(date(2026, 10, 1))
    assert not after.passed
    assert after.facts["plannings"][0]["removal_reason"] == "Không còn đủ tiêu chuẩn"


def test_a_planning_counts_only_within_its_term(make_dossier):
    person = make_dossier(planning=[planning(POST, "2021-03-01", term="2021-2026")])
    assert reason(
        evaluate(person, "appointment", date(2026, 12, 31), position=POST), "planning_membership"
    ).passed
    assert not reason(
        evaluate(person, "appointment", date(2027, 1, 1), position=POST), "planning_membership"
    ).passed


def test_a_bad_planning_row_is_refused_with_specific_reasons(make_dossier):
    rows = [
        planning(POST, "2026-03-01", term="2031-2026"),
        planning(POST, "2026-03-01", removal="Chuyển công tác"),
        {**planning("no_such_post", "2026-03-01"), "organization": "NO.UNIT"},
    ]
    with pytest.raises(ValidationFailed) as caught:
        make_dossier(planning=rows)
    found = {(p.code, p.field.removeprefix("[0].")) for p in caught.value.problems}
    assert ("bad_term", "planning[0].term") in found
    assert ("removal_without_end", "planning[1].to_date") in found
    assert ("unknown_code", "planning[2].position_code") in found
    assert ("unknown_unit", "planning[2].organization") in found


def test_the_posts_requirements_are_compared_with_the_dossier(make_dossier):
    # The default dossier: a bachelor, intermediate political theory, rank 01.003 (Chuyên viên).
    person = make_dossier()
    need = attrs_of("post_requirement", "director_so")
    assert need["min_political_theory"] == "advanced"
    refused = reason(
        evaluate(person, "appointment", date(2026, 6, 1), position="director_so"),
        "post_requirements",
    )
    assert not refused.passed and refused.until is None
    assert "Trình độ lý luận chính trị: Trung cấp, tối thiểu Cao cấp" in refused.message
    assert "Ngạch: Chuyên viên (01.003), tối thiểu Chuyên viên chính" in refused.message
    assert "Trình độ chuyên môn" not in refused.message
    assert refused.facts["required"] == need and "80-QĐ/TW" in refused.citation
    fits = reason(
        evaluate(person, "appointment", date(2026, 6, 1), position=POST), "post_requirements"
    )
    assert fits.passed


def test_the_requirement_is_dated_catalog_data(make_dossier):
    """A stricter requirement from 01/01/2027 is a new dated entry, not a code change."""
    doc = json.loads((CATALOGS / "post_requirement.json").read_text(encoding="utf-8"))
    doc["entries"] = [
        {
            "code": POST,
            "name": "Trưởng phòng thuộc Sở",
            "valid_from": "2027-01-01",
            "attrs": {"min_qualification": "master", "min_political_theory": "intermediate"},
        }
    ]
    catalog_load_document(doc=doc, source="post_requirement.json")
    person = make_dossier()
    before = reason(
        evaluate(person, "appointment", date(2026, 12, 31), position=POST), "post_requirements"
    )
    from_day = reason(
        evaluate(person, "appointment", date(2027, 1, 1), position=POST), "post_requirements"
    )
    assert before.passed and before.facts["requirement_from"] == "2025-07-01"
    assert not from_day.passed and from_day.facts["requirement_from"] == "2027-01-01"
    assert "Trình độ chuyên môn: Đại học, tối thiểu Thạc sĩ" in from_day.message


def test_a_post_without_a_requirement_says_so(make_dossier):
    person = make_dossier()
    found = reason(
        evaluate(person, "appointment", date(2026, 6, 1), position="minister"), "post_requirements"
    )
    assert found.passed and found.facts["required"] is None
    assert "chưa có mục" in found.message


def test_a_reappointment_is_judged_against_the_current_post(make_dossier):
    positions = [
        {
            "organization": "T01.STC",
            "position_code": "director_so",
            "is_main": True,
            "from_date": "2021-09-01",
        }
    ]
    person = make_dossier(positions=positions)
    refused = reason(evaluate(person, "reappointment", date(2026, 9, 1)), "post_requirements")
    assert not refused.passed and refused.facts["position"] == "director_so"
