"""A hub and two nodes as real processes: changes reach the hub, a second dossier on the same
id is refused, bad packets are refused with their codes, and killing either side loses and
duplicates nothing (R-NATIONAL, R-NO-SILO, R-CORRECT, R-LIVE; docs/decisions/0020)."""

from __future__ import annotations

import base64

import pytest
import requests

from hoso import identity
from hoso.federation import keys, packets
from hoso.signing.canonical import canonical
from hoso.signing.cms import sign_bytes

from .conftest import wait_for

# The hub runs on a database of the run (PostgreSQL in the PostgreSQL run): ADR 0025.
pytestmark = pytest.mark.database_subprocess


def pid(serial: int) -> str:
    return identity.generate(province_code="001", birth_year=1985, sex="M", serial=700000 + serial)


def test_a_change_at_a_node_reaches_the_hub(hub, nodes):
    a = nodes["tinh-a"]
    assert a.run("create", pid(1)) == [{"pid": pid(1), "ok": True, "version": 1}]
    # Claimed at approval (no silo), then filled by the packet.
    entry = wait_for(lambda: (hub.entry(pid(1)) or {}).get("version") == 1 and hub.entry(pid(1)))
    assert entry["node"] == "tinh-a" and entry["agency"] == "Sở Nội vụ tỉnh A"
    summary = entry["summary"]
    assert summary["full_name"] == "Nguyễn Văn An" and summary["managing_agency"] == "T01"
    assert "permanent_residence" not in summary and "religion" not in summary  # minimised

    assert a.run("update", pid(1))[0]["ok"]
    wait_for(lambda: (hub.entry(pid(1)) or {}).get("version") == 2, 30, "version 2")
    assert hub.entry(pid(1))["summary"]["full_name"] == "Nguyễn Văn Bình"
    lag = wait_for(lambda: hub.nodes().get("tinh-a", {}).get("last_seq") == 2 and hub.nodes())
    assert lag["tinh-a"]["lag"] == 0 and lag["tinh-a"]["reported_head"] == 2


def test_the_same_id_at_another_node_is_refused_naming_the_managing_agency(hub, nodes):
    a, b = nodes["tinh-a"], nodes["tinh-b"]
    assert a.run("create", pid(2))[0]["ok"]
    refused = b.run("create", pid(2))[0]
    assert refused["ok"] is False and refused["codes"] == ["managed_elsewhere"]
    assert "Sở Nội vụ tỉnh A" in refused["message"]
    assert hub.entry(pid(2))["node"] == "tinh-a"
    assert b.head() == {"head": 0, "pending": 0}  # nothing applied at B, nothing queued


def test_a_node_reports_the_hub_down_and_creates_nothing(hub, nodes):
    b = nodes["tinh-b"]
    hub.server.stop()
    try:
        refused = b.run("create", pid(3))[0]
    finally:
        hub.start()
    assert refused["ok"] is False and refused["codes"] == ["hub_unavailable"]
    assert "chưa tạo hồ sơ mới" in refused["message"]
    assert b.run("create", pid(3))[0]["ok"]  # back up: created


def _packet(seq: int, prev: str, *, node: str = "thu", pid_: str | None = None, **change):
    body = packets.body(
        node_id=node,
        seq=seq,
        prev=prev,
        personal_id=pid_ or pid(100 + seq),
        version=1,
        creates=True,
        data={"identity": {"personal_id": pid_ or pid(100 + seq), "full_name": "Trần Thị Thu"}},
        applied_at="2026-12-07T10:00:00+07:00",
    )
    body.update(change)
    return body


def _signed(body, paths, *, tamper=None):
    signature = sign_bytes(canonical(body), keys.signing_key(paths))
    if tamper:
        body = {**body, **tamper}
    return {"body": body, "signature": base64.b64encode(signature.der).decode()}


def _results(response):
    assert response.status_code == 200, response.text
    return response.json()["ack"]["results"]


def test_forged_foreign_replayed_and_reordered_packets_are_refused_with_their_codes(hub, pki):
    own = pki.nodes["thu"]
    first = _packet(1, "")
    one = _signed(first, own)
    assert [r["status"] for r in _results(hub.post("/packets", {"packets": [one]}))] == ["applied"]
    # An exact replay is acknowledged again, not applied twice.
    assert _results(hub.post("/packets", {"packets": [one]}))[0]["status"] == "duplicate"
    refusals = {
        "sequence_reused": _signed(_packet(1, "", pid_=pid(199)), own),
        "sequence_gap": _signed(_packet(3, packets.digest(first)), own),
        "chain_broken": _signed(_packet(2, "0" * 64), own),
        "bad_signature": _signed(_packet(2, packets.digest(first)), own, tamper={"version": 9}),
        "node_mismatch": _signed(_packet(2, packets.digest(first), node="tinh-a"), own),
    }
    for code, item in refusals.items():
        (result,) = _results(hub.post("/packets", {"packets": [item]}))
        assert (result["status"], result["code"]) == ("refused", code), result
        assert "gói" in result["message"].lower()  # said in Vietnamese
    signed_by_a = _signed(_packet(2, packets.digest(first)), pki.nodes["tinh-a"])
    (result,) = _results(hub.post("/packets", {"packets": [signed_by_a]}))
    assert result["code"] == "bad_signature"
    assert hub.nodes()["thu"]["last_seq"] == 1  # none of them was taken
    assert hub.entry(pid(199)) is None

    # Not a registered node: refused, named; another CA's certificate or none: no connection.
    unknown = hub.post("/packets", {"packets": [one]}, node="la")
    assert unknown.status_code == 403 and unknown.json()["code"] == "unknown_node"
    for who in ("foreign", None):
        with pytest.raises(requests.exceptions.SSLError), pki.session(who) as session:
            session.post(hub.url + "/packets", json={"packets": [one]}, timeout=10)


def test_killing_the_hub_and_the_sender_mid_stream_loses_and_duplicates_nothing(hub, nodes):
    a = nodes["tinh-a"]
    ids = [pid(300 + i) for i in range(10)]
    assert all(r["ok"] for r in a.run("create", *ids))  # new dossiers need the hub: up
    start = a.head()["head"]
    driver = a.background("update", *ids)  # updates do not: they queue while it is down
    try:
        logs = (a.data / "driver.log", a.data / "sender.log", hub.data / "log")
        wait_for(lambda: hub.nodes()["tinh-a"]["last_seq"] >= start + 2, 300, "updates", logs)
        hub.server.kill()
        a.sender.kill()
        wait_for(lambda: a.head()["head"] >= start + 5, 300, "updates queued while both down")
        hub.start()
        a.start_sender()
        assert driver.process.wait(timeout=300) == 0
    finally:
        driver.stop()
    end = start + len(ids)
    wait_for(lambda: a.head() == {"head": end, "pending": 0}, 120, "the outbox drained")
    node = hub.nodes()["tinh-a"]
    assert node["last_seq"] == end and node["received"] == end and node["lag"] == 0
    for one in ids:
        entry = hub.entry(one)
        assert (entry["node"], entry["version"]) == ("tinh-a", 2)
