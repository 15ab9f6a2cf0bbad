"""The approval asks the hold again under the change set's lock (R-NO-SILO, R-CORRECT;
docs/decisions/0024-write-holds.md): a hand-over that starts, or ends, between the write gate
and the lock refuses the approval (or the rejection) with the gate's stable code and
Vietnamese message, the refusal is in the audit chain like the gate's, and nothing is applied.

The interleaving is made deterministic by recording the hand-over right after the real gate
passed (the gate itself is not replaced)."""

from __future__ import annotations

import uuid

import pytest

from hoso.audit.models import AuditAction, AuditEvent, AuditOutcome
from hoso.audit.purposes import Purpose
from hoso.changes.models import ChangeSet, ChangeStatus, DossierVersion
from hoso.changes.services import changesets
from hoso.core.errors import ValidationFailed
from hoso.federation.models import Handover, HandoverRole, HandoverState, OutboxPacket

AGENCY = "Sở Nội vụ tỉnh B"
CODES = {HandoverState.SENDING: "handover_in_progress", HandoverState.MOVED: "managed_elsewhere"}


@pytest.fixture
def proposal(personas, make_dossier):
    person = make_dossier(unit="T01.STC", full_name="Phạm Văn Khóa")
    return changesets.changeset_propose(
        acting_user=personas["nhaplieu"],
        personal_id=person.personal_id,
        operations=[{"op": "set", "section": "identity", "values": {"phone": "0912345678"}}],
        source_kind="decision",
        source_note="Quyết định 7/QĐ",
    )


def _hand_over_after_the_gate(monkeypatch, personal_id: str, state: str) -> None:
    gate = changesets.review_gate

    def gate_then_hand_over(**kwargs):
        gate(**kwargs)  # the real gate: passes, no hand-over yet
        Handover.objects.create(
            handover_id=uuid.uuid4().hex,
            role=HandoverRole.SENT,
            personal_id=personal_id,
            from_node="tinh-a",
            to_node="tinh-b",
            to_agency=AGENCY,
            state=state,
        )

    monkeypatch.setattr(changesets, "review_gate", gate_then_hand_over)


def _refusals(personal_id: str):
    return AuditEvent.objects.filter(
        action=AuditAction.DOSSIER_WRITE, outcome=AuditOutcome.DENY, personal_id=personal_id
    )


@pytest.mark.parametrize("state", [HandoverState.SENDING, HandoverState.MOVED])
def test_an_approval_refused_under_the_lock_is_audited_and_applies_nothing(
    monkeypatch, personas, signing_keys, proposal, state
):
    pid = proposal.personal_id
    _hand_over_after_the_gate(monkeypatch, pid, state)
    versions, packets = DossierVersion.objects.count(), OutboxPacket.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        changesets.changeset_approve(acting_user=personas["quanly"], changeset_id=proposal.pk)
    problem = refused.value.problems[0]
    assert problem.code == CODES[state]
    assert AGENCY in problem.message and pid in problem.message  # Vietnamese, names the agency
    events = list(_refusals(pid))
    assert len(events) == 1  # the gate passed: this is the lock's refusal
    event = events[0]
    assert event.purpose == Purpose.APPROVE and event.actor_user_id == personas["quanly"].pk
    assert event.detail["code"] == CODES[state] and event.detail["under_lock"] is True
    assert event.detail["message"] == problem.message
    assert ChangeSet.objects.get(pk=proposal.pk).status == ChangeStatus.PROPOSED
    assert DossierVersion.objects.count() == versions
    assert OutboxPacket.objects.count() == packets
    assert not AuditEvent.objects.filter(
        action=AuditAction.CHANGESET, outcome=AuditOutcome.OK, purpose=Purpose.APPROVE
    ).exists()


def test_a_rejection_refused_under_the_lock_is_audited_and_changes_nothing(
    monkeypatch, personas, proposal
):
    pid = proposal.personal_id
    _hand_over_after_the_gate(monkeypatch, pid, HandoverState.MOVED)
    with pytest.raises(ValidationFailed) as refused:
        changesets.changeset_reject(
            acting_user=personas["quanly"], changeset_id=proposal.pk, reason="Sai số"
        )
    assert refused.value.problems[0].code == "managed_elsewhere"
    event = _refusals(pid).get()
    assert event.purpose == Purpose.REJECT and event.detail["code"] == "managed_elsewhere"
    assert ChangeSet.objects.get(pk=proposal.pk).status == ChangeStatus.PROPOSED


def test_without_a_hand_over_the_same_approval_is_applied(personas, signing_keys, proposal):
    """The control: the refusal above is the hold's, not the proposal's."""
    version = changesets.changeset_approve(acting_user=personas["quanly"], changeset_id=proposal.pk)
    assert version.personal_id == proposal.personal_id
    assert ChangeSet.objects.get(pk=proposal.pk).status == ChangeStatus.APPLIED
    assert not _refusals(proposal.personal_id).exists()
