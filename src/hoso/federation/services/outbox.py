"""The node's outbox: one signed, numbered, chained packet per applied change (R-CORRECT, R-LIVE).

Invariants:
- the packet is written in the transaction that applies the change (`changeset_approve` calls
  `change_applied`): a change is never applied without its packet, nor a packet kept for a
  change rolled back;
- numbers have no gap and no repeat: the node's `OutboxCounter` row is locked
  (`select_for_update`; SQLite's write lock, taken at BEGIN IMMEDIATE, does the same) while a
  packet is numbered and chained to the previous packet's hash;
- a new dossier is first claimed at the hub when a hub is configured (R-NO-SILO): an id another
  node manages, or a hub that cannot answer, refuses the approval and nothing is applied;
- the packet is signed with the node's certificate (CMS, `signing.cms.sign_json`) before it is
  stored: nothing unsigned goes national.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from hoso.access.system import system_dossier
from hoso.audit.purposes import Purpose
from hoso.federation import client, keys, packets
from hoso.federation.models import OutboxCounter, OutboxPacket
from hoso.people.selectors import person_by_id, person_ids
from hoso.signing.canonical import canonical


def _record(
    *, node_id: str, key: Any, personal_id: str, version: int, data: dict[str, Any], creates: bool
) -> OutboxPacket:
    """Number, chain, sign and store one packet, under the node's counter lock."""
    OutboxCounter.objects.get_or_create(node_id=node_id)
    counter = OutboxCounter.objects.select_for_update().get(node_id=node_id)
    body = packets.body(
        node_id=node_id,
        seq=counter.last_seq + 1,
        prev=counter.last_hash,
        personal_id=personal_id,
        version=version,
        creates=creates,
        data=data,
        applied_at=timezone.now().isoformat(timespec="seconds"),
    )
    raw = canonical(body)
    signature = key.sign(raw)  # an AnyMomentSigner: pyHanko's bytes, ~1 ms
    packet = OutboxPacket.objects.create(
        node_id=node_id,
        seq=body["seq"],
        personal_id=personal_id,
        body=raw.decode("utf-8"),
        hash=packets.digest(body),
        signature=signature.der,
    )
    counter.last_seq, counter.last_hash = packet.seq, packet.hash
    counter.save(update_fields=["last_seq", "last_hash"])
    return packet


@transaction.atomic
def change_applied(
    *, acting_user: Any, personal_id: str, version: int, data: dict[str, Any], creates: bool
) -> OutboxPacket | None:
    """Record the packet of an applied change; None when the node is not federated."""
    node_id = settings.HOSO_FEDERATION_NODE_ID
    if not node_id:
        return None
    key = keys.signer(keys.node_paths(node_id))  # before any write: no key, no change
    if creates and settings.HOSO_HUB_URL:
        client.claim(personal_id)
    return _record(
        node_id=node_id,
        key=key,
        personal_id=personal_id,
        version=version,
        data=data,
        creates=creates,
    )


def dossiers_enqueue(*, acting_user: Any = None, say: Any = None) -> int:
    """The initial load (R-NATIONAL): one packet for each dossier of the node that no packet
    names yet — dossiers made before the node was federated, or by the bulk seed. Each is read
    by the system reader (audited, `SYSTEM_NATIONAL`) and packeted in its own transaction, so
    a rerun after an interruption continues where it stopped. Version 0: the state before
    versioning, never taken over a newer summary the hub already holds."""
    node_id = settings.HOSO_FEDERATION_NODE_ID
    key = keys.signer(keys.node_paths(node_id))
    named = set(OutboxPacket.objects.filter(node_id=node_id).values_list("personal_id", flat=True))
    count = 0
    for pid in person_ids().order_by("personal_id").values_list("personal_id", flat=True):
        if pid in named:
            continue
        with transaction.atomic():
            person = person_by_id(pid)
            if person is None:
                continue
            data = system_dossier(
                purpose=Purpose.SYSTEM_NATIONAL, person=person, acting_user=acting_user
            )
            _record(node_id=node_id, key=key, personal_id=pid, version=0, data=data, creates=True)
        count += 1
        if say and count % 1000 == 0:
            say(f"Đã đưa {count} hồ sơ vào hàng đợi.")
    return count


def wire(packet: OutboxPacket) -> dict[str, Any]:
    """A packet as it travels: its body and its signature (base64 DER)."""
    return {
        "body": json.loads(packet.body),
        "signature": base64.b64encode(bytes(packet.signature)).decode("ascii"),
    }
