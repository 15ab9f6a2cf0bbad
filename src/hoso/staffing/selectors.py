"""How a unit stands against its staffing quotas (biên chế)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet

from hoso.catalog.selectors import entries
from hoso.core.dates import today as local_today
from hoso.orgs.models import (
    JobPosition,
    JobPositionVersion,
    Organization,
    QuotaChange,
    StaffingQuota,
)
from hoso.orgs.selectors import org_list, valid_on
from hoso.people.selectors import (
    job_positions_filled,
    subtree_totals,
    working_headcount,
    working_headcount_by_path,
)


def codes_in_order(catalog: str) -> list[str]:
    """A catalog's codes in its own order (staff categories: cán bộ, công chức, viên chức…)."""
    return list(entries(catalog).values_list("code", flat=True))


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


# --- The standing of a unit tree: quota, people at work, positions -----------------------------


@dataclass(frozen=True)
class StandingRow:
    """One unit and staff category of a tree: its own quota of the year (None: none assigned
    to it, it may be covered by an ancestor's), and, over the unit's whole subtree, the people
    at work, the people the job positions in force call for, and how many hold one."""

    organization: Organization
    staff_category: str
    quota: int | None
    headcount: int
    positions: int
    filled: int
    legal_basis: str = ""

    @property
    def vacant(self) -> int | None:
        """Places left under the quota (negative: over it); None without a quota."""
        return None if self.quota is None else self.quota - self.headcount

    @property
    def over(self) -> bool:
        return self.quota is not None and self.headcount > self.quota

    @property
    def positions_open(self) -> int:
        """Places of the job positions in force that nobody holds."""
        return max(0, self.positions - self.filled)

    @property
    def percent(self) -> float | None:
        """People at work as a share of the quota (None without a quota; a quota of 0 is
        0% used with nobody, infinitely over with anyone)."""
        if self.quota is None:
            return None
        if self.quota == 0:
            return 0.0 if self.headcount == 0 else math.inf
        return 100.0 * self.headcount / self.quota


def standing(*, root: Organization, year: int, on: date | None = None) -> list[StandingRow]:
    """Every unit of `root`'s subtree in force on `on` (today), per staff category that has a
    quota, people or job positions there, in tree order. Six queries whatever the tree's
    size: the units, the quotas, one grouped count of people, the positions in force, one
    grouped count of their holders, the order of the staff categories.
    """
    on = on or local_today()
    units = list(org_list(on=on, root=root))
    quotas = {
        (q.organization_id, q.staff_category): q
        for q in StaffingQuota.objects.filter(year=year, organization__path__startswith=root.path)
    }
    people = working_headcount_by_path(root_path=root.path)
    jobs = list(
        JobPosition.objects.filter(organization__path__startswith=root.path)
        .filter(valid_on(on))
        .values_list("pk", "organization__path", "staff_category", "headcount")
    )
    held = job_positions_filled(position_ids=[pk for pk, *_ in jobs], on=on)

    planned: dict[tuple[str, str], int] = {}
    filled: dict[tuple[str, str], int] = {}
    for pk, path, category, headcount in jobs:
        planned[(path, category)] = planned.get((path, category), 0) + headcount
        filled[(path, category)] = filled.get((path, category), 0) + held.get(pk, 0)
    people_in, planned_in, filled_in = (subtree_totals(d) for d in (people, planned, filled))
    present: dict[int, set[str]] = {}
    for unit_id, category in [*quotas, *people_in, *planned_in]:
        present.setdefault(unit_id, set()).add(category)
    order = {code: i for i, code in enumerate(codes_in_order("staff_category"))}
    rows = []
    for unit in units:
        for category in sorted(present.get(unit.pk, ()), key=lambda c: (order.get(c, 99), c)):
            quota = quotas.get((unit.pk, category))
            key = (unit.pk, category)
            rows.append(
                StandingRow(
                    organization=unit,
                    staff_category=category,
                    quota=quota.quota if quota else None,
                    headcount=people_in.get(key, 0),
                    positions=planned_in.get(key, 0),
                    filled=filled_in.get(key, 0),
                    legal_basis=quota.legal_basis if quota else "",
                )
            )
    return rows


def quota_history(unit: Organization, *, year: int | None = None) -> QuerySet[QuotaChange]:
    """Every assignment and change of `unit`'s own quotas (of `year`), newest first."""
    qs = QuotaChange.objects.filter(quota__organization=unit).select_related("quota")
    if year is not None:
        qs = qs.filter(quota__year=year)
    return qs.order_by("-changed_at", "-pk")


def quota_get(unit: Organization, year: int, staff_category: str) -> StaffingQuota | None:
    return StaffingQuota.objects.filter(
        organization=unit, year=year, staff_category=staff_category
    ).first()


def job_positions(
    unit: Organization, *, on: date | None = None, include_ended: bool = True
) -> QuerySet[JobPosition]:
    """The job positions of `unit` itself, by code (those in force on `on` only, unless
    `include_ended`)."""
    qs = JobPosition.objects.filter(organization=unit)
    if not include_ended:
        qs = qs.filter(valid_on(on or local_today()))
    return qs.order_by("code")


def job_position_get(unit: Organization, code: str) -> JobPosition | None:
    return (
        JobPosition.objects.filter(organization=unit, code=code)
        .select_related("organization")
        .first()
    )


def job_position_versions(position: JobPosition) -> QuerySet[JobPositionVersion]:
    """Every dated description of `position`, newest first."""
    return position.versions.order_by("-valid_from")


def filled_of(positions: list[JobPosition], on: date | None = None) -> dict[int, int]:
    """People at work holding each of `positions` on `on` (one query)."""
    return job_positions_filled(position_ids=[p.pk for p in positions], on=on)


def quotas_of(*, root: Organization, year: int) -> QuerySet[StaffingQuota]:
    """The quotas of `year` given to `root` and the units below it."""
    return StaffingQuota.objects.filter(year=year, organization__path__startswith=root.path)
