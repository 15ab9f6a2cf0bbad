"""Retirement age and moment under Nghị định 135/2020/NĐ-CP (Bộ luật Lao động 2019 Art. 169).

The age rises by a fixed number of months per calendar year from `first_year` until a cap
(catalog `retirement_age`). The year Y that counts is the year in which the person reaches
the age of year Y: the first Y ≥ first_year such that birth + age(Y) falls in year Y. Someone
who reached the base age before `first_year` retired under the old rule at the base age.
The retirement moment is the end of the month the age is reached (pension from the 1st of
the next month). A birth year without a date is taken as 1 January (callers pass that date).
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any


@dataclass(frozen=True)
class AgeRule:
    """One sex's schedule, in months of age."""

    first_year: int
    base_months: int
    months_per_year: int
    cap_months: int
    legal_basis: str = ""

    def months_in(self, year: int) -> int:
        """The retirement age (in months) of people reaching it in `year`."""
        if year < self.first_year:
            return self.base_months
        raised = self.base_months + self.months_per_year * (year - self.first_year + 1)
        return min(raised, self.cap_months)


@dataclass(frozen=True)
class Retirement:
    date: date  # the last day of the month the age is reached
    age_years: int
    age_months: int

    @property
    def year(self) -> int:
        return self.date.year

    @property
    def month(self) -> int:
        return self.date.month


def _month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def _end_of_month(index: int) -> date:
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, calendar.monthrange(year, month)[1])


def retirement(birth: date, rule: AgeRule) -> Retirement:
    """When a person born on `birth` reaches retirement age under `rule`."""
    born = _month_index(birth)
    if (born + rule.base_months) // 12 < rule.first_year:
        months = rule.base_months
    else:
        year = rule.first_year
        while True:
            months = rule.months_in(year)
            if (born + months) // 12 <= year or months == rule.cap_months:
                break
            year += 1
    return Retirement(_end_of_month(born + months), months // 12, months % 12)


def rules_from(entries: Mapping[str, Mapping[str, Any]]) -> dict[str, AgeRule]:
    """`AgeRule` per sex code from the `retirement_age` catalog's attrs (code = sex)."""
    return {
        sex: AgeRule(
            first_year=int(attrs["first_year"]),
            base_months=int(attrs["base_months"]),
            months_per_year=int(attrs["months_per_year"]),
            cap_months=int(attrs["cap_months"]),
            legal_basis=str(attrs.get("legal_basis", "")),
        )
        for sex, attrs in entries.items()
    }
