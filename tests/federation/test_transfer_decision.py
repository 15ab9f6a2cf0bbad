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
