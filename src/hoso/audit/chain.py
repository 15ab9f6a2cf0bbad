"""The canonical form of audit events and checkpoints, and their hashes (pure, no ORM).

An event's hash is SHA-256 over the RFC 8785 (JCS) canonical JSON of its content fields and
`prev_hash`, tagged with a format name so that the bytes of an event can never be mistaken for
the bytes of a checkpoint. A checkpoint is an Ed25519 signature over the canonical JSON of
(checkpoint seq, event count, last event hash, time, key fingerprint). A third party can
recompute both with any RFC 8785 implementation (docs/decisions/0005-audit-chain.md).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from typing import Any

import rfc8785

EVENT_FORMAT = "hoso.audit.event/1"
CHECKPOINT_FORMAT = "hoso.audit.checkpoint/1"
# The predecessor of the first event.
GENESIS = "0" * 64

# The fields an event's hash covers, besides `seq` and `prev_hash`. Adding a field to the model
# without adding it here would leave it unprotected; tests check both lists agree.
CONTENT_FIELDS: tuple[str, ...] = (
    "occurred_at",
    "actor_user_id",
    "actor_username",
    "actor_role",
    "actor_unit",
    "action",
    "outcome",
    "personal_id",
    "sections",
    "purpose",
    "grant_id",
    "client_address",
    "correlation_id",
    "detail",
)


def iso_utc(moment: dt.datetime) -> str:
    """`2026-11-21T03:04:05.123456Z`: UTC, always with microseconds (what both databases keep)."""
    if moment.tzinfo is None:
        raise ValueError("audit times must be timezone-aware")
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def event_document(event: Mapping[str, Any]) -> dict[str, Any]:
    """The hashed document of an event given as a mapping of its stored fields."""
    document: dict[str, Any] = {"format": EVENT_FORMAT, "seq": event["seq"]}
    for name in CONTENT_FIELDS:
        document[name] = event[name]
    document["occurred_at"] = iso_utc(event["occurred_at"])
    document["prev_hash"] = event["prev_hash"]
    return document


# RFC 8785 of a document of strings, safe integers, booleans, nulls, lists and objects whose
# keys lie in the Basic Multilingual Plane is exactly what CPython's C JSON encoder writes with
# sorted keys, no spaces and no ASCII escaping: the same escapes (`\"`, `\\`, \b \f \n \r \t,
# other controls as lowercase \u00xx), and code-point order equals UTF-16 order for such keys.
# Event documents are of that kind (`sanitize.clean_json` turns floats and big integers into
# strings), so hashing them costs the C encoder, not the pure-Python one (verification of a
# national chain); anything else goes to `rfc8785`. tests/audit/test_audit_chain_canonical.py
# holds the two equal on random documents.
_encode = json.JSONEncoder(
    ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
).encode
SAFE_INTEGER = 2**53 - 1


def encode_plain(document: Mapping[str, Any]) -> bytes:
    """The C encoder's bytes, for a document already known to be plain (see `canonical`)."""
    return _encode(document).encode("utf-8")


def _plain(value: Any) -> bool:
    if isinstance(value, str) or value is None or isinstance(value, bool):
        return True
    if isinstance(value, int):
        return -SAFE_INTEGER <= value <= SAFE_INTEGER
    if isinstance(value, list):
        return all(_plain(v) for v in value)
    if isinstance(value, dict):
        return all(
            isinstance(k, str) and max(k, default="\0") < "\U00010000" and _plain(v)
            for k, v in value.items()
        )
    return False


def canonical(document: Mapping[str, Any]) -> bytes:
    """RFC 8785 (JCS) bytes of `document`."""
    if _plain(document):
        try:
            return _encode(document).encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate: let rfc8785 refuse it
            pass
    return rfc8785.dumps(document)


def event_hash(event: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical(event_document(event))).hexdigest()


def checkpoint_message(
    *, seq: int, event_count: int, last_hash: str, created_at: dt.datetime, fingerprint: str
) -> bytes:
    """The exact bytes an audit checkpoint signature covers."""
    return rfc8785.dumps(
        {
            "format": CHECKPOINT_FORMAT,
            "seq": seq,
            "event_count": event_count,
            "last_hash": last_hash,
            "created_at": iso_utc(created_at),
            "public_key_fingerprint": fingerprint,
        }
    )
