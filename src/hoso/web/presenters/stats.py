"""Read-only helpers of the statistics pages: the question from the query string, and the
geometry of the server-rendered SVG charts (no JS library, no CDN; each chart has its table).
Counts come from `hoso.analytics`; nothing here reads dossier tables."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.http import QueryDict
from django.urls import reverse
from django.utils.http import urlencode

from hoso.analytics import selectors
from hoso.analytics.errors import StatsError
from hoso.analytics.forecasts import YearRetirements
from hoso.analytics.selectors import AGE_BANDS, Breakdown
from hoso.core.dates import today
from hoso.web.presenters.completeness import label_lines


@dataclass(frozen=True)
class Question:
    unit: Any  # Organization
    as_of: date
    by: tuple[str, ...]

    def query(self, **extra: str) -> dict[str, str]:
        q = {"unit": self.unit.code, "as_of": self.as_of.isoformat(), "by": ",".join(self.by)}
        return q | extra


def people_href(q: Question, key: dict[str, Any]) -> str:
    """The drill-down list behind one number."""
    # "k_": the unit dimension's value must not overwrite the unit asked about.
    texts = {f"k_{d}": selectors.key_text(v) for d, v in key.items()}
    return f"{reverse('web:stats_people')}?{urlencode(q.query(**texts))}"


def report_href(q: Question) -> str:
    query = {"unit": q.unit.code, "as_of": q.as_of.isoformat()}
    return f"{reverse('web:stats_report')}?{urlencode(query)}"


def stats_href(q: Question) -> str:
    return f"{reverse('web:stats')}?{urlencode(q.query())}"


def cell_key(q: Question, params: QueryDict) -> dict[str, Any]:
    return selectors.parse_key(q.by, {d: params.get(f"k_{d}", "") for d in q.by})


def parse_date(text: str) -> date:
    """dd/mm/yyyy (what people type) or YYYY-MM-DD (what a date input sends)."""
    text = text.strip()
    try:
        if "/" in text:
            d, m, y = (int(p) for p in text.split("/"))
            return date(y, m, d)
        return date.fromisoformat(text)
    except ValueError:
        raise StatsError(
            "bad_date", f"Ngày «{text}» không đúng: hãy viết dạng dd/mm/yyyy, ví dụ 01/01/2026."
        ) from None


def question(user: Any, params: QueryDict) -> Question:
    """The unit, date and dimensions asked (defaults: the widest unit, today, by unit)."""
    units = selectors.stats_units(user)
    if not units:
        raise StatsError(
            "no_reading_duty",
            "Tài khoản của bạn không được giao nhiệm vụ đọc hồ sơ của đơn vị nào.",
            status=403,
        )
    code = params.get("unit") or units[0].code
    unit = selectors.stats_unit(user, code)
    as_of = parse_date(params["as_of"]) if params.get("as_of") else today()
    by_text = params.get("by")
    if by_text is None:
        dims = [params.get("dim1", selectors.Dimension.UNIT), params.get("dim2", "")]
        by_text = ",".join(d for d in dims if d)
    return Question(unit=unit, as_of=as_of, by=selectors.parse_dimensions(by_text))


# --- Charts ------------------------------------------------------------------------------------

BAR_HEIGHT = 20
BAR_GAP = 14
LABEL_WIDTH = 250
CHART_WIDTH = 340
VALUE_WIDTH = 70


@dataclass(frozen=True)
class CountBar:
    lines: list[str]
    title: str
    count: int
    y: int
    text_y: int
    width: int
    value_x: int


@dataclass(frozen=True)
class CountChart:
    title: str
    bars: list[CountBar]
    ticks: list[tuple[int, int]]
    width: int
    height: int
    label_width: int = LABEL_WIDTH
    bar_height: int = BAR_HEIGHT


def _ticks(top: int, left: int, span: int) -> tuple[int, list[tuple[int, int]]]:
    """A round maximum (4 × 1, 2, 5, 10, 20, 50…) at or above `top`, and its five ticks."""
    step, factors = 1, iter([2, 2.5, 2] * 20)
    while step * 4 < top:
        step = int(step * next(factors))
    scale = step * 4
    return scale, [(left + span * i // 4, step * i) for i in range(5)]


def count_chart(title: str, items: list[tuple[str, int]]) -> CountChart:
    """Horizontal bars of counts, one per (label, count), in the given order."""
    scale, ticks = _ticks(max((n for _l, n in items), default=0), LABEL_WIDTH, CHART_WIDTH)
    top = 24
    bars = []
    for i, (label, n) in enumerate(items):
        y = top + i * (BAR_HEIGHT + BAR_GAP)
        width = round(CHART_WIDTH * n / scale) if n else 0
        bars.append(
            CountBar(
                lines=label_lines(label),
                title=label,
                count=n,
                y=y,
                text_y=y + BAR_HEIGHT // 2 + 5,
                width=width,
                value_x=LABEL_WIDTH + width + 6,
            )
        )
    height = top + len(items) * (BAR_HEIGHT + BAR_GAP) + 4
    return CountChart(title, bars, ticks, LABEL_WIDTH + CHART_WIDTH + VALUE_WIDTH, height)


@dataclass(frozen=True)
class PyramidRow:
    label: str
    men: int
    women: int
    y: int
    text_y: int
    men_x: int
    men_width: int
    women_width: int


@dataclass
class Pyramid:
    rows: list[PyramidRow] = field(default_factory=list)
    width: int = 620
    height: int = 0
    center_left: int = 250
    center_right: int = 370
    side: int = 230
    label_x: int = 310
    men_total: int = 0
    women_total: int = 0


def pyramid(breakdown: Breakdown) -> Pyramid:
    """The age–sex pyramid (oldest band on top) from a breakdown by (age_band, sex)."""
    counts = {(g.key["age_band"], g.key["sex"]): g.count for g in breakdown.groups}
    chart = Pyramid()
    top_count = max(counts.values(), default=0) or 1
    top = 30
    for i, (code, label, _top) in enumerate(reversed(AGE_BANDS)):
        men, women = counts.get((code, "M"), 0), counts.get((code, "F"), 0)
        y = top + i * (BAR_HEIGHT + 10)
        men_w = round(chart.side * men / top_count)
        chart.rows.append(
            PyramidRow(
                label=label.replace("Từ ", "").replace(" tuổi", "").replace("đến", "–"),
                men=men,
                women=women,
                y=y,
                text_y=y + BAR_HEIGHT // 2 + 5,
                men_x=chart.center_left - men_w,
                men_width=men_w,
                women_width=round(chart.side * women / top_count),
            )
        )
        chart.men_total += men
        chart.women_total += women
    chart.height = top + len(AGE_BANDS) * (BAR_HEIGHT + 10) + 4
    return chart


def retirement_chart(years: list[YearRetirements]) -> CountChart:
    return count_chart(
        "Số người đến tuổi nghỉ hưu theo năm", [(f"Năm {y.year}", y.total) for y in years]
    )


# --- Tables ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    count: int
    href: str


@dataclass(frozen=True)
class CrossTable:
    """Two dimensions: rows × columns, each cell with the key of its drill-down."""

    rows: list[tuple[str, list[Cell], int]]
    columns: list[tuple[str, int]]
    total: int


@dataclass(frozen=True)
class Row:
    label: str
    count: int
    href: str
    percent: float


def breakdown_rows(q: Question, b: Breakdown) -> list[Row]:
    return [
        Row(
            label=" – ".join(g.labels[d] for d in b.by),
            count=g.count,
            href=people_href(q, g.key),
            percent=100 * g.count / b.total if b.total else 0.0,
        )
        for g in b.groups
    ]


def cross_table(q: Question, b: Breakdown) -> CrossTable:
    first, second = b.by
    counts = {(g.key[first], g.key[second]): g.count for g in b.groups}
    row_values, col_values = b.column_values(first), b.column_values(second)
    rows = []
    for rv, rl in row_values:
        cells = [
            Cell(counts.get((rv, cv), 0), people_href(q, {first: rv, second: cv}))
            for cv, _cl in col_values
        ]
        rows.append((rl, cells, sum(c.count for c in cells)))
    columns = [(cl, sum(counts.get((rv, cv), 0) for rv, _ in row_values)) for cv, cl in col_values]
    return CrossTable(rows, columns, b.total)
