"""The national hub: its registry of nodes, the packets it takes and the national registry.

Invariants (R-NATIONAL, R-NO-SILO, R-CORRECT; docs/decisions/0020-national-hub.md):
- a packet is taken only from a registered node (its TLS client certificate), about itself
  (`node_mismatch`), signed by that node's certificate (`bad_signature`), with the next number
  (`sequence_gap`) and the previous packet's hash (`chain_broken`); a number already taken is
  acknowledged again for the same packet (an exact replay: at-least-once delivery) and refused
  for any other (`sequence_reused`);
- a batch is taken in order under the node's row lock and stops at the first refusal: the
  packets before it are applied and acknowledged, nothing after it is looked at;
- the registry names one managing node per personal id: the first claim or packet takes it;
  another node's packet about it is kept as a `conflict` (its stream goes on) and changes
  nothing; a claim on it is refused naming the managing agency;
- every batch, refusal and claim is one audit event (`AuditAction.FEDERATION`), in the same
  transaction.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass, field
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.x509.oid import NameOID
from django.db import IntegrityError, transaction
from django.utils import timezone

from hoso import identity
from hoso.audit.models import AuditAction, AuditOutcome
from hoso.audit.services import event_record
from hoso.core.errors import Problem, ValidationFailed
from hoso.core.text import normalize
from hoso.federation import keys, packets, refusals, selectors, verify
from hoso.federation.models import HubNode, HubPacket, PacketOutcome, RegistryEntry
from hoso.signing.canonical import canonical
from hoso.signing.keys import certificates_load


def _audit(outcome: str, node_id: str, code: str, **detail: Any) -> None:
    event_record(
        actor=None,
        action=AuditAction.FEDERATION,
        outcome=outcome,
        actor_username=f"node:{node_id}" if node_id else "",
        personal_id=str(detail.pop("personal_id", "")),
        detail={"code": code, "node": node_id, **detail},
    )


@transaction.atomic
def node_register(
    *, node_id: str, name: str, certificate_pem: bytes, trust_roots: list[x509.Certificate]
) -> HubNode:
    """Register (or renew the certificate of) a node: its certificate must be a valid signing
    certificate under the hub's roots, naming the node as UID."""
    certificate = certificates_load(certificate_pem)[0]
    uid = certificate.subject.get_attributes_for_oid(NameOID.USER_ID)
    if not uid or uid[0].value != node_id:
        raise ValidationFailed(
            [Problem("certificate_node", f"Chứng thư số không ghi mã nút «{node_id}» (UID).")],
            "Không đăng ký được nút.",
        )
    if not any(_issued_by(certificate, root) for root in trust_roots):
        raise ValidationFailed(
            [
                Problem(
                    "untrusted_issuer",
                    "Chứng thư số của nút không do tổ chức chứng thực tin cậy cấp.",
                )
            ],
            "Không đăng ký được nút.",
        )
    node, _ = HubNode.objects.update_or_create(
        node_id=node_id,
        defaults={
            "name": name,
            "certificate": keys.pem(certificate),
            "fingerprint": keys.fingerprint(certificate),
        },
    )
    _audit(AuditOutcome.OK, node_id, "node_registered", name=name)
    return node


def _issued_by(child: x509.Certificate, issuer: x509.Certificate) -> bool:
    try:
        child.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


_CERTIFICATES: dict[str, x509.Certificate] = {}


def _certificate(node: HubNode) -> x509.Certificate:
    cached = _CERTIFICATES.get(node.fingerprint)
    if cached is None:
        cached = _CERTIFICATES[node.fingerprint] = certificates_load(node.certificate.encode())[0]
    return cached


certificate_of = _certificate  # the hand-over's check of a manifest uses the same cache


@dataclass
class Batch:
    node: HubNode
    results: list[dict[str, Any]] = field(default_factory=list)
    refused: Problem | None = None


def _shape(item: Any) -> tuple[dict[str, Any], bytes]:
    """The body and signature of one wire packet, or ValueError saying what is wrong."""
    if not isinstance(item, dict) or not isinstance(item.get("body"), dict):
        raise ValueError("thiếu nội dung gói")
    body = item["body"]
    if body.get("format") != packets.FORMAT:
        raise ValueError("sai phiên bản định dạng")
    for name, kind in (("node", str), ("seq", int), ("prev", str), ("personal_id", str)):
        if not isinstance(body.get(name), kind) or isinstance(body.get(name), bool):
            raise ValueError(f"trường «{name}» thiếu hoặc sai kiểu")
    if not isinstance(body.get("version"), int) or not isinstance(body.get("summary"), dict):
        raise ValueError("trường «version» hoặc «summary» thiếu hoặc sai kiểu")
    if body.get("kind") not in ("create", "update"):
        raise ValueError("trường «kind» không hợp lệ")
    try:
        signature = base64.b64decode(str(item.get("signature") or ""), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("chữ ký không phải base64") from exc
    return body, signature


def _refuse(batch: Batch, code: str, seq: Any, **details: Any) -> None:
    text = refusals.message(code, node=batch.node.node_id, seq=seq, **details)
    batch.refused = Problem(code, text)
    batch.results.append({"seq": seq, "status": "refused", "code": code, "message": text})
    _audit(AuditOutcome.DENY, batch.node.node_id, code, seq=seq, message=text)


@transaction.atomic
def packets_receive(*, node_id: str, head: int, items: list[Any]) -> Batch:
    """Take a node's batch of packets in order (see the module's invariants)."""
    node = HubNode.objects.select_for_update().get(node_id=node_id)
    batch = Batch(node=node)
    seqs = [
        i["body"]["seq"]
        for i in items
        if isinstance(i, dict)
        and isinstance(i.get("body"), dict)
        and isinstance(i["body"].get("seq"), int)
    ]
    taken = dict(
        HubPacket.objects.filter(
            node_id=node_id, seq__in=[s for s in seqs if s <= node.last_seq]
        ).values_list("seq", "hash")
    )
    last_seq, last_hash = node.last_seq, node.last_hash
    fresh: list[tuple[dict[str, Any], str]] = []
    for item in items:
        try:
            body, signature = _shape(item)
        except ValueError as exc:
            _refuse(batch, "malformed_packet", None, detail=str(exc))
            break
        seq = body["seq"]
        if body["node"] != node_id:
            _refuse(batch, "node_mismatch", seq, claimed=body["node"])
            break
        raw = canonical(body)
        digest = hashlib.sha256(raw).hexdigest()  # = packets.digest(body), canonicalised once
        if seq <= last_seq:
            if taken.get(seq) == digest:  # an exact replay: acknowledged again
                batch.results.append({"seq": seq, "hash": digest, "status": "duplicate"})
                continue
            _refuse(batch, "sequence_reused", seq)
            break
        why = verify.check(raw, signature, _certificate(node))
        if why:
            _refuse(batch, "bad_signature", seq, detail=why)
            break
        if seq != last_seq + 1:
            _refuse(batch, "sequence_gap", seq, last=last_seq)
            break
        if body["prev"] != last_hash:
            _refuse(batch, "chain_broken", seq)
            break
        fresh.append((body, digest))
        last_seq, last_hash = seq, digest
    outcomes = _registry_apply(node_id, [b for b, _ in fresh])
    HubPacket.objects.bulk_create(
        HubPacket(
            node_id=node_id,
            seq=body["seq"],
            hash=digest,
            personal_id=body["personal_id"],
            outcome=outcomes[body["seq"]],
        )
        for body, digest in fresh
    )
    for body, digest in fresh:
        batch.results.append({"seq": body["seq"], "hash": digest, "status": outcomes[body["seq"]]})
    batch.results.sort(key=lambda r: (r["seq"] is None, r["seq"] or 0))
    node.last_seq, node.last_hash = last_seq, last_hash
    node.reported_head = max(node.reported_head, int(head or 0), last_seq)
    node.last_received_at = timezone.now()
    node.save(update_fields=["last_seq", "last_hash", "reported_head", "last_received_at"])
    if fresh:
        _audit(
            AuditOutcome.OK,
            node_id,
            "packets_applied",
            first=fresh[0][0]["seq"],
            last=fresh[-1][0]["seq"],
            conflicts=sum(1 for o in outcomes.values() if o == PacketOutcome.CONFLICT),
        )
    return batch


def _registry_apply(node_id: str, bodies: list[dict[str, Any]]) -> dict[int, str]:
    """Apply packets' summaries to the registry in bulk; each packet's outcome by number."""
    pids = {b["personal_id"] for b in bodies}
    entries = {e.personal_id: e for e in RegistryEntry.objects.filter(personal_id__in=pids)}
    created: dict[str, RegistryEntry] = {}
    outcomes: dict[int, str] = {}
    for body in bodies:
        pid = body["personal_id"]
        entry = entries.get(pid) or created.get(pid)
        if entry is None:
            entry = created[pid] = RegistryEntry(personal_id=pid, node_id=node_id)
        if entry.node_id != node_id:
            outcomes[body["seq"]] = PacketOutcome.CONFLICT
            agency = selectors.agency(entry.node_id)
            _audit(
                AuditOutcome.DENY,
                node_id,
                "managed_elsewhere",
                personal_id=pid,
                seq=body["seq"],
                message=refusals.message("managed_elsewhere", personal_id=pid, agency=agency),
            )
            continue
        outcomes[body["seq"]] = PacketOutcome.APPLIED
        if body["version"] >= entry.version:
            entry.summary, entry.version, entry.updated_seq = (
                body["summary"],
                body["version"],
                body["seq"],
            )
            entry.name_key = normalize(str(body["summary"].get("full_name") or ""))[:200]
    now = timezone.now()
    for entry in created.values():
        entry.updated_at = now
    RegistryEntry.objects.bulk_create(created.values())
    touched = [e for pid, e in entries.items() if e.node_id == node_id]
    for entry in touched:
        entry.updated_at = now
    RegistryEntry.objects.bulk_update(
        touched, ["summary", "version", "updated_seq", "updated_at", "name_key"]
    )
    return outcomes


@transaction.atomic
def claim(*, node_id: str, personal_id: str) -> tuple[bool, RegistryEntry]:
    """Take `personal_id` for `node_id` if no node manages it: (taken or already ours, entry)."""
    if identity.validate(personal_id):
        raise ValidationFailed(
            [refusals.problem("bad_personal_id", personal_id=personal_id)],
            refusals.message("bad_personal_id", personal_id=personal_id),
        )
    entry, created = RegistryEntry.objects.select_for_update().get_or_create(
        personal_id=personal_id, defaults={"node_id": node_id}
    )
    ours = entry.node_id == node_id
    if created or not ours:
        _audit(
            AuditOutcome.OK if ours else AuditOutcome.DENY,
            node_id,
            "claimed" if ours else "managed_elsewhere",
            personal_id=personal_id,
        )
    return ours, entry


CLAIMS_MAX = 1000  # ids per bulk claim: one approved import chunk


def claims(*, node_id: str, personal_ids: list[str]) -> RegistryEntry | None:
    """Take every id of a bulk creation for `node_id`, all or none (R-NO-SILO): None when each
    is now ours (taken here or already), else the first entry another node manages, with
    nothing taken. One audit event for the ids taken, one for a refusal."""
    ids = list(dict.fromkeys(personal_ids))
    if not ids or len(ids) > CLAIMS_MAX:
        text = f"Mỗi lần nhận quyền quản lý phải có từ 1 đến {CLAIMS_MAX} số định danh."
        raise ValidationFailed([Problem("claims_size", text, "personal_ids")], text)
    bad = next((pid for pid in ids if identity.validate(pid)), None)
    if bad is not None:
        raise ValidationFailed(
            [refusals.problem("bad_personal_id", personal_id=bad)],
            refusals.message("bad_personal_id", personal_id=bad),
        )
    for _attempt in range(3):  # another node's claim of a new id between read and insert
        try:
            foreign = _claims_take(node_id, ids)
        except IntegrityError:
            continue
        if foreign is not None:
            _audit(AuditOutcome.DENY, node_id, "managed_elsewhere", personal_id=foreign.personal_id)
        return foreign
    raise ValidationFailed(
        [Problem("claim_contended", "Số định danh đang được nút khác nhận cùng lúc.")],
        "Chưa nhận được quyền quản lý hồ sơ; thử lại.",
    )


@transaction.atomic
def _claims_take(node_id: str, ids: list[str]) -> RegistryEntry | None:
    existing = {
        e.personal_id: e
        for e in RegistryEntry.objects.select_for_update().filter(personal_id__in=ids)
    }
    foreign = next((e for e in existing.values() if e.node_id != node_id), None)
    if foreign is not None:
        return foreign
    new = [RegistryEntry(personal_id=pid, node_id=node_id) for pid in ids if pid not in existing]
    if new:
        RegistryEntry.objects.bulk_create(new)
        _audit(AuditOutcome.OK, node_id, "claimed", personal_ids=[e.personal_id for e in new])
    return None
