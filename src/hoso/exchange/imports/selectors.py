"""Reads of import batches for the upload page (no dossier content: counts and ids only)."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from hoso.access.duties import active_assignments
from hoso.access.models import Role, User
from hoso.exchange.models import BatchStatus, ImportBatch, ImportChunk, ImportItem, ImportRun


def may_import(user: User) -> bool:
    """The upload page is for records managers (deny by default)."""
    return any(d.role == Role.RECORDS_MANAGER for d in active_assignments(user))


def open_batches() -> QuerySet[ImportBatch]:
    """Batches waiting for approval, with how many dossiers each holds; approving still passes
    each dossier's own gate (`changes.services.changesets.changeset_approve`)."""
    return (
        ImportBatch.objects.filter(status=BatchStatus.OPEN)
        .select_related("importer")
        .annotate(count=Count("items"))
        .order_by("pk")
    )


def landed(personal_ids: list[str]) -> set[tuple[str, str]]:
    """(personal id, content hash) of what already landed, for a chunk's ids: one query."""
    return set(
        ImportItem.objects.filter(personal_id__in=personal_ids).values_list(
            "personal_id", "content_sha256"
        )
    )


def journal(batch_id: int, file_sha256: str) -> dict[int, tuple[int, int]]:
    """The chunks of this file journaled in the batch: number → (dossiers read, failed)."""
    rows = ImportChunk.objects.filter(batch_id=batch_id, file_sha256=file_sha256)
    return {n: (d, f) for n, d, f in rows.values_list("number", "dossiers", "failed")}


def run_for(user: User, run_id: int) -> ImportRun | None:
    """One of `user`'s own runs from the upload page (anyone else's: None, as a missing one)."""
    return ImportRun.objects.filter(pk=run_id, importer=user).first()
