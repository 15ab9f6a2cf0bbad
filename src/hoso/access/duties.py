"""A user's active duties (R-ASSIGNED): the one query both the gate and the audit recorder
use, so neither imports the other for it — read once per request (`core.context.request_memo`)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Q

from hoso.access.models import RoleAssignment
from hoso.core.context import request_memo
from hoso.core.dates import today as local_today


def active_assignments(user: Any, on: date | None = None) -> list[RoleAssignment]:
    """The duties `user` holds on `on` (today); today's are read once per request."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    memo = request_memo() if on is None else None
    key = ("access.duties", user.pk)
    if memo is not None and key in memo:
        return list(memo[key])
    on = on or local_today()
    duties = list(
        RoleAssignment.objects.filter(user=user, valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        .select_related("organization")
    )
    if memo is not None:
        memo[key] = tuple(duties)
    return duties


def duties_holding(roles: set[str], on: date | None = None) -> list[RoleAssignment]:
    """Every active account's duties of `roles` on `on` (today), with the account and the
    unit, in one query: who owns the work waiting at a step (the dashboard's backlog)."""
    on = on or local_today()
    return list(
        RoleAssignment.objects.filter(
            role__in=roles, organization__isnull=False, user__is_active=True, valid_from__lte=on
        )
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        .select_related("user", "organization")
    )
