"""Bad dossiers are refused with a specific reason and nothing is saved (issue: bad input)."""

from datetime import date, timedelta

import pytest

from conftest import dossier
from hoso.core.errors import ValidationFailed
from hoso.people.models import Person, Training
from hoso.people.reference import load_reference
from hoso.people.services import dossier_create, dossiers_bulk_create
from hoso.people.validation import validate_dossier

TODAY = date(2026, 11, 21)


def codes(data):
    return {p.code for p in validate_dossier(data, ref=load_reference(), today=TODAY)}


def test_the_factory_dossier_is_valid(orgs):
    assert validate_dossier(dossier(), ref=load_reference(), today=TODAY) == []


def test_malformed_personal_id_is_reported_precisely(orgs):
    data = dossier()
    data["identity"]["personal_id"] = "00108501234"
    problems = validate_dossier(data, ref=load_reference(), today=TODAY)
    [problem] = [p for p in problems if p.field == "identity.personal_id"]
    assert problem.code == "personal_id_length"
    assert "12 chữ số" in problem.message


def test_personal_id_contradicting_sex_and_birth_year(orgs):
    data = dossier(sex="M", birth_date=date(1985, 3, 14))
    data["identity"]["sex"] = "F"
    data["identity"]["birth_date"] = "1986-03-14"
    assert {"personal_id_sex_mismatch", "personal_id_birth_year_mismatch"} <= codes(data)


def test_unknown_birth_registration_province(orgs):
    data = dossier()
    data["identity"]["personal_id"] = "099" + data["identity"]["personal_id"][3:]
    assert "personal_id_unknown_province" in codes(data)


def test_birth_in_the_future_is_refused(orgs):
    data = dossier()
    data["identity"]["birth_date"] = (TODAY + timedelta(days=1)).isoformat()
    assert "future_date" in codes(data)


def test_recruitment_before_birth_is_refused(orgs):
    assert "recruited_before_birth" in codes(dossier(employment={"recruitment_date": "1980-01-01"}))


def test_an_end_before_its_start_is_refused(orgs):
    data = dossier()
    data["training"][0]["to_date"] = "2002-01-01"
    problems = validate_dossier(data, ref=load_reference(), today=TODAY)
    assert [p.field for p in problems if p.code == "period_reversed"] == ["training[0].to_date"]


def test_a_history_date_in_the_future_is_refused(orgs):
    data = dossier()
    data["work_history"][0]["from_date"] = "2027-01-01"
    assert "future_date" in codes(data)


def test_unknown_catalog_codes_are_named(orgs):
    data = dossier(identity={"ethnicity": "99"})
    problems = validate_dossier(data, ref=load_reference(), today=TODAY)
    [problem] = [p for p in problems if p.code == "unknown_code"]
    assert problem.field == "identity.ethnicity"
    assert "«99»" in problem.message


def test_unknown_unit_is_refused(orgs):
    assert "unknown_unit" in codes(dossier(unit="NOPE"))


def test_two_current_main_positions_are_refused(orgs):
    data = dossier()
    data["positions"].append(
        {"organization": "T01.STC.NS", "is_main": True, "from_date": "2020-01-01"}
    )
    problems = validate_dossier(data, ref=load_reference(), today=TODAY)
    [problem] = [p for p in problems if p.code == "overlapping_main_positions"]
    assert "một chức vụ chính" in problem.message


def test_a_concurrent_position_is_allowed(orgs):
    data = dossier()
    data["positions"].append(
        {"organization": "T01.STC.NS", "is_main": False, "from_date": "2020-01-01"}
    )
    assert codes(data) == set()


def test_salary_step_and_coefficient_must_match_the_pay_scale(orgs):
    data = dossier()
    data["salary"][1]["coefficient"] = "2.70"
    assert "coefficient_mismatch" in codes(data)
    data["salary"][1] = {
        "from_date": "2011-09-01",
        "rank_code": "01.003",
        "step": 10,
        "coefficient": "5.31",
    }
    assert "step_out_of_range" in codes(data)


def test_nothing_is_half_saved_when_one_dossier_of_a_batch_is_bad(orgs):
    good, bad = dossier(), dossier(full_name="Trần Thị Bình", sex="F")
    bad["training"][0]["to_date"] = "2000-01-01"
    with pytest.raises(ValidationFailed) as caught:
        dossiers_bulk_create(acting_user=None, dossiers=[good, bad])
    assert "Hồ sơ 2" in caught.value.problems[0].message
    assert Person.objects.count() == 0
    assert Training.objects.count() == 0


def test_a_duplicate_personal_id_is_refused_in_the_batch_and_against_the_database(orgs):
    data = dossier()
    with pytest.raises(ValidationFailed) as caught:
        dossiers_bulk_create(acting_user=None, dossiers=[data, data])
    assert "duplicate_personal_id" in {p.code for p in caught.value.problems}
    dossier_create(acting_user=None, data=data)
    with pytest.raises(ValidationFailed) as again:
        dossier_create(acting_user=None, data=data)
    assert "duplicate_personal_id" in {p.code for p in again.value.problems}
    assert Person.objects.count() == 1
