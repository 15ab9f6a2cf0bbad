"""The node's signed outbox and the national hub's registry (R-NATIONAL, R-NO-SILO, R-LIVE).

Node side: ``OutboxCounter`` is one row per node, locked (``select_for_update``) while a packet
is numbered, so sequence numbers have no gap and no repeat under concurrent approvals;
``OutboxPacket`` is one signed packet, written in the approval's transaction and marked
acknowledged only once the hub's signed ack arrived.

Hub side: ``HubNode`` is a registered node (its certificate) with what the hub received of it
(last sequence and hash: the chain head) and what it last reported (its head: the lag);
``HubPacket`` every packet taken, so an exact replay is acknowledged again and a different
packet under a used number is refused; ``RegistryEntry`` the national registry, one row per
personal id: the managing node and the basic information (docs/decisions/0020-national-hub.md).
No cascading foreign keys on the hub's history: node ids are stored as text.
"""

from __future__ import annotations

from django.db import models


class OutboxCounter(models.Model):
    node_id = models.CharField(max_length=32, primary_key=True)
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="")


class OutboxPacket(models.Model):
    node_id = models.CharField(max_length=32)
    seq = models.BigIntegerField()
    personal_id = models.CharField(max_length=12, db_index=True)
    body = models.TextField()  # the canonical JSON that was signed
    hash = models.CharField(max_length=64)
    signature = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)
    acked_at = models.DateTimeField(null=True, blank=True, db_index=True)
    attempts = models.IntegerField(default=0)
    last_error = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        ordering = ["node_id", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["node_id", "seq"], name="federation_outbox_seq")
        ]


class HubNode(models.Model):
    node_id = models.CharField(max_length=32, primary_key=True)
    name = models.CharField("Cơ quan quản lý", max_length=200)
    certificate = models.TextField()  # PEM of the node's certificate
    fingerprint = models.CharField(max_length=64, unique=True)  # SHA-256 of its DER
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="")
    reported_head = models.BigIntegerField(default=0)
    last_received_at = models.DateTimeField(null=True, blank=True)
    registered_at = models.DateTimeField(auto_now_add=True)


class PacketOutcome(models.TextChoices):
    APPLIED = "applied", "Đã cập nhật"
    CONFLICT = "conflict", "Xung đột: hồ sơ do cơ quan khác quản lý"


class HubPacket(models.Model):
    node_id = models.CharField(max_length=32)
    seq = models.BigIntegerField()
    hash = models.CharField(max_length=64)
    personal_id = models.CharField(max_length=12, db_index=True)
    outcome = models.CharField(max_length=16, choices=PacketOutcome.choices)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["node_id", "seq"], name="federation_hub_packet_seq")
        ]


class RegistryEntry(models.Model):
    personal_id = models.CharField("Số định danh", max_length=12, primary_key=True)
    node_id = models.CharField("Nút quản lý", max_length=32, db_index=True)
    summary = models.JSONField("Thông tin cơ bản", default=dict)
    # The full name folded (no diacritics, đ → d, lower case): the operators' name search.
    name_key = models.CharField(max_length=200, blank=True, default="", db_index=True)
    version = models.IntegerField(default=0)  # the dossier version the summary is of
    updated_seq = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)


class HandoverRole(models.TextChoices):
    SENT = "sent", "Bàn giao đi"
    RECEIVED = "received", "Tiếp nhận"


class HandoverState(models.TextChoices):
    """A node's side of a hand-over (docs/decisions/0020-national-hub.md, "Hand-over").

    Sender: SENDING (writes frozen, the package made, the hub not yet sure) → MOVED (the hub
    names the receiver: the read-only trace) or → REFUSED (the hub said no: writes resume).
    Receiver: ACCEPTED (verified, its dossier proposed through the one change path).
    """

    SENDING = "sending", "Đang bàn giao"
    MOVED = "moved", "Đã bàn giao"
    REFUSED = "refused", "Bàn giao bị từ chối"
    ACCEPTED = "accepted", "Đã tiếp nhận"


class Handover(models.Model):
    """One hand-over as a node sees it: the sender's trace or the receiver's acceptance."""

    handover_id = models.CharField(max_length=36)
    role = models.CharField(max_length=16, choices=HandoverRole.choices)
    personal_id = models.CharField("Số định danh", max_length=12, db_index=True)
    from_node = models.CharField(max_length=32)
    to_node = models.CharField(max_length=32)
    to_agency = models.CharField("Cơ quan tiếp nhận", max_length=200, blank=True, default="")
    state = models.CharField(max_length=16, choices=HandoverState.choices)
    package = models.CharField(max_length=500, blank=True, default="")  # where it was written
    manifest_sha256 = models.CharField(max_length=64, blank=True, default="")
    changeset_id = models.BigIntegerField(null=True, blank=True)  # the receiver's proposal
    # The sender's personnel decision (transfer/rotation to another agency) that started it.
    decision_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    reason = models.CharField(max_length=500, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["handover_id", "role"], name="federation_handover_id")
        ]


class HubHandover(models.Model):
    """A registry entry moved by the hub: one row per hand-over, so a retry finds it."""

    handover_id = models.CharField(max_length=36, unique=True)
    personal_id = models.CharField(max_length=12, db_index=True)
    from_node = models.CharField(max_length=32)
    to_node = models.CharField(max_length=32)
    manifest_sha256 = models.CharField(max_length=64)
    moved_at = models.DateTimeField(auto_now_add=True)
