"""Unusual reading becomes an alert (R-INCIDENT): many dossiers by one user in a short time,
reading outside working hours, repeated denials. Thresholds are settings.

Checked right after each read event, in its transaction — or, with the sequencer, right after
its batch is chained (`chained`), once per user and action of the batch; one open alert per
user and kind at a time, so a burst raises one alert, not hundreds. Alerts are written by
`audit.services.alert_raise`; this module only decides when.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, QuerySet
from django.dispatch import receiver
from django.utils import timezone

from hoso.audit.models import Alert, AlertKind, AuditAction, AuditEvent
from hoso.audit.services import alert_raise
from hoso.audit.signals import events_chained

READS = (AuditAction.DOSSIER_READ_ALLOWED,)


def _setting(name: str, default: object) -> object:
    return getattr(settings, name, default)


def _working_time(moment: datetime) -> bool:
    local = timezone.localtime(moment)
    start, end = _setting("HOSO_WORK_HOURS", (time(7, 0), time(18, 0)))
    return local.weekday() < 5 and start <= local.time() <= end


def _open_alert(event: AuditEvent, kind: str, since: datetime) -> bool:
    return Alert.objects.filter(
        actor_username=event.actor_username,
        kind=kind,
        acknowledged_at__isnull=True,
        raised_at__gte=since,
    ).exists()


def _raise(event: AuditEvent, kind: str, events: list[AuditEvent], message: str) -> Alert:
    return alert_raise(kind=kind, event=event, events=events, message=message)


def check_after(event: AuditEvent) -> list[Alert]:
    """Alerts that `event` (just recorded) completes."""
    if event.action == AuditAction.LOGIN_THROTTLED:
        return _throttle_alert(event)
    if not event.actor_username or event.action not in (
        AuditAction.DOSSIER_READ_ALLOWED,
        AuditAction.DOSSIER_READ_DENIED,
    ):
        return []
    window = timedelta(seconds=int(_setting("HOSO_ALERT_WINDOW_SECONDS", 600)))
    since = event.occurred_at - window
    recent = AuditEvent.objects.filter(
        actor_username=event.actor_username, occurred_at__gte=since
    ).order_by("seq")
    raised: list[Alert] = []
    if event.action == AuditAction.DOSSIER_READ_ALLOWED:
        window_reads = recent.filter(action__in=READS)
        # Counted in SQL: a busy reader's window holds thousands of reads, listed only when
        # they make an alert.
        people = window_reads.values("personal_id").distinct().count()
        limit = int(_setting("HOSO_ALERT_READS", 50))
        if people >= limit and not _open_alert(event, AlertKind.MASS_READING, since):
            reads = list(window_reads.only("seq", "personal_id"))
            raised.append(
                _raise(
                    event,
                    AlertKind.MASS_READING,
                    reads,
                    f"{people} hồ sơ được xem trong {window.seconds // 60} phút.",
                )
            )
        if not _working_time(event.occurred_at) and not _open_alert(
            event, AlertKind.OFF_HOURS, event.occurred_at - timedelta(hours=12)
        ):
            local = timezone.localtime(event.occurred_at).strftime("%H:%M %d/%m/%Y")
            raised.append(
                _raise(
                    event,
                    AlertKind.OFF_HOURS,
                    [event],
                    f"Xem hồ sơ {event.personal_id} lúc {local}, ngoài giờ làm việc.",
                )
            )
    else:
        denials = list(recent.filter(action=AuditAction.DOSSIER_READ_DENIED).only("seq"))
        limit = int(_setting("HOSO_ALERT_DENIALS", 5))
        if len(denials) >= limit and not _open_alert(event, AlertKind.REPEATED_DENIALS, since):
            raised.append(
                _raise(
                    event,
                    AlertKind.REPEATED_DENIALS,
                    denials,
                    f"{len(denials)} lần bị từ chối trong {window.seconds // 60} phút.",
                )
            )
    return raised


@receiver(events_chained)
def chained(sender: Any, events: Sequence[AuditEvent], **kwargs: Any) -> None:
    """The sequencer chained `events`: check the alerts they complete with a few grouped
    queries per batch, not a few per event. Each user's reads and denials are counted for the
    whole batch at once; only a user the counts put at the threshold, or who read off hours
    with no open alert, is checked exactly (`check_after` of their last such event, which
    recounts their window and keeps one open alert per user and kind)."""
    reads: dict[str, AuditEvent] = {}
    denials: dict[str, AuditEvent] = {}
    off_hours: dict[str, AuditEvent] = {}
    for event in events:
        if event.action == AuditAction.LOGIN_THROTTLED:
            _throttle_alert(event)
        elif not event.actor_username:
            continue
        elif event.action == AuditAction.DOSSIER_READ_ALLOWED:
            reads[event.actor_username] = event
            if not _working_time(event.occurred_at):
                off_hours.setdefault(event.actor_username, event)
        elif event.action == AuditAction.DOSSIER_READ_DENIED:
            denials[event.actor_username] = event
    window = timedelta(seconds=int(_setting("HOSO_ALERT_WINDOW_SECONDS", 600)))
    due: dict[int, AuditEvent] = {}
    denied = (AuditAction.DOSSIER_READ_DENIED,)
    for last, actions, distinct, limit in (
        (reads, READS, True, int(_setting("HOSO_ALERT_READS", 50))),
        (denials, denied, False, int(_setting("HOSO_ALERT_DENIALS", 5))),
    ):
        if not last:
            continue
        since = min(e.occurred_at for e in last.values()) - window
        counted = (
            AuditEvent.objects.filter(
                actor_username__in=list(last), action__in=actions, occurred_at__gte=since
            )
            .values("actor_username")
            .annotate(n=Count("personal_id", distinct=True) if distinct else Count("pk"))
            .values_list("actor_username", "n")
        )
        # A superset of the users at the threshold (the earliest window of the batch).
        due.update({last[user].pk: last[user] for user, n in counted if n >= limit})
    if off_hours:
        alerted = set(
            Alert.objects.filter(
                actor_username__in=list(off_hours),
                kind=AlertKind.OFF_HOURS,
                acknowledged_at__isnull=True,
                raised_at__gte=min(e.occurred_at for e in off_hours.values()) - timedelta(hours=12),
            ).values_list("actor_username", flat=True)
        )
        due.update({e.pk: e for user, e in off_hours.items() if user not in alerted})
    for event in sorted(due.values(), key=lambda e: e.seq):
        check_after(event)


def _throttle_alert(event: AuditEvent) -> list[Alert]:
    """A login throttle started: one open alert per address and window, naming the address,
    the name typed and how long it waits (the auditor sees guessing as it happens)."""
    detail = event.detail or {}
    address = str(detail.get("address", event.client_address))
    window = timedelta(seconds=int(_setting("HOSO_ALERT_WINDOW_SECONDS", 600)))
    tag = f"«{address}»"
    if Alert.objects.filter(
        kind=AlertKind.LOGIN_THROTTLED,
        acknowledged_at__isnull=True,
        raised_at__gte=event.occurred_at - window,
        message__contains=tag,
    ).exists():
        return []
    name = event.actor_username or "(không ghi tên)"
    scope = "tài khoản này từ địa chỉ" if detail.get("scope") == "account_address" else "địa chỉ"
    message = (
        f"Đăng nhập sai nhiều lần từ địa chỉ {tag} (tên đăng nhập «{name}»): tạm hoãn "
        f"{scope} {detail.get('seconds', '?')} giây."
    )
    return [_raise(event, AlertKind.LOGIN_THROTTLED, [event], message)]


def open_alerts() -> QuerySet[Alert]:
    return Alert.objects.filter(acknowledged_at__isnull=True)
