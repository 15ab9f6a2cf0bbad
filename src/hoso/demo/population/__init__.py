"""The synthetic population: dossiers for demos, benchmarks and tests (never a real person's
data).

The generator (`generator.Population`, its sections by topic in `names`, `schooling`,
`careers`, `salaries`, `families`, `profile`) writes nothing: it yields plain dossiers in the
shape `people.services` accepts, so generated people pass through the same validation and
write path as typed or imported ones.
Everything it produces is consistent with the catalogs it is given (codes, pay-group steps,
ranks, positions), with the personal-id rules (digits match birth year, sex and the old
birth-registration province), with time (nothing before birth or in the future; nobody at work
past their retirement age) and with itself (training before the rank it qualifies for, one
current main position, Party admission at 18 or later, …). Name frequencies and tuning shares
are data in `demo/data/` with their sources.

Determinism: person `i` of seed `s` is drawn from its own `Random(s, i)`, so output does not
depend on batch size; slot-limited things (one head per unit) and personal-id serials depend on
the people generated before in the same run, which is itself deterministic.

Speed matters (R-SCALE: millions of dossiers for benchmarks): catalogs are reduced once to
cumulative-weight tables, people are built as plain dicts, dates are `date` objects (the
services accept `date` or ISO text; `json.dumps(..., default=str)` gives the dossier JSON).
"""

from hoso.demo.population.basics import job_code, retirement_month
from hoso.demo.population.generator import Population
from hoso.demo.population.inputs import (
    CATALOGS,
    NO_UNITS,
    SHARDS,
    Catalogs,
    Entry,
    Present,
    UnitInfo,
    parameters,
    require_catalogs,
)
from hoso.demo.population.seeding import (
    SeedPlan,
    SeedResult,
    allocation_for,
    generate_dossiers,
    present_state,
    seed_people,
    seed_plan,
)
from hoso.demo.population.units import load_catalogs, load_units

__all__ = [
    "CATALOGS",
    "NO_UNITS",
    "SHARDS",
    "Catalogs",
    "Entry",
    "Population",
    "Present",
    "SeedPlan",
    "SeedResult",
    "UnitInfo",
    "allocation_for",
    "generate_dossiers",
    "job_code",
    "load_catalogs",
    "load_units",
    "parameters",
    "present_state",
    "require_catalogs",
    "retirement_month",
    "seed_people",
    "seed_plan",
]
