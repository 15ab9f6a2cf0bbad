"""The next regular salary step (Thông tư 08/2013/TT-BNV as amended by Thông tư 03/2021/TT-BNV).

A step is held `step_months` (catalog `pay_group`: 36 for ranks needing a college degree or
higher, 24 below, 60 for senior experts) before the next one. Each discipline taking effect
in the period delays the raise by its `salary_delay_months` (catalog `discipline_form`:
khiển trách / cảnh cáo 6, cách chức 12) and each year graded "not completed" by its
`salary_delay_months` (catalog `evaluation_grade`: 12); delays add up. A delay lengthens the
period, so a discipline inside the lengthened period delays it again (computed to a fixed
point). After the last step there is no next step: the seniority allowance applies instead.
Early raises for merit are decisions, not forecasts, and are not predicted here.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class Delay:
    """Something that may delay a raise: a discipline (on its effective date) or a year
    graded "not completed" (counted on 31 December of that year)."""

    on: date
    months: int
    reason: str


@dataclass(frozen=True)
class NextStep:
    date: date
    rank_code: str
    step: int
    coefficient: Decimal
    delay_months: int
    reasons: tuple[str, ...]


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or that month's last day (Bộ luật Dân sự 2015 Art. 148)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def due_after(since: date, months: int, delays: Sequence[Delay] = ()) -> tuple[date, list[Delay]]:
    """`since` plus `months`, lengthened by every delay falling in the lengthened period (to a
    fixed point), and the delays counted: the period of a salary step and of the seniority
    allowance alike."""
    due = add_months(since, months)
    while True:
        counted = [d for d in delays if since < d.on <= due]
        new_due = add_months(since, months + sum(d.months for d in counted))
        if new_due == due:
            return due, counted
        due = new_due


def next_step(
    *,
    rank_code: str,
    step: int,
    since: date,
    steps: Sequence[Decimal | float | str],
    step_months: int,
    delays: Sequence[Delay] = (),
) -> NextStep | None:
    """The next step of `rank_code` after holding `step` from `since`, or None at the last step."""
    if step < 1 or step >= len(steps):
        return None
    due, counted = due_after(since, step_months, delays)
    return NextStep(
        date=due,
        rank_code=rank_code,
        step=step + 1,
        coefficient=Decimal(str(steps[step])).quantize(Decimal("0.01")),
        delay_months=sum(d.months for d in counted),
        reasons=tuple(d.reason for d in sorted(counted, key=lambda d: d.on)),
    )
