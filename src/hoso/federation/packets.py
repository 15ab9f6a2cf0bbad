"""What a packet says, and its hash: the shared identity and career summary of one dossier.

The hub keeps the basic information of the national database (R-NATIONAL), not the dossier:
identity (personal id, name, birth date, sex, ethnicity) and career (managing agency, unit,
category, status, recruitment date, qualification, political theory, main position, rank and
step). Residence, contacts, family, religion, evaluations and discipline stay with the node
(data minimisation; full dossiers are read across nodes only under a written approval).

A packet body is plain JSON; its hash is the SHA-256 of its RFC 8785 canonical bytes, and the
next packet of the node names it as ``prev``: the chain the hub checks.
"""

from __future__ import annotations

import hashlib
from typing import Any

from hoso.signing.canonical import canonical

FORMAT = "hoso.federation.packet/1"
ACK_FORMAT = "hoso.federation.ack/1"
IDENTITY = ("personal_id", "full_name", "birth_date", "sex", "ethnicity")
EMPLOYMENT = ("managing_agency", "current_unit", "staff_category", "status", "recruitment_date")
QUALIFICATIONS = ("highest_qualification", "political_theory")


def _pick(section: Any, names: tuple[str, ...]) -> dict[str, Any]:
    section = section if isinstance(section, dict) else {}
    return {name: section.get(name) for name in names if section.get(name) not in (None, "")}


def _latest(rows: Any, key: str) -> dict[str, Any]:
    rows = [r for r in rows or [] if isinstance(r, dict)]
    return max(rows, key=lambda r: str(r.get(key) or ""), default={})


def summary(data: dict[str, Any]) -> dict[str, Any]:
    """The basic information of a dossier (its plain-data shape) the hub keeps."""
    positions = [p for p in data.get("positions") or [] if isinstance(p, dict)]
    current = [p for p in positions if not p.get("to_date")]
    main = next((p for p in current if p.get("is_main")), current[0] if current else {})
    salary = _latest(data.get("salary"), "from_date")
    out = {
        **_pick(data.get("identity"), IDENTITY),
        **_pick(data.get("employment"), EMPLOYMENT),
        **_pick(data.get("qualifications"), QUALIFICATIONS),
    }
    if main:
        out["position"] = _pick(main, ("organization", "position_code", "job_position"))
    if salary:
        out["rank"] = _pick(salary, ("rank_code", "step"))
    return out


def body(
    *,
    node_id: str,
    seq: int,
    prev: str,
    personal_id: str,
    version: int,
    creates: bool,
    data: dict[str, Any],
    applied_at: str,
) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "node": node_id,
        "seq": seq,
        "prev": prev,
        "personal_id": personal_id,
        "version": version,
        "kind": "create" if creates else "update",
        "applied_at": applied_at,
        "summary": summary(data),
    }


def digest(obj: Any) -> str:
    return hashlib.sha256(canonical(obj)).hexdigest()
