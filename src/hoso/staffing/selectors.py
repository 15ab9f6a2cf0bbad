"""How a unit stands against its staffing quotas (biên chế)."""

from __future__ import annotations

from dataclasses import dataclass

from hoso.orgs.models import Organization, StaffingQuota
from hoso.people.selectors import working_headcount


@dataclass(frozen=True)
class QuotaStanding:
    """One quota that covers a unit: the quota of `organization` (the unit itself or one of its
    ancestors, since a quota covers its unit's whole subtree) and the people at work counted
    against it."""

    organization: Organization
    year: int
    staff_category: str
    quota: int
    headcount: int
    legal_basis: str

    @property
    def vacant(self) -> int:
        return self.quota - self.headcount

    def exceeded_by(self, joining: int = 1) -> int:
        """How many people over the quota the unit would be after `joining` more (0: within)."""
        return max(0, self.headcount + joining - self.quota)


def _ancestor_paths(unit: Organization) -> list[str]:
    # Paths are "/"-joined prefixes ending in "/": every prefix ending at a "/" is an ancestor.
    path = unit.path
    return [path[: i + 1] for i, ch in enumerate(path) if ch == "/" and i > 0]


def quota_standings(unit: Organization, year: int, staff_category: str) -> list[QuotaStanding]:
    """Every quota of `year` and `staff_category` that covers `unit`, nearest first.

    A recruitment, reception or transfer into `unit` counts against each of them: it is over
    quota when any of them has no vacancy left. An empty list means no quota is assigned.
    """
    quotas = (
        StaffingQuota.objects.filter(
            year=year,
            staff_category=staff_category,
            organization__path__in=_ancestor_paths(unit) or [unit.path],
        )
        .select_related("organization")
        .order_by("-organization__depth")
    )
    standings = []
    for quota in quotas:
        headcount = working_headcount(
            staff_category=staff_category, unit_path=quota.organization.path
        )
        standings.append(
            QuotaStanding(
                organization=quota.organization,
                year=year,
                staff_category=staff_category,
                quota=quota.quota,
                headcount=headcount,
                legal_basis=quota.legal_basis,
            )
        )
    return standings
