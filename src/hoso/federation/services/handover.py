"""The hub's side of a hand-over: moving a registry entry from one node to another (R-NO-SILO).

Invariants (docs/decisions/0020-national-hub.md, "Hand-over"):
- only the node the registry names may hand its entry over: the manifest is signed by the
  sending node's registered certificate (`handover_bad_signature`), names that node as sender
  (`node_mismatch`: the TLS certificate decides who sends) and a registered receiver other
  than itself (`handover_unknown_receiver`, `handover_same_node`);
- the move is one conditional update under the entry's row lock (`select_for_update`;
  SQLite's BEGIN IMMEDIATE write lock): of two hand-overs of one entry at once, exactly one
  moves it and the other is refused `handover_not_managed`; exactly one managing node at all
  times;
- idempotent: the same hand-over again (same id, same manifest) answers what it answered the
  first time (`duplicate`) and changes nothing; the same id with another manifest is refused
  `handover_conflict`;
- every move and every refusal is one audit event (`AuditAction.HANDOVER`) in the hub's
  chain, in the same transaction; a refusal changes nothing else.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from hoso.audit.models import AuditAction, AuditOutcome
from hoso.audit.services import event_record
from hoso.core.errors import Problem
from hoso.federation import handover, refusals, selectors, verify
from hoso.federation.models import HubHandover, HubNode, RegistryEntry
from hoso.federation.services.hub import certificate_of
from hoso.signing.canonical import canonical


@dataclass(frozen=True)
class Move:
    status: str  # "moved", "duplicate" or "refused"
    problem: Problem | None = None
    row: HubHandover | None = None

    def as_dict(self) -> dict[str, Any]:
        if self.row is None:
            assert self.problem is not None
            return {"status": self.status, **self.problem.as_dict()}
        return {"status": self.status, **selectors.handover_dict(self.row)}


def _audit(outcome: str, node_id: str, code: str, personal_id: str, **detail: Any) -> None:
    event_record(
        actor=None,
        action=AuditAction.HANDOVER,
        outcome=outcome,
        actor_username=f"node:{node_id}",
        personal_id=personal_id if personal_id.isdigit() and len(personal_id) == 12 else "",
        detail={"code": code, "node": node_id, **detail},
    )


def _refused(node_id: str, code: str, pid: str = "", **details: Any) -> Move:
    text = refusals.message(code, **details)
    _audit(AuditOutcome.DENY, node_id, code, pid, message=text)
    return Move("refused", Problem(code, text))


@transaction.atomic
def handover_move(*, node_id: str, manifest: Any, signature: str) -> Move:
    """Move the registry entry a signed manifest names from `node_id` to its receiver (see
    the module's invariants). Never raises for a bad request: a refusal is a `Move`."""
    why = handover.shape_problem(manifest)
    if why:
        return _refused(node_id, "handover_malformed", detail=why)
    pid, hid = manifest["personal_id"], manifest["handover_id"]
    sender, receiver = manifest["from"]["node"], manifest["to"]["node"]
    if sender != node_id:
        return _refused(node_id, "node_mismatch", pid, claimed=sender, node=node_id)
    try:
        der = base64.b64decode(signature, validate=True)
    except (binascii.Error, ValueError, TypeError):
        return _refused(node_id, "handover_bad_signature", pid, detail="chữ ký không phải base64")
    node = HubNode.objects.get(node_id=node_id)
    why = verify.check(canonical(manifest), der, certificate_of(node))
    if why:
        return _refused(node_id, "handover_bad_signature", pid, detail=why)
    if receiver == sender:
        return _refused(node_id, "handover_same_node", pid, node=sender)
    if not HubNode.objects.filter(node_id=receiver).exists():
        return _refused(node_id, "handover_unknown_receiver", pid, node=receiver)
    digest = handover.digest(manifest)
    entry = RegistryEntry.objects.select_for_update().filter(personal_id=pid).first()
    done = HubHandover.objects.filter(handover_id=hid).first()
    if done is not None:
        if done.manifest_sha256 != digest:
            return _refused(node_id, "handover_conflict", pid, handover_id=hid)
        return Move("duplicate", row=done)  # a retry: answered again, nothing changes
    if entry is None or entry.node_id != sender:
        agency = selectors.agency(entry.node_id) if entry else "không cơ quan nào"
        return _refused(
            node_id, "handover_not_managed", pid, node=sender, personal_id=pid, agency=agency
        )
    moved = RegistryEntry.objects.filter(personal_id=pid, node_id=sender).update(
        node_id=receiver,
        version=0,  # the receiver's first packet (its version 1) replaces it
    )
    if moved != 1:  # never when the lock held; a second guard costs nothing
        return _refused(
            node_id, "handover_not_managed", pid, node=sender, personal_id=pid, agency="?"
        )
    row = HubHandover.objects.create(
        handover_id=hid, personal_id=pid, from_node=sender, to_node=receiver, manifest_sha256=digest
    )
    _audit(
        AuditOutcome.OK,
        node_id,
        "handover_moved",
        pid,
        handover_id=hid,
        to=receiver,
        manifest_sha256=digest,
        registry_version=entry.version,
    )
    return Move("moved", row=row)
