"""The sender trusts only the hub's signed ack, and backs off with jitter (R-LIVE)."""

from __future__ import annotations

import base64
import random

import pytest

from hoso.federation import keys, packets
from hoso.federation.services import sender
from hoso.signing.canonical import canonical
from hoso.signing.cms import sign_bytes


def signed_ack(paths, node="tinh-a"):
    ack = {"format": packets.ACK_FORMAT, "node": node, "results": [], "last_seq": 0}
    signature = sign_bytes(canonical(ack), keys.signing_key(paths))
    return {"ack": ack, "signature": base64.b64encode(signature.der).decode()}


@pytest.fixture
def node(settings, pki):
    settings.HOSO_FEDERATION_NODE_ID = "tinh-a"
    settings.HOSO_FEDERATION_DIR = pki.nodes["tinh-a"].key.parent
    return pki


def test_an_ack_signed_by_the_hub_for_this_node_is_taken(node):
    assert sender._check_ack(signed_ack(node.hub), "tinh-a")["node"] == "tinh-a"


@pytest.mark.parametrize(
    "forged",
    [
        lambda pki: signed_ack(pki.nodes["tinh-b"]),  # a node's signature, not the hub's
        lambda pki: signed_ack(pki.hub, node="tinh-b"),  # the hub's, for another node
        lambda pki: {**signed_ack(pki.hub), "signature": "!!"},
        lambda pki: {"ack": signed_ack(pki.hub)["ack"]},
    ],
)
def test_any_other_ack_is_refused_and_marks_nothing(node, forged):
    with pytest.raises(sender.BadAck) as refused:
        sender._check_ack(forged(node), "tinh-a")
    assert "Xác nhận của Cơ sở dữ liệu quốc gia" in str(refused.value)


def test_the_backoff_doubles_to_its_cap_with_full_jitter():
    backoff = sender.Backoff(base=0.2, cap=15.0, rng=random.Random(7))
    delays = [backoff.next() for _ in range(12)]
    ceilings = [min(15.0, 0.2 * 2**n) for n in range(12)]
    assert all(0 <= d <= c for d, c in zip(delays, ceilings, strict=True))
    assert len({round(d, 6) for d in delays}) == len(delays)  # jittered, never in step
    backoff.reset()
    assert backoff.next() <= 0.2
