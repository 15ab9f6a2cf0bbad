"""A step's field spec (`procedure_type` attribute `fields`): each kind and limit checked with
its stable code, and a bad spec refused when the catalog is loaded (issue 12)."""

import json

import pytest

from hoso.catalog.services import builtin_files, validate_document
from hoso.procedures.definitions import FieldSpec, StepDef, type_def
from hoso.procedures.fields import check

STEP = StepDef(
    code="t.step",
    name="Bước",
    duty="clerk",
    working_days=5,
    documents=(),
    vote=True,
    eligibility="",
    issues_decision=False,
    fields=(
        FieldSpec("count", "Số người", "int", required=True, min=1, max=10),
        FieldSpec("ratio", "Tỷ lệ", "decimal", min=0, max=0.2),
        FieldSpec("on", "Ngày họp", "date"),
        FieldSpec("grade", "Mức", "choice", catalog="evaluation_grade"),
        FieldSpec("note", "Ghi chú", "text", max_length=5),
    ),
)


def codes(data, approving=True):
    return [p.code for p in check(STEP, data, approving=approving)]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"count": 3, "ratio": "0.15", "on": "2026-12-07", "grade": "good", "note": "ổn"}, []),
        ({"count": 3, "votes_for": 5}, []),  # a vote step takes its counts
        ({}, ["procedure_field_required"]),
        ({"count": 0}, ["procedure_field_out_of_range"]),
        ({"count": 11}, ["procedure_field_out_of_range"]),
        ({"count": 2.5}, ["procedure_field_invalid"]),
        ({"count": True}, ["procedure_field_invalid"]),
        ({"count": 1, "ratio": 0.21}, ["procedure_field_out_of_range"]),
        ({"count": 1, "ratio": "NaN"}, ["procedure_field_invalid"]),
        ({"count": 1, "on": "07/12/2026"}, ["procedure_field_invalid"]),
        ({"count": 1, "on": 20261207}, ["procedure_field_invalid"]),
        ({"count": 1, "grade": "best"}, ["procedure_field_code_unknown"]),
        ({"count": 1, "note": "quá dài"}, ["procedure_field_too_long"]),
        ({"count": 1, "extra": 1}, ["procedure_field_unknown"]),
    ],
)
def test_each_kind_and_limit(db, data, expected):
    assert codes(data) == expected


def test_required_applies_on_approval_only(db):
    assert codes({}, approving=False) == []


def test_the_message_is_vietnamese_and_names_the_field(db):
    [problem] = check(STEP, {"count": 11}, approving=True)
    assert problem.message == "«Số người» phải từ 1 đến 10; 11 không hợp lệ."
    assert problem.field == "data.count"


def test_the_shipped_specs_are_read_into_the_definitions(db):
    step = type_def("evaluation").step("evaluation.scoring")
    assert [(f.name, f.kind, f.catalog) for f in step.fields][0] == (
        "scores",
        "scores",
        "evaluation_criteria",
    )
    assert type_def("appointment").step("appointment.proposal").fields == ()


def test_a_bad_spec_is_refused_when_the_catalog_is_loaded(db):
    path = next(p for p in builtin_files() if p.name == "procedure_type.json")
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert validate_document(doc, "procedure_type.json") == []
    step = next(e for e in doc["entries"] if e["code"] == "evaluation.scoring")
    step["attrs"]["fields"][0]["kind"] = "points"
    step["attrs"]["fields"][1] = {"name": "grade", "kind": "choice"}
    found = validate_document(doc, "procedure_type.json")
    assert [p.code for p in found] == ["bad_field_spec", "bad_field_spec"]
    assert "«scores» có loại «points» không hợp lệ" in found[0].message
