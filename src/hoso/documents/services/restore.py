"""Components restored from an archival package (`hoso.exchange.archive.ingest`): the rows the
import writes in this app, kept here so that `documents.services` stays their only writer."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from hoso.access.models import User
from hoso.documents.models import Component, ComponentStatus, PreservationEventType
from hoso.documents.services.preservation import component_event_add
from hoso.documents.storage import Stored


def component_restore(
    *,
    acting_user: User,
    personal_id: str,
    changeset: Any,
    entry: dict[str, Any],
    original_name: str,
    stored: Stored,
    detail: str,
) -> Component:
    """Record one component of a verified bag, its original already stored (RECEIVED, linked to
    the import's change set), with its `ingestion` event. The caller holds the transaction
    (the whole import is one) and has checked the bag and the stored bytes."""
    component = Component.objects.create(
        personal_id=personal_id,
        kind=entry["kind"],
        title=str(entry.get("title") or "")[:300],
        section=str(entry.get("section") or "")[:40],
        changeset=changeset,
        position=int(entry.get("position") or entry.get("sequence") or 0),
        sensitivity=str(entry.get("sensitivity") or "")[:32],
        status=ComponentStatus.RECEIVED,
        original_name=original_name[:200],
        media_type=str(entry.get("media_type") or "")[:40],
        original_key=stored.key,
        original_sha256=stored.sha256,
        original_size=stored.size,
        uploaded_by=acting_user,
        uploaded_at=timezone.now(),
    )
    component_event_add(
        component,
        PreservationEventType.INGESTION,
        detail=detail,
        agent=acting_user.get_username(),
    )
    return component


def component_supersede(*, component: Component, newer: Component) -> Component:
    """Mark `component` as replaced by `newer` (as it was in the package)."""
    component.superseded_by = newer
    component.save(update_fields=["superseded_by"])
    return component
