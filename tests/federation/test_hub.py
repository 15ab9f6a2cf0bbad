"""The hub's services: node registration, claims, conflicts and refusals, each audited
(R-NO-SILO, R-CORRECT; docs/decisions/0020)."""

from __future__ import annotations

import base64

import pytest

from hoso import identity
from hoso.audit.models import AuditAction, AuditEvent, AuditOutcome
from hoso.core.errors import ValidationFailed
from hoso.federation import keys, packets, selectors
from hoso.federation.models import HubPacket, PacketOutcome, RegistryEntry
from hoso.federation.services import hub
from hoso.signing.canonical import canonical
from hoso.signing.cms import sign_bytes

pytestmark = pytest.mark.django_db

PID = identity.generate(province_code="001", birth_year=1990, sex="F", serial=123456)


@pytest.fixture
def registered(pki):
    roots = keys.roots(pki.hub)
    for node, name in (("tinh-a", "Sở Nội vụ tỉnh A"), ("tinh-b", "Sở Nội vụ tỉnh B")):
        cert = pki.nodes[node].cert.read_bytes()
        hub.node_register(node_id=node, name=name, certificate_pem=cert, trust_roots=roots)
    return pki


def wire(pki, node, seq, prev, pid=PID, name="Trần Thị Mai", signer=None):
    body = packets.body(
        node_id=node,
        seq=seq,
        prev=prev,
        personal_id=pid,
        version=seq,
        creates=seq == 1,
        data={"identity": {"personal_id": pid, "full_name": name}},
        applied_at="2026-12-07T10:00:00+07:00",
    )
    signature = sign_bytes(canonical(body), keys.signing_key(pki.nodes[signer or node]))
    return {"body": body, "signature": base64.b64encode(signature.der).decode()}


def denials(code: str):
    return AuditEvent.objects.filter(
        action=AuditAction.FEDERATION, outcome=AuditOutcome.DENY, detail__code=code
    )


def test_a_node_is_registered_only_with_its_own_certificate_from_a_trusted_ca(pki):
    roots = keys.roots(pki.hub)
    cert_a = pki.nodes["tinh-a"].cert.read_bytes()
    with pytest.raises(ValidationFailed) as wrong_node:
        hub.node_register(node_id="tinh-b", name="B", certificate_pem=cert_a, trust_roots=roots)
    assert wrong_node.value.problems[0].code == "certificate_node"
    foreign = pki.foreign.cert.read_bytes()
    with pytest.raises(ValidationFailed) as untrusted:
        hub.node_register(node_id="tinh-a", name="A", certificate_pem=foreign, trust_roots=roots)
    assert untrusted.value.problems[0].code == "untrusted_issuer"


def test_of_two_claims_on_one_id_the_second_is_refused_and_audited(registered):
    assert hub.claim(node_id="tinh-a", personal_id=PID)[0] is True
    assert hub.claim(node_id="tinh-a", personal_id=PID)[0] is True  # again: still ours
    ours, entry = hub.claim(node_id="tinh-b", personal_id=PID)
    assert ours is False and entry.node_id == "tinh-a"
    assert denials("managed_elsewhere").filter(personal_id=PID).count() == 1
    with pytest.raises(ValidationFailed) as bad:
        hub.claim(node_id="tinh-a", personal_id="12345")
    assert bad.value.problems[0].code == "bad_personal_id"


def test_a_packet_about_another_nodes_dossier_is_kept_as_a_conflict_and_changes_nothing(
    registered,
):
    first = wire(registered, "tinh-a", 1, "")
    assert hub.packets_receive(node_id="tinh-a", head=1, items=[first]).results[0]["status"] == (
        PacketOutcome.APPLIED
    )
    other = wire(registered, "tinh-b", 1, "", name="Tên khác")
    (result,) = hub.packets_receive(node_id="tinh-b", head=1, items=[other]).results
    assert result["status"] == PacketOutcome.CONFLICT  # acknowledged: B's stream goes on
    entry = RegistryEntry.objects.get(personal_id=PID)
    assert (entry.node_id, entry.summary["full_name"]) == ("tinh-a", "Trần Thị Mai")
    assert denials("managed_elsewhere").count() == 1
    assert selectors.registry_get(PID)["agency"] == "Sở Nội vụ tỉnh A"
    figures = selectors.statistics()
    assert (figures["total"], figures["by_node"]) == (1, {"tinh-a": 1})


def test_a_refused_batch_keeps_what_came_before_and_audits_the_refusal(registered):
    one = wire(registered, "tinh-a", 1, "")
    two = wire(registered, "tinh-a", 2, packets.digest(one["body"]))
    three = wire(registered, "tinh-a", 3, "f" * 64)  # not chained to two
    four = wire(registered, "tinh-a", 4, packets.digest(three["body"]))
    batch = hub.packets_receive(node_id="tinh-a", head=4, items=[one, two, three, four])
    assert [(r["seq"], r["status"]) for r in batch.results] == [
        (1, "applied"),
        (2, "applied"),
        (3, "refused"),
    ]
    assert batch.results[2]["code"] == "chain_broken"
    assert list(HubPacket.objects.values_list("seq", flat=True).order_by("seq")) == [1, 2]
    lag = {row["node"]: row for row in selectors.lag()}["tinh-a"]
    assert (lag["last_seq"], lag["reported_head"], lag["lag"], lag["received"]) == (2, 4, 2, 2)
    assert denials("chain_broken").count() == 1
    signed_by_b = wire(registered, "tinh-a", 3, packets.digest(two["body"]), signer="tinh-b")
    (refused,) = hub.packets_receive(node_id="tinh-a", head=4, items=[signed_by_b]).results
    assert refused["code"] == "bad_signature" and "chứng thư khác" in refused["message"]


def test_an_unreadable_packet_is_refused_as_malformed(registered):
    (result,) = hub.packets_receive(
        node_id="tinh-a", head=0, items=[{"body": {"format": "x"}, "signature": "!"}]
    ).results
    assert result["code"] == "malformed_packet" and "định dạng" in result["message"]


def test_a_bulk_claim_takes_every_id_or_none_and_names_the_managing_agency(registered):
    others = [
        identity.generate(province_code="001", birth_year=1990, sex="M", serial=n)
        for n in (200001, 200002)
    ]
    assert hub.claim(node_id="tinh-b", personal_id=PID)[0] is True
    refused = hub.claims(node_id="tinh-a", personal_ids=[*others, PID])
    assert refused is not None and refused.node_id == "tinh-b"
    assert not RegistryEntry.objects.filter(personal_id__in=others).exists()  # none taken
    assert denials("managed_elsewhere").filter(personal_id=PID).count() == 1
    assert hub.claims(node_id="tinh-a", personal_ids=[*others, others[0]]) is None
    assert set(
        RegistryEntry.objects.filter(personal_id__in=others).values_list("node_id", flat=True)
    ) == {"tinh-a"}
    taken = AuditEvent.objects.get(
        action=AuditAction.FEDERATION, detail__code="claimed", detail__node="tinh-a"
    )
    assert sorted(taken.detail["personal_ids"]) == sorted(others)
    assert hub.claims(node_id="tinh-a", personal_ids=others) is None  # again: still ours
    for bad, code in ((["12345"], "bad_personal_id"), ([], "claims_size")):
        with pytest.raises(ValidationFailed) as wrong:
            hub.claims(node_id="tinh-a", personal_ids=bad)
        assert wrong.value.problems[0].code == code
