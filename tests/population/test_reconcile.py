"""Reconciliation (R-POPULATION, issue 14 item 4): `hoso popdb reconcile` compares dossiers with
the simulator's answers (a real process, its data exported from the node by `hoso popdb export`)
and turns differences of name, residence, marital status and date of death into proposed change
sets through the one write path, for a records manager to approve; audited; idempotent."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from hoso.audit.models import AuditAction, AuditEvent
from hoso.changes.models import ChangeSet, ChangeStatus
from hoso.changes.services import changesets
from hoso.people.models import Person
from hoso.population import simulator
from hoso.population.models import Difference
from hoso.population.services import SOURCE_NOTE

pytestmark = pytest.mark.django_db


def _reconcile(*args: str) -> str:
    out = StringIO()
    call_command("popdb", "reconcile", "--as", "nhaplieu", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def node(make_dossier, personas, popdb):
    """Two dossiers, exported to the simulator; then the population database learns that An
    moved and married, and that Bình died."""
    an = make_dossier(full_name="Nguyễn Văn An", birth_date=date(1985, 3, 14))
    binh = make_dossier(full_name="Trần Văn Bình", birth_date=date(1979, 6, 2))
    same = make_dossier(full_name="Lê Thị Cúc", sex="F", birth_date=date(1992, 1, 9))
    call_command("popdb", "export", "--data", str(popdb.data), stdout=StringIO())
    records = simulator.read_citizens(popdb.data)
    assert set(records) >= {an.personal_id, binh.personal_id, same.personal_id}
    records[an.personal_id] = replace(
        records[an.personal_id],
        permanent_residence="Số 12 phố Huế, phường Hai Bà Trưng, Hà Nội",
        marital_status="Đã kết hôn",
    )
    records[binh.personal_id] = replace(records[binh.personal_id], death_date=date(2026, 10, 1))
    simulator.write_citizens(popdb.data, records.values())
    popdb.start()
    return {"an": an, "binh": binh, "same": same}


def _operations(person: Person) -> list[dict]:
    proposal = ChangeSet.objects.get(personal_id=person.personal_id)
    assert proposal.status == ChangeStatus.PROPOSED and proposal.source_note == SOURCE_NOTE
    return json.loads(proposal.operations)


def test_differences_become_proposed_change_sets_once(node, personas):
    said = _reconcile()
    assert "Đã đối chiếu 3 hồ sơ: 2 đề xuất thay đổi, 1 không khác" in said
    an_ops = _operations(node["an"])
    assert an_ops == [
        {
            "op": "set",
            "section": "identity",
            "values": {
                "permanent_residence": "Số 12 phố Huế, phường Hai Bà Trưng, Hà Nội",
                "marital_status": "Đã kết hôn",
            },
        }
    ]
    assert _operations(node["binh"]) == [
        {"op": "set", "section": "employment", "values": {"status": "deceased"}}
    ]
    assert not ChangeSet.objects.filter(personal_id=node["same"].personal_id).exists()
    # Nothing is written before approval; a second run proposes nothing new.
    assert Person.objects.get(pk=node["an"].pk).marital_status != "Đã kết hôn"
    again = _reconcile()
    assert "0 đề xuất thay đổi" in again and "3 khác biệt đã đề xuất trước" in again
    assert ChangeSet.objects.count() == 2 and Difference.objects.count() == 3
    lookups = AuditEvent.objects.filter(action=AuditAction.POPULATION)
    assert lookups.filter(personal_id=node["an"].personal_id).count() == 2


def test_an_approved_proposal_updates_the_dossier(node, personas):
    _reconcile()
    proposal = ChangeSet.objects.get(personal_id=node["an"].personal_id)
    changesets.changeset_approve(acting_user=personas["quanly"], changeset_id=proposal.pk)
    an = Person.objects.get(pk=node["an"].pk)
    assert an.marital_status == "Đã kết hôn"
    assert an.permanent_residence == "Số 12 phố Huế, phường Hai Bà Trưng, Hà Nội"


def test_a_rejected_difference_is_proposed_again_later(node, personas):
    _reconcile()
    proposal = ChangeSet.objects.get(personal_id=node["binh"].personal_id)
    changesets.changeset_reject(
        acting_user=personas["quanly"], changeset_id=proposal.pk, reason="Chờ giấy chứng tử."
    )
    assert "1 đề xuất thay đổi" in _reconcile()


def test_an_unreachable_database_proposes_nothing_and_says_so(node, popdb):
    popdb.stop()
    said = _reconcile()
    assert "0 đề xuất thay đổi" in said
    assert "3 hồ sơ không tra cứu được (population_unavailable)" in said
    assert not ChangeSet.objects.exists()


def test_a_unit_limits_the_run_and_an_unknown_user_is_refused(node):
    assert "Đã đối chiếu 0 hồ sơ" in _reconcile("--unit", "KHONGCO")
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Không có người dùng"):
        call_command("popdb", "reconcile", "--as", "khongai", stdout=StringIO())
