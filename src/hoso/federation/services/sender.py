"""The node's sender: the outbox to the hub, in order, at least once (R-LIVE).

A round posts the oldest unacknowledged packets (numbered order, so per node and so per person)
with the node's head, and marks a packet acknowledged only when the hub's *signed* ack names
its number and hash: killed at any moment (`kill -9`), the sender sends again what was not
marked, and the hub acknowledges an exact replay without applying it twice. A hub that cannot
be reached is retried with exponential backoff and full jitter (so nodes do not return in step
after an outage); a refusal is kept on the packet (`last_error`) and retried the same way.
"""

from __future__ import annotations

import base64
import random
import threading
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from hoso.audit.models import AuditAction, AuditOutcome
from hoso.audit.services import event_record
from hoso.federation import client, keys, refusals
from hoso.federation.models import OutboxCounter, OutboxPacket
from hoso.federation.services.outbox import wire
from hoso.signing.cms import verify_json

ACKED = {"applied", "duplicate", "conflict"}


@dataclass
class Backoff:
    base: float = 0.2
    cap: float = 15.0
    attempt: int = 0
    rng: random.Random = field(default_factory=random.Random)

    def next(self) -> float:
        delay = self.rng.uniform(0, min(self.cap, self.base * 2**self.attempt))
        self.attempt += 1
        return delay

    def reset(self) -> None:
        self.attempt = 0


@dataclass(frozen=True)
class Round:
    sent: int
    acked: int
    refused: str = ""  # the hub's code for the packet it refused, if any


class BadAck(Exception):
    pass


def _check_ack(answer: Any, node_id: str) -> dict[str, Any]:
    try:
        ack, signature = answer["ack"], base64.b64decode(answer["signature"], validate=True)
    except (KeyError, TypeError, ValueError) as exc:
        raise BadAck(refusals.message("bad_ack", detail="thiếu chữ ký")) from exc
    result = verify_json(ack, signature, keys.roots(keys.node_paths()))
    if not result.valid or result.signer_username != keys.HUB_ID or ack.get("node") != node_id:
        detail = "; ".join(result.reasons) or "không phải của Cơ sở dữ liệu quốc gia"
        raise BadAck(refusals.message("bad_ack", detail=detail))
    return dict(ack)


def send_once(*, batch_size: int = 500) -> Round:
    """One round; raises `client.HubUnavailable` or `BadAck` (nothing marked then)."""
    node_id = settings.HOSO_FEDERATION_NODE_ID
    rows = list(
        OutboxPacket.objects.filter(node_id=node_id, acked_at__isnull=True).order_by("seq")[
            :batch_size
        ]
    )
    head = OutboxCounter.objects.filter(node_id=node_id).values_list("last_seq", flat=True).first()
    response = client.call(
        "POST",
        "/packets",
        json={"head": head or 0, "packets": [wire(r) for r in rows]},
        timeout=max(settings.HOSO_HUB_TIMEOUT_SECONDS, 30),
    )
    if response.status_code != 200:
        answer = response.json()
        return Round(sent=len(rows), acked=0, refused=str(answer.get("code", response.status_code)))
    ack = _check_ack(response.json(), node_id)
    return _mark(rows, ack)


@transaction.atomic
def _mark(rows: list[OutboxPacket], ack: dict[str, Any]) -> Round:
    by_seq = {r.seq: r for r in rows}
    acked = [
        r["seq"]
        for r in ack.get("results", [])
        if r.get("status") in ACKED
        and r["seq"] in by_seq
        and by_seq[r["seq"]].hash == r.get("hash")
    ]
    OutboxPacket.objects.filter(
        node_id=settings.HOSO_FEDERATION_NODE_ID, seq__in=acked, acked_at__isnull=True
    ).update(acked_at=timezone.now())
    refused = next((r for r in ack.get("results", []) if r.get("status") == "refused"), None)
    if refused and refused.get("seq") in by_seq:
        row = by_seq[refused["seq"]]
        row.attempts += 1
        row.last_error = f"{refused.get('code')}: {refused.get('message', '')}"[:200]
        row.save(update_fields=["attempts", "last_error"])
    if acked or refused:
        event_record(
            actor=None,
            action=AuditAction.FEDERATION,
            outcome=AuditOutcome.DENY if refused else AuditOutcome.OK,
            detail={
                "code": str(refused.get("code")) if refused else "packets_acknowledged",
                "acked": len(acked),
                "first": min(acked) if acked else None,
                "last": max(acked) if acked else None,
            },
        )
    return Round(
        sent=len(rows), acked=len(acked), refused=str(refused.get("code")) if refused else ""
    )


def run(
    *,
    stop: threading.Event,
    interval: float = 0.05,
    heartbeat: float = 5.0,
    batch_size: int = 500,
    say: Any = print,
) -> None:
    """Send until `stop` is set: at once while packets wait, every `interval` otherwise (and
    an empty round every `heartbeat` seconds, which reports the node's head: its lag)."""
    backoff = Backoff(cap=settings.HOSO_HUB_RETRY_MAX_SECONDS)
    idle = heartbeat  # the first round reports at once
    while not stop.is_set():
        try:
            pending = OutboxPacket.objects.filter(
                node_id=settings.HOSO_FEDERATION_NODE_ID, acked_at__isnull=True
            ).exists()
            if not pending and idle < heartbeat:
                stop.wait(interval)
                idle += interval
                continue
            idle = 0.0
            result = send_once(batch_size=batch_size)
        except (client.HubUnavailable, BadAck, DatabaseError) as exc:
            # The node's own database busy (SQLite's writer lock held by an approval) is
            # retried like the hub: nothing was marked, the round is sent again.
            if isinstance(exc, DatabaseError):
                connection.close()
            delay = backoff.next()
            say(f"Chưa gửi được: {exc}; thử lại sau {delay:.1f} giây.")
            stop.wait(delay)
            continue
        if result.refused:
            delay = backoff.next()
            say(
                f"Cơ sở dữ liệu quốc gia từ chối gói dữ liệu [{result.refused}]; "
                f"thử lại sau {delay:.1f} giây."
            )
            stop.wait(delay)
            continue
        backoff.reset()
        if result.acked:
            say(f"Đã gửi {result.acked} gói dữ liệu.")
