"""Completeness: by unit (the table rows, the total and the bar chart drawn as SVG), and
against the dossier standard — one dossier's findings and a unit's worklist, each item linked
to where it is fixed (R-COMPLETE)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from hoso.access import policies
from hoso.catalog.selectors import name_of
from hoso.documents.selectors import completeness as completeness_selectors
from hoso.orgs import selectors as org_selectors
from hoso.orgs.models import Organization
from hoso.people.models import Person
from hoso.people.selectors import dossier_standard
from hoso.people.standard import COMPONENT, COMPONENT_GROUP, Finding

BAR_HEIGHT = 22
BAR_GAP = 16  # room for a label on two lines
LABEL_WIDTH = 270
LABEL_CHARS = 32  # characters of a label line at 13 px that fit in LABEL_WIDTH
CHART_WIDTH = 360
VALUE_WIDTH = 60


@dataclass(frozen=True)
class Bar:
    lines: list[str]
    title: str
    y: int
    text_y: int
    width: int
    value_x: int
    percent: float
    level: str  # good / fair / poor, also spelled out in the table


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    width: int
    height: int
    label_width: int
    chart_width: int
    bar_height: int
    ticks: list[tuple[int, int]]  # (x, percent)


def level_of(percent: float) -> str:
    if percent >= 90:
        return "good"
    if percent >= 70:
        return "fair"
    return "poor"


def label_lines(text: str, limit: int = LABEL_CHARS) -> list[str]:
    """A unit's name on at most two lines cut at spaces, the second shortened with "…" only
    when it still does not fit (a name cut at the left edge reads as another word)."""
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > limit:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    if len(lines) > 2:
        lines = [lines[0], " ".join(lines[1:])]
    if len(lines[-1]) > limit:
        lines[-1] = lines[-1][: limit - 1].rstrip() + "…"
    return lines


def completeness_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    labels = org_selectors.unit_labels()
    for r in rows:
        percent = 100 * (r["score"] or 0)
        out.append(
            {
                "code": r["current_unit__code"],
                "name": labels.get(r["current_unit__code"], r["current_unit__name"]),
                "people": r["people"],
                "incomplete": r["incomplete"],
                "percent": percent,
                "level": level_of(percent),
            }
        )
    return out


def completeness_total(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    people = sum(r["people"] for r in rows)
    if not people:
        return None
    percent = sum(r["percent"] * r["people"] for r in rows) / people
    return {
        "people": people,
        "incomplete": sum(r["incomplete"] for r in rows),
        "percent": percent,
        "level": level_of(percent),
    }


def completeness_chart(rows: list[dict[str, Any]]) -> Chart:
    top = 24
    bars = []
    for i, r in enumerate(rows):
        y = top + i * (BAR_HEIGHT + BAR_GAP)
        width = max(1, round(CHART_WIDTH * r["percent"] / 100)) if r["people"] else 0
        bars.append(
            Bar(
                lines=label_lines(r["name"]),
                title=r["name"],
                y=y,
                text_y=y + BAR_HEIGHT // 2 + 5,
                width=width,
                value_x=LABEL_WIDTH + width + 6,
                percent=r["percent"],
                level=r["level"],
            )
        )
    height = top + len(rows) * (BAR_HEIGHT + BAR_GAP) + 4
    ticks = [(LABEL_WIDTH + CHART_WIDTH * p // 100, p) for p in (0, 25, 50, 75, 100)]
    return Chart(
        bars,
        LABEL_WIDTH + CHART_WIDTH + VALUE_WIDTH,
        height,
        LABEL_WIDTH,
        CHART_WIDTH,
        BAR_HEIGHT,
        ticks,
    )


# --- The dossier standard: findings of one dossier, the worklist of a unit (R-COMPLETE) ------


@dataclass(frozen=True)
class Item:
    """One thing a dossier lacks, as a reader sees it: what, why, and where it is fixed."""

    kind: str  # standard.MISSING / FORMAT / COMPONENT
    rule: str
    group: int
    message: str
    href: str


def group_name(group: int) -> str:
    return name_of("data_group", str(group)) or f"Nhóm {group}"


def fix_href(personal_id: str, finding: Finding, *, editable: bool) -> str:
    """Where a finding is fixed: a component on the documents page (its upload form); a field
    in its section's entry form for a reader who may correct the dossier, else at its section
    on the dossier page."""
    if finding.kind == COMPONENT:
        return reverse("web:components", args=[personal_id])
    if editable:
        return reverse("web:dossier_edit_section", args=[personal_id, finding.section])
    return reverse("web:dossier", args=[personal_id]) + f"#muc-{finding.section}"


def items_of(personal_id: str, findings: list[Finding], *, editable: bool) -> list[Item]:
    return [
        Item(f.kind, f.rule, f.group, f.message, fix_href(personal_id, f, editable=editable))
        for f in findings
    ]


def dossier_findings(
    access: policies.DossierAccess, *, editable: bool = False
) -> tuple[list[Item], int]:
    """The standard's findings on one dossier that this reader may be told of (fields, format,
    components) with where each is fixed, and how many others are hidden from them."""
    found, hidden = completeness_selectors.dossier_findings(access)
    return items_of(access.person.personal_id, found, editable=editable), hidden


@dataclass
class WorkRow:
    person: Person
    items: list[Item]
    hidden: int

    @property
    def count(self) -> int:
        return len(self.items) + self.hidden


@dataclass
class GroupRow:
    group: int
    name: str
    complete: int
    incomplete: int


@dataclass
class Worklist:
    rows: list[WorkRow]  # every dossier of the unit the reader may open, most missing first
    groups: list[GroupRow]  # per data group: dossiers complete / incomplete in it
    people: int
    incomplete: int


def unit_worklist(user: Any, unit: Organization) -> Worklist:
    """The worklist of a unit (`documents.selectors.completeness.unit_findings`), each item
    with where it is fixed, and the per-group counts of exactly these rows."""
    found = completeness_selectors.unit_findings(user, unit)
    rows = [
        WorkRow(
            r.person,
            items_of(
                r.person.personal_id, r.findings, editable=policies.may_correct(user, r.person)
            ),
            r.hidden,
        )
        for r in found
    ]
    groups = [
        GroupRow(g.group, group_name(g.group), g.complete, g.incomplete)
        for g in completeness_selectors.group_counts(found)
    ]
    return Worklist(rows, groups, len(rows), sum(1 for r in rows if r.count))


def worklist_filtered(worklist: Worklist, *, group: int | None, rule: str) -> list[WorkRow]:
    """Rows with at least one item of `group` and/or `rule`, showing only those items; no
    filter: every row with anything missing (hidden items included)."""
    if group is None and not rule:
        return [r for r in worklist.rows if r.count]
    out = []
    for row in worklist.rows:
        items = [
            i
            for i in row.items
            if (group is None or _in_group(i, group)) and (not rule or i.rule == rule)
        ]
        if items:
            out.append(WorkRow(row.person, items, 0))
    return out


def _in_group(item: Item, group: int) -> bool:
    if group == COMPONENT_GROUP:
        return item.kind == COMPONENT
    return item.group == group and item.kind != COMPONENT


def rule_choices() -> list[tuple[str, str]]:
    """(rule code, Vietnamese name) of every rule of the standard, for the worklist's filter."""
    standard = dossier_standard()
    return (
        [(r.code, r.name) for r in standard.required]
        + [(r.code, r.message) for r in standard.formats]
        + [(r.kind, r.name) for r in standard.components]
    )
