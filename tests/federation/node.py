"""A node's own work, run as a process on the node's database by the federation tests.

    python tests/federation/node.py setup              catalogs, the test tree, the personas
    python tests/federation/node.py create PID [PID…]  a clerk proposes, a records manager
                                                       approves a new dossier on each id
    python tests/federation/node.py update PID         a new full name, approved
    python tests/federation/node.py head               the outbox: {"head": N, "pending": K}
    python tests/federation/node.py handover PID NODE DIR   the records manager hands PID over
    python tests/federation/node.py transfer PID NODE  a transfer decision to NODE, approved
    python tests/federation/node.py accept PACKAGE [UNIT]  a clerk accepts it into UNIT, the
                                                       manager approves
    python tests/federation/node.py trace PID          the trace, a read, a write, the audit

Changes go through the real path (`changeset_propose` → `changeset_approve`, signed), so the
outbox hook, the hub claim and the no-silo check run as on a real node. One JSON line per id.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

sys.path[:0] = [
    str(Path(__file__).resolve().parents[1]),
    str(Path(__file__).resolve().parents[2] / "src"),
]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hoso.settings")

import django  # noqa: E402

django.setup()

from conftest import _make_orgs, _make_personas, dossier  # noqa: E402
from hoso.access.models import User  # noqa: E402
from hoso.catalog.services import catalog_load_builtin  # noqa: E402
from hoso.changes.models import ChangeSet, ChangeStatus  # noqa: E402
from hoso.changes.selectors.versions import current_version_number  # noqa: E402
from hoso.changes.services.changesets import changeset_approve, changeset_propose  # noqa: E402
from hoso.core.errors import DomainError  # noqa: E402
from hoso.federation.models import OutboxCounter, OutboxPacket  # noqa: E402
from hoso.people.models import Person  # noqa: E402


def _users() -> tuple[User, User]:
    return User.objects.get(username="nhaplieu"), User.objects.get(username="quanly")


def _apply(pid: str, operations: list[dict]) -> dict:
    clerk, manager = _users()
    try:
        changeset = changeset_propose(
            acting_user=clerk, personal_id=pid, operations=operations, source_kind="decision"
        )
        version = changeset_approve(acting_user=manager, changeset_id=changeset.pk)
    except DomainError as exc:
        return {
            "pid": pid,
            "ok": False,
            "codes": [p.code for p in exc.problems] or [exc.code],
            "message": str(exc),
        }
    return {"pid": pid, "ok": True, "version": version.number}


def create(pid: str) -> dict:
    data = dossier()
    data["identity"]["personal_id"] = pid
    return _apply(pid, [{"op": "create", "data": data}])


def update(pid: str) -> dict:
    change = {"op": "set", "section": "identity", "values": {"full_name": "Nguyễn Văn Bình"}}
    return _apply(pid, [change])


def _codes(exc: DomainError) -> list[str]:
    return [p.code for p in exc.problems] or [exc.code]


def handover(pid: str, to: str, output: str) -> dict:
    from hoso.exchange.services.handover import handover_send

    _, manager = _users()
    try:
        row = handover_send(acting_user=manager, personal_id=pid, to_node=to, output=Path(output))
    except DomainError as exc:
        return {"pid": pid, "ok": False, "codes": _codes(exc), "message": str(exc)}
    return {"pid": pid, "ok": True, "state": row.state, "package": row.package}


def transfer(pid: str, to: str) -> dict:
    """A clerk registers a transfer decision to node `to`; the records manager approves it:
    the hand-over task runs on commit (immediate backend) as the approver."""
    from datetime import date

    from hoso.changes.services.decisions import decision_register
    from hoso.federation.models import Handover

    clerk, manager = _users()
    today = date.today()
    try:
        decision = decision_register(
            acting_user=clerk,
            decision_type="transfer",
            number=f"{pid[-4:]}/QĐ-SNV",
            signed_date=today,
            issuer="Sở Nội vụ tỉnh A",
            received_date=today,
            effective_date=today,
            personal_id=pid,
            parameters={"to_node": to},
        )
        changeset_approve(acting_user=manager, changeset_id=decision.changeset_id)
    except DomainError as exc:
        return {"pid": pid, "ok": False, "codes": _codes(exc), "message": str(exc)}
    row = Handover.objects.get(decision_id=decision.pk)
    return {
        "pid": pid,
        "ok": True,
        "decision": decision.pk,
        "state": row.state,
        "reason": row.reason,
        "package": row.package,
    }


def accept(package: str, unit: str = "T01.STC.NS") -> dict:
    from hoso.exchange.services.handover import handover_accept

    clerk, manager = _users()
    try:
        row = handover_accept(acting_user=clerk, path=Path(package), unit=unit)
        changeset = ChangeSet.objects.get(pk=row.changeset_id)
        if changeset.status == ChangeStatus.PROPOSED:
            changeset_approve(acting_user=manager, changeset_id=changeset.pk)
    except DomainError as exc:
        return {"ok": False, "codes": _codes(exc), "message": str(exc)}
    version = current_version_number(row.personal_id)
    person = Person.objects.get(personal_id=row.personal_id)
    last = person.career_events.order_by("-effective_date", "-id").first()
    return {
        "pid": row.personal_id,
        "ok": True,
        "state": row.state,
        "version": version,
        "unit": person.current_unit.code,
        "open_posts": person.positions.filter(to_date__isnull=True).count(),
        "last_career_event": last.summary if last else "",
    }


def trace(pid: str) -> dict:
    from hoso.access.policies import dossier_access
    from hoso.audit.models import AuditAction, AuditEvent
    from hoso.audit.verify import chain_verify
    from hoso.federation.handover import trace as handover_trace

    _, manager = _users()
    person = dossier_access(manager, pid).person  # read through the gate, audited
    write = update(pid)
    events = AuditEvent.objects.filter(action=AuditAction.HANDOVER, personal_id=pid)
    return {
        "trace": handover_trace(pid),
        "read": person.personal_id,
        "write": write,
        "people": Person.objects.filter(personal_id=pid).count(),
        "proposals": ChangeSet.objects.filter(personal_id=pid, creates_dossier=True).count(),
        "audit_ok": chain_verify().ok,
        "handover_events": [
            (e.outcome, (e.detail or {}).get("code")) for e in events.order_by("seq")
        ],
    }


def main(action: str, *args: str) -> None:
    if action == "setup":
        catalog_load_builtin()
        _make_personas(_make_orgs())
        print(json.dumps({"ok": True}))
    elif action in ("create", "update"):
        for pid in args:
            print(json.dumps(globals()[action](pid), ensure_ascii=False), flush=True)
    elif action in ("handover", "accept", "trace", "transfer"):
        print(json.dumps(globals()[action](*args), ensure_ascii=False), flush=True)
    elif action == "head":
        counter = OutboxCounter.objects.first()
        pending = OutboxPacket.objects.filter(acked_at__isnull=True).count()
        print(json.dumps({"head": counter.last_seq if counter else 0, "pending": pending}))


if __name__ == "__main__":
    main(*sys.argv[1:])
