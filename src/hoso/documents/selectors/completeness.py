"""Which required components (catalog `required_component`) dossiers have on file: the
component part of the dossier standard (R-COMPLETE, R-DIGITIZE). Kinds only — never a
document's title, text or bytes — and a few grouped queries however many people."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q

from hoso.access import policies
from hoso.core.dates import today as local_today
from hoso.documents.models import Component
from hoso.orgs.models import Organization
from hoso.people.models import Person
from hoso.people.selectors import (
    dossier_standard,
    has_rows,
    people_of_unit,
    working_count_by_unit,
)
from hoso.people.standard import (
    COMPONENT,
    COMPONENT_GROUP,
    Finding,
    Standard,
)

BATCH = 200  # dossiers read per batch of queries by the worklist


def components_on_file(personal_ids: list[str], among: Any = None) -> dict[str, set[str]]:
    """Personal id → the component kinds on file (a superseded scan not counted); `among`: a
    subquery of personal ids to use instead of the list (a whole scope)."""
    ids = among if among is not None else personal_ids
    rows = (
        Component.objects.filter(personal_id__in=ids, superseded_by__isnull=True)
        .values_list("personal_id", "kind")
        .distinct()
    )
    out: dict[str, set[str]] = {pid: set() for pid in personal_ids}
    for pid, kind in rows:
        out.setdefault(pid, set()).add(kind)
    return out


def components_missing_by_unit(*, scope: Q, standard: Standard) -> dict[str, int]:
    """Current unit code → how many working people in `scope` lack at least one required
    component: one grouped query counted by the database (for each rule, the person has a
    row in its condition's section, if any, and no current component of its kind), never the
    whole scope brought into Python (3.8–8.6 s at 300,000 people, bench/pages.py)."""
    lacking: Any = Q(pk__in=[])
    for rule in standard.components:
        on_file = Component.objects.filter(
            personal_id=OuterRef("personal_id"), kind=rule.kind, superseded_by__isnull=True
        )
        missing = ~Exists(on_file)
        lacking |= (has_rows(rule.when_section) & missing) if rule.when_section else missing
    if not standard.components:
        return {}
    return working_count_by_unit(scope, lacking)


# --- Findings through the gate: one dossier, one unit ----------------------------------------


def dossier_findings(access: policies.DossierAccess) -> tuple[list[Finding], int]:
    """The standard's findings on one dossier this reader may be told of — fields, format and
    components — and how many others are hidden from them (one query for the components)."""
    pid = access.person.personal_id
    return access.standard_findings(
        dossier_standard(), today=local_today(), components=components_on_file([pid])[pid]
    )


@dataclass
class UnitRow:
    person: Person
    findings: list[Finding]
    hidden: int

    @property
    def count(self) -> int:
        return len(self.findings) + self.hidden


@dataclass(frozen=True)
class GroupCount:
    group: int  # a data group of NĐ 27/2026, or `COMPONENT_GROUP`
    complete: int
    incomplete: int


def unit_findings(user: Any, unit: Organization) -> list[UnitRow]:
    """Every working dossier of `unit` the reader may open, with the standard's findings the
    gate lets them be told of, most missing first (then by name). Each dossier is decided by
    the reader's gate in memory (`Gate.access`): nobody sees more here than on the dossier."""
    gate = policies.gate_for(user)
    standard = dossier_standard()
    today = local_today()
    people = list(people_of_unit(scope=gate.people_scope(), unit=unit))
    on_file = components_on_file([p.personal_id for p in people])
    rows = []
    for start in range(0, len(people), BATCH):
        for access in gate.access_many(people[start : start + BATCH]):
            found, hidden = access.standard_findings(
                standard, today=today, components=on_file[access.person.personal_id]
            )
            rows.append(UnitRow(access.person, found, hidden))
    rows.sort(key=lambda r: (-r.count, r.person.sort_key, r.person.personal_id))
    return rows


def in_group(finding: Finding, group: int) -> bool:
    """A finding counts in its data group; a missing component in `COMPONENT_GROUP` only."""
    if group == COMPONENT_GROUP:
        return finding.kind == COMPONENT
    return finding.group == group and finding.kind != COMPONENT


def standard_groups(standard: Standard) -> list[int]:
    groups = {r.group for r in standard.required} | {r.group for r in standard.formats}
    return sorted(groups) + ([COMPONENT_GROUP] if standard.components else [])


def group_counts(rows: list[UnitRow], standard: Standard | None = None) -> list[GroupCount]:
    """Per group of the standard: how many of `rows` have nothing / something missing in it
    (derived from the rows themselves, so counts and worklist always agree)."""
    out = []
    for group in standard_groups(standard or dossier_standard()):
        lacking = sum(1 for r in rows if any(in_group(f, group) for f in r.findings))
        out.append(GroupCount(group, len(rows) - lacking, lacking))
    return out
