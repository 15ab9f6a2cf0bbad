"""Handing a dossier over from one managing node to another (R-NO-SILO; issue 14 item 3).

The sender signs a package around the archive's BagIt/PREMIS bag (`exchange.archive`), the
hub moves the registry entry (`federation.services.handover`), the receiver verifies the
package and takes the dossier in through the archive's import, i.e. the one change path; the
sender keeps a read-only trace (`federation.handover.write_refusal`). The protocol and its
states: docs/decisions/0020-national-hub.md, "Hand-over".

This lives in `exchange`, beside the archive it wraps, because `federation` sits below
`changes` (which calls it at every approval) and so may not import the archive's import.
"""

from __future__ import annotations

import json
import re
import shutil
import uuid
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from hoso.access import recorder
from hoso.access.models import Role, User
from hoso.access.policies import dossier_write
from hoso.audit.models import AuditAction, AuditOutcome
from hoso.audit.purposes import Purpose
from hoso.changes.effects.common import close_row, open_rows, set_unit
from hoso.changes.selectors.changesets import statuses as changeset_statuses
from hoso.core.dates import today as local_today
from hoso.core.dates import vn
from hoso.core.errors import DomainError, NotFound, Problem, ValidationFailed
from hoso.exchange.archive import archive_export, archive_import
from hoso.exchange.imports.selectors import may_import
from hoso.federation import client, keys, refusals, selectors
from hoso.federation import handover as package
from hoso.federation.models import Handover, HandoverRole, HandoverState
from hoso.federation.services import sender
from hoso.orgs.models import Organization
from hoso.orgs.selectors import org_get


def _audit(
    user: User, outcome: str, personal_id: str, code: str, purpose: str, **detail: Any
) -> None:
    with transaction.atomic():
        recorder.record(
            user=user,
            action=AuditAction.HANDOVER,
            outcome=outcome,
            personal_id=personal_id if re.fullmatch(r"\d{12}", personal_id) else "",
            purpose=purpose,
            detail={"code": code, **detail},
        )


def _node_id() -> str:
    if not settings.HOSO_FEDERATION_NODE_ID or not settings.HOSO_HUB_URL:
        raise ValidationFailed(
            [refusals.problem("node_not_configured")], refusals.message("node_not_configured")
        )
    return str(settings.HOSO_FEDERATION_NODE_ID)


def default_output() -> Path:
    return Path(settings.DATA_DIR) / "handover"


def handover_send(
    *, acting_user: User, personal_id: str, to_node: str, output: Path | None = None
) -> Handover:
    """Hand the dossier of `personal_id` over to node `to_node`.

    Invariants:
    - only a records manager whose duty covers the person may send (the write gate: who may
      not open the dossier gets the 404 of a missing one; a reader without the duty
      `handover_not_records_manager`), and only while the hub names this node as its manager
      (`handover_not_managed`) and nothing of it waits in the outbox (`handover_outbox_pending`);
    - writes freeze (state SENDING, committed and audited) before the bag is made, so the
      package holds the last version; the hub's answer turns it into MOVED (the read-only
      trace, `managed_elsewhere`) or REFUSED (writes resume); the hub unreachable leaves it
      SENDING, and the same call again resumes it with the same package (idempotent at the
      hub: never two moves);
    - every step and every refusal is in this node's audit chain (`AuditAction.HANDOVER`).
    """
    pid = str(personal_id)
    try:
        return _send(acting_user, pid, str(to_node), Path(output or default_output()))
    except DomainError as error:
        _audit(
            acting_user,
            AuditOutcome.DENY,
            pid,
            _code(error),
            Purpose.ARCHIVE,
            to=str(to_node)[:32],
            message=error.message[:300],
        )
        raise


def _code(error: DomainError) -> str:
    return error.problems[0].code if error.problems else error.code


def _send(acting_user: User, pid: str, to_node: str, output: Path) -> Handover:
    # The gate first: who may not open the dossier learns nothing else, not even how the
    # node is set up (tests/access/test_authorization_matrix.py).
    dossier_write(
        acting_user,
        pid,
        Purpose.ARCHIVE,
        {Role.RECORDS_MANAGER},
        refusal=package.refusal("handover_not_records_manager", personal_id=pid),
    )
    node_id = _node_id()
    previous = package.latest(pid)
    if previous is not None and previous.role == HandoverRole.SENT:
        if previous.state == HandoverState.SENDING and previous.to_node == to_node:
            return _deliver(acting_user, previous)  # a retry after the hub was unreachable
        frozen = package.write_refusal(pid)
        if frozen is not None:
            raise frozen
    if to_node == node_id:
        raise package.refusal("handover_same_node", node=node_id)
    if not package.NODE_ID.fullmatch(to_node):
        raise package.refusal("handover_unknown_receiver", node=to_node[:32])
    entry = client.registry_get(pid)
    if entry is None or entry.get("node") != node_id:
        agency = (entry or {}).get("agency") or "không cơ quan nào"
        raise package.refusal("handover_not_managed", node=node_id, personal_id=pid, agency=agency)
    pending = selectors.outbox_pending_for(node_id, pid)
    if pending:
        raise package.refusal("handover_outbox_pending", personal_id=pid, count=pending)
    handover_id = uuid.uuid4().hex
    directory = output / handover_id
    with transaction.atomic():
        row = Handover.objects.create(
            handover_id=handover_id,
            role=HandoverRole.SENT,
            personal_id=pid,
            from_node=node_id,
            to_node=to_node,
            state=HandoverState.SENDING,
            package=str(directory),
        )
        _audit(
            acting_user,
            AuditOutcome.OK,
            pid,
            "handover_started",
            Purpose.ARCHIVE,
            handover_id=handover_id,
            to=to_node,
        )
    _package_make(acting_user, row, entry)
    return _deliver(acting_user, row)


def _package_make(acting_user: User, row: Handover, entry: dict[str, Any]) -> None:
    """The bag (the archive's export, gated and audited there), then the signed manifest."""
    directory = Path(row.package)
    if directory.exists():
        shutil.rmtree(directory)  # left by an interrupted run of ours, never a signed package
    directory.mkdir(parents=True, mode=0o700)
    try:
        exported = archive_export(
            acting_user=acting_user, personal_id=row.personal_id, output=directory / package.BAG_DIR
        )
        body = package.manifest(
            handover_id=row.handover_id,
            personal_id=row.personal_id,
            from_node=row.from_node,
            from_agency=_own_agency(),
            to_node=row.to_node,
            registry={
                "node": entry.get("node"),
                "version": entry.get("version"),
            },
            export_id=exported.export_id,
            tagmanifest_sha256=package.tagmanifest_sha256(
                directory / package.BAG_DIR / row.personal_id
            ),
            created_at=timezone.now().isoformat(timespec="seconds"),
        )
        package.package_sign(directory, body, keys.signing_key(keys.node_paths()))
    except BaseException as error:
        shutil.rmtree(directory, ignore_errors=True)
        if isinstance(error, DomainError):
            _settle(acting_user, row, HandoverState.REFUSED, error.message)
        raise
    Handover.objects.filter(pk=row.pk).update(manifest_sha256=package.digest(body))


def _own_agency() -> str:
    from cryptography.x509.oid import NameOID

    certificate = keys.signing_key(keys.node_paths()).certificate
    names = certificate.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)
    return str(names[0].value) if names else str(settings.HOSO_FEDERATION_NODE_ID)


def _deliver(acting_user: User, row: Handover) -> Handover:
    directory = Path(row.package)
    if not (directory / package.SIGNATURE).exists():  # killed before it was signed: again
        # A decision's hand-over (`federation.services.transfer`) starts in the transaction
        # that applied it: its packet must reach the hub before the entry moves.
        pending = selectors.outbox_pending_for(row.from_node, row.personal_id)
        if pending:
            raise package.refusal(
                "handover_outbox_pending", personal_id=row.personal_id, count=pending
            )
        entry = client.registry_get(row.personal_id) or {}
        _package_make(acting_user, row, entry)
    signed = package.package_read(directory)
    try:
        answer = client.handover_move(signed.body, signed.signature)
    except ValidationFailed as error:
        if _code(error) != "hub_unavailable":  # the hub said no: writes resume here
            _settle(acting_user, row, HandoverState.REFUSED, error.message)
        raise
    row.to_agency = str(answer.get("agency") or row.to_node)[:200]
    row.manifest_sha256 = package.digest(signed.body)
    _settle(acting_user, row, HandoverState.MOVED, "", status=answer.get("status"))
    return row


def _settle(acting_user: User, row: Handover, state: str, reason: str, **detail: Any) -> None:
    with transaction.atomic():
        row.state, row.reason = state, reason[:500]
        row.save(update_fields=["state", "reason", "to_agency", "manifest_sha256", "updated_at"])
        _audit(
            acting_user,
            AuditOutcome.OK if state == HandoverState.MOVED else AuditOutcome.DENY,
            row.personal_id,
            f"handover_{state}",
            Purpose.ARCHIVE,
            handover_id=row.handover_id,
            to=row.to_node,
            agency=row.to_agency,
            **detail,
        )


RETRIED = ("hub_unavailable", "handover_outbox_pending")


def _outbox_flush() -> None:
    """Push what waits in the outbox (idempotent at the hub: a packet twice is a duplicate)."""
    try:
        for _ in range(20):
            done = sender.send_once()
            if done.sent == 0 or done.acked == 0:
                return
    except (client.HubUnavailable, sender.BadAck):
        return  # the hand-over below then says the hub is down, and is retried


def handover_resume(*, acting_user: User, handover_id: str, attempt: int = 1) -> tuple[str, bool]:
    """Carry on a hand-over that a transfer decision started (`federation.services.transfer`);
    its state after, and whether to try again later.

    Invariants:
    - only a SENDING hand-over of this node is carried on (anything else answers its state);
    - the outbox is flushed first, so the hub holds the decision's version before the move;
    - the hub down or a packet still waiting keeps it SENDING, the reason recorded for the
      decision's page (`Lần thử N: …`), and asks for a retry; any other refusal of the hub is
      final (REFUSED with its reason, writes resume; `handover_send` records it).
    """
    row = Handover.objects.filter(handover_id=handover_id, role=HandoverRole.SENT).first()
    if row is None or row.state != HandoverState.SENDING:
        return (row.state if row is not None else "missing"), False
    _outbox_flush()
    try:
        done = handover_send(
            acting_user=acting_user,
            personal_id=row.personal_id,
            to_node=row.to_node,
            output=Path(row.package).parent,
        )
    except ValidationFailed as error:
        if _code(error) not in RETRIED:
            return Handover.objects.get(pk=row.pk).state, False
        with transaction.atomic():
            Handover.objects.filter(pk=row.pk, state=HandoverState.SENDING).update(
                reason=f"Lần thử {attempt}: {error.message}"[:500], updated_at=timezone.now()
            )
        return HandoverState.SENDING, True
    return done.state, False


def handover_accept(
    *, acting_user: User, path: Path, unit: str, today: date | None = None
) -> Handover:
    """Take in a hand-over package addressed to this node, into the receiving unit `unit`.

    Invariants:
    - `unit` is a unit of this node's tree valid today (`handover_unknown_unit`,
      `handover_unit_not_valid`), checked before anything else; the imported dossier's current
      unit becomes it and the posts held at the sending agency end the day before, in the
      same change set as the import (one change path; issue 14 item 3);
    - nothing is written unless the package's signature is the sending node's under the
      federation's roots (`handover_bad_signature`), its bag is the one signed
      (`handover_tampered`, then the archive's own BagIt/PREMIS verification), it names this
      node (`handover_not_for_us`) and the hub names this node as the new manager under this
      hand-over (`handover_not_moved`);
    - the dossier enters through `archive_import`, i.e. a change set proposed by
      `acting_user` (who must be allowed to propose it) that a records manager approves,
      and the acceptance record and its audit event are in that same transaction: a kill
      leaves either all of it or nothing;
    - the same package again answers the acceptance already recorded (idempotent);
    - every refusal is audited in this node's chain (`AuditAction.HANDOVER`).
    """
    try:
        receiving = _receiving_unit(str(unit or "").strip(), today or local_today())
        return _accept(acting_user, Path(path), receiving, today or local_today())
    except DomainError as error:
        _audit(
            acting_user,
            AuditOutcome.DENY,
            _claimed_personal_id(Path(path)),
            _code(error),
            Purpose.ARCHIVE_IMPORT,
            package=Path(path).name[:60],
            message=error.message[:300],
        )
        raise


def _claimed_personal_id(path: Path) -> str:
    """The id a refused package claims to be about (for the audit trail only; unverified)."""
    try:
        claimed = json.loads((path / package.MANIFEST).read_bytes()).get("personal_id")
    except (OSError, ValueError, AttributeError):
        return ""
    return str(claimed) if re.fullmatch(r"\d{12}", str(claimed)) else ""


def _receiving_unit(code: str, on: date) -> Organization:
    found = org_get(code) if code else None
    if found is None:
        raise package.refusal("handover_unknown_unit", unit=code[:32] or "(trống)")
    if not (found.valid_from <= on and (found.valid_to is None or on <= found.valid_to)):
        raise package.refusal("handover_unit_not_valid", unit=found.name, on=vn(on))
    return found


def _into_unit(unit: Organization, on: date) -> Callable[[dict[str, Any]], list[dict[str, Any]]]:
    """The operations after the import: the receiving unit, the sender's posts ended."""

    def then(data: dict[str, Any]) -> list[dict[str, Any]]:
        ops: list[dict[str, Any]] = [
            close_row(data, "positions", i, on) for i in open_rows(data, "positions")
        ]
        ops += set_unit(data, unit, None)
        return ops

    return then


def _accept(acting_user: User, path: Path, unit: Organization, today: date) -> Handover:
    node_id = _node_id()
    signed = package.package_read(path)
    body, pid, hid = signed.body, signed.personal_id, signed.handover_id
    if body["to"]["node"] != node_id:
        raise package.refusal("handover_not_for_us", to=body["to"]["node"], node=node_id)
    done = Handover.objects.filter(handover_id=hid, role=HandoverRole.RECEIVED).first()
    if done is not None:
        return done
    digest = package.digest(body)
    try:
        moved = client.handover_get(hid)
        entry = client.registry_get(pid)
    except ValidationFailed as error:
        if _code(error) != "hub_unavailable":
            raise
        text = refusals.message("hub_unavailable_accept", handover_id=hid)
        raise ValidationFailed([Problem("hub_unavailable", text)], text) from error
    if (
        moved is None
        or moved.get("to") != node_id
        or moved.get("personal_id") != pid
        or moved.get("manifest_sha256") != digest
        or (entry or {}).get("node") != node_id
    ):
        raise package.refusal("handover_not_moved", personal_id=pid, handover_id=hid)
    with transaction.atomic():
        imported = archive_import(
            acting_user=acting_user, path=signed.bag, then=_into_unit(unit, today)
        )
        row = Handover.objects.create(
            handover_id=hid,
            role=HandoverRole.RECEIVED,
            personal_id=pid,
            from_node=body["from"]["node"],
            to_node=node_id,
            to_agency=str(moved.get("agency") or "")[:200],
            state=HandoverState.ACCEPTED,
            package=str(path)[:500],
            manifest_sha256=digest,
            changeset_id=imported.changeset.pk,
        )
        recorder.record(
            user=acting_user,
            action=AuditAction.HANDOVER,
            outcome=AuditOutcome.OK,
            personal_id=pid,
            purpose=Purpose.ARCHIVE_IMPORT,
            detail={
                "code": "handover_accepted",
                "handover_id": hid,
                "from": body["from"]["node"],
                "changeset": imported.changeset.pk,
                "manifest_sha256": digest,
                "unit": unit.code,
            },
        )
    return row


# --- The receiving node's inbox: packages carried here, waiting to be accepted ---------------


def inbox_dir() -> Path:
    """Where carried packages are put to be accepted from the page or the API
    (`<data dir>/handover-inbox/<hand-over id>/`)."""
    return Path(settings.DATA_DIR) / "handover-inbox"


def inbox_waiting() -> list[dict[str, Any]]:
    """The packages in the inbox addressed to this node and not accepted yet, as their
    manifests claim (unverified until accepted: nothing here is read from a dossier)."""
    root = inbox_dir()
    if not root.is_dir():
        return []
    node = str(settings.HOSO_FEDERATION_NODE_ID or "")
    done = set(
        Handover.objects.filter(role=HandoverRole.RECEIVED).values_list("handover_id", flat=True)
    )
    waiting = []
    for directory in sorted(root.iterdir()):
        if not package.HANDOVER_ID.fullmatch(directory.name) or directory.name in done:
            continue
        try:
            body = json.loads((directory / package.MANIFEST).read_bytes())
            to, sender = body["to"]["node"], body["from"]
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if to != node:
            continue
        waiting.append(
            {
                "handover_id": directory.name,
                "personal_id": _claimed_personal_id(directory),
                "from_node": str(sender.get("node") or ""),
                "from_agency": str(sender.get("agency") or ""),
                "created_at": str(body.get("created_at") or ""),
            }
        )
    return waiting


# Received hand-overs listed beside the waiting packages, newest first.
RECENT_MAX = 100


def may_accept(user: User) -> bool:
    """The inbox (its page, its list and its accept through the API) is for records managers,
    as the other intake pages (deny by default); the command line also lets a clerk accept."""
    return may_import(user)


def _inbox_gate(user: User, what: str) -> None:
    """`NotFound` (as for a page that is not there), audited, for whoever may not accept."""
    if may_accept(user):
        return
    _audit(user, AuditOutcome.DENY, "", "handover_inbox_denied", Purpose.ARCHIVE_IMPORT, what=what)
    raise NotFound()


def handover_inbox(
    *,
    acting_user: User,
    state: str = "",
    from_node: str = "",
    recent: int = 20,
) -> dict[str, list[dict[str, Any]]]:
    """The hand-over inbox of this node (R-NO-SILO): the packages waiting to be accepted (as
    their manifests claim, unverified until accepted) and the `recent` latest accepted ones
    with their state and whether their proposal was approved.

    Invariants:
    - only who may accept sees it (`may_accept`); anyone else gets `NotFound`, audited;
    - `state` (`waiting`, `accepted`, or all) and `from_node` (the sending node) filter it;
    - the listing is audited (`AuditAction.HANDOVER`, `handover_inbox_listed`) with the ids it
      showed: the personal ids of people arriving are personal data.
    """
    _inbox_gate(acting_user, "list")
    node = str(from_node or "").strip()
    waiting = inbox_waiting() if state in ("", "waiting") else []
    if node:
        waiting = [w for w in waiting if w["from_node"] == node]
    received: list[dict[str, Any]] = []
    if state in ("", HandoverState.ACCEPTED):
        rows = Handover.objects.filter(role=HandoverRole.RECEIVED).order_by("-created_at", "-pk")
        if node:
            rows = rows.filter(from_node=node)
        taken = list(rows[: max(0, min(int(recent), RECENT_MAX))])
        decided = changeset_statuses([r.changeset_id for r in taken if r.changeset_id])
        for row in taken:
            status, label = decided.get(row.changeset_id or 0, ("", ""))
            received.append(
                {
                    "handover_id": row.handover_id,
                    "personal_id": row.personal_id,
                    "from_node": row.from_node,
                    "state": row.state,
                    "state_label": row.get_state_display(),
                    "accepted_at": row.created_at,
                    "changeset_id": row.changeset_id,
                    "changeset_status": status,
                    "changeset_status_label": label,
                }
            )
    shown = [w["personal_id"] for w in waiting] + [r["personal_id"] for r in received]
    _audit(
        acting_user,
        AuditOutcome.OK,
        "",
        "handover_inbox_listed",
        Purpose.ARCHIVE_IMPORT,
        state=state,
        from_node=node[:32],
        waiting=len(waiting),
        recent=len(received),
        personal_ids=[p for p in shown if p][: RECENT_MAX + 50],
    )
    return {"waiting": waiting, "recent": received}


def handover_accept_waiting(
    *, acting_user: User, handover_id: str, unit: str, today: date | None = None
) -> Handover:
    """Accept the inbox's package `handover_id` into `unit` (`handover_accept`); only for who
    may accept (`may_accept`, else an audited `NotFound`); an id that is not a package of the
    inbox is `handover_no_package`, audited, nothing written."""
    _inbox_gate(acting_user, "accept")
    hid = str(handover_id or "")
    directory = inbox_dir() / hid
    if not package.HANDOVER_ID.fullmatch(hid) or not (directory / package.MANIFEST).is_file():
        error = package.refusal("handover_no_package", handover_id=hid[:40])
        _audit(
            acting_user,
            AuditOutcome.DENY,
            "",
            "handover_no_package",
            Purpose.ARCHIVE_IMPORT,
            package=hid[:40],
        )
        raise error
    return handover_accept(acting_user=acting_user, path=directory, unit=unit, today=today)
