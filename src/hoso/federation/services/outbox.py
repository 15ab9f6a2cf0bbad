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
import hashlib
import json
import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from hoso.access.system import system_dossiers
from hoso.audit.purposes import Purpose
from hoso.federation import client, keys, packets
from hoso.federation.models import OutboxCounter, OutboxPacket
from hoso.people.selectors import people_by_ids, person_ids
from hoso.signing import batch
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
    *,
    acting_user: Any,
    personal_id: str,
    version: int,
    data: dict[str, Any],
    creates: bool,
    claimed: bool = False,
) -> OutboxPacket | None:
    """Record the packet of an applied change; None when the node is not federated. A new
    dossier is claimed at the hub first, unless `creations_claim` claimed it (`claimed`)."""
    node_id = settings.HOSO_FEDERATION_NODE_ID
    if not node_id:
        return None
    key = keys.signer(keys.node_paths(node_id))  # before any write: no key, no change
    if creates and settings.HOSO_HUB_URL and not claimed:
        client.claim(personal_id)
    return _record(
        node_id=node_id,
        key=key,
        personal_id=personal_id,
        version=version,
        data=data,
        creates=creates,
    )


def creations_claim(personal_ids: list[str]) -> None:
    """Claim the ids of a bulk creation at the hub in one request per 1,000 (one TLS round
    trip instead of one per dossier, ~40 ms each), before their packets are recorded with
    `change_applied(claimed=True)`; nothing asked when the node is not federated."""
    if settings.HOSO_FEDERATION_NODE_ID and settings.HOSO_HUB_URL and personal_ids:
        client.claim_many(personal_ids)


ENQUEUE_CHUNK = 500  # dossiers per transaction of the initial load


def dossiers_enqueue(
    *,
    acting_user: Any = None,
    say: Any = None,
    workers: int | None = None,
    applied_at: str | None = None,
) -> int:
    """The initial load (R-NATIONAL): one packet for each dossier of the node that no packet
    names yet — dossiers made before the node was federated, or by the bulk seed. Version 0:
    the state before versioning, never taken over a newer summary the hub already holds.

    By chunks of `ENQUEUE_CHUNK`, each in its own transaction (a rerun after an interruption
    continues where it stopped): the chunk's dossiers read by the system reader at once
    (audited, `SYSTEM_NATIONAL`, one event naming them; the next chunk is read while the
    pool signs this one), their bodies numbered and chained in order here under the counter
    lock, the signatures made by `workers` processes (default: the machine's cores; 1: in
    this process), the packets written in bulk. The chain
    is the one `_record` would make one by one: only the signing is parallel. Every packet
    of the load says the same `applied_at`: the moment the load began (by default)."""
    node_id = settings.HOSO_FEDERATION_NODE_ID
    paths = keys.node_paths(node_id)
    key = keys.signer(paths)  # no key, no load
    named = set(OutboxPacket.objects.filter(node_id=node_id).values_list("personal_id", flat=True))
    todo = [
        pid
        for pid in person_ids().order_by("personal_id").values_list("personal_id", flat=True)
        if pid not in named
    ]
    workers = max(1, workers or os.cpu_count() or 1)
    pool = None
    if workers > 1 and len(todo) > ENQUEUE_CHUNK // 10:
        pool = ProcessPoolExecutor(
            workers,
            mp_context=multiprocessing.get_context("spawn"),  # no copy of open connections
            initializer=batch.pool_init,
            initargs=(str(paths.key), str(paths.cert)),
        )
    applied_at = applied_at or timezone.now().isoformat(timespec="seconds")
    count, started = 0, time.monotonic()
    chunks = [todo[i : i + ENQUEUE_CHUNK] for i in range(0, len(todo), ENQUEUE_CHUNK)]

    def read(number: int) -> dict[str, dict[str, Any]]:
        if number >= len(chunks):
            return {}
        people = people_by_ids(chunks[number])
        return system_dossiers(
            purpose=Purpose.SYSTEM_NATIONAL, people=people, acting_user=acting_user
        )

    try:
        with transaction.atomic():
            data = read(0)
        for number in range(len(chunks)):
            done, data = _enqueue_chunk(
                node_id, data, lambda n=number + 1: read(n), key, pool, workers, applied_at
            )
            count += done
            if say:
                rate = count / max(time.monotonic() - started, 1e-9)
                say(f"Đã đưa {count}/{len(todo)} hồ sơ vào hàng đợi ({rate:.0f} hồ sơ/giây).")
    finally:
        if pool:
            pool.shutdown()
    return count


@transaction.atomic
def _enqueue_chunk(
    node_id: str,
    data: dict[str, dict[str, Any]],
    read_next: Any,
    key: Any,
    pool: ProcessPoolExecutor | None,
    workers: int,
    applied_at: str,
) -> tuple[int, dict[str, dict[str, Any]]]:
    """Chain, sign and store one chunk read before; the next chunk is read (in this
    transaction, audited with it) while the pool signs this one. (count, next chunk's data)"""
    OutboxCounter.objects.get_or_create(node_id=node_id)
    counter = OutboxCounter.objects.select_for_update().get(node_id=node_id)
    seq, prev = counter.last_seq, counter.last_hash
    chained: list[tuple[int, str, bytes, str]] = []
    for pid in sorted(data):
        seq += 1
        body = packets.body(
            node_id=node_id,
            seq=seq,
            prev=prev,
            personal_id=pid,
            version=0,
            creates=True,
            data=data[pid],
            applied_at=applied_at,
        )
        raw = canonical(body)
        prev = hashlib.sha256(raw).hexdigest()  # = packets.digest(body)
        chained.append((seq, pid, raw, prev))
    raws = [raw for _, _, raw, _ in chained]
    if pool is None or len(raws) < 2:
        signatures = [key.sign(raw).der for raw in raws]
        following = read_next()
    else:
        share = -(-len(raws) // workers)  # one share per worker
        futures = [
            pool.submit(batch.pool_sign, raws[i : i + share]) for i in range(0, len(raws), share)
        ]
        following = read_next()
        signatures = [der for future in futures for der in future.result()]
    OutboxPacket.objects.bulk_create(
        OutboxPacket(
            node_id=node_id,
            seq=seq,
            personal_id=pid,
            body=raw.decode("utf-8"),
            hash=digest,
            signature=der,
        )
        for (seq, pid, raw, digest), der in zip(chained, signatures, strict=True)
    )
    if chained:
        counter.last_seq, counter.last_hash = chained[-1][0], chained[-1][3]
        counter.save(update_fields=["last_seq", "last_hash"])
    return len(chained), following


def wire(packet: OutboxPacket) -> dict[str, Any]:
    """A packet as it travels: its body and its signature (base64 DER)."""
    return {
        "body": json.loads(packet.body),
        "signature": base64.b64encode(bytes(packet.signature)).decode("ascii"),
    }
