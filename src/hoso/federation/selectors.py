"""The federation's readers: the hub's registry and nodes, the node's outbox."""

from __future__ import annotations

from typing import Any

from cryptography import x509
from django.db.models import Count

from hoso.federation import keys
from hoso.federation.models import (
    Handover,
    HandoverRole,
    HubHandover,
    HubNode,
    HubPacket,
    OutboxPacket,
    RegistryEntry,
)


def node_for_certificate(der: bytes | None) -> HubNode | None:
    if not der:
        return None
    certificate = x509.load_der_x509_certificate(der)
    return HubNode.objects.filter(fingerprint=keys.fingerprint(certificate)).first()


def agency(node_id: str) -> str:
    return HubNode.objects.filter(node_id=node_id).values_list("name", flat=True).first() or node_id


def registry_get(personal_id: str) -> dict[str, Any] | None:
    entry = RegistryEntry.objects.filter(personal_id=personal_id).first()
    if entry is None:
        return None
    return {
        "personal_id": entry.personal_id,
        "node": entry.node_id,
        "agency": agency(entry.node_id),
        "version": entry.version,
        "summary": entry.summary,
    }


def lag() -> list[dict[str, Any]]:
    """Each node: last number received, the head it reported, and the difference (R-LIVE);
    `received` counts the packets kept (equal to `last_seq`: none lost, none twice)."""
    received = dict(
        HubPacket.objects.values("node_id").annotate(n=Count("id")).values_list("node_id", "n")
    )
    return [
        {
            "node": n.node_id,
            "agency": n.name,
            "last_seq": n.last_seq,
            "reported_head": n.reported_head,
            "lag": max(0, n.reported_head - n.last_seq),
            "received": received.get(n.node_id, 0),
            "last_received_at": n.last_received_at.isoformat() if n.last_received_at else None,
        }
        for n in HubNode.objects.order_by("node_id")
    ]


def pending_count(node_id: str) -> int:
    return OutboxPacket.objects.filter(node_id=node_id, acked_at__isnull=True).count()


def first_refused(node_id: str) -> OutboxPacket | None:
    """The first waiting packet the hub refused, with its reason."""
    waiting = OutboxPacket.objects.filter(node_id=node_id, acked_at__isnull=True)
    return waiting.exclude(last_error="").order_by("seq").first()


def statistics() -> dict[str, Any]:
    """National counts over the basic information (R-NATIONAL, R-STATS): people per managing
    node, per sex and per status of employment. Counts only, never a name."""
    rows = RegistryEntry.objects.exclude(version=0, summary={})  # claims not yet filled
    by_node = dict(
        rows.values("node_id").annotate(n=Count("personal_id")).values_list("node_id", "n")
    )
    by_sex: dict[str, int] = {}
    by_status: dict[str, int] = {}
    for summary in rows.values_list("summary", flat=True).iterator():
        sex, status = str(summary.get("sex") or "?"), str(summary.get("status") or "?")
        by_sex[sex] = by_sex.get(sex, 0) + 1
        by_status[status] = by_status.get(status, 0) + 1
    return {
        "total": sum(by_node.values()),
        "by_node": by_node,
        "by_sex": by_sex,
        "by_status": by_status,
    }


def handover_get(handover_id: str) -> dict[str, Any] | None:
    """A hand-over the hub moved (the receiver checks the hub names it), or None."""
    row = HubHandover.objects.filter(handover_id=handover_id).first()
    return None if row is None else handover_dict(row)


def handover_dict(row: HubHandover) -> dict[str, Any]:
    return {
        "handover_id": row.handover_id,
        "personal_id": row.personal_id,
        "from": row.from_node,
        "to": row.to_node,
        "agency": agency(row.to_node),
        "manifest_sha256": row.manifest_sha256,
        "moved_at": row.moved_at.isoformat(timespec="seconds"),
    }


def outbox_pending_for(node_id: str, personal_id: str) -> int:
    """Packets about `personal_id` the hub has not acknowledged yet."""
    return OutboxPacket.objects.filter(
        node_id=node_id, personal_id=personal_id, acked_at__isnull=True
    ).count()


def handovers_by_decision(decision_ids: list[int]) -> dict[int, Handover]:
    """The hand-over each of these personnel decisions started (a transfer to another agency,
    `federation.services.transfer`), by decision id: one query, for the decisions' page."""
    rows = Handover.objects.filter(role=HandoverRole.SENT, decision_id__in=decision_ids)
    return {row.decision_id: row for row in rows if row.decision_id is not None}
