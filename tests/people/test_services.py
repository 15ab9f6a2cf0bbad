"""The one write path: whole dossiers in, derived state kept current (R-CONTENT, R-COMPLETE)."""

from datetime import date

import pytest

from conftest import dossier
from hoso.core.errors import ValidationFailed
from hoso.people.models import Person, PositionAssignment
from hoso.people.selectors import _dossier_data as dossier_data  # the write path's own view
from hoso.people.services import dossier_create, dossier_replace


def test_a_whole_dossier_round_trips_through_the_json_shape(orgs):
    data = dossier()
    person = dossier_create(acting_user=None, data=data)
    stored = dossier_data(person)
    assert stored["identity"]["full_name"] == "Nguyễn Văn An"
    assert stored["employment"]["current_unit"] == "T01.STC"
    assert [r["coefficient"] for r in stored["salary"]] == ["2.34", "2.67"]
    assert stored["personal_history"]["relatives_abroad"] == "Không"
    assert stored["family"][0]["relation_code"] == "father"


def test_derived_state_follows_the_histories(orgs):
    person = dossier_create(acting_user=None, data=dossier())
    assert person.current_rank_code == "01.003"
    assert person.current_salary_step == 2
    assert person.name_norm == "nguyen van an"
    assert " so tai chinh " in person.search_text
    assert person.completeness == 1.0 and person.missing_required == 0


def test_completeness_counts_missing_required_items(orgs):
    person = dossier_create(acting_user=None, data=dossier(health=[], identity={"religion": ""}))
    assert person.missing_required == 2
    assert 0 < person.completeness < 1


def test_adding_a_salary_step_moves_the_current_step(orgs):
    person = dossier_create(acting_user=None, data=dossier())
    data = dossier_data(person)
    data["salary"].append(
        {"from_date": "2014-09-01", "rank_code": "01.003", "step": 3, "coefficient": "3.00"}
    )
    dossier_replace(acting_user=None, data=data)
    person.refresh_from_db()
    assert person.current_salary_step == 3


def test_adding_a_second_current_main_position_is_refused_and_changes_nothing(orgs):
    person = dossier_create(acting_user=None, data=dossier())
    data = dossier_data(person)
    data["positions"].append({"organization": "T01.XA", "is_main": True, "from_date": "2024-01-01"})
    with pytest.raises(ValidationFailed) as caught:
        dossier_replace(acting_user=None, data=data)
    assert caught.value.problems[0].code == "overlapping_main_positions"
    assert PositionAssignment.objects.filter(person=person).count() == 1


def test_the_database_itself_refuses_two_current_main_positions(orgs):
    """Defence in depth: even a write that bypassed validation cannot break the rule."""
    from django.db import IntegrityError, transaction

    person = dossier_create(acting_user=None, data=dossier())
    with pytest.raises(IntegrityError), transaction.atomic():
        PositionAssignment.objects.create(
            person=person, organization=orgs["commune"], is_main=True, from_date=date(2024, 1, 1)
        )


def test_replacing_an_unknown_person_is_refused(orgs):
    dossier_create(acting_user=None, data=dossier())
    data = dossier(identity={"personal_id": "001090000999"})
    with pytest.raises(ValidationFailed) as caught:
        dossier_replace(acting_user=None, data=data)
    assert caught.value.problems[0].code == "unknown_person"
    assert Person.objects.count() == 1
