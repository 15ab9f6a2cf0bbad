"""Tamper drill: a privileged attacker bypasses the append-only triggers and changes the chain;
`verify` must notice every time and name the first bad event.

Each seed records a chain of 40 events sealed by 2–5 checkpoints (the last one covering all
40), plus 0–3 events after the last checkpoint, then applies one kind of tampering at random
positions. The guarantee tested is the one docs/decisions/0005-audit-chain.md states: any
change to an event that is sealed by a checkpoint or followed by another event is detected and
located; deleting checkpoints is detected against an exported copy.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from audit_support import Someone, Tamperer, audit_key, tamperer  # noqa: F401 - fixtures
from django.db import connection
from django.db.models import F

from hoso.audit import chain, selectors, services
from hoso.audit.models import AuditAction, AuditCheckpoint, AuditEvent, AuditOutcome
from hoso.audit.verify import ExportedCheckpoints, chain_verify, exported_checkpoints_load

pytestmark = pytest.mark.django_db

SEEDS = range(50)
SEALED = 40
FIELDS = ("seq", *chain.CONTENT_FIELDS, "prev_hash", "hash")
PEOPLE = [Someone(pk=n, username=name) for n, name in enumerate(["nhaplieu", "quanly", "ngoai"])]
PURPOSES = ["Xét nâng lương", "Quy hoạch cán bộ", "Thanh tra", "Bổ nhiệm", ""]
SECTIONS = ["identity", "salary", "family", "health", "evaluations", "training"]


@dataclass(frozen=True)
class Built:
    total: int
    sealed_counts: list[int]


@dataclass(frozen=True)
class Expect:
    seq: int
    codes: frozenset[str]
    exact: bool = True


def random_fields(rng: random.Random) -> dict[str, Any]:
    return {
        "actor": rng.choice([*PEOPLE, None]),
        "action": rng.choice(AuditAction.values),
        "outcome": rng.choice(AuditOutcome.values),
        "actor_role": rng.choice(["clerk", "records_manager", "auditor", ""]),
        "actor_unit": rng.choice(["T01", "T01.STC", "B01.VP", ""]),
        "personal_id": rng.choice(["", f"{rng.randrange(10**12):012d}"]),
        "sections": rng.sample(SECTIONS, rng.randint(0, 3)),
        "purpose": rng.choice(PURPOSES),
        "grant_id": rng.choice(["", str(rng.randint(1, 500))]),
        "client_address": f"10.0.{rng.randint(0, 255)}.{rng.randint(1, 254)}",
        "correlation_id": f"req-{rng.getrandbits(32):08x}",
        "detail": {"trang": rng.randint(1, 9), "ghi chú": rng.choice(["", "đọc", "in"])},
    }


def build(rng: random.Random) -> Built:
    sealed = sorted(set(rng.sample(range(1, SEALED), rng.randint(1, 4))) | {SEALED})
    total = SEALED + rng.randint(0, 3)
    for seq in range(1, total + 1):
        services.event_record(**random_fields(rng))
        if seq in sealed:
            services.checkpoint_create()
    return Built(total=total, sealed_counts=sealed)


def row(seq: int) -> dict[str, Any]:
    return AuditEvent.objects.filter(seq=seq).values(*FIELDS).get()


def random_hash(rng: random.Random) -> str:
    return f"{rng.getrandbits(256):064x}"


def changed(rng: random.Random, name: str, value: Any) -> Any:
    """A different, storable value for field `name`."""
    if name in {"hash", "prev_hash"}:
        return random_hash(rng)
    if name == "action":
        return rng.choice([a for a in AuditAction.values if a != value])
    if name == "outcome":
        return rng.choice([o for o in AuditOutcome.values if o != value])
    if name == "actor_user_id":
        return (value or 0) + rng.randint(1, 50)
    if name == "occurred_at":
        return value - dt.timedelta(seconds=rng.randint(1, 10**6))
    if name == "sections":
        return [*value, "personal_history"]
    if name == "detail":
        return {**value, "đã sửa": True}
    return f"{value} (sửa {rng.randint(1, 99)})"


CONTENT = [name for name in chain.CONTENT_FIELDS]


def export_now() -> ExportedCheckpoints:
    return exported_checkpoints_load(json.dumps(selectors.checkpoints_export()))


def shift_down_from(seq: int) -> None:
    """Make room at `seq` (two steps, because `seq` is unique at every statement)."""
    AuditEvent.objects.filter(seq__gte=seq).update(seq=F("seq") * -1)
    AuditEvent.objects.filter(seq__lt=0).update(seq=F("seq") * -1 + 1)


def forge_at(rng: random.Random, seq: int) -> dict[str, Any]:
    """A forged event at `seq` whose hash and link to its predecessor look right."""
    previous = row(seq - 1) if seq > 1 else None
    forged = {
        "seq": seq,
        "occurred_at": (previous["occurred_at"] if previous else dt.datetime.now(dt.UTC)),
        "actor_user_id": 1,
        "actor_username": "quanly",
        "actor_role": "records_manager",
        "actor_unit": "T01",
        "action": AuditAction.DOSSIER_READ_ALLOWED.value,
        "outcome": AuditOutcome.ALLOW.value,
        "personal_id": f"{rng.randrange(10**12):012d}",
        "sections": ["identity"],
        "purpose": "Thanh tra",
        "grant_id": "7",
        "client_address": "10.0.0.9",
        "correlation_id": "req-forged",
        "detail": {},
        "prev_hash": previous["hash"] if previous else chain.GENESIS,
    }
    forged["hash"] = chain.event_hash(forged)
    return forged


# --- The kinds of tampering, each returning what `verify` must report ------------------------


def edit(rng: random.Random, built: Built) -> Expect:
    """UPDATE of one field, hash left as it was."""
    k = rng.randint(1, built.total)
    name = rng.choice([*CONTENT, "hash", "prev_hash"])
    AuditEvent.objects.filter(seq=k).update(**{name: changed(rng, name, row(k)[name])})
    return Expect(k, frozenset({"hash_mismatch"}))


def rehash(rng: random.Random, built: Built) -> Expect:
    """UPDATE of one field and of the event's own hash, recomputed to match."""
    last_sealed = built.total == SEALED
    k = rng.randint(1, built.total if last_sealed else built.total - 1)
    name = rng.choice(CONTENT)
    current = row(k)
    current[name] = changed(rng, name, current[name])
    current["hash"] = chain.event_hash(current)
    AuditEvent.objects.filter(seq=k).update(**{name: current[name], "hash": current["hash"]})
    if k < built.total:
        return Expect(k, frozenset({"event_rewritten"}))
    # The very last event, sealed, with no successor: only the checkpoint interval is known.
    return Expect(k, frozenset({"checkpoint_mismatch"}), exact=False)


def delete_one(rng: random.Random, built: Built) -> Expect:
    """DELETE of one event (the last one only if a checkpoint sealed it)."""
    last_sealed = built.total == SEALED
    k = rng.randint(1, built.total if last_sealed else built.total - 1)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_event WHERE seq = %s", [k])
    return Expect(k, frozenset({"event_missing" if k < built.total else "truncated"}))


def truncate(rng: random.Random, built: Built) -> Expect:
    """DELETE of the tail, including events a checkpoint sealed."""
    t = rng.randint(1, SEALED)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_event WHERE seq >= %s", [t])
    return Expect(t, frozenset({"truncated"}))


def swap(rng: random.Random, built: Built) -> Expect:
    """Reordering: two events exchange their seq."""
    a, b = sorted(rng.sample(range(1, built.total + 1), 2))
    AuditEvent.objects.filter(seq=a).update(seq=-1)
    AuditEvent.objects.filter(seq=b).update(seq=a)
    AuditEvent.objects.filter(seq=-1).update(seq=b)
    return Expect(a, frozenset({"event_reordered"}))


def insert(rng: random.Random, built: Built) -> Expect:
    """INSERT of a forged event in the middle, with a consistent hash and link."""
    k = rng.randint(1, built.total)
    forged = forge_at(rng, k)
    shift_down_from(k)
    AuditEvent.objects.create(**forged)
    return Expect(k, frozenset({"event_inserted"}))


def insert_rechain(rng: random.Random, built: Built) -> Expect:
    """INSERT of a forged event and re-hash of every later event: only checkpoints can tell."""
    k = rng.randint(1, SEALED)
    forged = forge_at(rng, k)
    shift_down_from(k)
    AuditEvent.objects.create(**forged)
    previous = forged["hash"]
    for seq in range(k + 1, built.total + 2):
        current = row(seq)
        current["prev_hash"] = previous
        current["hash"] = chain.event_hash(current)
        AuditEvent.objects.filter(seq=seq).update(prev_hash=previous, hash=current["hash"])
        previous = current["hash"]
    return Expect(k, frozenset({"checkpoint_mismatch"}), exact=False)


KINDS: dict[str, Callable[[random.Random, Built], Expect]] = {
    "edit": edit,
    "rehash": rehash,
    "delete": delete_one,
    "truncate": truncate,
    "swap": swap,
    "insert": insert,
    "insert_rechain": insert_rechain,
}


@pytest.mark.parametrize("seed", SEEDS)
def test_an_untampered_chain_verifies(seed: int) -> None:
    built = build(random.Random(seed))
    report = chain_verify()
    assert report.ok, report.problems
    assert (report.events, report.checkpoints) == (built.total, len(built.sealed_counts))


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("seed", SEEDS)
def test_tampering_is_detected_and_the_first_bad_event_named(
    kind: str,
    seed: int,
    tamperer: Tamperer,  # noqa: F811
) -> None:
    rng = random.Random(f"{kind}-{seed}")
    built = build(rng)
    with tamperer.bypass():
        expect = KINDS[kind](rng, built)
    report = chain_verify()
    assert not report.ok, f"{kind} not detected"
    problem = report.first_event_problem
    assert problem is not None, report.problems
    assert problem.code in expect.codes, problem
    if expect.exact:
        assert problem.seq == expect.seq, problem
        assert f"#{expect.seq}" in problem.message
    else:
        assert problem.seq is not None and problem.seq_to is not None
        assert problem.seq <= expect.seq <= problem.seq_to, problem
    # The checkpoints themselves were not touched.
    assert not [p for p in report.problems if p.seq is None], report.problems


@pytest.mark.parametrize("seed", SEEDS)
def test_deleting_a_checkpoint_is_detected_against_an_exported_copy(
    seed: int,
    tamperer: Tamperer,  # noqa: F811
) -> None:
    rng = random.Random(f"checkpoint-delete-{seed}")
    built = build(rng)
    exported = export_now()
    doomed = rng.randint(1, len(built.sealed_counts))
    tamperer.execute("DELETE FROM audit_checkpoint WHERE seq = %s", [doomed])

    report = chain_verify(exported=exported)
    assert [(p.code, p.checkpoint) for p in report.problems] == [("checkpoint_deleted", doomed)]

    local = chain_verify()
    if doomed == len(built.sealed_counts):
        # The newest checkpoint leaves no gap: only an exported copy can show it is gone.
        assert local.ok
    else:
        assert [(p.code, p.checkpoint) for p in local.problems] == [("checkpoint_missing", doomed)]


@pytest.mark.parametrize("seed", SEEDS)
def test_truncating_events_and_their_checkpoints_is_caught_by_the_exported_copy(
    seed: int,
    tamperer: Tamperer,  # noqa: F811
) -> None:
    rng = random.Random(f"hide-{seed}")
    build(rng)
    exported = export_now()
    t = rng.randint(1, SEALED)
    with tamperer.bypass():
        AuditEvent.objects.filter(seq__gte=t).delete()
        AuditCheckpoint.objects.filter(event_count__gte=t).delete()
    assert chain_verify().ok  # the limit of a node checking itself
    report = chain_verify(exported=exported)
    problem = report.first_event_problem
    assert problem is not None and (problem.code, problem.seq) == ("truncated", t)
    assert {p.code for p in report.problems if p.seq is None} == {"checkpoint_deleted"}


@pytest.mark.parametrize("seed", SEEDS)
def test_a_forged_checkpoint_fails_its_signature(
    seed: int,
    tamperer: Tamperer,  # noqa: F811
) -> None:
    rng = random.Random(f"checkpoint-forge-{seed}")
    built = build(rng)
    target = rng.randint(1, len(built.sealed_counts))
    checkpoint = AuditCheckpoint.objects.get(seq=target)
    name = rng.choice(["event_count", "last_hash", "created_at", "signature", "seq"])
    value = {
        "event_count": checkpoint.event_count + rng.choice([-1, 1, 5]),
        "last_hash": random_hash(rng),
        "created_at": checkpoint.created_at + dt.timedelta(seconds=1),
        "signature": AuditCheckpoint.objects.exclude(seq=target)
        .values_list("signature", flat=True)
        .first()
        or "AAAA",
        "seq": 1000 + target,
    }[name]
    with tamperer.bypass():
        AuditCheckpoint.objects.filter(seq=target).update(**{name: value})
    report = chain_verify()
    assert not report.ok
    codes = {(p.code, p.checkpoint) for p in report.problems}
    if name == "seq":
        assert ("checkpoint_bad_signature", 1000 + target) in codes
    else:
        assert ("checkpoint_bad_signature", target) in codes
    assert report.first_event_problem is None, report.problems
