"""A user's active duties (R-ASSIGNED): the one query both the gate and the audit recorder
use, so neither imports the other for it."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Q

from hoso.access.models import RoleAssignment
from hoso.core.dates import today as local_today


def active_assignments(user: Any, on: date | None = None) -> list[RoleAssignment]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    on = on or local_today()
    return list(
        RoleAssignment.objects.filter(user=user, valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        .select_related("organization")
    )
