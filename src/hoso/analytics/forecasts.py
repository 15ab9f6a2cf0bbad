"""Forecasts from the workforce and the rules: retirements per year and one person's next
retirement moment and salary step.

The arithmetic is pure (`retirements_by_year`, `person_forecast` take plain data and rules);
the legal numbers come from catalogs (`retirement_age`, `pay_group`, `discipline_form`,
`evaluation_grade`) through `retirement_rules` and `StepCatalog`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from hoso.analytics import selectors
from hoso.analytics.errors import StatsError
from hoso.catalog.selectors import attrs_map, name_of
from hoso.core.dates import today as local_today
from hoso.core.dates import vn
from hoso.orgs.models import Organization
from hoso.rules.retirement import AgeRule, Retirement, retirement, rules_from
from hoso.rules.salary_steps import Delay, NextStep, next_step

MAX_YEARS = 30  # a forecast further out says nothing useful about today's staff


def retirement_rules() -> dict[str, AgeRule]:
    return rules_from(attrs_map("retirement_age"))


@dataclass
class YearRetirements:
    year: int
    total: int = 0
    by_category: Counter[str] = field(default_factory=Counter)
    posts: Counter[str] = field(default_factory=Counter)  # leadership posts they vacate

    @property
    def leaders(self) -> int:
        return sum(self.posts.values())


def retirements_by_year(
    rows: Iterable[Mapping[str, Any]],
    rules: Mapping[str, AgeRule],
    from_year: int,
    to_year: int,
) -> list[YearRetirements]:
    """Rows of `{"birth_date", "sex", "staff_category", "current_position_code", "n"}` → the
    people reaching retirement age in each year of [from_year, to_year] (pure)."""
    years = {y: YearRetirements(y) for y in range(from_year, to_year + 1)}
    for row in rows:
        rule = rules.get(row["sex"])
        if rule is None:
            continue
        moment = retirement(row["birth_date"], rule)
        bucket = years.get(moment.year)
        if bucket is None:
            continue
        n = int(row["n"])
        bucket.total += n
        bucket.by_category[row["staff_category"] or ""] += n
        if row.get("current_position_code"):
            bucket.posts[row["current_position_code"]] += n
    return list(years.values())


def check_years(from_year: int, to_year: int) -> None:
    if from_year > to_year:
        raise StatsError(
            "years_reversed", f"Năm bắt đầu ({from_year}) sau năm kết thúc ({to_year})."
        )
    if from_year < local_today().year:
        raise StatsError(
            "year_in_past",
            f"Dự báo tính từ năm nay ({local_today().year}); số đã nghỉ hưu xem ở mục Thống kê.",
        )
    if to_year - from_year + 1 > MAX_YEARS:
        raise StatsError("too_many_years", f"Dự báo tối đa {MAX_YEARS} năm.")


def retirement_forecast(
    *, user: Any, unit: Organization, from_year: int, to_year: int
) -> list[YearRetirements]:
    """People at work today in the unit's subtree (those `user` may count) reaching
    retirement age in each year (NĐ 135/2020, the month of retirement)."""
    check_years(from_year, to_year)
    rows = selectors.working_people(user=user, unit=unit)
    return retirements_by_year(rows, retirement_rules(), from_year, to_year)


def category_name(code: str) -> str:
    return name_of("staff_category", code) or selectors.NOT_RECORDED


def post_name(code: str) -> str:
    return name_of("position", code)


# --- One person --------------------------------------------------------------------------------


@dataclass(frozen=True)
class StepCatalog:
    """The catalog numbers the next-step rule needs."""

    ranks: Mapping[str, Mapping[str, Any]]
    pay_groups: Mapping[str, Mapping[str, Any]]
    disciplines: Mapping[str, Mapping[str, Any]]
    grades: Mapping[str, Mapping[str, Any]]
    discipline_names: Mapping[str, str]

    @classmethod
    def load(cls) -> StepCatalog:
        return cls(
            ranks=attrs_map("rank"),
            pay_groups=attrs_map("pay_group"),
            disciplines=attrs_map("discipline_form"),
            grades=attrs_map("evaluation_grade"),
            discipline_names={
                c: name_of("discipline_form", c) for c in attrs_map("discipline_form")
            },
        )


def _day(value: Any) -> date | None:
    if value in (None, ""):
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def raise_delays(content: Mapping[str, Any], catalog: StepCatalog) -> list[Delay]:
    """What delays a raise or the seniority allowance: each discipline on its effective date,
    each year graded with a `salary_delay_months` on its 31 December."""
    delays = []
    for row in content.get("discipline") or []:
        start = _day(row.get("effect_from"))
        months = (catalog.disciplines.get(str(row.get("form_code"))) or {}).get(
            "salary_delay_months"
        )
        if start and months:
            name = catalog.discipline_names.get(str(row.get("form_code")), row.get("form_code"))
            delays.append(Delay(start, int(months), f"{name} (hiệu lực từ {vn(start)})"))
    for row in content.get("evaluations") or []:
        grade = catalog.grades.get(str(row.get("grade_code"))) or {}
        months = grade.get("salary_delay_months")
        if row.get("year") and months:
            year = int(row["year"])
            delays.append(
                Delay(date(year, 12, 31), int(months), f"Năm {year} không hoàn thành nhiệm vụ")
            )
    return delays


def next_salary_step(content: Mapping[str, Any], catalog: StepCatalog) -> NextStep | None:
    """The next regular step from the latest salary row (pure); None when the rows needed are
    hidden from the reader, missing, or at the last step."""
    rows = [r for r in content.get("salary") or [] if r.get("from_date") and r.get("rank_code")]
    if not rows:
        return None
    current = max(rows, key=lambda r: str(r["from_date"]))
    if not current.get("step"):
        return None
    group = catalog.pay_groups.get(
        str((catalog.ranks.get(str(current["rank_code"])) or {}).get("pay_group"))
    )
    if not group or not group.get("steps") or not group.get("step_months"):
        return None
    since = _day(current["from_date"])
    assert since is not None
    return next_step(
        rank_code=str(current["rank_code"]),
        step=int(current["step"]),
        since=since,
        steps=group["steps"],
        step_months=int(group["step_months"]),
        delays=raise_delays(content, catalog),
    )


def person_retirement(
    content: Mapping[str, Any], rules: Mapping[str, AgeRule]
) -> Retirement | None:
    identity = content.get("identity") or {}
    birth, sex = _day(identity.get("birth_date")), identity.get("sex")
    if birth is None or sex not in rules:
        return None
    return retirement(birth, rules[sex])


def person_forecast(
    content: Mapping[str, Any],
    rules: Mapping[str, AgeRule],
    catalog: StepCatalog,
) -> dict[str, Any]:
    """`content`: a dossier as the access decision shows it (masked fields are None)."""
    moment = person_retirement(content, rules)
    step = next_salary_step(content, catalog)
    return {
        "retirement": None
        if moment is None
        else {"date": moment.date, "age_years": moment.age_years, "age_months": moment.age_months},
        "next_salary_step": None
        if step is None
        else {
            "date": step.date,
            "rank_code": step.rank_code,
            "step": step.step,
            "coefficient": str(step.coefficient),
            "delay_months": step.delay_months,
            "reasons": list(step.reasons),
        },
    }


def steps_due(
    histories: Iterable[Mapping[str, Any]], catalog: StepCatalog, first: date, months: int
) -> list[tuple[date, int, int]]:
    """Regular salary-step raises falling due in each month from `first`'s month for `months`
    months: (first day of the month, raises due, of which delayed). A raise already overdue
    (due before `first`) is counted in the first month (pure)."""
    start = date(first.year, first.month, 1)
    index = {}
    for i in range(months):
        y, m = divmod(start.month - 1 + i, 12)
        index[(start.year + y, m + 1)] = i
    due = [0] * months
    delayed = [0] * months
    for history in histories:
        step = next_salary_step(history, catalog)
        if step is None:
            continue
        key = (step.date.year, step.date.month)
        i = 0 if step.date < start else index.get(key)
        if i is None:
            continue
        n = int(history.get("n", 1))  # people sharing this history (`selectors.salary_histories`)
        due[i] += n
        delayed[i] += n if step.delay_months else 0
    return [
        (date(y, m, 1), due[i], delayed[i])
        for (y, m), i in sorted(index.items(), key=lambda x: x[1])
    ]


def salary_step_forecast(
    *, user: Any, unit: Organization, first: date, months: int = 12
) -> list[tuple[date, int, int]]:
    catalog = StepCatalog.load()
    histories = selectors.salary_histories(
        user=user,
        unit=unit,
        delaying_forms=[c for c, a in catalog.disciplines.items() if a.get("salary_delay_months")],
        delaying_grades=[c for c, a in catalog.grades.items() if a.get("salary_delay_months")],
    )
    return steps_due(histories, catalog, first, months)


# --- Staffing quotas after retirements ---------------------------------------------------------


@dataclass(frozen=True)
class QuotaOutlook:
    organization: Organization
    staff_category: str
    quota: int
    used: int
    vacant_by_year: list[tuple[int, int]]  # (year, vacancies at the end of that year)

    @property
    def vacant(self) -> int:
        return self.quota - self.used


def quota_outlook(
    *, user: Any, unit: Organization, year: int, years: int = 5
) -> list[QuotaOutlook]:
    """Each staffing quota of `year` in the unit's subtree: the quota, the people at work
    counted against it and the vacancies left at the end of each of the next `years` years if
    nobody is recruited and those reaching retirement age leave. Later years keep this year's
    quota (none is assigned ahead). The vacancies are the manpower need of that unit and
    category.

    The headcount is the workforce count of the statistics (`selectors.quota_headcounts`:
    the reader's counting scope, the work history in force today), not the node-wide
    `people.selectors.quota_usage`: the same number as «Đối tượng» on the page, nothing its
    reader may not count (docs/decisions/0015). Two grouped queries for all quotas."""
    rules = retirement_rules()
    quotas = selectors.quotas(unit=unit, year=year)
    if not quotas:
        return []
    headcounts = selectors.quota_headcounts(user=user, unit=unit, quotas=quotas)
    # The groups by category and unit once, so that each quota looks at units, not rows.
    by_unit: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in selectors.working_people(user=user, unit=unit, with_unit=True):
        by_unit.setdefault((row["staff_category"], row["unit_path"]), []).append(row)
    out = []
    for quota in quotas:
        rows = [
            r
            for (category, path), found in by_unit.items()
            if category == quota.staff_category and path.startswith(quota.organization.path)
            for r in found
        ]
        used = headcounts[quota.pk]
        leaving = retirements_by_year(rows, rules, year, year + years - 1)
        gone, vacant = 0, []
        for y in leaving:
            gone += y.total
            vacant.append((y.year, quota.quota - (used - gone)))
        out.append(
            QuotaOutlook(quota.organization, quota.staff_category, quota.quota, used, vacant)
        )
    return out
