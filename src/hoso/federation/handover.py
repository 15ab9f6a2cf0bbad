"""The hand-over package's manifest: what it says, how it is signed and checked (R-NO-SILO).

A hand-over package is a directory:

    handover.json     the manifest: RFC 8785 canonical JSON, exactly the bytes signed
    handover.p7s      the sending node's detached CMS signature over them (its certificate)
    bag/<id>/         the whole dossier as the archive's BagIt/PREMIS bag (`exchange.archive`)

The manifest (format ``hoso.federation.handover/1``) names the hand-over, the person, the
sending and the receiving node, the registry entry it moves (as the hub had it when sent) and
the bag by the SHA-256 of its tag manifest, which covers the payload manifests, which cover
every file: one signature seals the whole package (docs/decisions/0020-national-hub.md).
This module reads and writes no database; the hub's and the nodes' services do.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hoso.core.errors import Problem, ValidationFailed
from hoso.federation import keys, refusals
from hoso.federation.models import Handover, HandoverRole, HandoverState
from hoso.signing.canonical import canonical
from hoso.signing.cms import sign_bytes, verify_bytes

FORMAT = "hoso.federation.handover/1"
MANIFEST = "handover.json"
SIGNATURE = "handover.p7s"
BAG_DIR = "bag"
TAG_MANIFEST = "tagmanifest-sha256.txt"
HANDOVER_ID = re.compile(r"[0-9a-f]{32}")
NODE_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,31}")


def refusal(code: str, **details: Any) -> ValidationFailed:
    """The refusal `code` with its Vietnamese message (a stable code; `refusals.MESSAGES`)."""
    text = refusals.message(code, **details)
    return ValidationFailed([Problem(code, text)], text)


def manifest(
    *,
    handover_id: str,
    personal_id: str,
    from_node: str,
    from_agency: str,
    to_node: str,
    registry: dict[str, Any],
    export_id: str,
    tagmanifest_sha256: str,
    created_at: str,
) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "handover_id": handover_id,
        "personal_id": personal_id,
        "from": {"node": from_node, "agency": from_agency},
        "to": {"node": to_node},
        "registry": registry,
        "bag": {
            "path": f"{BAG_DIR}/{personal_id}",
            "export_id": export_id,
            "tagmanifest_sha256": tagmanifest_sha256,
        },
        "created_at": created_at,
    }


def shape_problem(body: Any) -> str:
    """'' when `body` is a well-formed manifest, else what is wrong (Vietnamese)."""
    if not isinstance(body, dict) or body.get("format") != FORMAT:
        return "sai phiên bản định dạng"
    if not HANDOVER_ID.fullmatch(str(body.get("handover_id") or "")):
        return "mã bàn giao không hợp lệ"
    if not re.fullmatch(r"\d{12}", str(body.get("personal_id") or "")):
        return "số định danh không hợp lệ"
    for side in ("from", "to"):
        part = body.get(side)
        if not isinstance(part, dict) or not NODE_ID.fullmatch(str(part.get("node") or "")):
            return f"thiếu hoặc sai nút «{side}»"
    bag = body.get("bag")
    if not isinstance(bag, dict) or bag.get("path") != f"{BAG_DIR}/{body['personal_id']}":
        return "thiếu hoặc sai mô tả gói lưu trữ"
    if not re.fullmatch(r"[0-9a-f]{64}", str(bag.get("tagmanifest_sha256") or "")):
        return "thiếu mã băm của gói lưu trữ"
    return ""


def digest(body: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(body)).hexdigest()


def tagmanifest_sha256(bag: Path) -> str:
    return hashlib.sha256((bag / TAG_MANIFEST).read_bytes()).hexdigest()


def package_sign(directory: Path, body: dict[str, Any], key: keys.HeldKey) -> bytes:
    """Write the manifest and its signature into `directory`; the signature's DER."""
    raw = canonical(body)
    der = sign_bytes(raw, key).der
    for name, data in ((MANIFEST, raw), (SIGNATURE, der)):
        path = directory / name
        path.write_bytes(data)
        path.chmod(0o600)
    return der


@dataclass(frozen=True)
class Package:
    directory: Path
    body: dict[str, Any]
    raw: bytes
    signature: bytes

    @property
    def bag(self) -> Path:
        return self.directory / self.body["bag"]["path"]

    @property
    def handover_id(self) -> str:
        return str(self.body["handover_id"])

    @property
    def personal_id(self) -> str:
        return str(self.body["personal_id"])


def package_read(directory: Path) -> Package:
    """The package in `directory`, its signature checked against the federation's roots and
    its bag against the manifest; `handover_malformed`, `handover_bad_signature` or
    `handover_tampered` otherwise. Nothing is written."""
    directory = Path(directory)
    try:
        raw = (directory / MANIFEST).read_bytes()
        der = (directory / SIGNATURE).read_bytes()
        body = json.loads(raw)
    except (OSError, ValueError) as exc:
        raise refusal(
            "handover_malformed", detail=f"không đọc được {MANIFEST}/{SIGNATURE}"
        ) from exc
    why = shape_problem(body)
    if why:
        raise refusal("handover_malformed", detail=why)
    if canonical(body) != raw:
        raise refusal("handover_malformed", detail="bản kê không ở dạng chuẩn đã ký (RFC 8785)")
    roots = keys.roots(keys.node_paths())
    result = verify_bytes(raw, der, roots)
    if not result.valid:
        raise refusal("handover_bad_signature", detail="; ".join(result.reasons)[:300])
    if result.signer_username != body["from"]["node"]:
        raise refusal(
            "handover_bad_signature",
            detail=f"được ký bởi nút «{result.signer_username}», không phải nút gửi "
            f"«{body['from']['node']}»",
        )
    package = Package(directory, body, raw, der)
    bag = package.bag
    if bag.is_symlink() or not (bag / TAG_MANIFEST).is_file():
        raise refusal("handover_tampered", detail="thiếu gói lưu trữ hoặc bản kê thẻ")
    if tagmanifest_sha256(bag) != body["bag"]["tagmanifest_sha256"]:
        raise refusal("handover_tampered", detail="mã băm bản kê thẻ của gói lưu trữ không khớp")
    return package


# --- The trace a sender keeps ---------------------------------------------------------------


def latest(personal_id: str) -> Handover | None:
    """The latest hand-over this node took part in for `personal_id`, or None."""
    return Handover.objects.filter(personal_id=personal_id).order_by("-id").first()


def write_refusal(personal_id: str) -> ValidationFailed | None:
    """Why no write may touch `personal_id` here: its dossier was handed over (the read-only
    trace: `managed_elsewhere`, naming the new managing agency) or is being handed over
    (`handover_in_progress`); None otherwise. One query; asked by every write path."""
    row = latest(personal_id)
    if row is None or row.role != HandoverRole.SENT:
        return None
    agency = row.to_agency or row.to_node
    if row.state == HandoverState.MOVED:
        text = refusals.message(
            "managed_elsewhere_write",
            personal_id=personal_id,
            agency=agency,
            moved_on=row.updated_at.strftime("%d/%m/%Y"),
        )
        return ValidationFailed([Problem("managed_elsewhere", text, "personal_id")], text)
    if row.state == HandoverState.SENDING:
        return refusal("handover_in_progress", personal_id=personal_id, agency=agency)
    return None


def trace(personal_id: str) -> dict[str, Any] | None:
    """The sender's read-only trace of a handed-over dossier: to whom, when, which package."""
    row = latest(personal_id)
    if row is None or row.role != HandoverRole.SENT or row.state != HandoverState.MOVED:
        return None
    return {
        "handover_id": row.handover_id,
        "personal_id": row.personal_id,
        "to_node": row.to_node,
        "to_agency": row.to_agency,
        "moved_at": row.updated_at.isoformat(timespec="seconds"),
        "manifest_sha256": row.manifest_sha256,
    }
