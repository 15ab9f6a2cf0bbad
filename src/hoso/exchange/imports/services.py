"""Import runs and the signed approval of a batch: the writers of `exchange.models`.

A run reads every file twice: first only the personal ids (a duplicate anywhere in the files
is an error of each dossier carrying it), then dossier by dossier — checked whole, and, unless
it is a dry run, proposed through the one write path (`changes.services.changesets`) in its own
transaction together with its `ImportItem`. A dossier with any problem writes nothing; a
dossier already imported with the same content is skipped; a run killed between two dossiers
leaves only whole ones, and its rerun adds the rest to the same open batch.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import rfc8785
from django.db import transaction
from django.utils import timezone

from hoso.access import recorder
from hoso.access.models import User
from hoso.access.policies import duty_covers
from hoso.audit.models import AuditAction, AuditOutcome
from hoso.audit.purposes import Purpose
from hoso.changes import signatures
from hoso.changes.models import ChangeStatus, SourceKind
from hoso.changes.selectors.changesets import creation_pending, unit_path
from hoso.changes.services.changesets import (
    WRITING_ROLES,
    changeset_approve,
    changeset_propose,
)
from hoso.core.dates import today as local_today
from hoso.core.errors import DomainError, Problem, ValidationFailed
from hoso.exchange.imports.checks import dossier_issues
from hoso.exchange.imports.manifest import BATCH_FORMAT, batch_payload
from hoso.exchange.imports.readers import Issue, Parsed, personal_ids, read
from hoso.exchange.models import BatchStatus, ImportBatch, ImportItem
from hoso.people.reference import load_reference
from hoso.people.selectors import person_by_id
from hoso.signing.canonical import canonical


@dataclass
class Outcome:
    read: int = 0
    imported: int = 0
    unchanged: int = 0
    failed: int = 0
    files_refused: int = 0
    issues: list[Issue] = field(default_factory=list)
    batch_id: int | None = None


def content_sha256(data: dict[str, Any]) -> str:
    return hashlib.sha256(rfc8785.dumps(data)).hexdigest()


def open_batch(importer: User) -> ImportBatch:
    """The importer's open batch (a rerun continues it), or a new one."""
    batch = ImportBatch.objects.filter(importer=importer, status=BatchStatus.OPEN).first()
    return batch or ImportBatch.objects.create(importer=importer)


def import_run(
    *,
    acting_user: User,
    paths: Iterable[Path],
    dry_run: bool,
    paper_confirmed_on: date | None = None,
    today: date | None = None,
    progress: Callable[[int], None] | None = None,
) -> Outcome:
    """Check (and unless `dry_run`, propose) every dossier of `paths`; see the module."""
    today = today or local_today()
    paths = list(paths)
    counts = Counter(pid for path in paths for pid in personal_ids(path))
    duplicates = {pid for pid, n in counts.items() if n > 1}
    ref = load_reference()
    outcome = Outcome()
    batch = None if dry_run else open_batch(acting_user)
    outcome.batch_id = batch.pk if batch else None
    for path in paths:
        for parsed in read(path, ref):
            _one(
                parsed,
                outcome,
                acting_user=acting_user,
                batch=batch,
                ref=ref,
                today=today,
                duplicates=duplicates,
                confirmed=paper_confirmed_on or today,
            )
            if progress and parsed.personal_id:
                progress(1)
    with transaction.atomic():
        recorder.record(
            user=acting_user,
            action=AuditAction.IMPORT,
            outcome=AuditOutcome.OK if not outcome.failed else AuditOutcome.ERROR,
            purpose=Purpose.PROPOSE,
            detail={
                "files": [p.name for p in paths],
                "dry_run": dry_run,
                "batch": outcome.batch_id,
                "read": outcome.read,
                "imported": outcome.imported,
                "unchanged": outcome.unchanged,
                "failed": outcome.failed,
                "files_refused": outcome.files_refused,
            },
        )
    return outcome


def _one(
    parsed: Parsed,
    outcome: Outcome,
    *,
    acting_user: User,
    batch: ImportBatch | None,
    ref: Any,
    today: date,
    duplicates: set[str],
    confirmed: date,
) -> None:
    if not parsed.personal_id:  # a problem of the file or of a line that is no dossier
        outcome.issues += parsed.issues
        outcome.files_refused += any(i.row is None for i in parsed.issues)
        outcome.failed += any(i.row is not None for i in parsed.issues)
        return
    outcome.read += 1
    pid = parsed.personal_id
    digest = content_sha256(parsed.data)
    if ImportItem.objects.filter(personal_id=pid, content_sha256=digest).exists():
        outcome.unchanged += 1  # landed already (this run's rerun, or one before)
        return
    managed = person_by_id(pid) is not None
    issues = dossier_issues(parsed, ref=ref, today=today, duplicates=duplicates, managed=managed)
    if not issues and not duty_covers(acting_user, WRITING_ROLES, unit_path(pid, parsed.data)):
        issues.append(  # said in a dry run too, before the write path would refuse it
            Issue(
                parsed.file,
                "",
                None,
                "employment.current_unit",
                pid,
                "not_assigned",
                "Bạn không được giao cập nhật hồ sơ của đơn vị này.",
                pid,
            )
        )
    if not managed and creation_pending(pid):
        issues.append(
            Issue(
                parsed.file,
                "",
                None,
                "identity.personal_id",
                pid,
                "creation_pending",
                f"Số định danh {pid} đang có đề xuất tạo hồ sơ khác chờ phê duyệt.",
                pid,
            )
        )
    if not issues and batch is not None:
        try:
            _propose(
                parsed,
                digest,
                acting_user=acting_user,
                batch=batch,
                confirmed=confirmed,
                today=today,
            )
        except DomainError as refused:
            problems = getattr(refused, "problems", None) or [Problem("refused", str(refused))]
            issues = [
                Issue(parsed.file, "", None, p.field, "", p.code, p.message, pid) for p in problems
            ]
    if issues:
        outcome.failed += 1
        outcome.issues += issues
    elif batch is not None:
        outcome.imported += 1


@transaction.atomic
def _propose(
    parsed: Parsed,
    digest: str,
    *,
    acting_user: User,
    batch: ImportBatch,
    confirmed: date,
    today: date,
) -> None:
    changeset = changeset_propose(
        acting_user=acting_user,
        personal_id=parsed.personal_id,
        operations=[{"op": "create", "data": parsed.data}],
        source_kind=SourceKind.PAPER,
        paper_confirmed_on=confirmed,
        source_note=f"Nhập từ tệp {parsed.file} (đợt nhập số {batch.pk})"[:300],
        today=today,
    )
    ImportItem.objects.create(
        batch=batch,
        personal_id=parsed.personal_id,
        content_sha256=digest,
        source_file=parsed.file[:255],
        changeset=changeset,
    )


def _fail(code: str, message: str) -> ValidationFailed:
    return ValidationFailed([Problem(code, message)], "Chưa phê duyệt đợt nhập; chưa ghi gì.")


@transaction.atomic
def batch_approve(*, acting_user: User, batch_id: int, today: date | None = None) -> ImportBatch:
    """Approve every dossier of the batch and sign its manifest, all or nothing.

    Each change set is approved through `changeset_approve` (its gate, checks and signature);
    the manifest is then signed with the approver's key and checked before it is stored.
    """
    batch = ImportBatch.objects.select_for_update().filter(pk=batch_id).first()
    if batch is None:
        raise _fail("unknown_batch", "Không có đợt nhập này.")
    if batch.status != BatchStatus.OPEN:
        raise _fail("already_decided", "Đợt nhập này đã được phê duyệt.")
    if batch.importer_id == acting_user.pk:
        raise _fail("self_approval", "Người nhập không được tự phê duyệt đợt nhập.")
    items = list(batch.items.select_related("changeset"))
    if not items:
        raise _fail("empty_batch", "Đợt nhập chưa có hồ sơ nào.")
    key = signatures.signing_key_for(acting_user)  # no key, no approval: nothing applied
    for item in items:
        if item.changeset.status == ChangeStatus.PROPOSED:
            changeset_approve(acting_user=acting_user, changeset_id=item.changeset_id, today=today)
        elif item.changeset.status != ChangeStatus.APPLIED:
            raise _fail(
                "item_not_pending",
                f"Hồ sơ {item.personal_id} của đợt không còn chờ phê duyệt "
                f"({item.changeset.get_status_display().lower()}).",
            )
    username = acting_user.get_username()
    payload = batch_payload(batch, username)
    signature, _ = signatures.sign_checked(payload, key, username)
    batch.status = BatchStatus.APPROVED
    batch.approver = acting_user
    batch.approved_at = timezone.now()
    batch.manifest_sha256 = hashlib.sha256(canonical(payload)).hexdigest()
    batch.signature_cms = signature.der
    batch.signer_certificate = signatures.certificate_pem(key.certificate)
    batch.signer_username = username
    batch.save()
    recorder.record(
        user=acting_user,
        action=AuditAction.IMPORT,
        outcome=AuditOutcome.OK,
        purpose=Purpose.APPROVE,
        detail={
            "batch": batch.pk,
            "format": BATCH_FORMAT,
            "count": len(items),
            "manifest_sha256": batch.manifest_sha256,
        },
    )
    return batch
