"""NĐ 135/2020 retirement moments: DOMAIN.md's worked examples and properties."""

from __future__ import annotations

import json
from datetime import date, timedelta
from importlib import resources

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hoso.rules.retirement import retirement, rules_from


def _rules():
    raw = json.loads((resources.files("hoso.catalog") / "data" / "retirement_age.json").read_text())
    return rules_from({e["code"]: e["attrs"] for e in raw["entries"]})


RULES = _rules()
MAN, WOMAN = RULES["M"], RULES["F"]


@pytest.mark.parametrize(
    ("birth", "rule", "moment", "years", "months"),
    [
        (date(1961, 9, 15), MAN, date(2021, 12, 31), 60, 3),
        (date(1961, 10, 1), MAN, date(2022, 4, 30), 60, 6),
        (date(1961, 1, 20), MAN, date(2021, 4, 30), 60, 3),
        (date(1966, 1, 1), WOMAN, date(2021, 5, 31), 55, 4),
        (date(1980, 6, 30), MAN, date(2042, 6, 30), 62, 0),  # after the cap (2028)
        (date(1990, 2, 10), WOMAN, date(2050, 2, 28), 60, 0),  # after the cap (2035)
        (date(1950, 3, 3), MAN, date(2010, 3, 31), 60, 0),  # before the schedule: old rule
    ],
)
def test_worked_examples(birth, rule, moment, years, months):
    r = retirement(birth, rule)
    assert (r.date, r.age_years, r.age_months) == (moment, years, months)


births = st.dates(min_value=date(1940, 1, 1), max_value=date(2008, 12, 31))


@given(births, st.sampled_from(["M", "F"]))
def test_moment_is_the_end_of_the_month_the_age_is_reached(birth, sex):
    r = retirement(birth, RULES[sex])
    assert (r.date + timedelta(days=1)).day == 1
    months = r.age_years * 12 + r.age_months
    index = birth.year * 12 + birth.month - 1 + months
    assert (r.date.year, r.date.month) == (index // 12, index % 12 + 1)


@given(births, st.sampled_from(["M", "F"]))
def test_age_is_the_one_of_the_year_it_is_reached(birth, sex):
    rule = RULES[sex]
    r = retirement(birth, rule)
    months = r.age_years * 12 + r.age_months
    assert rule.base_months <= months <= rule.cap_months
    if r.year >= rule.first_year:
        assert months == rule.months_in(r.year)


@given(births, births, st.sampled_from(["M", "F"]))
def test_born_later_never_retires_earlier(a, b, sex):
    first, second = sorted([a, b])
    assert retirement(first, RULES[sex]).date <= retirement(second, RULES[sex]).date
