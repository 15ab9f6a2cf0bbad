"""The node's outbox: one signed packet per approved change, numbered and chained, in the
approval's transaction; a creation asks the hub first (R-CORRECT, R-LIVE, R-NO-SILO)."""

from __future__ import annotations

import json
import threading
from datetime import date

import pytest
from django.db import connection

from hoso.changes.models import ChangeSet, ChangeStatus
from hoso.changes.services.changesets import changeset_approve, changeset_propose
from hoso.core.errors import ValidationFailed
from hoso.federation import keys, packets, verify
from hoso.federation.models import OutboxCounter, OutboxPacket
from hoso.signing.cms import verify_bytes

from .conftest import free_port


@pytest.fixture
def node(settings, pki):
    settings.HOSO_FEDERATION_NODE_ID = "tinh-a"
    settings.HOSO_FEDERATION_DIR = pki.nodes["tinh-a"].key.parent
    settings.HOSO_HUB_URL = ""
    return pki.nodes["tinh-a"]


def approve(personas, person, name: str):
    changeset = changeset_propose(
        acting_user=personas["nhaplieu"],
        personal_id=person.personal_id,
        operations=[{"op": "set", "section": "identity", "values": {"full_name": name}}],
        source_kind="decision",
    )
    return changeset_approve(acting_user=personas["quanly"], changeset_id=changeset.pk)


def test_each_approval_writes_one_signed_packet_chained_to_the_one_before(
    node, personas, make_dossier
):
    person = make_dossier()
    approve(personas, person, "Nguyễn Văn Bình")
    version = approve(personas, person, "Nguyễn Văn Cường")
    first, second = OutboxPacket.objects.order_by("seq")
    assert (first.seq, second.seq) == (1, 2) and first.acked_at is None
    one, two = json.loads(first.body), json.loads(second.body)
    assert two["prev"] == first.hash == packets.digest(one) and one["prev"] == ""
    assert (two["node"], two["personal_id"], two["version"]) == (
        "tinh-a",
        person.personal_id,
        version.number,
    )
    assert two["kind"] == "update" and two["summary"]["full_name"] == "Nguyễn Văn Cường"
    assert "permanent_residence" not in two["summary"] and "religion" not in two["summary"]
    certificate = keys.signing_key(node).certificate
    assert verify.check(second.body.encode(), bytes(second.signature), certificate) == ""
    result = verify_bytes(second.body.encode(), bytes(second.signature), keys.roots(node))
    assert result.valid and result.signer_username == "tinh-a"
    assert OutboxCounter.objects.get(node_id="tinh-a").last_hash == second.hash


def test_an_approval_the_node_cannot_sign_applies_nothing(
    node, settings, personas, make_dossier, tmp_path
):
    settings.HOSO_FEDERATION_DIR = tmp_path  # no key there
    person = make_dossier()
    with pytest.raises(ValidationFailed) as refused:
        approve(personas, person, "Nguyễn Văn Bình")
    assert [p.code for p in refused.value.problems] == ["node_not_configured"]
    assert ChangeSet.objects.get().status == ChangeStatus.PROPOSED
    assert not OutboxPacket.objects.exists() and not OutboxCounter.objects.exists()


def test_a_stand_alone_node_writes_no_packet(settings, personas, make_dossier):
    settings.HOSO_FEDERATION_NODE_ID = ""
    approve(personas, make_dossier(), "Nguyễn Văn Bình")
    assert not OutboxPacket.objects.exists()


def test_a_new_dossier_is_refused_while_the_hub_cannot_say(node, settings, personas):
    from conftest import dossier

    settings.HOSO_HUB_URL = f"https://127.0.0.1:{free_port()}"  # nobody listens
    data = dossier()
    pid = data["identity"]["personal_id"]
    with pytest.raises(ValidationFailed) as refused:
        changeset_propose(
            acting_user=personas["nhaplieu"],
            personal_id=pid,
            operations=[{"op": "create", "data": data}],
            source_kind="paper",
            paper_confirmed_on=date(2026, 11, 2),
        )
    (problem,) = refused.value.problems
    assert problem.code == "hub_unavailable" and "chưa tạo hồ sơ mới" in problem.message
    assert not ChangeSet.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_approvals_are_numbered_without_gap_or_repeat(
    settings, pki, orgs_committed, personas_committed
):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serializes writers; the race is a PostgreSQL matter")
    from conftest import dossier
    from hoso.people.services import dossier_create

    settings.HOSO_FEDERATION_NODE_ID = "tinh-a"
    settings.HOSO_FEDERATION_DIR = pki.nodes["tinh-a"].key.parent
    settings.HOSO_HUB_URL = ""
    people = [dossier_create(acting_user=None, data=dossier()) for _ in range(4)]
    proposals = [
        changeset_propose(
            acting_user=personas_committed["nhaplieu"],
            personal_id=p.personal_id,
            operations=[{"op": "set", "section": "identity", "values": {"full_name": "Lê Văn"}}],
            source_kind="decision",
        )
        for p in people
    ]
    barrier = threading.Barrier(len(proposals))
    errors: list[Exception] = []

    def approve(changeset_id: int) -> None:
        barrier.wait()
        try:
            changeset_approve(acting_user=personas_committed["quanly"], changeset_id=changeset_id)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(c.pk,)) for c in proposals]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    rows = list(OutboxPacket.objects.order_by("seq"))
    assert [r.seq for r in rows] == [1, 2, 3, 4]
    assert [json.loads(r.body)["prev"] for r in rows] == ["", *[r.hash for r in rows[:-1]]]


def test_the_initial_load_packets_each_dossier_once_through_the_system_reader(
    node, personas, make_dossier
):
    from hoso.audit.models import AuditAction, AuditEvent
    from hoso.federation.services.outbox import dossiers_enqueue

    updated, seeded = make_dossier(), make_dossier()  # written by the bulk path: no packet
    approve(personas, updated, "Nguyễn Văn Bình")
    assert dossiers_enqueue() == 1
    packet = OutboxPacket.objects.get(personal_id=seeded.personal_id)
    body = json.loads(packet.body)
    assert (body["seq"], body["version"], body["kind"]) == (2, 0, "create")
    assert AuditEvent.objects.filter(
        action=AuditAction.DOSSIER_SYSTEM_READ,
        personal_id=seeded.personal_id,
        purpose="system_national",
    ).exists()
    assert dossiers_enqueue() == 0  # a rerun adds nothing


def test_dossiers_approved_in_an_import_batch_are_each_packeted(node, personas, tmp_path):
    """The bulk path of imports (`creations_approve`) is no side door past the national sync:
    each new dossier gets its signed, chained packet in the batch's transaction."""
    from tests.exchange.import_helpers import jsonl_write

    from conftest import dossier
    from hoso.exchange.imports.services import batch_approve, import_run

    people = [dossier(full_name=f"Lê Thị Hoa {i}") for i in range(3)]
    outcome = import_run(
        acting_user=personas["nhaplieu"],
        paths=[jsonl_write(tmp_path / "dot.jsonl", people)],
        dry_run=False,
    )
    assert not OutboxPacket.objects.exists()  # proposed only: nothing national yet
    batch_approve(acting_user=personas["quanly"], batch_id=outcome.batch_id)
    packeted = list(OutboxPacket.objects.order_by("seq"))
    assert [p.seq for p in packeted] == [1, 2, 3]
    assert {p.personal_id for p in packeted} == {d["identity"]["personal_id"] for d in people}
    bodies = [json.loads(p.body) for p in packeted]
    assert all(b["kind"] == "create" and b["version"] == 1 for b in bodies)
    assert [b["prev"] for b in bodies[1:]] == [p.hash for p in packeted[:-1]]


def test_the_initial_load_signed_in_parallel_is_the_sequential_chain_and_the_hub_takes_it(
    node, make_dossier, monkeypatch
):
    from hoso.federation.services import hub, outbox

    monkeypatch.setattr(outbox, "ENQUEUE_CHUNK", 8)  # several chunks, each signed by the pool
    for _ in range(20):
        make_dossier()

    def chain() -> list[tuple[int, str, str, str]]:
        rows = OutboxPacket.objects.order_by("seq")
        assert all(r.hash == packets.digest(json.loads(r.body)) for r in rows)
        return [(r.seq, r.personal_id, r.body, r.hash) for r in rows]

    moment = "2026-12-07T10:00:00+00:00"  # the load's moment, the same for both runs
    assert outbox.dossiers_enqueue(workers=1, applied_at=moment) == 20
    sequential = chain()
    OutboxPacket.objects.all().delete()
    OutboxCounter.objects.all().delete()
    said: list[str] = []
    assert outbox.dossiers_enqueue(workers=2, say=said.append, applied_at=moment) == 20
    rows = list(OutboxPacket.objects.order_by("seq"))
    assert chain() == sequential and [r.seq for r in rows] == list(range(1, 21))  # byte for byte
    assert [json.loads(r.body)["prev"] for r in rows] == ["", *[r.hash for r in rows[:-1]]]
    assert said[-1].startswith("Đã đưa 20/20 hồ sơ")
    certificate = keys.signing_key(node).certificate
    for row in rows:  # each signature the node's, over its body, made in a worker
        assert verify.check(row.body.encode(), bytes(row.signature), certificate) == ""
    assert verify_bytes(rows[5].body.encode(), bytes(rows[5].signature), keys.roots(node)).valid
    hub.node_register(
        node_id="tinh-a",
        name="Sở Nội vụ tỉnh A",
        certificate_pem=node.cert.read_bytes(),
        trust_roots=keys.roots(node),
    )
    taken = hub.packets_receive(node_id="tinh-a", head=20, items=[outbox.wire(r) for r in rows])
    assert taken.refused is None
    assert [r["status"] for r in taken.results] == ["applied"] * 20
