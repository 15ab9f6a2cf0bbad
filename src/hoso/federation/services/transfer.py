"""A transfer decision to another agency starts the hand-over (R-NO-SILO; issue 14 item 3).

When the change set of a personnel decision of type ``transfer`` or ``rotation`` whose
parameter ``to_node`` names another managing node is approved (`changes.services.changesets`),
`handover_request` records, in that same transaction, this node's side of the hand-over in
state SENDING (so writes freeze from the commit on, `handover_in_progress`) with its audit
event, and on commit enqueues the task that makes the signed package and asks the hub to move
the registry entry (`hoso.exchange.tasks.handover_run`, which runs
`exchange.services.handover.handover_send` as the approving records manager and retries while
the hub is down). The package therefore carries the dossier with the decision's career event.

The task is named by its dotted path, as django-tasks itself stores a task: `federation` sits
below `changes` and `exchange` (which imports `changes`), so it may not import the task's
module (docs/decisions/0020-national-hub.md, "Hand-over").
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

from hoso.access import recorder
from hoso.audit.models import AuditAction, AuditOutcome
from hoso.audit.purposes import Purpose
from hoso.federation.models import Handover, HandoverRole, HandoverState

TASK = "hoso.exchange.tasks.handover_run"


def handover_output() -> Path:
    return Path(settings.DATA_DIR) / "handover"


def handover_request(
    *, acting_user: Any, personal_id: str, to_node: str, decision_id: int
) -> Handover:
    """Record the hand-over a decision asks for and enqueue its sending on commit.

    Invariants:
    - called inside the transaction that applies the decision: the SENDING row, its audit
      event and the applied decision commit together or not at all;
    - one hand-over per decision (a second call answers the first row);
    - the task runs only after the commit (`transaction.on_commit`), with the approver's id.
    """
    existing = Handover.objects.filter(decision_id=decision_id, role=HandoverRole.SENT).first()
    if existing is not None:
        return existing
    handover_id = uuid.uuid4().hex
    row = Handover.objects.create(
        handover_id=handover_id,
        role=HandoverRole.SENT,
        personal_id=personal_id,
        from_node=str(settings.HOSO_FEDERATION_NODE_ID),
        to_node=to_node,
        state=HandoverState.SENDING,
        package=str(handover_output() / handover_id),
        decision_id=decision_id,
    )
    recorder.record(
        user=acting_user,
        action=AuditAction.HANDOVER,
        outcome=AuditOutcome.OK,
        personal_id=personal_id,
        purpose=Purpose.ARCHIVE,
        detail={
            "code": "handover_started",
            "handover_id": handover_id,
            "to": to_node,
            "decision": decision_id,
        },
    )
    user_id = acting_user.pk
    transaction.on_commit(
        lambda: import_string(TASK).enqueue(handover_id=handover_id, user_id=user_id)
    )
    return row


def handover_of_decision(decision_id: int) -> Handover | None:
    """The hand-over a decision started, if any (for its page)."""
    return Handover.objects.filter(decision_id=decision_id, role=HandoverRole.SENT).first()
