"""Appending audit events, raising and acknowledging alerts, sealing checkpoints: the only
writers of the audit tables (`event_record`, `alert_raise`, `alert_acknowledge`,
`checkpoint_create`).

Invariants:
- an event is written in the caller's transaction: if the audited change rolls back, so does
  its event, and an event is never written without the change it describes;
- chaining is serialized (a transaction-scoped advisory lock on PostgreSQL; on SQLite the
  write transaction is exclusive, `transaction_mode=IMMEDIATE`), so `seq` is gapless and every
  event's `prev_hash` is its predecessor's `hash`;
- on PostgreSQL with `HOSO_AUDIT_SEQUENCER` the caller's transaction writes the event to the
  intake (no lock) and the sequencer chains committed intake rows in batches right after that
  commit (`chain_pending`): the lock is held for one short batch, never for a caller's
  transaction, and one commit covers many events (docs/decisions/0022-audit-sequencer.md);
- stored text has been through `sanitize` and is exactly what was hashed;
- rows are never updated or deleted (the database refuses it).
"""

from __future__ import annotations

import json
import logging
import threading
import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from hoso.audit import chain, keys, selectors
from hoso.audit.models import (
    Alert,
    AlertKind,
    AuditAction,
    AuditCheckpoint,
    AuditEvent,
    AuditIntake,
    AuditOutcome,
)
from hoso.audit.sanitize import clean_json, clean_text
from hoso.audit.signals import events_chained
from hoso.core.context import current, request_memo
from hoso.core.errors import Problem, ValidationFailed

logger = logging.getLogger(__name__)

# pg_advisory_xact_lock key of the audit chain ("hosoaudt" in ASCII).
CHAIN_LOCK_KEY = 0x686F736F61756474


class UserLike(Protocol):
    """What the audit needs of an acting user (Django's user model has it)."""

    pk: Any

    def get_username(self) -> str: ...


def correlation_new() -> str:
    """A fresh correlation id for grouping the events of one request or job."""
    return uuid.uuid4().hex


def _chain_lock() -> None:
    """Serialize appends until the end of the current transaction."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])
    # SQLite: the transaction began with BEGIN IMMEDIATE and already holds the only write lock.


def _chain_try_lock() -> bool:
    """The chain lock if free, until the end of the current transaction (PostgreSQL)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])
        return bool(cursor.fetchone()[0])


def sequencer_on() -> bool:
    """Whether appends go through the intake and the sequencer (PostgreSQL only)."""
    return connection.vendor == "postgresql" and bool(
        getattr(settings, "HOSO_AUDIT_SEQUENCER", False)
    )


def _actor_fields(actor: UserLike | None, *, role: str, unit: str, username: str) -> dict[str, Any]:
    user_id = getattr(actor, "pk", None) if actor is not None else None
    if user_id is not None:
        username = actor.get_username() if hasattr(actor, "get_username") else str(actor)
        user_id = int(user_id)
    return {
        "actor_user_id": user_id,
        "actor_username": clean_text(username, limit=200),
        "actor_role": clean_text(role, limit=100),
        "actor_unit": clean_text(unit, limit=100),
    }


@transaction.atomic
def event_record(
    *,
    actor: UserLike | None,
    action: AuditAction | str,
    outcome: AuditOutcome | str,
    actor_role: str = "",
    actor_unit: str = "",
    actor_username: str = "",
    personal_id: str = "",
    sections: Iterable[str] = (),
    purpose: str = "",
    grant_id: str | int = "",
    client_address: str = "",
    correlation_id: str = "",
    detail: Mapping[str, Any] | None = None,
    chained: bool = False,
) -> AuditEvent:
    """Append one event, in the caller's transaction.

    `actor=None` (or an anonymous user) records a system event; `actor_username` then names
    who was claimed, e.g. the name typed in a failed login. `actor_role` and `actor_unit`
    are the duty and unit code under which the decision was made. Every text is sanitized.

    With the sequencer (`sequencer_on()`) the event goes to the intake and is chained right
    after the caller commits; the returned event is then unsaved (`seq` None) — pass
    `chained=True` when the caller needs its `seq` now (an alert about it), at the price of
    holding the chain lock to the end of its transaction, as every append does without the
    sequencer. Raises `ValueError` for an action or outcome outside the enums (a programming
    error).
    """
    if action not in AuditAction.values:
        raise ValueError(f"unknown audit action {action!r}")
    if outcome not in AuditOutcome.values:
        raise ValueError(f"unknown audit outcome {outcome!r}")
    if isinstance(sections, str):
        raise TypeError("sections must be a list of section names, not one string")
    fields: dict[str, Any] = {
        **_actor_fields(actor, role=actor_role, unit=actor_unit, username=actor_username),
        "action": str(action),
        "outcome": str(outcome),
        "personal_id": clean_text(personal_id, limit=64),
        "sections": [clean_text(name, limit=200) for name in sections],
        "purpose": clean_text(purpose),
        "grant_id": clean_text(grant_id, limit=100),
        "client_address": clean_text(client_address, limit=100),
        "correlation_id": clean_text(correlation_id, limit=100),
        "detail": clean_json(dict(detail or {})),
    }
    if sequencer_on() and not chained:
        fields["occurred_at"] = timezone.now()
        AuditIntake.objects.create(**fields)
        # Robust: the caller's work is committed; an event left in the intake by a failed
        # chaining is taken by the next append or the worker's sweep.
        transaction.on_commit(_after_commit, robust=True)
        return AuditEvent(**fields)
    _chain_lock()
    last_seq, last_hash = selectors.chain_head()
    # Taken under the lock, so times never run backwards along the chain on one clock.
    fields["occurred_at"] = timezone.now()
    fields["seq"] = last_seq + 1
    fields["prev_hash"] = last_hash
    fields["hash"] = chain.event_hash(fields)
    return AuditEvent.objects.create(**fields)


def _intake_take(size: int) -> list[dict[str, Any]]:
    """Delete the `size` oldest committed intake rows and return their fields, oldest first
    (one statement; under the chain lock, so no other sequencer takes them)."""
    columns = ", ".join(chain.CONTENT_FIELDS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM audit_intake WHERE id IN (SELECT id FROM audit_intake "  # noqa: S608
            f"ORDER BY id LIMIT %s) RETURNING id, {columns}",
            [size],
        )
        found = sorted(cursor.fetchall())
    rows = []
    for values in found:
        row = dict(zip(chain.CONTENT_FIELDS, values[1:], strict=True))
        for name in ("sections", "detail"):  # jsonb as the ORM gives it back
            if isinstance(row[name], str):
                row[name] = json.loads(row[name])
        rows.append(row)
    return rows


class _Sequencer(threading.Thread):
    """The process's sequencer: chains the intake whenever a request's append commits, off
    the request (its answer waits for its own commit only, not for a second one) and in
    batches of whatever committed meanwhile. Its own database connection."""

    def __init__(self) -> None:
        super().__init__(name="hoso-audit-sequencer", daemon=True)
        self.wake = threading.Event()

    def run(self) -> None:
        while True:
            self.wake.wait()
            self.wake.clear()
            try:
                chain_pending()
            except DatabaseError:
                logger.exception("audit sequencer: chaining failed; the sweep will retry")
            finally:
                connection.close()  # this thread's own: hold no session between batches


_sequencer: list[_Sequencer] = []
_sequencer_lock = threading.Lock()


def _after_commit() -> None:
    """An append committed: in a request, wake the process's sequencer; in a command or a
    task (which may end right after), chain now."""
    if request_memo() is None:
        chain_pending()
        return
    with _sequencer_lock:
        if not _sequencer or not _sequencer[0].is_alive():
            _sequencer[:] = [_Sequencer()]
            _sequencer[0].start()
    _sequencer[0].wake.set()


def chain_pending(*, rounds: int = 20) -> int:
    """Chain the committed intake events, oldest first, in batches; returns how many.

    Each batch is one transaction under the chain lock: read the head, give each event the
    next `seq`, its `prev_hash` and `hash`, insert them into the chain and delete them from
    the intake — so an event is chained exactly once, and nothing is chained that its
    caller rolled back (it never committed to the intake). The lock is only *tried*: whoever
    holds it looks again after its commit, and so takes every event committed before a
    failed try (no event waits for a quiet moment). `rounds` bounds one caller's work; the
    worker's sweep and the next append take what is left. Sends `signals.events_chained`
    after each batch's commit. Outside the sequencer (SQLite): nothing to do.
    """
    if connection.vendor != "postgresql":
        return 0
    size = int(getattr(settings, "HOSO_AUDIT_SEQUENCER_BATCH", 5000))
    total = 0
    for _ in range(rounds):
        with transaction.atomic():
            if not _chain_try_lock():
                return total
            rows = _intake_take(size)
            if not rows:
                return total
            last_seq, last_hash = selectors.chain_head()
            events = []
            for row in rows:
                last_seq += 1
                row["seq"], row["prev_hash"] = last_seq, last_hash
                last_hash = row["hash"] = chain.event_hash(row)
                events.append(AuditEvent(**row))
            AuditEvent.objects.bulk_create(events)
        total += len(events)
        events_chained.send(sender=AuditEvent, events=events)
    return total


@transaction.atomic
def alert_raise(
    *,
    kind: AlertKind | str,
    event: AuditEvent,
    message: str,
    events: Sequence[AuditEvent] = (),
    raised_at: datetime | None = None,
) -> Alert:
    """Raise an alert about `event`, the event that triggered it (R-INCIDENT).

    `events`: the run of events the alert covers, in chain order (a burst of reads); by
    default `event` alone. The alert names their actor and `seq` range, so a reviewer's
    scope (`access.policies.alert_scope`) follows the events. `raised_at` defaults to the
    event's time. Invariants: the event is passed, never guessed ("the latest by seq" may be
    another request's); the message is cut to the column's 300 characters.
    Raises `ValueError` for a kind outside `AlertKind` (a programming error).
    """
    if kind not in AlertKind.values:
        raise ValueError(f"unknown alert kind {kind!r}")
    covered = list(events) or [event]
    return Alert.objects.create(
        kind=str(kind),
        actor_id=event.actor_user_id,
        actor_username=event.actor_username,
        raised_at=raised_at or event.occurred_at,
        first_seq=covered[0].seq,
        last_seq=covered[-1].seq,
        count=len(covered),
        message=message[:300],
    )


@transaction.atomic
def alert_acknowledge(*, acting_user: UserLike, alert: Alert, note: str) -> Alert:
    """Close an alert with a note of what was checked or done (R-INCIDENT).

    Invariants: an alert is acknowledged once; the note is required; the acknowledgement and
    its `ALERT_ACKNOWLEDGE` audit event are one transaction. Who may acknowledge which alert
    is the caller's question (`access.policies.alert_scope`): `audit` imports no other app.
    """
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    if alert.acknowledged_at is not None:
        raise ValidationFailed(
            [Problem("already_acknowledged", "Cảnh báo này đã được xác nhận xử lý.")]
        )
    if not note.strip():
        raise ValidationFailed(
            [Problem("note_required", "Cần ghi đã kiểm tra, xử lý cảnh báo thế nào.", "note")]
        )
    alert.acknowledged_by = str(getattr(acting_user, "username", acting_user))
    alert.acknowledged_at = timezone.now()
    alert.note = note[:300]
    alert.save(update_fields=["acknowledged_by", "acknowledged_at", "note"])
    ctx = current()
    event_record(
        actor=acting_user if getattr(acting_user, "is_authenticated", False) else None,
        actor_username=alert.acknowledged_by,
        action=AuditAction.ALERT_ACKNOWLEDGE,
        outcome=AuditOutcome.OK,
        client_address=ctx.client_address,
        correlation_id=ctx.correlation_id,
        detail={
            "channel": ctx.channel,
            "alert_id": alert.pk,
            "kind": alert.kind,
            "alert_user": alert.actor_username,
            "note": alert.note,
        },
    )
    return alert


@transaction.atomic
def checkpoint_create(*, acting_user: UserLike | None = None) -> tuple[AuditCheckpoint, bool]:
    """Seal the chain as it is now with a signed checkpoint; returns (checkpoint, created).

    Idempotent: when no event was appended since the last checkpoint, that checkpoint is
    returned and nothing is written. Holds the chain lock so the sealed head is exact.
    Raises `keys.AuditKeyError` when the key is unavailable (production: not configured).
    """
    key = keys.private_key(create=True)
    chain_pending()  # seal what is committed, not only what is already chained
    _chain_lock()
    event_count, last_hash = selectors.chain_head()
    previous = AuditCheckpoint.objects.order_by("-seq").first()
    if previous is not None and previous.event_count == event_count:
        return previous, False
    seq = previous.seq + 1 if previous else 1
    created_at = timezone.now()
    fingerprint = keys.fingerprint(key.public_key())
    message = chain.checkpoint_message(
        seq=seq,
        event_count=event_count,
        last_hash=last_hash,
        created_at=created_at,
        fingerprint=fingerprint,
    )
    checkpoint = AuditCheckpoint.objects.create(
        seq=seq,
        event_count=event_count,
        last_hash=last_hash,
        created_at=created_at,
        signature=keys.sign(key, message),
        public_key_fingerprint=fingerprint,
    )
    return checkpoint, True
