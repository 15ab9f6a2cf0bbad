"""Reads of import batches for the upload page (no dossier content: counts and ids only)."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from hoso.access.duties import active_assignments
from hoso.access.models import Role, User
from hoso.exchange.models import BatchStatus, ImportBatch


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
