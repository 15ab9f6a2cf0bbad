"""Rules of a salary raise (issue 12 item 2): the last year's grade at least the rule's
`min_grade` (catalog `evaluation_grade`, compared by `rank_order`), and the time in the step
from the salary rules (`hoso.rules.salary_steps`, through the same adapter as the forecasts),
discipline and "not completed" delays included."""

from __future__ import annotations

from datetime import date

from hoso.analytics.forecasts import StepCatalog, next_salary_step, raise_delays
from hoso.catalog.selectors import attrs_map, name_of
from hoso.core.dates import vn
from hoso.eligibility.base import Data, Reason, Rule, iso, reason, rows
from hoso.rules.salary_steps import NextStep, due_after


def last_evaluation_grade(rule: Rule, data: Data, on: date, position: str | None) -> Reason:
    """The grade of the year before `on` is at least `min_grade`."""
    year = on.year - 1
    least = str(rule.attrs["min_grade"])
    grades = attrs_map("evaluation_grade")
    found = [r for r in rows(data, "evaluations") if str(r.get("year")) == str(year)]
    grade = str(found[-1].get("grade_code") or "") if found else ""
    facts = {"year": year, "grade_code": grade or None, "min_grade": least}
    if not grade:
        return reason(
            rule, False, f"Hồ sơ chưa có kết quả xếp loại năm {year}; chưa xét nâng lương.", facts
        )
    have, want = grades.get(grade, {}).get("rank_order"), grades[least]["rank_order"]
    shown = name_of("evaluation_grade", grade)
    if isinstance(have, int) and have <= want:
        return reason(rule, True, f"Năm {year} xếp loại {shown}.", facts)
    return reason(
        rule,
        False,
        f"Năm {year} xếp loại {shown}, dưới mức tối thiểu {name_of('evaluation_grade', least)}.",
        facts,
    )


def step_due(data: Data) -> NextStep | None:
    """The next regular step of the dossier's current salary row and the day it is due, delays
    included; None at the last step or without a pay table. The one computation of the step
    time: this rule, and the early-raise limit of the change path."""
    return next_salary_step(data, StepCatalog.load())


def allowance_due(data: Data, since: date, months: int) -> tuple[date, int, tuple[str, ...]]:
    """When `months` of the seniority allowance held from `since` are complete, lengthened by
    the same delays as a step (`step_due`: disciplines and "not completed" years, to a fixed
    point), the months added and why; the one computation for the change path's seniority
    allowance."""
    due, counted = due_after(since, months, raise_delays(data, StepCatalog.load()))
    why = tuple(d.reason for d in sorted(counted, key=lambda d: d.on))
    return due, sum(d.months for d in counted), why


def salary_step_time(rule: Rule, data: Data, on: date, position: str | None) -> Reason:
    """Held the current step for the pay group's `step_months`, lengthened by the delays."""
    salary = sorted(rows(data, "salary"), key=lambda r: str(r.get("from_date")))
    if not salary:
        return reason(rule, False, "Hồ sơ chưa có dòng lương nào.", {"salary": None})
    current = salary[-1]
    group = attrs_map("pay_group").get(
        str(attrs_map("rank").get(str(current.get("rank_code")), {}).get("pay_group"))
    )
    facts = {
        "rank_code": current.get("rank_code"),
        "step": current.get("step"),
        "from_date": current.get("from_date"),
        "step_months": (group or {}).get("step_months"),
    }
    step = step_due(data)
    if step is None:
        steps = len((group or {}).get("steps") or [])
        facts["last_step"] = bool(steps) and int(current.get("step") or 0) >= steps
        return reason(
            rule,
            False,
            f"Ngạch {current.get('rank_code')} bậc {current.get('step')}: không còn bậc để nâng "
            "(hoặc danh mục chưa có bảng lương của ngạch); xét phụ cấp thâm niên vượt khung.",
            facts,
        )
    facts |= {
        "delay_months": step.delay_months,
        "delays": list(step.reasons),
        "due_date": iso(step.date),
    }
    since = date.fromisoformat(str(current["from_date"]))
    held = f"Bậc {current.get('step')} hưởng từ {vn(since)}, giữ bậc {facts['step_months']} tháng"
    extra = (
        f", kéo dài {step.delay_months} tháng ({'; '.join(step.reasons)})"
        if step.delay_months
        else ""
    )
    if on >= step.date:
        return reason(rule, True, f"{held}; đủ thời gian giữ bậc từ ngày {vn(step.date)}.", facts)
    return reason(
        rule,
        False,
        f"Chưa đủ thời gian nâng bậc thường xuyên: {held}{extra}; sớm nhất từ {vn(step.date)}.",
        facts,
        step.date,
    )
