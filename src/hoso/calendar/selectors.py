"""The calendar and the deadline policies, read from the catalogs.

Overrides are the ``calendar_override`` catalog and deadlines the ``deadline_policy`` catalog:
an administrator adds a government letter with ``hoso catalog load FILE`` and the next call
sees it, with no release and no restart (the catalog is read on every call; only the built
`Calendar` is reused while the overrides are unchanged).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.db.models import F

from hoso.calendar.engine import (
    Calendar,
    DeadlinePolicy,
    Override,
    override_from_entry,
    policies_from_entries,
)
from hoso.catalog.selectors import entries
from hoso.core.errors import DomainError

OVERRIDE_CATALOG = "calendar_override"
POLICY_CATALOG = "deadline_policy"
FIELDS = ("code", "name", "parent_code", "attrs", "valid_from", "valid_to", "legal_basis")


class CalendarDataInvalid(DomainError):
    """A catalog row the engine cannot use: refused loudly rather than miscount deadlines."""

    def __init__(self, message: str) -> None:
        super().__init__(code="calendar_data_invalid", message=message, status=500)


def _rows(catalog: str) -> list[dict[str, Any]]:
    # Oldest version first (undated first on every database), so later versions win.
    qs = entries(catalog).order_by(F("valid_from").asc(nulls_first=True), "pk")
    return [{**row, "parent": row["parent_code"]} for row in qs.values(*FIELDS)]


def overrides() -> tuple[Override, ...]:
    """The latest version of every override, by day."""
    latest = {row["code"]: row for row in _rows(OVERRIDE_CATALOG)}
    try:
        found = [override_from_entry(row) for row in latest.values()]
    except ValueError as exc:
        raise CalendarDataInvalid(f"Danh mục {OVERRIDE_CATALOG}: {exc}") from exc
    return tuple(sorted(found, key=lambda o: o.day))


@lru_cache(maxsize=4)
def _calendar(found: tuple[Override, ...]) -> Calendar:
    return Calendar(found)


def calendar() -> Calendar:
    """The working-day calendar with the overrides loaded now."""
    return _calendar(overrides())


def deadline_policies() -> dict[str, DeadlinePolicy]:
    try:
        return policies_from_entries(_rows(POLICY_CATALOG))
    except ValueError as exc:
        raise CalendarDataInvalid(f"Danh mục {POLICY_CATALOG}: {exc}") from exc


def deadline_policy(code: str | None = None) -> DeadlinePolicy:
    """The policy named `code`, or the default one (the seeds' rules of a new installation)."""
    policies = deadline_policies()
    if code is not None:
        if code not in policies:
            raise CalendarDataInvalid(f"Không có chính sách thời hạn «{code}».")
        return policies[code]
    for policy in policies.values():
        if policy.default:
            return policy
    raise CalendarDataInvalid("Chưa có chính sách thời hạn mặc định.")
