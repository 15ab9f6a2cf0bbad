"""An approved import claims its new dossiers at the hub in one request, all or none
(R-NO-SILO; the bulk creation path, `outbox.creations_claim`): against a real hub process."""

from __future__ import annotations

import pytest
from tests.exchange.import_helpers import jsonl_write

from conftest import dossier
from hoso.changes.models import ChangeSet, ChangeStatus
from hoso.core.errors import ValidationFailed
from hoso.exchange.imports.services import batch_approve, import_run
from hoso.federation.models import OutboxPacket
from hoso.people.models import Person


@pytest.fixture
def at_a(settings, pki, tmp_path, hub):
    settings.HOSO_FEDERATION_NODE_ID = "tinh-a"
    settings.HOSO_FEDERATION_DIR = pki.nodes["tinh-a"].key.parent
    settings.HOSO_HUB_URL = hub.url
    settings.HOSO_HUB_TIMEOUT_SECONDS = 10
    settings.DATA_DIR = tmp_path
    return settings


def _import(personas, tmp_path, people):
    outcome = import_run(
        acting_user=personas["nhaplieu"],
        paths=[jsonl_write(tmp_path / "dot.jsonl", people)],
        dry_run=False,
    )
    return outcome.batch_id


def test_an_approved_import_claims_each_new_dossier_at_the_hub(hub, at_a, personas, tmp_path):
    people = [dossier(full_name=f"Phạm Thị Lan {i}") for i in range(3)]
    batch_approve(acting_user=personas["quanly"], batch_id=_import(personas, tmp_path, people))
    pids = [d["identity"]["personal_id"] for d in people]
    assert all(hub.entry(pid)["node"] == "tinh-a" for pid in pids)
    assert OutboxPacket.objects.filter(personal_id__in=pids).count() == 3


def test_one_id_managed_elsewhere_refuses_the_whole_batch_and_claims_none(
    hub, at_a, personas, tmp_path
):
    people = [dossier(full_name=f"Đỗ Văn Nam {i}") for i in range(3)]
    pids = [d["identity"]["personal_id"] for d in people]
    assert hub.post("/claims", {"personal_id": pids[1]}, node="tinh-b").status_code == 200
    batch = _import(personas, tmp_path, people)
    with pytest.raises(ValidationFailed) as refused:
        batch_approve(acting_user=personas["quanly"], batch_id=batch)
    assert refused.value.problems[0].code == "managed_elsewhere"
    assert "Sở Nội vụ tỉnh B" in refused.value.problems[0].message
    assert hub.entry(pids[0]) is None and hub.entry(pids[2]) is None  # none taken
    assert not Person.objects.filter(personal_id__in=pids).exists()
    assert not OutboxPacket.objects.filter(personal_id__in=pids).exists()
    assert not ChangeSet.objects.filter(personal_id__in=pids, status=ChangeStatus.APPLIED)


@pytest.mark.database_subprocess  # the hub's database is the run's (ADR 0025)
def test_a_malformed_bulk_claim_is_refused_with_a_stable_code(hub):
    wrong = hub.post("/claims", {"personal_ids": "001090200001"}, node="tinh-a")
    assert wrong.status_code == 400 and wrong.json()["code"] == "malformed_packet"
    bad = hub.post("/claims", {"personal_ids": ["12345"]}, node="tinh-a")
    assert bad.status_code == 400
    assert [p["code"] for p in bad.json()["problems"]] == ["bad_personal_id"]
