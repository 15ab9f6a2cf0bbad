"""Verifying the audit chain and its signed checkpoints (read-only).

The walk goes through the events in `seq` order, recomputing each hash and each link, and
compares the chain with every trustworthy checkpoint (a valid signature by a known key, from
the database or from an exported copy kept off the node). It stops at the first bad event and
names it: its `seq`, a stable code and a Vietnamese message. Where the evidence pinpoints a
single event (an edit, a re-hash of one event, a deletion, a swap, an insertion) the finding
names exactly that event; where an attacker rewrote a whole run and recomputed every hash,
only a checkpoint can tell, and the finding names the range between the last good checkpoint
and the failing one (`seq` … `seq_to`). See docs/decisions/0005-audit-chain.md.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import multiprocessing
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.conf import settings
from django.db import connection, connections, transaction

from hoso.audit import chain, keys, selectors
from hoso.audit.models import AuditCheckpoint, AuditEvent
from hoso.core.errors import Problem, ValidationFailed

_EVENT_FIELDS = ("seq", *chain.CONTENT_FIELDS, "prev_hash", "hash")


@dataclass(frozen=True)
class Finding:
    """One thing wrong. `seq` is the first bad event (None for a checkpoint-only problem);
    `seq_to` closes a range when the first bad event can only be bounded."""

    code: str
    message: str
    seq: int | None = None
    seq_to: int | None = None
    checkpoint: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message": self.message,
            "seq": self.seq,
            "seq_to": self.seq_to,
            "checkpoint": self.checkpoint,
        }


@dataclass
class VerifyReport:
    events: int = 0
    checkpoints: int = 0
    problems: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first_event_problem(self) -> Finding | None:
        return next((p for p in self.problems if p.seq is not None), None)

    def summary(self) -> str:
        return f"OK: {self.events} sự kiện, {self.checkpoints} điểm niêm phong"


@dataclass(frozen=True)
class CheckpointRecord:
    seq: int
    event_count: int
    last_hash: str
    created_at: dt.datetime
    public_key_fingerprint: str
    signature: str

    @classmethod
    def of(cls, checkpoint: AuditCheckpoint) -> CheckpointRecord:
        return cls(
            seq=checkpoint.seq,
            event_count=checkpoint.event_count,
            last_hash=checkpoint.last_hash,
            created_at=checkpoint.created_at,
            public_key_fingerprint=checkpoint.public_key_fingerprint,
            signature=checkpoint.signature,
        )

    def message(self) -> bytes:
        return chain.checkpoint_message(
            seq=self.seq,
            event_count=self.event_count,
            last_hash=self.last_hash,
            created_at=self.created_at,
            fingerprint=self.public_key_fingerprint,
        )

    def signed_by(self, public_keys: dict[str, Ed25519PublicKey]) -> bool | None:
        """True/False for a known key, None when no key with that fingerprint is known."""
        key = public_keys.get(self.public_key_fingerprint)
        if key is None:
            return None
        return keys.signature_valid(key, self.message(), self.signature)

    def same_as(self, other: CheckpointRecord) -> bool:
        return (
            self.seq == other.seq
            and self.event_count == other.event_count
            and self.last_hash == other.last_hash
            and chain.iso_utc(self.created_at) == chain.iso_utc(other.created_at)
            and self.public_key_fingerprint == other.public_key_fingerprint
            and self.signature == other.signature
        )


@dataclass(frozen=True)
class ExportedCheckpoints:
    """A copy of the checkpoints taken off the node, with the public keys that signed them."""

    public_keys: dict[str, Ed25519PublicKey]
    checkpoints: list[CheckpointRecord]
    exported_at: str = ""


def _bad_file(message: str) -> ValidationFailed:
    return ValidationFailed(
        [Problem("bad_checkpoint_file", message, "checkpoints")],
        message="Tệp điểm niêm phong không hợp lệ.",
    )


def exported_checkpoints_load(text: str) -> ExportedCheckpoints:
    """Parse an export of `hoso audit export-checkpoints`; refuses anything malformed."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _bad_file(f"Không phải JSON: {exc}.") from exc
    if not isinstance(data, dict) or data.get("format") != selectors.EXPORT_FORMAT:
        raise _bad_file(f"Thiếu hoặc sai định dạng (cần «{selectors.EXPORT_FORMAT}»).")
    public_keys: dict[str, Ed25519PublicKey] = {}
    try:
        for entry in data["public_keys"]:
            key = keys.public_key_from_pem(entry["public_key_pem"])
            if keys.fingerprint(key) != entry["fingerprint"]:
                raise _bad_file("Dấu vân tay khóa công khai không khớp với khóa.")
            public_keys[entry["fingerprint"]] = key
        records = [
            CheckpointRecord(
                seq=int(entry["seq"]),
                event_count=int(entry["event_count"]),
                last_hash=str(entry["last_hash"]),
                created_at=dt.datetime.fromisoformat(entry["created_at"]),
                public_key_fingerprint=str(entry["public_key_fingerprint"]),
                signature=str(entry["signature"]),
            )
            for entry in data["checkpoints"]
        ]
    except (KeyError, TypeError, ValueError) as exc:
        raise _bad_file(f"Thiếu hoặc sai trường: {exc}.") from exc
    if any(record.created_at.tzinfo is None for record in records):
        raise _bad_file("Thời điểm niêm phong phải có múi giờ (UTC, hậu tố Z).")
    return ExportedCheckpoints(public_keys, records, str(data.get("exported_at", "")))


# --- Findings, in Vietnamese, with stable codes -------------------------------------------


def _event(code: str, seq: int, message: str, **extra: Any) -> Finding:
    return Finding(code=code, message=f"Sự kiện #{seq}: {message}", seq=seq, **extra)


def _checkpoint(code: str, seq: int, message: str) -> Finding:
    return Finding(code=code, message=f"Điểm niêm phong #{seq}: {message}", checkpoint=seq)


# --- The event store, read through indexed look-ups -----------------------------------------


class _Store:
    def events(self) -> Iterator[dict[str, Any]]:
        return AuditEvent.objects.order_by("seq").values(*_EVENT_FIELDS).iterator(2000)

    def by_hash(self, value: str) -> dict[str, Any] | None:
        return AuditEvent.objects.filter(hash=value).values(*_EVENT_FIELDS).first()

    def referenced(self, value: str) -> bool:
        """Does any event name `value` as its predecessor?"""
        return AuditEvent.objects.filter(prev_hash=value).exists()


# --- Diagnosis of the first anomaly ---------------------------------------------------------


def _moved_from(row: dict[str, Any], candidates: Iterable[int]) -> int | None:
    """The seq this event's hash was computed with, among `candidates`."""
    for seq in dict.fromkeys(candidates):
        if seq >= 1 and seq != row["seq"] and chain.event_hash({**row, "seq": seq}) == row["hash"]:
            return seq
    return None


def _diagnose_content(store: _Store, row: dict[str, Any]) -> Finding:
    """The event's hash does not match its content at its position."""
    j = row["seq"]
    pred = store.by_hash(row["prev_hash"])
    candidates = ([pred["seq"] + 1] if pred else []) + [j - 1, j + 1]
    origin = _moved_from(row, candidates)
    if origin is not None and origin < j:
        return _event(
            "event_inserted",
            origin,
            f"không thuộc chuỗi gốc — sự kiện bị chèn thêm (sự kiện gốc #{origin} "
            f"nay bị đẩy xuống vị trí #{j}).",
        )
    if origin is not None and pred is None:
        return _event(
            "event_missing",
            j,
            f"đã bị xóa, các sự kiện sau bị đánh số lại (nay #{j} là sự kiện gốc #{origin}).",
        )
    if origin is not None:
        return _event(
            "event_reordered", j, f"sai vị trí — đây là sự kiện gốc #{origin} (thứ tự bị đảo)."
        )
    return _event("hash_mismatch", j, "nội dung đã bị sửa (mã băm không khớp với nội dung).")


def _diagnose_link(store: _Store, row: dict[str, Any], expected_prev: str) -> Finding:
    """The event is self-consistent but does not follow its stored predecessor."""
    j = row["seq"]
    pred = store.by_hash(row["prev_hash"])
    if pred is not None and pred["seq"] < j - 1:
        return _event(
            "event_inserted",
            pred["seq"] + 1,
            f"không thuộc chuỗi gốc — bị chèn giữa sự kiện #{pred['seq']} và sự kiện gốc "
            f"tiếp theo (nay ở #{j}).",
        )
    if pred is not None:
        return _event(
            "event_reordered", j, f"sai vị trí — theo liên kết, nó đứng sau sự kiện #{pred['seq']}."
        )
    if j > 1 and not store.referenced(expected_prev):
        return _event(
            "event_rewritten",
            j - 1,
            f"nội dung đã bị sửa và mã băm bị tính lại (sự kiện #{j} vẫn trỏ tới mã băm cũ).",
        )
    return _event("link_broken", j, "liên kết tới sự kiện trước bị đứt (trỏ tới mã băm lạ).")


def _diagnose_anchor(
    store: _Store, row: dict[str, Any], anchor: CheckpointRecord, last_good: int
) -> Finding:
    """Events up to `row` are consistent among themselves but not with a signed checkpoint."""
    n = row["seq"]
    # Are the originals still there, pushed further down by inserted events? Walk back
    # along the original links to the last position that still holds its original.
    position, wanted = n, anchor.last_hash
    fork: int | None = None
    while position > last_good:
        original = store.by_hash(wanted)
        if original is None:
            break
        if original["seq"] == position:
            fork = position
            break
        wanted, position = original["prev_hash"], position - 1
    else:
        fork = last_good
    if fork is not None and fork < n:
        return _event(
            "event_inserted",
            fork + 1,
            f"không thuộc chuỗi gốc — từ đây có sự kiện bị chèn (sự kiện gốc bị đẩy xuống; "
            f"điểm niêm phong #{anchor.seq}).",
        )
    if store.referenced(anchor.last_hash):
        return _event(
            "event_rewritten",
            n,
            f"nội dung đã bị sửa và mã băm bị tính lại (không khớp điểm niêm phong "
            f"#{anchor.seq}; sự kiện #{n + 1} vẫn trỏ tới mã băm cũ).",
        )
    first = last_good + 1
    return Finding(
        code="checkpoint_mismatch",
        message=(
            f"Sự kiện #{first}–#{n}: không khớp điểm niêm phong #{anchor.seq} — ít nhất một "
            "sự kiện trong khoảng này đã bị sửa, chèn hoặc viết lại cùng mã băm."
        ),
        seq=first,
        seq_to=n,
        checkpoint=anchor.seq,
    )


# --- Checkpoints ------------------------------------------------------------------------------


def _checkpoint_findings(
    stored: list[CheckpointRecord],
    exported: ExportedCheckpoints | None,
    trusted: dict[str, Ed25519PublicKey],
) -> tuple[list[Finding], list[CheckpointRecord]]:
    """Problems with the checkpoints, and the ones trustworthy enough to anchor the chain."""
    findings: list[Finding] = []
    anchors: list[CheckpointRecord] = []
    by_seq = {c.seq: c for c in stored}
    present = sorted(set(by_seq) | ({c.seq for c in exported.checkpoints} if exported else set()))
    # One finding per gap (a forged huge seq must not flood the report).
    for before, after in zip([0, *present], present, strict=False):
        if after > before + 1:
            gap = f"#{before + 1}" if after == before + 2 else f"#{before + 1}–#{after - 1}"
            findings.append(
                _checkpoint("checkpoint_missing", before + 1, f"đã bị xóa (thiếu {gap}).")
            )
    previous: CheckpointRecord | None = None
    for record in stored:
        verdict = record.signed_by(trusted)
        if verdict is None:
            findings.append(
                _checkpoint(
                    "checkpoint_unknown_key",
                    record.seq,
                    f"ký bằng khóa không rõ ({record.public_key_fingerprint[:16]}…); cần khóa "
                    "công khai để kiểm tra.",
                )
            )
            continue
        if not verdict:
            findings.append(
                _checkpoint(
                    "checkpoint_bad_signature",
                    record.seq,
                    "chữ ký không hợp lệ — điểm niêm phong bị sửa hoặc giả mạo.",
                )
            )
            continue
        if previous is not None and record.event_count < previous.event_count:
            findings.append(
                _checkpoint(
                    "checkpoint_order",
                    record.seq,
                    f"niêm phong {record.event_count} sự kiện, ít hơn điểm trước "
                    f"({previous.event_count}).",
                )
            )
        previous = record
        anchors.append(record)
    for record in exported.checkpoints if exported else []:
        if not record.signed_by(exported.public_keys):
            findings.append(
                _checkpoint(
                    "export_bad_signature",
                    record.seq,
                    "bản sao xuất ra có chữ ký không hợp lệ; không dùng bản sao này.",
                )
            )
            continue
        mine = by_seq.get(record.seq)
        if mine is None:
            findings.append(
                _checkpoint(
                    "checkpoint_deleted",
                    record.seq,
                    "có trong bản sao xuất ra nhưng đã bị xóa khỏi cơ sở dữ liệu.",
                )
            )
        elif not mine.same_as(record):
            findings.append(
                _checkpoint("checkpoint_altered", record.seq, "khác với bản sao xuất ra.")
            )
        anchors.append(record)
    findings.sort(key=lambda f: f.checkpoint or 0)
    return findings, anchors


# --- The fast walk (PostgreSQL): ranges in parallel, a verdict, no diagnosis -----------------
# A national chain holds tens of millions of events. The fast walk streams a range of them
# through a server-side cursor as plain text (the time formatted by the database), hashes
# each with the C JSON encoder (`chain.canonical`) and checks seq, hash and link; ranges run
# in parallel processes and are stitched at their edges (each range's first `prev_hash` is
# the previous range's last `hash`). It only says "all good" — with the hash at every
# checkpoint's count — or "something is wrong"; then the ordinary walk below runs from the
# start and names the first bad event exactly as before.

_TEXT_COLUMNS = ", ".join(
    "to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
    if name == "occurred_at"
    else f"{name}::text"
    if name in ("sections", "detail")
    else name
    for name in chain.CONTENT_FIELDS
)


def _fast_min() -> int:
    """Chains shorter than this are walked the ordinary way (a second or two)."""
    return int(getattr(settings, "HOSO_AUDIT_VERIFY_FAST_MIN", 200_000))


@dataclass(frozen=True)
class _Range:
    first: int
    last: int
    first_prev: str
    last_hash: str
    at: dict[int, str]  # seq → hash, at the counts the checkpoints sealed
    ok: bool


class _NotPlain(Exception):
    """A JSON text the C encoder would not write as RFC 8785 does (`chain.canonical`)."""


def _no_float(text: str) -> Any:
    raise _NotPlain


def _safe_int(text: str) -> int:
    value = int(text)
    if not -chain.SAFE_INTEGER <= value <= chain.SAFE_INTEGER:
        raise _NotPlain
    return value


_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def _plain_json(text: str) -> Any:
    """`json.loads(text)`, refusing what `chain.canonical` would hand to rfc8785 (a float, an
    unsafe integer, a character beyond the Basic Multilingual Plane) — checked while parsing,
    in C, instead of walking the parsed value in Python."""
    if not text.isascii() and _ASTRAL.search(text):
        raise _NotPlain
    return json.loads(text, parse_float=_no_float, parse_int=_safe_int, parse_constant=_no_float)


def _text_hash(document: dict[str, Any], texts: list[tuple[int, str]], names: tuple) -> str:
    try:
        for i, text in texts:
            document[names[i]] = _plain_json(text)
        data = chain.encode_plain(document)
    except _NotPlain:
        for i, text in texts:
            document[names[i]] = json.loads(text)
        data = chain.canonical(document)
    return hashlib.sha256(data).hexdigest()


def _walk_range(lo: int, hi: int, wanted: frozenset[int]) -> _Range:
    names = chain.CONTENT_FIELDS
    json_at = [names.index("sections"), names.index("detail")]
    ok, expected, first_prev, prev, at = True, lo, "", "", {}
    connection.ensure_connection()
    with transaction.atomic(), connection.connection.cursor(name=f"hoso_verify_{lo}") as cursor:
        cursor.itersize = 5000
        cursor.execute(
            f"SELECT seq, {_TEXT_COLUMNS}, prev_hash, hash FROM audit_event "  # noqa: S608
            "WHERE seq BETWEEN %s AND %s ORDER BY seq",
            [lo, hi],
        )
        for row in cursor:
            document = dict(zip(names, row[1:-2], strict=True))
            document["format"] = chain.EVENT_FORMAT
            document["seq"] = seq = row[0]
            document["prev_hash"] = row[-2]
            texts = [(i, row[1 + i]) for i in json_at]
            if seq != expected or _text_hash(document, texts, names) != row[-1]:
                ok = False
                break
            if seq == lo:
                first_prev = row[-2]
            elif row[-2] != prev:
                ok = False
                break
            prev = row[-1]
            if seq in wanted:
                at[seq] = prev
            expected = seq + 1
    return _Range(lo, expected - 1, first_prev, prev, at, ok and expected == hi + 1)


def _walk_range_star(args: tuple[int, int, frozenset[int]]) -> _Range:
    try:
        return _walk_range(*args)
    finally:
        connections.close_all()  # a forked child's own connection


def _fast_walk(count: int, anchors: list[CheckpointRecord]) -> bool:
    """Whether events 1…`count` form an intact chain agreeing with every anchor within it."""
    wanted = frozenset(a.event_count for a in anchors if 0 < a.event_count <= count)
    jobs = max(1, min(os.cpu_count() or 1, 8))
    bounds = [1 + count * k // jobs for k in range(jobs + 1)]
    parts = [(lo, hi - 1, wanted) for lo, hi in zip(bounds, bounds[1:], strict=False) if hi > lo]
    if len(parts) == 1:
        ranges = [_walk_range(*parts[0])]
    else:
        connections.close_all()  # the children open their own connections
        with multiprocessing.get_context("fork").Pool(len(parts)) as pool:
            ranges = pool.map(_walk_range_star, parts)
    prev = chain.GENESIS
    at: dict[int, str] = {}
    for part in ranges:
        if not part.ok or part.first_prev != prev:
            return False
        prev = part.last_hash
        at.update(part.at)
    return all(at.get(a.event_count) == a.last_hash for a in anchors if a.event_count <= count)


# --- The walk -------------------------------------------------------------------------------


def chain_verify(
    *,
    exported: ExportedCheckpoints | None = None,
    public_keys: Iterable[Ed25519PublicKey] = (),
) -> VerifyReport:
    """Verify every event and checkpoint; trusted keys are the node's own (when its key file
    is readable), `public_keys`, and the keys of an exported copy."""
    trusted = {keys.fingerprint(k): k for k in public_keys}
    own = keys.public_key_if_available()
    if own is not None:
        trusted[keys.fingerprint(own)] = own
    if exported is not None:
        trusted.update(exported.public_keys)
    stored = [CheckpointRecord.of(c) for c in selectors.checkpoint_list()]
    findings, anchors = _checkpoint_findings(stored, exported, trusted)
    report = VerifyReport(checkpoints=len(stored), problems=findings)

    by_count: dict[int, list[CheckpointRecord]] = {}
    for anchor in anchors:
        by_count.setdefault(anchor.event_count, []).append(anchor)
    for anchor in by_count.get(0, []):
        if anchor.last_hash != chain.GENESIS:
            report.problems.append(
                _checkpoint("checkpoint_mismatch", anchor.seq, "không khớp chuỗi rỗng.")
            )

    store = _Store()
    expected, prev_hash, last_good = 1, chain.GENESIS, 0
    count, _ = selectors.chain_head()
    if (
        connection.vendor == "postgresql"
        and count >= _fast_min()
        and AuditEvent.objects.count() == count
        and _fast_walk(count, anchors)
    ):
        return _finish(report, count, anchors)
    for row in store.events():
        seq = row["seq"]
        problem: Finding | None = None
        if seq > expected:
            gap = f"#{expected}" if seq == expected + 1 else f"#{expected}–#{seq - 1}"
            problem = _event("event_missing", expected, f"đã bị xóa (thiếu sự kiện {gap}).")
        elif seq < expected:
            problem = _event("event_inserted", seq, "trùng số thứ tự — sự kiện bị chèn thêm.")
        elif chain.event_hash(row) != row["hash"]:
            problem = _diagnose_content(store, row)
        elif row["prev_hash"] != prev_hash:
            problem = _diagnose_link(store, row, prev_hash)
        else:
            for anchor in by_count.get(seq, []):
                if row["hash"] != anchor.last_hash:
                    problem = _diagnose_anchor(store, row, anchor, last_good)
                    break
            else:
                if seq in by_count:
                    last_good = seq
        if problem is not None:
            report.events = expected - 1
            report.problems.append(problem)
            return report
        expected, prev_hash = seq + 1, row["hash"]
    return _finish(report, expected - 1, anchors)


def _finish(report: VerifyReport, events: int, anchors: list[CheckpointRecord]) -> VerifyReport:
    """The chain's first `events` are intact: is anything sealed missing after them?"""
    report.events = events
    beyond = [a for a in anchors if a.event_count > report.events]
    if beyond:
        widest = max(beyond, key=lambda a: a.event_count)
        first = report.events + 1
        report.problems.append(
            _event(
                "truncated",
                first,
                f"đã bị xóa khỏi cuối chuỗi — điểm niêm phong #{widest.seq} đã niêm phong "
                f"{widest.event_count} sự kiện, nay chỉ còn {report.events}.",
                seq_to=widest.event_count,
                checkpoint=widest.seq,
            )
        )
    return report
