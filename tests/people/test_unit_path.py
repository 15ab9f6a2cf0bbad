"""The person's stored unit path (`Person.unit_path`, issue 13): always its current unit's
path, after a transfer, a merger and a re-parenting of units, so that unit-subtree search,
statistics and scopes (R-FAST, R-NATIONAL) read it without joining the organizations."""

import importlib
from datetime import date

import pytest
from django.db import connection
from django.db.models import Q
from tests.changes.test_decisions import apply

from hoso.access import policies
from hoso.audit.models import AuditEvent
from hoso.core.errors import ValidationFailed
from hoso.orgs.models import Organization, OrgKind
from hoso.orgs.services import org_create, org_merge
from hoso.people.models import Person
from hoso.people.selectors import SearchFilters, people_search
from hoso.people.services import unit_reparent

EVERYONE = ~Q(pk__in=[])
BASIS = "Nghị quyết số 01/NQ-HĐND về sắp xếp tổ chức"


def stored(person):
    row = Person.objects.select_related("current_unit").get(pk=person.pk)
    return row.unit_path, row.current_unit.path


def in_subtree(unit):
    return {p.personal_id for p in people_search(scope=EVERYONE, filters=SearchFilters(unit=unit))}


def test_a_new_dossier_stores_its_units_path(make_dossier, orgs):
    person = make_dossier(unit="T01.STC.NS")
    assert stored(person) == (orgs["budget"].path, orgs["budget"].path)
    assert person.personal_id in in_subtree(orgs["province"])
    assert person.personal_id in in_subtree(orgs["finance"])
    assert person.personal_id not in in_subtree(orgs["commune"])


def test_a_transfer_moves_the_stored_path(personas, make_dossier, orgs):
    person = make_dossier(unit="T01.STC")
    apply(
        personas,
        person,
        "transfer",
        {"organization": "T01.XA", "position_code": "vice_chairman_commune"},
    )
    assert stored(person) == (orgs["commune"].path, orgs["commune"].path)
    assert person.personal_id in in_subtree(orgs["commune"])
    assert person.personal_id not in in_subtree(orgs["finance"])


def test_after_a_merger_the_transfer_to_the_successor_moves_the_path(personas, make_dossier, orgs):
    person = make_dossier(unit="T01.STC.NS")
    successor = org_create(
        acting_user=None,
        code="T01.STC.KH",
        name="Phòng Kế hoạch - Ngân sách",
        kind=OrgKind.DIVISION,
        valid_from=date(2025, 7, 1),
        parent=orgs["finance"],
    )
    org_merge(
        acting_user=None,
        predecessors=[orgs["budget"]],
        successor=successor,
        effective_date=date(2026, 10, 1),
        legal_basis=BASIS,
    )
    # The merger itself moves nobody (people move by decision): the path stays the old unit's.
    assert stored(person) == (orgs["budget"].path, orgs["budget"].path)
    apply(
        personas,
        person,
        "transfer",
        {"organization": "T01.STC.KH", "position_code": "head_division_provincial"},
    )
    assert stored(person) == (successor.path, successor.path)
    assert person.personal_id in in_subtree(successor)
    assert person.personal_id not in in_subtree(orgs["budget"])


def test_reparenting_a_unit_moves_its_subtree_and_its_people(make_dossier, orgs, personas):
    at_department = make_dossier(unit="T01.STC")
    at_division = make_dossier(unit="T01.STC.NS")
    elsewhere = make_dossier(unit="T01.XA")
    moved = unit_reparent(
        acting_user=personas["quantri"],
        unit=orgs["finance"],
        new_parent=orgs["ministry"],
        legal_basis=BASIS,
    )
    assert moved == 2
    finance = Organization.objects.get(code="T01.STC")
    budget = Organization.objects.get(code="T01.STC.NS")
    ministry = orgs["ministry"]
    assert finance.path == f"{ministry.path}{finance.pk}/" and finance.parent_id == ministry.pk
    assert budget.path == f"{finance.path}{budget.pk}/"
    assert (finance.depth, budget.depth) == (1, 2)
    for person in (at_department, at_division, elsewhere):
        path, unit_path = stored(person)
        assert path == unit_path
    assert in_subtree(ministry) == {at_department.personal_id, at_division.personal_id}
    assert in_subtree(orgs["province"]) == {elsewhere.personal_id}
    # The scopes follow: the province's records manager no longer covers them, the ministry's
    # unit does not either (its office), and nobody gained anything by the move.
    province_scope = policies.people_scope(personas["quanly"])
    assert set(Person.objects.filter(province_scope).values_list("pk", flat=True)) == {elsewhere.pk}
    event = AuditEvent.objects.filter(detail__operation="unit_reparent").get()
    assert event.detail["count"] == 2 and event.detail["unit"] == "T01.STC"


@pytest.mark.parametrize(
    ("unit", "parent", "basis", "code"),
    [
        ("province", "budget", BASIS, "reparent_into_subtree"),
        ("finance", "finance", BASIS, "reparent_into_subtree"),
        ("finance", "province", BASIS, "reparent_same_parent"),
        ("finance", "ministry", "", "legal_basis_required"),
    ],
)
def test_a_bad_reparenting_is_refused_and_changes_nothing(
    make_dossier, orgs, unit, parent, basis, code
):
    person = make_dossier(unit="T01.STC.NS")
    before = list(Organization.objects.order_by("pk").values_list("path", "depth", "parent"))
    with pytest.raises(ValidationFailed) as caught:
        unit_reparent(acting_user=None, unit=orgs[unit], new_parent=orgs[parent], legal_basis=basis)
    assert [p.code for p in caught.value.problems] == [code]
    assert caught.value.problems[0].message  # a Vietnamese sentence
    assert (
        list(Organization.objects.order_by("pk").values_list("path", "depth", "parent")) == before
    )
    assert stored(person) == (orgs["budget"].path, orgs["budget"].path)
    assert not AuditEvent.objects.filter(detail__operation="unit_reparent").exists()


def test_a_closed_unit_cannot_take_a_subtree(make_dossier, orgs):
    successor = org_create(
        acting_user=None,
        code="B02",
        name="Bộ Mới",
        kind=OrgKind.MINISTRY,
        valid_from=date(2025, 1, 1),
    )
    org_merge(
        acting_user=None,
        predecessors=[orgs["ministry"]],
        successor=successor,
        effective_date=date(2026, 1, 1),
        legal_basis=BASIS,
    )
    with pytest.raises(ValidationFailed) as caught:
        unit_reparent(
            acting_user=None, unit=orgs["finance"], new_parent=orgs["ministry"], legal_basis=BASIS
        )
    assert [p.code for p in caught.value.problems] == ["parent_not_valid"]
    assert Organization.objects.get(code="T01.STC").path == orgs["finance"].path


def test_the_migrations_backfill_fills_every_path_and_a_rerun_changes_nothing(make_dossier, orgs):
    people = [make_dossier(unit=u) for u in ("T01", "T01.STC.NS", "T01.XA", "B01.VP")]
    Person.objects.update(unit_path="")
    backfill = importlib.import_module(
        "hoso.people.migrations.0007_perf13_unit_path_backfill"
    ).backfill
    editor = connection.schema_editor()
    backfill(None, editor)
    for person in people:
        path, unit_path = stored(person)
        assert path == unit_path != ""
    backfill(None, editor)
    assert [stored(p)[0] for p in people] == [stored(p)[1] for p in people]
