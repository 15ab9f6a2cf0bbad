"""The signed approval of an import batch, all or nothing (docs/decisions/0018).

A records manager who is not the importer approves every dossier of the batch, chunk by
chunk through the write path (`changes.services.creations.creations_approve`: the dossiers
written with COPY, each version signed), then signs the batch manifest with the same key and
checks the signature before it is stored. One transaction: any refusal approves nothing.
"""

from __future__ import annotations

import hashlib
from datetime import date
from itertools import islice

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from hoso.access import recorder
from hoso.access.models import User
from hoso.audit.models import AuditAction, AuditOutcome
from hoso.audit.purposes import Purpose
from hoso.changes import signatures
from hoso.changes.models import ChangeStatus
from hoso.changes.services.creations import creations_approve
from hoso.core.errors import Problem, ValidationFailed
from hoso.exchange.imports.manifest import BATCH_FORMAT, batch_payload
from hoso.exchange.models import BatchStatus, ImportBatch
from hoso.signing.canonical import canonical


def _fail(code: str, message: str) -> ValidationFailed:
    return ValidationFailed([Problem(code, message)], "Chưa phê duyệt đợt nhập; chưa ghi gì.")


@transaction.atomic
def batch_approve(
    *,
    acting_user: User,
    batch_id: int,
    today: date | None = None,
    jobs: int | None = None,  # noqa: ARG001 - one transaction: the approval runs in one process
) -> ImportBatch:
    """Approve every dossier of the batch and sign its manifest, all or nothing (see module)."""
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
    pending = []
    for item in items:
        if item.changeset.status == ChangeStatus.PROPOSED:
            pending.append(item.changeset_id)
        elif item.changeset.status != ChangeStatus.APPLIED:
            raise _fail(
                "item_not_pending",
                f"Hồ sơ {item.personal_id} của đợt không còn chờ phê duyệt "
                f"({item.changeset.get_status_display().lower()}).",
            )
    size = max(1, int(settings.HOSO_IMPORT_CHUNK))
    ids = iter(pending)
    while chunk := list(islice(ids, size)):
        creations_approve(acting_user=acting_user, changeset_ids=chunk, today=today)
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
