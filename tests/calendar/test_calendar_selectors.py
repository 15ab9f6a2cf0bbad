"""The calendar and deadline policies as read from the catalogs, the checks of those catalogs,
and the Vietnamese labels of the engine's enums."""

from __future__ import annotations

import json
from datetime import date

import pytest

from hoso.calendar import selectors
from hoso.calendar.choices import DayUnitChoices, ObligationStatusChoices, OverrideKindChoices
from hoso.calendar.engine import DayUnit, ObligationStatus, OverrideKind, deadline_for
from hoso.calendar.validation import catalog_problems
from hoso.catalog.services import builtin_files, catalog_load_files


def write(tmp_path, doc):
    path = tmp_path / f"{doc['catalog']}.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def test_the_shipped_catalogs_are_loaded(db):
    assert [o.day for o in selectors.overrides()] == [
        date(2025, 1, 27),
        date(2026, 1, 2),
        date(2026, 1, 10),
    ]
    cal = selectors.calendar()
    assert not cal.is_working_day(date(2026, 1, 2))
    assert cal.is_working_day(date(2026, 1, 10))
    assert selectors.deadline_policy().code == "seeds_2022"
    assert set(selectors.deadline_policies()) == {"seeds_2022", "nd27_2026"}
    assert selectors.deadline_policy("nd27_2026").obligations == [
        "dossier_create",
        "self_declaration",
        "sync_external",
        "sync_internal",
    ]


def test_the_calendar_is_reused_while_the_overrides_do_not_change(db):
    assert selectors.calendar() is selectors.calendar()


def test_a_rule_changed_by_a_new_document_applies_from_its_date(db, tmp_path):
    # The seeds' rules are undated, so the loader cannot version them: the old rule is closed
    # (a correction in place) and the new one comes under a new code, dated.
    shipped = json.loads(
        next(p for p in builtin_files() if p.stem == "deadline_policy").read_text("utf-8")
    )
    by_code = {e["code"]: e for e in shipped["entries"]}
    closed = {**by_code["seeds_2022.decision_entry"], "valid_to": "2026-12-31"}
    new = {
        "code": "seeds_2022.decision_entry_2027",
        "parent": "seeds_2022",
        "name": "Cập nhật theo quyết định (từ 2027)",
        "valid_from": "2027-01-01",
        "legal_basis": "Quyết định thử nghiệm",
        "attrs": {"kind": "rule", "obligation": "decision_entry", "count": 5,
                  "unit": "working_days"},
    }  # fmt: skip
    doc = {**shipped, "entries": [by_code["seeds_2022"], closed, new]}
    catalog_load_files(paths=[write(tmp_path, doc)])
    policy = selectors.deadline_policy()
    cal = selectors.calendar()
    assert deadline_for(date(2026, 12, 31), "decision_entry", policy, cal) == date(2027, 1, 15)
    assert deadline_for(date(2027, 1, 1), "decision_entry", policy, cal) == date(2027, 1, 8)
    assert deadline_for(date(2027, 1, 1), "dossier_update", policy, cal) == date(2027, 1, 15)
    assert policy.rule_for("decision_entry", date(2027, 1, 1)).legal_basis == (
        "Quyết định thử nghiệm"
    )


def test_a_bad_override_is_refused_when_loaded(db, tmp_path):
    from hoso.core.errors import ValidationFailed

    doc = {
        "catalog": "calendar_override",
        "title": "Điều chỉnh lịch",
        "legal_basis": "Thử",
        "entries": [{"code": "2026-03-02", "name": "Nghỉ", "attrs": {"kind": "holiday"}}],
    }
    with pytest.raises(ValidationFailed) as caught:
        catalog_load_files(paths=[write(tmp_path, doc)])
    assert "day_off hoặc working_day" in str(caught.value)
    assert selectors.calendar().is_working_day(date(2026, 3, 2))  # nothing was loaded


def test_the_shipped_files_pass_the_calendar_checks():
    for path in builtin_files():
        doc = json.loads(path.read_text(encoding="utf-8"))
        assert catalog_problems(doc, path.name) == [], path.name


@pytest.mark.parametrize(
    ("doc", "code"),
    [
        (
            {"catalog": "calendar_override", "legal_basis": "L",
             "entries": [{"code": "02/03/2026", "name": "A", "attrs": {"kind": "day_off"}}]},
            "bad_override",
        ),
        (
            {"catalog": "calendar_override", "legal_basis": "L",
             "entries": [{"code": "2026-03-02", "name": "A", "attrs": {}}]},
            "bad_override",
        ),
        (
            {"catalog": "deadline_policy", "legal_basis": "L",
             "entries": [{"code": "p", "name": "P", "attrs": {"kind": "policy"}},
                         {"code": "p.x", "name": "X", "parent": "p",
                          "attrs": {"kind": "rule", "obligation": "x", "count": 3,
                                    "unit": "weeks"}}]},
            "bad_deadline_rule",
        ),
    ],
)  # fmt: skip
def test_bad_calendar_catalogs_get_specific_problems(doc, code):
    problems = catalog_problems(doc, "tep.json")
    assert [p.code for p in problems] == [code]
    assert problems[0].message.startswith("tep.json")


def test_other_catalogs_are_not_checked_here():
    assert catalog_problems({"catalog": "ethnicity", "entries": [{}]}, "x") == []


def test_every_enum_value_has_a_vietnamese_label():
    assert set(ObligationStatusChoices.values) == {s.value for s in ObligationStatus}
    assert set(DayUnitChoices.values) == {u.value for u in DayUnit}
    assert set(OverrideKindChoices.values) == {k.value for k in OverrideKind}
    assert ObligationStatusChoices("overdue").label == "Quá hạn"
