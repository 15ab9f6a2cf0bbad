"""The fixity check (R-SECRET, permanent preservation): every stored object is read back,
decrypted and hashed, and its SHA-256 and size compared with what was recorded when it was
stored. Meant to run on a schedule (`hoso fixity`, e.g. weekly from cron or a systemd timer).

Each object checked gets a PREMIS "fixity check" event, success or failure. A mismatch, a
missing object or one that no longer decrypts is loud: a FIXITY audit event with outcome
error and an alert for the auditors of the person's unit, and the command exits non-zero.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from hoso.access import recorder
from hoso.audit.models import Alert, AlertKind, AuditAction, AuditEvent, AuditOutcome
from hoso.documents.errors import StorageError
from hoso.documents.models import (
    Component,
    PreservationEvent,
    PreservationEventType,
    PreservationOutcome,
    SignedResume,
)
from hoso.documents.storage import sha256_of

AGENT = "hoso fixity (SHA-256)"
# The alert kind of a failed fixity check. `audit.models.AlertKind` has no member for it yet
# (adding one needs a migration of the audit app); the value is stable and shown as is.
FIXITY_ALERT_KIND = AlertKind.FIXITY


@dataclass(frozen=True)
class StoredObject:
    """One stored file and what was recorded about it."""

    label: str  # Vietnamese, names the object for people
    personal_id: str
    key: str
    sha256: str
    size: int | None
    component: Component | None = None
    resume: SignedResume | None = None


@dataclass(frozen=True)
class Failure:
    label: str
    personal_id: str
    key: str
    reason: str


@dataclass
class FixityReport:
    checked: int = 0
    failures: list[Failure] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures

    def summary(self) -> str:
        if self.ok:
            return f"OK: {self.checked} tệp lưu trữ được kiểm tra, tất cả khớp mã băm SHA-256."
        return (
            f"LỖI TOÀN VẸN: {len(self.failures)}/{self.checked} tệp lưu trữ không khớp "
            "mã băm, bị mất hoặc không giải mã được."
        )


def stored_objects() -> Iterator[StoredObject]:
    """Every stored object: each component's original and PDF/A copy, each signed résumé."""
    for c in Component.objects.order_by("pk").iterator():
        yield StoredObject(
            label=f"bản gốc của thành phần #{c.pk} «{c.title}» (hồ sơ {c.personal_id})",
            personal_id=c.personal_id,
            key=c.original_key,
            sha256=c.original_sha256,
            size=c.original_size,
            component=c,
        )
        if c.pdfa_key:
            yield StoredObject(
                label=f"bản PDF/A của thành phần #{c.pk} «{c.title}» (hồ sơ {c.personal_id})",
                personal_id=c.personal_id,
                key=c.pdfa_key,
                sha256=c.pdfa_sha256,
                size=c.pdfa_size,
                component=c,
            )
    for r in SignedResume.objects.order_by("pk").iterator():
        yield StoredObject(
            label=f"sơ yếu lý lịch đã ký #{r.pk} (hồ sơ {r.personal_id}, phiên bản "
            f"{r.version_number})",
            personal_id=r.personal_id,
            key=r.key,
            sha256=r.sha256,
            size=r.size,
            resume=r,
        )


def _verify(obj: StoredObject) -> str:
    """Why the object fails its check, or "" when it passes."""
    try:
        digest, size = sha256_of(obj.key)
    except StorageError as exc:
        return f"không đọc hoặc không giải mã được ({exc})"
    if digest != obj.sha256:
        return f"mã băm SHA-256 không khớp (ghi nhận {obj.sha256[:16]}…, hiện có {digest[:16]}…)"
    if obj.size is not None and size != obj.size:
        return f"kích thước không khớp (ghi nhận {obj.size} byte, hiện có {size} byte)"
    return ""


def fixity_check(*, acting_user: Any = None) -> FixityReport:
    """Check every stored object (see the module docstring).

    Invariants: one PREMIS event per object per run; each failure is, in the same
    transaction as its event, a FIXITY audit event (outcome error) and an alert; a run over
    objects that all pass writes no audit error and no alert. Objects are checked one at a
    time (memory stays bounded), each in a short transaction of its own.
    """
    report = FixityReport()
    for obj in stored_objects():
        reason = _verify(obj)
        report.checked += 1
        _record(obj, reason, acting_user)
        if reason:
            report.failures.append(Failure(obj.label, obj.personal_id, obj.key, reason))
    if acting_user is not None or report.failures:
        with transaction.atomic():
            recorder.record(
                user=acting_user,
                username="" if acting_user is not None else AGENT,
                action=AuditAction.FIXITY,
                outcome=AuditOutcome.OK if report.ok else AuditOutcome.ERROR,
                purpose="fixity",
                detail={"checked": report.checked, "failed": len(report.failures)},
            )
    return report


@transaction.atomic
def _record(obj: StoredObject, reason: str, acting_user: Any) -> None:
    agent = acting_user.get_username() if acting_user is not None else AGENT
    PreservationEvent.objects.create(
        personal_id=obj.personal_id,
        component=obj.component,
        resume=obj.resume,
        event_type=PreservationEventType.FIXITY_CHECK,
        outcome=PreservationOutcome.FAILURE if reason else PreservationOutcome.SUCCESS,
        detail=(f"{obj.label}: {reason}" if reason else f"{obj.label}: SHA-256 khớp.")[:1000],
        agent=agent[:200],
        at=timezone.now(),
    )
    if not reason:
        return
    recorder.record(
        user=acting_user,
        username="" if acting_user is not None else AGENT,
        action=AuditAction.FIXITY,
        outcome=AuditOutcome.ERROR,
        personal_id=obj.personal_id,
        purpose="fixity",
        detail={
            "object": obj.label,
            "key": obj.key,
            "component": obj.component.pk if obj.component else None,
            "resume": obj.resume.pk if obj.resume else None,
            "reason": reason,
        },
    )
    event = AuditEvent.objects.order_by("-seq").first()
    Alert.objects.create(
        kind=FIXITY_ALERT_KIND,
        actor_id=event.actor_user_id if event else None,
        actor_username=event.actor_username if event else AGENT,
        raised_at=timezone.now(),
        first_seq=event.seq if event else 0,
        last_seq=event.seq if event else 0,
        count=1,
        message=f"Tệp lưu trữ bị thay đổi hoặc mất: {obj.label} — {reason}"[:300],
    )
