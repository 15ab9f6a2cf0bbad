"""The node's outbox: one signed packet per approved change, numbered and chained, in the
approval's transaction; a creation asks the hub first (R-CORRECT, R-LIVE, R-NO-SILO)."""

from __future__ import annotations

import json
from datetime import date

import pytest

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
