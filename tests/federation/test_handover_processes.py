"""A dossier handed over from node A to node B, with a hub and two nodes as real processes:
the hub names B, B serves it, A keeps a read-only trace, both audit chains verify and hold the
hand-over; killing the hub or B in the middle ends, once restarted, with exactly one manager
and no half dossier (R-NO-SILO, R-CORRECT; issue 14 item 3; docs/decisions/0020 "Hand-over")."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from hoso import identity

from .conftest import wait_for

# The hub runs on a database of the run (PostgreSQL in the PostgreSQL run): ADR 0025.
pytestmark = pytest.mark.database_subprocess


def pid(serial: int) -> str:
    return identity.generate(province_code="001", birth_year=1985, sex="M", serial=800000 + serial)


def _created_and_sent(hub, a, one: str) -> None:
    assert a.run("create", one)[0]["ok"]
    wait_for(lambda: (hub.entry(one) or {}).get("version") == 1, 60, "the dossier at the hub")
    wait_for(lambda: a.head()["pending"] == 0, 60, "A's outbox drained")


def test_a_transfer_moves_management_with_both_sides_audit(hub, nodes, tmp_path):
    a, b = nodes["tinh-a"], nodes["tinh-b"]
    one = pid(1)
    _created_and_sent(hub, a, one)

    # Only the managing node may send it: B has no such dossier (the gate's 404; the hub's
    # `handover_not_managed` is tested in test_handover.py).
    refused = b.run("handover", one, "tinh-a", str(tmp_path / "b-out"))[0]
    assert refused["ok"] is False and refused["codes"] == ["not_found"]
    assert hub.entry(one)["node"] == "tinh-a"

    sent = a.run("handover", one, "tinh-b", str(tmp_path / "a-out"))[0]
    assert sent["ok"] is True and sent["state"] == "moved", sent
    assert hub.entry(one)["node"] == "tinh-b"
    package = Path(sent["package"])
    again = a.run("handover", one, "tinh-b", str(tmp_path / "a-out"))[0]
    assert again["codes"] == ["managed_elsewhere"]  # handed over once, never twice

    # A forged or tampered package is refused and changes nothing at B.
    edited = tmp_path / "edited"
    shutil.copytree(package, edited)
    manifest = edited / "handover.json"
    manifest.write_bytes(manifest.read_bytes().replace(b'"tinh-b"', b'"tinh-x"'))
    tampered = tmp_path / "tampered"
    shutil.copytree(package, tampered)
    (tampered / "bag" / one / "data" / "dossier.json").write_text("{}")
    for bad, code in ((edited, "handover_bad_signature"), (tampered, "bag_checksum_mismatch")):
        answer = b.run("accept", str(bad))[0]
        assert answer["ok"] is False and code in answer["codes"], answer
    assert a.run("accept", str(package))[0]["codes"] == ["handover_not_for_us"]

    accepted = b.run("accept", str(package))[0]
    assert accepted["ok"] is True and accepted["state"] == "accepted", accepted
    assert accepted["version"] == 1 and accepted["unit"] == "T01.STC.NS"
    # B's first packet fills the moved entry.
    wait_for(
        lambda: (hub.entry(one) or {}).get("version") == 1 and hub.entry(one)["node"] == "tinh-b",
        60,
        "B's packet at the hub",
    )
    assert b.run("accept", str(package))[0]["ok"]  # the same package again: idempotent

    at_b = b.run("trace", one)[0]
    assert at_b["read"] == one and at_b["write"]["ok"] is True  # B serves and manages it
    assert at_b["people"] == 1 and at_b["proposals"] == 1
    assert at_b["audit_ok"] is True
    assert ("ok", "handover_accepted") in [tuple(e) for e in at_b["handover_events"]]
    assert ("deny", "handover_bad_signature") in [tuple(e) for e in at_b["handover_events"]]

    at_a = a.run("trace", one)[0]
    assert at_a["read"] == one  # the trace stays readable through the gate
    assert at_a["trace"]["to_node"] == "tinh-b"
    assert at_a["trace"]["to_agency"] == "Sở Nội vụ tỉnh B"
    assert at_a["write"]["ok"] is False and at_a["write"]["codes"] == ["managed_elsewhere"]
    assert "Sở Nội vụ tỉnh B" in at_a["write"]["message"]
    assert at_a["audit_ok"] is True
    events = [tuple(e) for e in at_a["handover_events"]]
    assert ("ok", "handover_started") in events and ("ok", "handover_moved") in events
    assert hub.entry(one)["node"] == "tinh-b"


def test_killing_the_hub_or_the_receiver_mid_hand_over_ends_with_one_manager(hub, nodes, tmp_path):
    a, b = nodes["tinh-a"], nodes["tinh-b"]
    one = pid(2)
    _created_and_sent(hub, a, one)
    out = tmp_path / "out"

    # The hub dies once the package is being made: the hand-over waits, writes stay frozen.
    driver = a.background("handover", one, "tinh-b", str(out))
    try:
        wait_for(lambda: out.exists() and any(out.iterdir()), 120, "the package begun")
        hub.server.kill()
        assert driver.process.wait(timeout=300) == 0
    finally:
        driver.stop()
        if hub.server.process.poll() is not None:
            hub.start()
    frozen = a.run("trace", one)[0]
    assert frozen["write"]["ok"] is False
    assert frozen["write"]["codes"][0] in ("handover_in_progress", "managed_elsewhere")
    # Restarted, the same command finishes the same hand-over (no second move).
    resumed = a.run("handover", one, "tinh-b", str(out))[0]
    assert resumed["ok"] or resumed["codes"] == ["managed_elsewhere"], resumed
    assert hub.entry(one)["node"] == "tinh-b"
    (package,) = [p for p in out.iterdir() if p.is_dir() and not p.name.startswith(".")]

    # B dies while accepting: once restarted, accepting again ends with one dossier.
    driver = b.background("accept", str(package))
    try:
        wait_for(lambda: (b.data / "driver.log").exists(), 30, "B accepting")
        time.sleep(1.5)
        driver.kill()
    finally:
        driver.stop()
    accepted = b.run("accept", str(package))[0]
    assert accepted["ok"] is True and accepted["version"] == 1, accepted
    at_b = b.run("trace", one)[0]
    assert at_b["people"] == 1 and at_b["proposals"] == 1 and at_b["audit_ok"]
    at_a = a.run("trace", one)[0]
    assert at_a["write"]["codes"] == ["managed_elsewhere"] and at_a["audit_ok"]
    assert hub.entry(one)["node"] == "tinh-b"


def test_a_transfer_decision_to_another_agency_hands_the_dossier_over_into_the_chosen_unit(
    hub, nodes, tmp_path
):
    """Issue 14 item 3 / issue 12: the transfer decision, approved at A, starts the hand-over
    (the task on commit, as the approver); B's records manager chooses the receiving unit at
    acceptance, in the import's change set; both sides' audit chains hold it (R-NO-SILO)."""
    a, b = nodes["tinh-a"], nodes["tinh-b"]
    one = pid(3)
    _created_and_sent(hub, a, one)

    for to, code in (("tinh-a", "handover_same_node"), ("tinh-x", "handover_unknown_receiver")):
        refused = a.run("transfer", one, to)[0]
        assert refused["ok"] is False and refused["codes"] == [code], refused
    assert hub.entry(one)["node"] == "tinh-a"

    sent = a.run("transfer", one, "tinh-b")[0]
    assert sent["ok"] is True and sent["state"] == "moved", sent
    assert hub.entry(one)["node"] == "tinh-b"
    package = sent["package"]

    # A unit not of this node, none, or one outside the accepting clerk's duty: nothing written.
    for unit, code in (
        ("T99.KHONG", "handover_unknown_unit"),
        ("", "handover_unknown_unit"),
        ("T01.XA", "not_assigned"),
    ):
        answer = b.run("accept", package, unit)[0]
        assert answer["ok"] is False and answer["codes"] == [code], answer
    accepted = b.run("accept", package, "T01.STC")[0]
    assert accepted["ok"] is True and accepted["version"] == 1, accepted
    assert accepted["unit"] == "T01.STC"
    assert accepted["open_posts"] == 0  # the posts held at A ended; B assigns its own
    assert accepted["last_career_event"].startswith("Điều động đến Sở Nội vụ tỉnh B")
    assert "(cơ quan tinh-b)" in accepted["last_career_event"]
    wait_for(
        lambda: (hub.entry(one) or {}).get("version") == 1 and hub.entry(one)["node"] == "tinh-b",
        60,
        "B's packet at the hub",
    )

    at_a = a.run("trace", one)[0]
    assert at_a["read"] == one and at_a["trace"]["to_node"] == "tinh-b"
    assert at_a["write"]["codes"] == ["managed_elsewhere"] and at_a["audit_ok"]
    events = [tuple(e) for e in at_a["handover_events"]]
    assert ("ok", "handover_started") in events and ("ok", "handover_moved") in events
    at_b = b.run("trace", one)[0]
    assert at_b["write"]["ok"] is True and at_b["audit_ok"]
    assert at_b["people"] == 1 and at_b["proposals"] == 1
    events = [tuple(e) for e in at_b["handover_events"]]
    assert ("ok", "handover_accepted") in events
    assert ("deny", "handover_unknown_unit") in events
