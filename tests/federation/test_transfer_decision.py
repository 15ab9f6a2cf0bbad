"""A transfer decision to another agency starts the hand-over, in one process with the hub
down: the decision is recorded on the dossier (its last career event), the dossier freezes
(SENDING, audited), the task retried says why, nothing is half-applied; the same through the
`transfer` procedure's last step; and the decision's refusals (R-NO-SILO; issue 14 item 3,
issue 12 item 1; docs/decisions/0020-national-hub.md "Hand-over"). The whole path with a real
hub and two nodes: test_handover_processes.py."""

from __future__ import annotations

from datetime import date

import pytest
from tests.procedures.common import act
from tests.procedures.test_procedures import DECISION, VOTES, second_manager

from hoso.audit.models import AuditAction, AuditEvent, AuditOutcome
from hoso.changes.models import ChangeSet, PersonnelDecision
from hoso.changes.services.changesets import changeset_approve, changeset_propose
from hoso.changes.services.decisions import decision_register
from hoso.core.errors import ValidationFailed
from hoso.federation.models import Handover, HandoverState
from hoso.federation.services.transfer import handover_of_decision
from hoso.people.models import Person
from hoso.procedures.models import ProcedureState
from hoso.procedures.services import procedure_start


@pytest.fixture
def at_a_hub_down(settings, pki, tmp_path):
    settings.HOSO_FEDERATION_NODE_ID = "tinh-a"
    settings.HOSO_FEDERATION_DIR = pki.nodes["tinh-a"].key.parent
    settings.HOSO_HUB_URL = "https://127.0.0.1:9"  # nothing listens: the hub is down
    settings.HOSO_HUB_TIMEOUT_SECONDS = 1
    settings.DATA_DIR = tmp_path
    return settings


def _register(personas, person, **parameters):
    today = date.today()
    return decision_register(
        acting_user=personas["nhaplieu"],
        decision_type="transfer",
        number="45/QĐ-SNV",
        signed_date=today,
        issuer="Sở Nội vụ tỉnh A",
        received_date=today,
        effective_date=today,
        personal_id=person.personal_id,
        parameters=parameters,
    )


def _codes(excinfo) -> list[str]:
    return [p.code for p in excinfo.value.problems]


def test_an_approved_transfer_to_another_agency_freezes_the_dossier_and_retries_the_hand_over(
    at_a_hub_down, personas, make_dossier, django_capture_on_commit_callbacks
):
    person = make_dossier()
    decision = _register(personas, person, to_node="tinh-b")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        changeset_approve(acting_user=personas["quanly"], changeset_id=decision.changeset_id)
    assert len(callbacks) >= 1  # the hand-over task, enqueued on commit and run at once

    row = handover_of_decision(decision.pk)
    assert row is not None and row.state == HandoverState.SENDING and row.to_node == "tinh-b"
    assert row.reason.startswith("Lần thử 1: ")  # the hub down (or the packet waiting): shown
    # The decision is on the dossier before the package is made, so the package carries it.
    event = Person.objects.get(pk=person.pk).career_events.order_by("-id").first()
    assert event.summary.startswith("Điều động đến tinh-b (cơ quan tinh-b)")
    # Frozen while it is being handed over; nothing moved, nothing signed half-way.
    with pytest.raises(ValidationFailed) as frozen:
        changeset_propose(
            acting_user=personas["nhaplieu"],
            personal_id=person.personal_id,
            operations=[{"op": "set", "section": "identity", "values": {"full_name": "A B"}}],
            source_kind="decision",
        )
    assert _codes(frozen) == ["handover_in_progress"]
    assert not (at_a_hub_down.DATA_DIR / "handover" / row.handover_id / "handover.p7s").exists()
    events = AuditEvent.objects.filter(action=AuditAction.HANDOVER, personal_id=person.personal_id)
    assert events.filter(outcome=AuditOutcome.OK, detail__code="handover_started").exists()
    assert events.filter(outcome=AuditOutcome.DENY).exists()  # the failed attempt, audited
    assert Handover.objects.count() == 1


def test_the_decisions_bad_destinations_are_refused_and_change_nothing(
    at_a_hub_down, settings, personas, make_dossier
):
    person = make_dossier()
    before = (ChangeSet.objects.count(), PersonnelDecision.objects.count())
    cases = (
        ({"to_node": "tinh-a"}, "handover_same_node"),
        ({"to_node": "Tỉnh B!"}, "handover_unknown_receiver"),
        ({"to_node": "tinh-b", "organization": "T01.XA"}, "transfer_unit_and_node"),
        ({}, "required"),
    )
    for parameters, code in cases:
        with pytest.raises(ValidationFailed) as refused:
            _register(personas, person, **parameters)
        assert code in _codes(refused), (parameters, _codes(refused))
    settings.HOSO_FEDERATION_NODE_ID = ""
    with pytest.raises(ValidationFailed) as unconfigured:
        _register(personas, person, to_node="tinh-b")
    assert _codes(unconfigured) == ["node_not_configured"]
    assert (ChangeSet.objects.count(), PersonnelDecision.objects.count()) == before
    assert not Handover.objects.exists()


def test_the_transfer_procedures_last_step_issues_the_decision_that_starts_the_hand_over(
    at_a_hub_down, personas, orgs, make_dossier, django_capture_on_commit_callbacks
):
    p = personas
    person = make_dossier()
    procedure = procedure_start(
        acting_user=p["nhaplieu"],
        procedure_type="transfer",
        personal_id=person.personal_id,
        params={"decision": {"to_node": "tinh-b"}},
    )
    act(p["nhaplieu"], procedure, "transfer.proposal")
    act(p["lanhdao"], procedure, "transfer.vote", data=VOTES)
    act(p["quanly"], procedure, "transfer.decision", data=DECISION)
    procedure.refresh_from_db()
    assert procedure.state == ProcedureState.DONE
    decision = PersonnelDecision.objects.get(pk=procedure.decision_id)
    assert handover_of_decision(decision.pk) is None  # not before the decision is approved
    with django_capture_on_commit_callbacks(execute=True):
        changeset_approve(acting_user=second_manager(orgs), changeset_id=decision.changeset_id)
    row = handover_of_decision(decision.pk)
    assert row is not None and row.state == HandoverState.SENDING and row.to_node == "tinh-b"


def test_the_decisions_page_shows_the_hand_over_and_why_it_waits(
    at_a_hub_down, client, personas, make_dossier, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    from conftest import login

    person = make_dossier()
    decision = _register(personas, person, to_node="tinh-b")
    with django_capture_on_commit_callbacks(execute=True):
        changeset_approve(acting_user=personas["quanly"], changeset_id=decision.changeset_id)
    login(client, personas["quanly"])
    page = client.get(reverse("web:decisions", args=[person.personal_id])).content.decode()
    assert "Bàn giao hồ sơ cho tinh-b (nút tinh-b)" in page
    assert "Đang bàn giao" in page and "Lần thử 1:" in page


# --- The receiving node's inbox: the page and the API ---------------------------------------


@pytest.fixture
def inbox_at_b(settings, pki, tmp_path):
    import uuid

    from tests.federation.test_handover import PID, manifest

    from hoso.federation import handover, keys

    settings.HOSO_FEDERATION_NODE_ID = "tinh-b"
    settings.HOSO_FEDERATION_DIR = pki.nodes["tinh-b"].key.parent
    settings.HOSO_HUB_URL = "https://127.0.0.1:9"
    settings.HOSO_HUB_TIMEOUT_SECONDS = 1
    settings.DATA_DIR = tmp_path
    hid = uuid.uuid4().hex
    directory = tmp_path / "handover-inbox" / hid
    bag = directory / "bag" / PID
    bag.mkdir(parents=True)
    (bag / handover.TAG_MANIFEST).write_text("abc  bagit.txt\n")
    body = manifest(hid=hid, tag=handover.tagmanifest_sha256(bag))
    handover.package_sign(directory, body, keys.signing_key(pki.nodes["tinh-a"]))
    return hid, PID


def test_the_inbox_page_lists_a_package_and_refuses_a_bad_unit_or_the_hub_down(
    inbox_at_b, client, personas, orgs
):
    from django.urls import reverse

    from conftest import login

    hid, pid = inbox_at_b
    url = reverse("web:handover_inbox")
    login(client, personas["nhaplieu"])
    assert client.get(url).status_code == 404  # records managers only
    login(client, personas["quanly"])
    page = client.get(url).content.decode()
    assert hid in page and pid in page and "Sở Nội vụ tỉnh A" in page
    assert 'value="T01.STC"' in page  # the unit picker: this node's tree
    before = (ChangeSet.objects.count(), Handover.objects.count(), Person.objects.count())
    cases = (
        ({"goi": hid, "don_vi": "T99.KHONG"}, "handover_unknown_unit"),
        ({"goi": hid, "don_vi": ""}, "handover_unknown_unit"),
        ({"goi": "../../etc", "don_vi": "T01.STC"}, "handover_no_package"),
        ({"goi": hid, "don_vi": "T01.STC"}, "hub_unavailable"),  # the hub cannot say it moved
    )
    for data, code in cases:
        answer = client.post(url, data)
        assert answer.status_code == 400, data
        assert f"mã lỗi: {code}" in answer.content.decode(), (data, code)
    assert (ChangeSet.objects.count(), Handover.objects.count(), Person.objects.count()) == before
    refused = AuditEvent.objects.filter(action=AuditAction.HANDOVER, outcome=AuditOutcome.DENY)
    assert {"handover_unknown_unit", "handover_no_package", "hub_unavailable"} <= {
        e.detail.get("code") for e in refused
    }


def test_the_accept_api_refuses_with_stable_codes(inbox_at_b, client, personas, orgs):
    from conftest import login

    hid, _pid = inbox_at_b
    login(client, personas["quanly"])
    for target, unit, code in (
        (hid, "T99.KHONG", "handover_unknown_unit"),
        ("0" * 32, "T01.STC", "handover_no_package"),
    ):
        answer = client.post(
            f"/api/v1/handovers/{target}/accept", {"unit": unit}, content_type="application/json"
        )
        assert answer.status_code == 422, answer.content
        assert answer.json()["error"]["problems"][0]["code"] == code
    assert not Handover.objects.exists()
