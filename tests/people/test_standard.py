"""The dossier standard's engine (R-COMPLETE): presence, every format rule kind, conditional
components and the stored score — pure, on plain data, no database."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from conftest import dossier
from hoso.people.standard import (
    COMPONENT,
    FORMAT,
    MISSING,
    RULE_KINDS,
    ComponentRule,
    FormatRule,
    Requirement,
    Standard,
    check_components,
    check_fields,
    check_rule_kinds,
    score,
)

TODAY = date(2026, 3, 1)


def rule(kind: str, field: str, **params) -> Standard:
    return Standard(
        formats=(FormatRule("r", field, kind, "Sai", params, group=1),),
        codes={"ethnicity": frozenset({"01", "02"})},
        pay_steps={"01.003": tuple(Decimal(s) for s in ("2.34", "2.67", "3.00"))},
    )


def problems(standard: Standard, data: dict) -> list[str]:
    return [f.where for f in check_fields(data, standard, today=TODAY)]


# --- presence ---------------------------------------------------------------------------------


def test_a_one_row_field_a_history_field_and_a_bare_section_are_required_differently():
    standard = Standard(
        required=(
            Requirement("identity.phone", "Điện thoại", 1),
            Requirement("training.institution", "Tên trường", 5),
            Requirement("health", "Có dòng sức khỏe", 10),
            Requirement("military.from_date", "Ngày nhập ngũ", 8),
            Requirement("personal_history.arrests", "Bị bắt", 3),
        )
    )
    data = dossier(
        identity={"phone": ""},
        training=[{"institution": "Học viện Tài chính"}, {"institution": ""}],
        health=[],
        military=[],  # no row: its fields are not asked for
        personal_history=None,  # a one-row section without its row: its fields neither
    )
    found = check_fields(data, standard, today=TODAY)
    assert [(f.kind, f.rule, f.where, f.group) for f in found] == [
        (MISSING, "identity.phone", "identity.phone", 1),
        (MISSING, "training.institution", "training[1].institution", 5),
        (MISSING, "health", "", 10),
    ]
    assert found[0].message == "Thiếu: Điện thoại."
    assert found[1].section == "training"


def test_a_complete_dossier_has_no_finding_against_the_shipped_standard(db):
    from hoso.people.selectors import dossier_standard

    assert check_fields(dossier(), dossier_standard(), today=TODAY) == []


# --- format: each rule kind -------------------------------------------------------------------


def test_personal_id_uses_the_identity_structure_and_the_recorded_birth_and_sex():
    standard = rule("personal_id", "identity.personal_id")
    data = dossier(sex="M", birth_date=date(1985, 3, 14))
    assert problems(standard, data) == []
    female_digit = data["identity"]["personal_id"][:3] + "1" + data["identity"]["personal_id"][4:]
    [finding] = check_fields(
        {**data, "identity": {**data["identity"], "personal_id": female_digit}},
        standard,
        today=TODAY,
    )
    assert finding.kind == FORMAT and "nữ" in finding.message
    assert problems(standard, {"identity": {"personal_id": "12345"}}) == ["identity.personal_id"]


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("0112345678", True),
        ("011234567", False),
        ("01123456789", False),
        ("01123a5678", False),
        ("０１１２３４５６７８", False),
    ],
)
def test_digits(value, ok):
    standard = rule("digits", "identity.social_insurance_number", length=10)
    assert (problems(standard, {"identity": {"social_insurance_number": value}}) == []) is ok


@pytest.mark.parametrize(
    ("value", "ok"),
    [("0912345678", True), ("912345678", False), ("+84912345678", False), ("09123456789", False)],
)
def test_pattern(value, ok):
    standard = rule("pattern", "identity.phone", regex=r"^0\d{9}$")
    assert (problems(standard, {"identity": {"phone": value}}) == []) is ok


def test_not_future_and_a_value_that_is_no_date():
    standard = rule("not_future", "identity.id_issue_date")
    assert problems(standard, {"identity": {"id_issue_date": "2026-03-01"}}) == []
    [finding] = check_fields({"identity": {"id_issue_date": "2026-03-02"}}, standard, today=TODAY)
    assert "02/03/2026 ở sau hôm nay (01/03/2026)" in finding.message
    [bad] = check_fields({"identity": {"id_issue_date": "31/12/2020"}}, standard, today=TODAY)
    assert "không phải là ngày" in bad.message


def test_date_order_in_a_row_and_against_another_section():
    in_row = rule("date_order", "training.to_date", after="from_date")
    data = {
        "training": [
            {"from_date": "2003-09-01", "to_date": "2007-06-30"},
            {"from_date": "2010-09-01", "to_date": "2009-06-30"},
            {"from_date": "", "to_date": "2009-06-30"},
        ]
    }  # nothing to compare
    assert problems(in_row, data) == ["training[1].to_date"]
    across = rule("date_order", "identity.id_issue_date", after="identity.birth_date")
    assert problems(
        across, {"identity": {"birth_date": "1985-03-14", "id_issue_date": "1984-01-01"}}
    ) == ["identity.id_issue_date"]


def test_min_years_after():
    standard = rule(
        "min_years_after", "employment.recruitment_date", after="identity.birth_date", years=18
    )
    base = {"identity": {"birth_date": "2000-02-29"}}
    assert problems(standard, {**base, "employment": {"recruitment_date": "2018-02-28"}}) == []
    [f] = check_fields(
        {**base, "employment": {"recruitment_date": "2018-02-27"}}, standard, today=TODAY
    )
    assert "chưa đủ 18 năm sau 29/02/2000" in f.message


def test_in_catalog():
    standard = rule("in_catalog", "identity.ethnicity", catalog="ethnicity")
    assert problems(standard, {"identity": {"ethnicity": "01"}}) == []
    [f] = check_fields({"identity": {"ethnicity": "99"}}, standard, today=TODAY)
    assert "mã «99» không có" in f.message


def test_salary_step_matches_the_ranks_scale():
    standard = rule("salary_step", "salary.coefficient")
    rows = [
        {"rank_code": "01.003", "step": 2, "coefficient": "2.67"},
        {"rank_code": "01.003", "step": 2, "coefficient": "2.70"},
        {"rank_code": "01.003", "step": 9, "coefficient": "2.34"},
        {"rank_code": "99.999", "step": 1, "coefficient": "9.99"},  # unknown rank: not here
    ]
    found = check_fields({"salary": rows}, standard, today=TODAY)
    assert [f.where for f in found] == ["salary[1].coefficient", "salary[2].coefficient"]
    assert "bậc 2 có hệ số 2.67, không phải 2.70" in found[0].message
    assert "có 3 bậc, không có bậc 9" in found[1].message


def test_number_and_year_ranges():
    height = rule("number_range", "health.height_cm", min=100, max=230)
    assert problems(
        height, {"health": [{"height_cm": 168}, {"height_cm": 16.8}, {"height_cm": "cao"}]}
    ) == ["health[1].height_cm", "health[2].height_cm"]
    year = rule("year_range", "family.birth_year", min=1880)
    assert problems(
        year, {"family": [{"birth_year": 1955}, {"birth_year": 2027}, {"birth_year": 1700}]}
    ) == ["family[1].birth_year", "family[2].birth_year"]


def test_an_empty_value_is_presences_concern_not_formats():
    standard = rule("digits", "identity.social_insurance_number", length=10)
    assert problems(standard, {"identity": {"social_insurance_number": ""}}) == []


def test_every_rule_kind_is_exercised_and_a_bad_rule_is_reported():
    assert {
        "personal_id",
        "digits",
        "pattern",
        "not_future",
        "date_order",
        "min_years_after",
        "in_catalog",
        "salary_step",
        "number_range",
        "year_range",
    } == RULE_KINDS
    bad = Standard(
        formats=(
            FormatRule("a", "identity.phone", "regex", "x"),  # no such kind
            FormatRule("b", "identity.phone", "pattern", "x", {"regex": "("}),  # no valid regex
            FormatRule("c", "identity.phone", "digits", "x"),  # its parameter missing
            FormatRule("d", "identity.phone", "digits", "x", {"length": 10}),
        )
    )
    assert check_rule_kinds(bad) == ["a", "b", "c"]


# --- components and the score -----------------------------------------------------------------


def test_components_are_required_always_or_when_their_section_has_a_row():
    standard = Standard(
        components=(
            ComponentRule("resume", "Sơ yếu lý lịch", group=1),
            ComponentRule(
                "diploma", "Văn bằng", when_section="training", section="training", group=5
            ),
            ComponentRule(
                "decision",
                "Quyết định",
                when_section="career_events",
                section="career_events",
                group=4,
            ),
        )
    )
    data = dossier(career_events=[])
    found = check_components(data, standard, present=set())
    assert [(f.kind, f.rule, f.item) for f in found] == [
        (COMPONENT, "resume", ""),
        (COMPONENT, "diploma", "training"),
    ]
    assert found[1].message == "Chưa có bản quét: Văn bằng."
    assert check_components(data, standard, present={"resume", "diploma"}) == []
    assert check_components(dossier(training=[]), standard, present={"resume"}) == []


def test_the_score_counts_each_failed_rule_once_and_not_the_components():
    standard = Standard(
        required=(
            Requirement("training.institution", "Tên trường", 5),
            Requirement("identity.phone", "Điện thoại", 1),
        ),
        formats=(FormatRule("p", "identity.phone", "pattern", "Sai", {"regex": "^0"}),),
        components=(ComponentRule("resume", "Sơ yếu lý lịch"),),
    )
    data = {"identity": {"phone": "9"}, "training": [{"institution": ""}, {"institution": ""}]}
    found = check_fields(data, standard, today=TODAY) + check_components(data, standard, set())
    assert len(found) == 3  # one row of training reported, the phone's format, the résumé
    assert score(found, standard) == (pytest.approx(1 - 2 / 3), 2)
    assert score([], Standard()) == (1.0, 0)
