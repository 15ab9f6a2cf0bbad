"""Reading a dossier's versions. Callers pass the access gate first."""

from __future__ import annotations

import json
from datetime import date, datetime, time
from typing import Any

from django.db.models import Max, QuerySet
from django.utils import timezone

from hoso.changes.models import DossierVersion
from hoso.changes.operations import FieldChange, diff


def versions(personal_id: str) -> QuerySet[DossierVersion]:
    return DossierVersion.objects.filter(personal_id=personal_id).order_by("number")


def versions_with_people(personal_id: str) -> QuerySet[DossierVersion]:
    """`versions` with who proposed and who approved each (the versions page)."""
    return versions(personal_id).select_related("changeset__reviewer", "changeset__proposer")


def version_get(personal_id: str, number: int) -> DossierVersion | None:
    return versions(personal_id).filter(number=number).first()


def current_version_number(personal_id: str) -> int:
    return (
        DossierVersion.objects.filter(personal_id=personal_id).aggregate(n=Max("number"))["n"] or 0
    )


def version_data(version: DossierVersion) -> dict[str, Any]:
    return json.loads(version.snapshot)


def version_as_of(personal_id: str, on: date) -> DossierVersion | None:
    """The version in force at the end of day `on` (node time zone)."""
    end = timezone.make_aware(datetime.combine(on, time.max))
    return versions(personal_id).filter(created_at__lte=end).order_by("-number").first()


def versions_compare(personal_id: str, a: int, b: int) -> list[FieldChange]:
    first = version_get(personal_id, a)
    second = version_get(personal_id, b)
    if first is None or second is None:
        return []
    return diff(version_data(first), version_data(second))
