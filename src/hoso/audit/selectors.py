"""Reading the audit trail: "who saw this dossier", "what did this user see", the checkpoints.

These selectors do not decide who may read the audit trail; the caller asks the access
policy first (auditors of the right scope), because `audit` imports no other app. Lists are
newest first and paged.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.utils import timezone

from hoso.audit import chain, keys
from hoso.audit.models import Alert, AuditCheckpoint, AuditEvent
from hoso.audit.sanitize import clean_text

EXPORT_FORMAT = "hoso.audit.checkpoints/1"


def event_list(
    *,
    personal_id: str | None = None,
    user_id: int | None = None,
    username: str | None = None,
    actions: Iterable[str] = (),
    outcomes: Iterable[str] = (),
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    correlation_id: str | None = None,
) -> QuerySet[AuditEvent]:
    """Events matching every given filter, newest first. `since` inclusive, `until` exclusive."""
    events = AuditEvent.objects.all()
    if personal_id is not None:
        events = events.filter(personal_id=clean_text(personal_id, limit=64))
    if user_id is not None:
        events = events.filter(actor_user_id=user_id)
    if username is not None:
        events = events.filter(actor_username=clean_text(username, limit=200))
    actions = list(actions)
    if actions:
        events = events.filter(action__in=actions)
    outcomes = list(outcomes)
    if outcomes:
        events = events.filter(outcome__in=outcomes)
    if since is not None:
        events = events.filter(occurred_at__gte=since)
    if until is not None:
        events = events.filter(occurred_at__lt=until)
    if correlation_id is not None:
        events = events.filter(correlation_id=clean_text(correlation_id, limit=100))
    return events.order_by("-seq")


def events_for_person(personal_id: str, **filters: Any) -> QuerySet[AuditEvent]:
    """Who saw, searched, changed or was refused this person's dossier."""
    return event_list(personal_id=personal_id, **filters)


def events_for_user(user: int | str, **filters: Any) -> QuerySet[AuditEvent]:
    """What this user did and saw: by user id (int) or by username (str, e.g. failed logins)."""
    if isinstance(user, int):
        return event_list(user_id=user, **filters)
    return event_list(username=user, **filters)


def events_page(events: QuerySet[AuditEvent], *, page: int | str = 1, size: int = 0) -> Page:
    """One page of `events` (size from `HOSO_PAGE_SIZE` by default; bad pages clamp)."""
    per_page = size or int(getattr(settings, "HOSO_PAGE_SIZE", 20))
    return Paginator(events, per_page).get_page(page)


def chain_head() -> tuple[int, str]:
    """(number of events, hash of the last one); the genesis hash for an empty chain."""
    last = AuditEvent.objects.order_by("-seq").values_list("seq", "hash").first()
    return last if last else (0, chain.GENESIS)


@dataclass(frozen=True)
class SealStatus:
    """How fresh the seal is: the newest checkpoint and the events appended after it."""

    last: AuditCheckpoint | None
    unsealed: int
    oldest_unsealed_at: dt.datetime | None
    interval_seconds: int

    def overdue(self, now: dt.datetime | None = None) -> bool:
        """An event has waited for its seal longer than the worker's schedule allows (plus a
        minute for a seal in progress): the worker is not running, or cannot sign."""
        if self.oldest_unsealed_at is None:
            return False
        waited = (now or timezone.now()) - self.oldest_unsealed_at
        return waited > dt.timedelta(seconds=self.interval_seconds + 60)


def seal_status() -> SealStatus:
    last = AuditCheckpoint.objects.order_by("-seq").first()
    sealed = last.event_count if last else 0
    after = AuditEvent.objects.filter(seq__gt=sealed)
    oldest = after.order_by("seq").values_list("occurred_at", flat=True).first()
    return SealStatus(
        last=last,
        unsealed=after.count(),
        oldest_unsealed_at=oldest,
        interval_seconds=settings.HOSO_AUDIT_CHECKPOINT_SECONDS,
    )


def checkpoint_list() -> QuerySet[AuditCheckpoint]:
    return AuditCheckpoint.objects.order_by("seq")


def checkpoint_as_dict(checkpoint: AuditCheckpoint) -> dict[str, Any]:
    return {
        "seq": checkpoint.seq,
        "event_count": checkpoint.event_count,
        "last_hash": checkpoint.last_hash,
        "created_at": chain.iso_utc(checkpoint.created_at),
        "public_key_fingerprint": checkpoint.public_key_fingerprint,
        "signature": checkpoint.signature,
    }


def checkpoints_export() -> dict[str, Any]:
    """Every checkpoint with the node's public key, for a verifier off this node.

    Raises `keys.AuditKeyError` when the node's key cannot be read (nothing to vouch with).
    """
    public_key = keys.private_key(create=False).public_key()
    return {
        "format": EXPORT_FORMAT,
        "exported_at": chain.iso_utc(timezone.now()),
        "event_format": chain.EVENT_FORMAT,
        "checkpoint_format": chain.CHECKPOINT_FORMAT,
        "public_keys": [
            {
                "algorithm": "Ed25519",
                "fingerprint": keys.fingerprint(public_key),
                "public_key_pem": keys.public_key_pem(public_key),
            }
        ],
        "checkpoints": [checkpoint_as_dict(c) for c in checkpoint_list()],
    }


# --- Alerts --------------------------------------------------------------------------------------


def alerts_open(scope: Q | None = None) -> QuerySet[Alert]:
    """Alerts not acknowledged yet, newest first; `scope` is the reader's (`alert_scope`)."""
    return Alert.objects.filter(scope or Q(), acknowledged_at__isnull=True).order_by(
        "-raised_at", "-pk"
    )


def alerts_acknowledged(scope: Q | None = None) -> QuerySet[Alert]:
    """Alerts already acknowledged, the latest acknowledged first."""
    return Alert.objects.filter(scope or Q(), acknowledged_at__isnull=False).order_by(
        "-acknowledged_at", "-pk"
    )


def alert_get(scope: Q, pk: int) -> Alert | None:
    """One alert in the reader's scope; one outside it is None, like a missing one."""
    return Alert.objects.filter(scope, pk=pk).first()
