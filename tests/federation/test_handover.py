"""The hand-over of a dossier between nodes, in one process: the hub's move and its refusals
(each with its code, audited, changing nothing), exactly one manager under concurrent
attempts, the package's checks, and the sender's read-only trace refusing every write
(R-NO-SILO, R-CORRECT; issue 14 item 3; docs/decisions/0020-national-hub.md "Hand-over")."""

from __future__ import annotations

import base64
import threading
import uuid

import pytest
from django.db import connection

from hoso import identity
from hoso.audit.models import AuditAction, AuditEvent, AuditOutcome
from hoso.changes.models import ChangeSet
from hoso.changes.services.changesets import changeset_approve, changeset_propose
from hoso.core.errors import NotFound, ValidationFailed
from hoso.exchange.services.handover import handover_send
from hoso.federation import handover, keys
from hoso.federation.models import (
    Handover,
    HandoverRole,
    HandoverState,
    HubHandover,
    RegistryEntry,
)
from hoso.federation.services import hub
from hoso.federation.services.handover import handover_move
from hoso.signing.canonical import canonical
from hoso.signing.cms import sign_bytes

PID = identity.generate(province_code="001", birth_year=1988, sex="M", serial=424242)
AGENCIES = (("tinh-a", "Sở Nội vụ tỉnh A"), ("tinh-b", "Sở Nội vụ tỉnh B"), ("thu", "Nút thử"))


def _register(pki) -> None:
    roots = keys.roots(pki.hub)
    for node, name in AGENCIES:
        cert = pki.nodes[node].cert.read_bytes()
        hub.node_register(node_id=node, name=name, certificate_pem=cert, trust_roots=roots)


@pytest.fixture
def registered(db, pki):
    _register(pki)
    RegistryEntry.objects.create(personal_id=PID, node_id="tinh-a", version=3, summary={"x": 1})
    return pki


def manifest(*, sender="tinh-a", to="tinh-b", hid=None, pid=PID, tag="ab" * 32):
    return handover.manifest(
        handover_id=hid or uuid.uuid4().hex,
        personal_id=pid,
        from_node=sender,
        from_agency="Sở Nội vụ tỉnh A",
        to_node=to,
        registry={"node": "tinh-a", "version": 3},
        export_id="x",
        tagmanifest_sha256=tag,
        created_at="2026-12-07T15:00:00+00:00",
    )


def signed(pki, body, signer="tinh-a") -> str:
    der = sign_bytes(canonical(body), keys.signing_key(pki.nodes[signer])).der
    return base64.b64encode(der).decode()


def audited(outcome: str, code: str):
    return AuditEvent.objects.filter(
        action=AuditAction.HANDOVER, outcome=outcome, detail__code=code
    )


# --- The hub ---------------------------------------------------------------------------------


def test_the_managing_node_moves_its_entry_once_and_a_retry_is_answered_alike(registered):
    body = manifest()
    move = handover_move(node_id="tinh-a", manifest=body, signature=signed(registered, body))
    assert move.status == "moved" and move.as_dict()["agency"] == "Sở Nội vụ tỉnh B"
    entry = RegistryEntry.objects.get(pk=PID)
    assert entry.node_id == "tinh-b" and entry.version == 0  # B's first packet replaces it
    assert audited(AuditOutcome.OK, "handover_moved").count() == 1
    again = handover_move(node_id="tinh-a", manifest=body, signature=signed(registered, body))
    assert again.status == "duplicate" and again.row.pk == move.row.pk
    assert HubHandover.objects.count() == 1
    assert audited(AuditOutcome.OK, "handover_moved").count() == 1


def test_each_bad_hand_over_is_refused_with_its_code_audited_and_changes_nothing(registered):
    pki = registered
    good = manifest()
    forged = {**good, "to": {"node": "thu"}}  # edited after signing
    cases = {
        "handover_not_managed": ("tinh-b", manifest(sender="tinh-b", to="thu"), "tinh-b"),
        "node_mismatch": ("tinh-b", good, "tinh-a"),
        "handover_bad_signature": ("tinh-a", good, "thu"),
        "handover_same_node": ("tinh-a", manifest(to="tinh-a"), "tinh-a"),
        "handover_unknown_receiver": ("tinh-a", manifest(to="la"), "tinh-a"),
        "handover_malformed": ("tinh-a", {**good, "personal_id": "12"}, "tinh-a"),
    }
    for code, (node, body, signer) in cases.items():
        move = handover_move(node_id=node, manifest=body, signature=signed(pki, body, signer))
        assert (move.status, move.problem.code) == ("refused", code), code
        assert audited(AuditOutcome.DENY, code).exists(), code
    tampered = handover_move(node_id="tinh-a", manifest=forged, signature=signed(pki, good))
    assert tampered.problem.code == "handover_bad_signature"
    assert "đã bị thay đổi" in tampered.problem.message  # said in Vietnamese
    assert not HubHandover.objects.exists()
    assert RegistryEntry.objects.get(pk=PID).node_id == "tinh-a"

    # The same hand-over id with another manifest after a move: refused, not a second move.
    moved = handover_move(node_id="tinh-a", manifest=good, signature=signed(pki, good))
    other = manifest(hid=good["handover_id"], to="thu")
    conflict = handover_move(node_id="tinh-b", manifest=other, signature=signed(pki, other))
    assert moved.status == "moved" and conflict.problem.code in (
        "node_mismatch",
        "handover_conflict",
    )
    again = {**other, "from": {"node": "tinh-b", "agency": "B"}}
    conflict = handover_move(
        node_id="tinh-b", manifest=again, signature=signed(pki, again, "tinh-b")
    )
    assert conflict.problem.code == "handover_conflict"
    assert RegistryEntry.objects.get(pk=PID).node_id == "tinh-b"


def _race(attempts):
    barrier = threading.Barrier(len(attempts))
    results, errors = [], []

    def attempt(node, body, signature):
        barrier.wait()
        try:
            results.append(handover_move(node_id=node, manifest=body, signature=signature))
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=a) for a in attempts]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    return sorted(r.status for r in results), results


@pytest.mark.django_db(transaction=True)
def test_concurrent_hand_overs_leave_exactly_one_managing_node(pki, orgs_committed):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serializes writers; the race is a PostgreSQL matter")
    _register(pki)
    RegistryEntry.objects.create(personal_id=PID, node_id="tinh-a")
    # Two hand-overs of one entry to two receivers at once: one moves it, one is refused.
    to_b, to_thu = manifest(to="tinh-b"), manifest(to="thu")
    statuses, results = _race([("tinh-a", m, signed(pki, m)) for m in (to_b, to_thu, to_b, to_thu)])
    assert statuses.count("moved") == 1 and HubHandover.objects.count() == 1
    winner = next(r for r in results if r.status == "moved").row.to_node
    assert RegistryEntry.objects.get(pk=PID).node_id == winner
    # The repeats of the winner answer `duplicate`; the loser's are refused as not managed.
    losers = [r for r in results if r.status == "refused"]
    assert losers and {r.problem.code for r in losers} == {"handover_not_managed"}
    assert statuses.count("duplicate") == 1

    # The same hand-over sent five times at once: one move, four duplicates.
    RegistryEntry.objects.create(personal_id=PID[:-1] + "9", node_id="tinh-a")
    same = manifest(pid=PID[:-1] + "9")
    statuses, _ = _race([("tinh-a", same, signed(pki, same))] * 5)
    assert statuses == ["duplicate"] * 4 + ["moved"]
    assert HubHandover.objects.filter(personal_id=PID[:-1] + "9").count() == 1


# --- The package -----------------------------------------------------------------------------


@pytest.fixture
def at_b(settings, pki):
    settings.HOSO_FEDERATION_NODE_ID = "tinh-b"
    settings.HOSO_FEDERATION_DIR = pki.nodes["tinh-b"].key.parent
    return pki


def _package(tmp_path, pki, signer="tinh-a"):
    bag = tmp_path / "pkg" / "bag" / PID
    bag.mkdir(parents=True)
    (bag / handover.TAG_MANIFEST).write_text("abc  bagit.txt\n")
    body = manifest(tag=handover.tagmanifest_sha256(bag))
    handover.package_sign(tmp_path / "pkg", body, keys.signing_key(pki.nodes[signer]))
    return tmp_path / "pkg", bag


def test_a_package_signed_by_its_sender_over_its_bag_reads(at_b, tmp_path):
    directory, _ = _package(tmp_path, at_b)
    read = handover.package_read(directory)
    assert read.personal_id == PID and read.body["to"]["node"] == "tinh-b"


@pytest.mark.parametrize(
    ("damage", "code"),
    [
        ("bag", "handover_tampered"),
        ("manifest", "handover_bad_signature"),
        ("signer", "handover_bad_signature"),
        ("garbage", "handover_malformed"),
        ("missing", "handover_malformed"),
    ],
)
def test_a_forged_or_tampered_package_is_refused_with_its_code(at_b, tmp_path, damage, code):
    directory, bag = _package(tmp_path, at_b, signer="thu" if damage == "signer" else "tinh-a")
    if damage == "bag":
        (bag / handover.TAG_MANIFEST).write_text("abd  bagit.txt\n")
    elif damage == "manifest":
        raw = (directory / handover.MANIFEST).read_bytes()
        (directory / handover.MANIFEST).write_bytes(raw.replace(b"tinh-b", b"tinh-c"))
    elif damage == "garbage":
        (directory / handover.MANIFEST).write_bytes(b"{not json")
    elif damage == "missing":
        (directory / handover.SIGNATURE).unlink()
    with pytest.raises(ValidationFailed) as refused:
        handover.package_read(directory)
    assert refused.value.problems[0].code == code
    assert refused.value.problems[0].message  # Vietnamese, specific


# --- The sender's trace, and who may send ----------------------------------------------------


def _trace(person, state=HandoverState.MOVED):
    return Handover.objects.create(
        handover_id=uuid.uuid4().hex,
        role=HandoverRole.SENT,
        personal_id=person.personal_id,
        from_node="tinh-a",
        to_node="tinh-b",
        to_agency="Sở Nội vụ tỉnh B",
        state=state,
    )


def _propose(personas, person):
    return changeset_propose(
        acting_user=personas["nhaplieu"],
        personal_id=person.personal_id,
        operations=[{"op": "set", "section": "identity", "values": {"full_name": "Lê Thị Hoa"}}],
        source_kind="decision",
    )


def test_a_handed_over_dossier_refuses_every_write_naming_the_new_agency(personas, make_dossier):
    person = make_dossier()
    earlier = _propose(personas, person)  # proposed before the hand-over
    _trace(person)
    before = ChangeSet.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        _propose(personas, person)
    problem = refused.value.problems[0]
    assert problem.code == "managed_elsewhere" and "Sở Nội vụ tỉnh B" in problem.message
    assert ChangeSet.objects.count() == before
    with pytest.raises(ValidationFailed) as late:
        changeset_approve(acting_user=personas["quanly"], changeset_id=earlier.pk)
    assert late.value.problems[0].code == "managed_elsewhere"
    assert handover.trace(person.personal_id)["to_agency"] == "Sở Nội vụ tỉnh B"


def test_a_dossier_being_handed_over_is_frozen_and_a_refused_one_thaws(personas, make_dossier):
    person = make_dossier()
    row = _trace(person, HandoverState.SENDING)
    with pytest.raises(ValidationFailed) as refused:
        _propose(personas, person)
    assert refused.value.problems[0].code == "handover_in_progress"
    row.state = HandoverState.REFUSED
    row.save()
    assert _propose(personas, person).pk  # writes resume
    assert handover.trace(person.personal_id) is None


def test_the_api_refuses_a_write_on_a_handed_over_dossier(client, personas, make_dossier):
    from conftest import login

    person = make_dossier()
    _trace(person)
    login(client, personas["nhaplieu"])
    answer = client.post(
        "/api/v1/changesets",
        {
            "personal_id": person.personal_id,
            "operations": [{"op": "set", "section": "identity", "values": {"full_name": "X Y"}}],
            "source_kind": "decision",
        },
        content_type="application/json",
    )
    assert answer.status_code == 422
    assert answer.json()["error"]["problems"][0]["code"] == "managed_elsewhere"


def test_only_a_records_manager_of_the_person_may_send_and_each_refusal_is_audited(
    settings, pki, personas, make_dossier, client
):
    from conftest import login

    settings.HOSO_FEDERATION_NODE_ID = "tinh-a"
    settings.HOSO_FEDERATION_DIR = pki.nodes["tinh-a"].key.parent
    settings.HOSO_HUB_URL = ""
    person = make_dossier()
    pid = person.personal_id
    with pytest.raises(ValidationFailed) as unconfigured:
        handover_send(acting_user=personas["quanly"], personal_id=pid, to_node="tinh-b")
    assert unconfigured.value.problems[0].code == "node_not_configured"
    settings.HOSO_HUB_URL = "https://127.0.0.1:9"  # never reached: refused before
    with pytest.raises(NotFound):
        handover_send(acting_user=personas["ngoai"], personal_id=pid, to_node="tinh-b")
    with pytest.raises(ValidationFailed) as clerk:
        handover_send(acting_user=personas["nhaplieu"], personal_id=pid, to_node="tinh-b")
    assert clerk.value.problems[0].code == "handover_not_records_manager"
    with pytest.raises(ValidationFailed) as same:
        handover_send(acting_user=personas["quanly"], personal_id=pid, to_node="tinh-a")
    assert same.value.problems[0].code == "handover_same_node"
    for code in ("node_not_configured", "handover_not_records_manager", "handover_same_node"):
        assert audited(AuditOutcome.DENY, code).filter(personal_id=pid).exists(), code
    assert not Handover.objects.exists()  # nothing frozen by a refusal

    login(client, personas["nhaplieu"])
    answer = client.post(
        f"/api/v1/people/{pid}/handover", {"to_node": "tinh-b"}, content_type="application/json"
    )
    assert answer.status_code == 422
    assert answer.json()["error"]["problems"][0]["code"] == "handover_not_records_manager"
