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
from hoso.staffing import selectors as staffing_selectors
from hoso.web.presenters.completeness import label_lines


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
    # Structure, not dossier content.
    return staffing_selectors.job_positions(org)


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
            u.organization,
            name_of("staff_category", u.staff_category),
            u.quota,
            u.counted,
            u.remaining,
            u.over,
            labels.get(u.organization.code, u.organization.name),
        )
        for u in people_selectors.quota_usage(year=year, root=root)
    ]


# --- The staffing standing page ----------------------------------------------------------------

CHART_LABEL_WIDTH = 280
CHART_BAR_WIDTH = 340
CHART_VALUE_WIDTH = 110
CHART_BAR_HEIGHT = 20
CHART_GAP = 18


@dataclass(frozen=True)
class StandingView:
    row: staffing_selectors.StandingRow
    unit: str  # the unit's name, told apart from namesakes
    category: str  # the staff category's name
    depth: int  # below the page's unit, for the indent
    level: str  # good (within) / fair (full: 90% or more) / poor (over) / none (no quota)

    @property
    def indent(self) -> int:
        return min(self.depth, 3)


@dataclass(frozen=True)
class StandingBar:
    lines: list[str]
    title: str
    y: int
    text_y: int
    quota_width: int
    people_width: int
    value_x: int
    value: str
    level: str


@dataclass(frozen=True)
class StandingChart:
    bars: list[StandingBar]
    width: int
    height: int
    label_width: int
    bar_height: int


def _level(row: staffing_selectors.StandingRow) -> str:
    if row.quota is None:
        return "none"
    if row.over:
        return "poor"
    return "fair" if row.percent is not None and row.percent >= 90 else "good"


def standing_views(*, root: Organization, year: int) -> list[StandingView]:
    labels = org_selectors.unit_labels()
    return [
        StandingView(
            row=r,
            unit=labels.get(r.organization.code, r.organization.name),
            category=name_of("staff_category", r.staff_category),
            depth=r.organization.depth - root.depth,
            level=_level(r),
        )
        for r in staffing_selectors.standing(root=root, year=year)
    ]


def standing_chart(views: list[StandingView]) -> StandingChart:
    """People at work against the quota, one bar pair per unit and category with a quota: the
    light bar is the quota, the dark one the people (red when over), on one scale."""
    with_quota = [v for v in views if v.row.quota is not None]
    top = 8
    scale = max([max(v.row.quota or 0, v.row.headcount) for v in with_quota] + [1])
    bars = []
    for i, v in enumerate(with_quota):
        y = top + i * (CHART_BAR_HEIGHT + CHART_GAP)
        quota_w = round(CHART_BAR_WIDTH * (v.row.quota or 0) / scale)
        people_w = round(CHART_BAR_WIDTH * v.row.headcount / scale)
        title = f"{v.unit} — {v.category}"
        bars.append(
            StandingBar(
                lines=label_lines(title, 34),
                title=title,
                y=y,
                text_y=y + CHART_BAR_HEIGHT // 2 + 5,
                quota_width=max(quota_w, 1),
                people_width=people_w,
                value_x=CHART_LABEL_WIDTH + max(quota_w, people_w) + 6,
                value=f"{v.row.headcount}/{v.row.quota}",
                level=v.level,
            )
        )
    height = top + len(with_quota) * (CHART_BAR_HEIGHT + CHART_GAP) + 4
    return StandingChart(
        bars,
        CHART_LABEL_WIDTH + CHART_BAR_WIDTH + CHART_VALUE_WIDTH,
        height,
        CHART_LABEL_WIDTH,
        CHART_BAR_HEIGHT,
    )


@dataclass(frozen=True)
class PositionView:
    position: JobPosition
    filled: int
    in_force: bool


def position_views(unit: Organization, on: date) -> list[PositionView]:
    positions = list(staffing_selectors.job_positions(unit))
    held = staffing_selectors.filled_of(positions, on)
    return [
        PositionView(
            p,
            held.get(p.pk, 0),
            p.valid_from <= on and (p.valid_to is None or p.valid_to >= on),
        )
        for p in positions
    ]
