"""The agency tree, its units and staff quotas as the pages show them (structure, not dossier
content)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet

from hoso.catalog.selectors import name_of
from hoso.orgs import selectors as org_selectors
from hoso.orgs.models import JobPosition, Organization
from hoso.people import selectors as people_selectors


@dataclass(frozen=True)
class TreeRow:
    org: Organization
    direct: int  # people at work whose current unit is this one
    total: int  # … in its whole subtree
    active: bool


def org_tree(*, on: date, include_closed: bool) -> list[TreeRow]:
    orgs = list(org_selectors.org_list())
    direct = people_selectors.headcount_by_unit()
    by_id = {o.pk: o for o in orgs}
    total: dict[int, int] = {}
    for unit_id, n in direct.items():
        unit = by_id.get(unit_id)
        if unit is None:
            continue
        for part in unit.path.strip("/").split("/"):
            total[int(part)] = total.get(int(part), 0) + n
    rows = []
    for o in orgs:
        active = o.valid_from <= on and (o.valid_to is None or o.valid_to >= on)
        if active or include_closed:
            rows.append(TreeRow(o, direct.get(o.pk, 0), total.get(o.pk, 0), active))
    return rows


def children_of(org: Organization) -> QuerySet[Organization]:
    return org_selectors.org_list(root=org).filter(depth=org.depth + 1)


def job_positions_of(org: Organization) -> QuerySet[JobPosition]:
    # Structure, not dossier content. Candidate for `orgs.selectors.job_positions(org)`.
    return org.job_positions.order_by("code")


@dataclass(frozen=True)
class QuotaRow:
    organization: Organization
    staff_category: str
    quota: int
    counted: int
    remaining: int
    over: bool
    unit: str = ""  # the unit's name, with its parent's when another unit has the same


def quota_rows(*, year: int, root: Organization) -> list[QuotaRow]:
    labels = org_selectors.unit_labels()
    return [
        QuotaRow(
            u.organization, name_of("staff_category", u.staff_category), u.quota, u.counted,
            u.remaining, u.over, labels.get(u.organization.code, u.organization.name),
        )
        for u in people_selectors.quota_usage(year=year, root=root)
    ]
