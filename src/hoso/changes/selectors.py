"""Reading versions and change sets. Callers pass the access gate first."""

from __future__ import annotations

import json
from datetime import date, datetime, time
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from hoso.changes.models import ChangeSet, ChangeStatus, DossierVersion
from hoso.changes.operations import FieldChange, apply_operations, diff


def versions(personal_id: str) -> QuerySet[DossierVersion]:
    return DossierVersion.objects.filter(personal_id=personal_id).order_by("number")


def version_data(version: DossierVersion) -> dict[str, Any]:
    return json.loads(version.snapshot)


def version_as_of(personal_id: str, on: date) -> DossierVersion | None:
    """The version in force at the end of day `on` (node time zone)."""
    end = timezone.make_aware(datetime.combine(on, time.max))
    return versions(personal_id).filter(created_at__lte=end).order_by("-number").first()


def versions_compare(personal_id: str, a: int, b: int) -> list[FieldChange]:
    first = versions(personal_id).filter(number=a).first()
    second = versions(personal_id).filter(number=b).first()
    if first is None or second is None:
        return []
    return diff(version_data(first), version_data(second))


def proposal_diff(changeset: ChangeSet, current: dict[str, Any] | None) -> list[FieldChange]:
    """What approving would change, field by field, against the dossier as it is now."""
    after = apply_operations(current, json.loads(changeset.operations))
    return diff(current, after)


def pending(personal_id: str | None = None) -> QuerySet[ChangeSet]:
    qs = ChangeSet.objects.filter(status=ChangeStatus.PROPOSED).select_related("proposer")
    return qs.filter(personal_id=personal_id) if personal_id else qs
