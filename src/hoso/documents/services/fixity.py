"""The fixity check (R-SECRET, permanent preservation): every stored object is read back,
decrypted and hashed, and its SHA-256 and size compared with what was recorded when it was
stored. Meant to run on a schedule (`hoso fixity`, e.g. weekly from cron or a systemd timer).

Each object checked gets a PREMIS "fixity check" event, success or failure. A mismatch, a
missing object or one that no longer decrypts is loud: a FIXITY audit event with outcome
error and an alert for the auditors of the person's unit, and the command exits non-zero.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from hoso.access import recorder
from hoso.access.models import User
from hoso.audit.models import AlertKind, AuditAction, AuditOutcome
from hoso.audit.purposes import Purpose
from hoso.audit.services import alert_raise
from hoso.documents.errors import StorageError
from hoso.documents.models import PreservationEventType, PreservationOutcome
from hoso.documents.selectors.fixity import StoredObject, stored_objects
from hoso.documents.services.preservation import preservation_event_add
from hoso.documents.storage import sha256_of

AGENT = "hoso fixity (SHA-256)"
FIXITY_ALERT_KIND = AlertKind.FIXITY  # the alert of a failed check


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


def fixity_check(*, acting_user: User | None = None) -> FixityReport:
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
                purpose=Purpose.FIXITY,
                detail={"checked": report.checked, "failed": len(report.failures)},
            )
    return report


@transaction.atomic
def _record(obj: StoredObject, reason: str, acting_user: User | None) -> None:
    agent = acting_user.get_username() if acting_user is not None else AGENT
    preservation_event_add(
        personal_id=obj.personal_id,
        component=obj.component,
        resume=obj.resume,
        event_type=PreservationEventType.FIXITY_CHECK,
        outcome=PreservationOutcome.FAILURE if reason else PreservationOutcome.SUCCESS,
        detail=f"{obj.label}: {reason}" if reason else f"{obj.label}: SHA-256 khớp.",
        agent=agent,
    )
    if not reason:
        return
    event = recorder.record(
        user=acting_user,
        username="" if acting_user is not None else AGENT,
        action=AuditAction.FIXITY,
        outcome=AuditOutcome.ERROR,
        personal_id=obj.personal_id,
        purpose=Purpose.FIXITY,
        detail={
            "object": obj.label,
            "key": obj.key,
            "component": obj.component.pk if obj.component else None,
            "resume": obj.resume.pk if obj.resume else None,
            "reason": reason,
        },
        chained=True,  # the alert names the event's seq
    )
    alert_raise(
        kind=FIXITY_ALERT_KIND,
        event=event,
        message=f"Tệp lưu trữ bị thay đổi hoặc mất: {obj.label} — {reason}",
    )
