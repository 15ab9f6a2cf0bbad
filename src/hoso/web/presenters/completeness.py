"""Completeness by unit: the table rows, the total and the bar chart drawn as SVG."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hoso.orgs import selectors as org_selectors

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
        out.append({
            "code": r["current_unit__code"],
            "name": labels.get(r["current_unit__code"], r["current_unit__name"]),
            "people": r["people"], "incomplete": r["incomplete"], "percent": percent,
            "level": level_of(percent),
        })
    return out


def completeness_total(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    people = sum(r["people"] for r in rows)
    if not people:
        return None
    percent = sum(r["percent"] * r["people"] for r in rows) / people
    return {"people": people, "incomplete": sum(r["incomplete"] for r in rows),
            "percent": percent, "level": level_of(percent)}


def completeness_chart(rows: list[dict[str, Any]]) -> Chart:
    top = 24
    bars = []
    for i, r in enumerate(rows):
        y = top + i * (BAR_HEIGHT + BAR_GAP)
        width = max(1, round(CHART_WIDTH * r["percent"] / 100)) if r["people"] else 0
        bars.append(Bar(
            lines=label_lines(r["name"]), title=r["name"], y=y,
            text_y=y + BAR_HEIGHT // 2 + 5,
            width=width,
            value_x=LABEL_WIDTH + width + 6,
            percent=r["percent"], level=r["level"],
        ))
    height = top + len(rows) * (BAR_HEIGHT + BAR_GAP) + 4
    ticks = [(LABEL_WIDTH + CHART_WIDTH * p // 100, p) for p in (0, 25, 50, 75, 100)]
    return Chart(bars, LABEL_WIDTH + CHART_WIDTH + VALUE_WIDTH, height, LABEL_WIDTH,
                 CHART_WIDTH, BAR_HEIGHT, ticks)
