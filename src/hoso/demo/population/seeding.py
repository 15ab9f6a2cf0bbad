"""Seeding: a checked plan, then the generated dossiers through `people.services`."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from hoso.core.dates import today as local_today
from hoso.core.errors import DomainError
from hoso.demo.population.generator import Population
from hoso.demo.population.inputs import NO_UNITS, Catalogs, Present, UnitInfo, require_catalogs
from hoso.demo.population.parallel import run_parallel
from hoso.demo.population.units import load_catalogs, load_units
from hoso.people import selectors
from hoso.people.services import dossiers_bulk_create


def generate_dossiers(
    *,
    count: int,
    seed: int,
    units: Sequence[UnitInfo],
    today: date,
    catalogs: Catalogs,
    start: int = 0,
    serial_start: Mapping[str, int] | None = None,
) -> Iterator[dict[str, Any]]:
    """`count` dossiers of people `start … start + count − 1` of seed `seed`.

    `serial_start` maps a personal-id prefix (first six digits) to how many numbers with that
    prefix already exist, so new numbers never collide with them (see
    `people.selectors.personal_id_prefix_counts`).
    """
    return Population(
        seed=seed, units=units, today=today, catalogs=catalogs, serial_start=serial_start
    ).dossiers(count, start)


def allocation_for(headcounts: Mapping[tuple[str, str], int]) -> list[tuple[str, str]]:
    """(unit code, staff category) for each person, so that each pair gets its headcount and
    the pairs are interleaved evenly (any first n people are spread like the whole)."""
    slots = [
        ((k + 0.5) / count, unit, category)
        for (unit, category), count in sorted(headcounts.items())
        for k in range(count)
    ]
    return [(unit, category) for _, unit, category in sorted(slots)]


def present_state() -> Present:
    """Headcount and filled leadership posts per unit, from the dossiers already stored."""
    headcount: dict[str, int] = {}
    posts: dict[tuple[str, str], int] = {}
    for (unit, position), n in selectors.working_by_unit_and_position().items():
        headcount[unit] = headcount.get(unit, 0) + n
        if position:
            posts[(unit, position)] = n
    return Present(headcount, posts)


@dataclass
class SeedResult:
    created: int
    seconds: float
    units: int

    @property
    def rate(self) -> float:
        return self.created / self.seconds if self.seconds else 0.0


@dataclass
class SeedPlan:
    """A checked, ready-to-run seeding: catalogs, units and numbering are settled before any
    progress is shown, so a missing prerequisite fails fast with its reason."""

    population: Population
    count: int
    start: int
    today: date

    def run(
        self,
        *,
        batch_size: int = 1000,
        on_progress: Callable[[int], None] | None = None,
        jobs: int = 1,
    ) -> SeedResult:
        """Write the people, with `jobs` worker processes on PostgreSQL (see `parallel`).

        One process when the caller holds a transaction: workers could not see what it has
        not committed (the units, in a test), nor could it stay open across their fork."""
        began = time.perf_counter()
        if jobs > 1 and connection.vendor == "postgresql" and not connection.in_atomic_block:
            created = run_parallel(self, jobs=jobs, batch_size=batch_size, on_progress=on_progress)
        else:
            created = len(
                dossiers_bulk_create(
                    acting_user=None,
                    dossiers=self.population.dossiers(self.count, self.start),
                    all_or_nothing=False,
                    batch_size=batch_size,
                    today=self.today,
                    on_progress=on_progress,
                )
            )
        units = len(self.population.unit_pick.items)
        return SeedResult(created=created, seconds=time.perf_counter() - began, units=units)


def seed_plan(
    *,
    count: int,
    seed: int,
    unit_codes: Sequence[str] | None = None,
    today: date | None = None,
    allocation: Sequence[tuple[str, str]] = (),
) -> SeedPlan:
    """Prepare seeding `count` people into the leaf units (under `unit_codes` if given).

    Re-runnable: people are numbered after those already present, and personal-id serials
    continue per prefix, so a second run with the same seed adds new people instead of
    colliding with the first run's.
    """
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        raise DomainError("not_migrated", "Cơ sở dữ liệu chưa được khởi tạo: chạy «hoso migrate».")
    today = today or local_today()
    catalogs = load_catalogs()
    require_catalogs(catalogs)
    units = load_units(unit_codes, on=today)
    if not units:
        raise DomainError("no_units", NO_UNITS)
    population = Population(
        seed=seed,
        units=units,
        today=today,
        catalogs=catalogs,
        serial_start=selectors.personal_id_prefix_counts(),
        present=present_state(),
        allocation=allocation,
    )
    return SeedPlan(population, count, selectors.person_queryset().count(), today)


def seed_people(
    *,
    count: int,
    seed: int,
    batch_size: int = 1000,
    unit_codes: Sequence[str] | None = None,
    today: date | None = None,
    on_progress: Callable[[int], None] | None = None,
    allocation: Sequence[tuple[str, str]] = (),
) -> SeedResult:
    """Generate `count` people and write them through `people.services` (see `seed_plan`;
    `allocation` as in `Population`)."""
    plan = seed_plan(
        count=count, seed=seed, unit_codes=unit_codes, today=today, allocation=allocation
    )
    return plan.run(batch_size=batch_size, on_progress=on_progress)
