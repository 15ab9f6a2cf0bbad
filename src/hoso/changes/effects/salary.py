"""Salary: regular and early raise, seniority allowance, rank change."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from hoso.catalog.selectors import attrs_map
from hoso.changes.effects.common import (
    CENT,
    Data,
    Ops,
    Params,
    add_months,
    as_date,
    iso,
    refuse,
    rows_of,
)
from hoso.changes.selectors.decisions import early_raise_applied
from hoso.core.dates import vn
from hoso.eligibility.salary import allowance_due, step_due

if TYPE_CHECKING:
    from hoso.changes.models import PersonnelDecision

# --- Salary: regular and early raise, seniority allowance, rank change ---------------------------


def _salary(data: Data) -> list[dict[str, Any]]:
    rows = sorted(rows_of(data, "salary"), key=lambda r: str(r.get("from_date")))
    if not rows:
        raise refuse("no_salary", "Hồ sơ chưa có dòng lương nào.")
    return rows


def _pay_group(rank: str) -> dict[str, Any]:
    group = attrs_map("rank").get(rank, {}).get("pay_group")
    attrs = attrs_map("pay_group").get(str(group))
    if not attrs or not attrs.get("steps"):
        raise refuse("no_pay_group", f"Ngạch {rank} chưa có bảng lương trong danh mục.")
    return attrs


def _coefficient(steps: list[Any], step: int) -> str:
    return str(Decimal(str(steps[step - 1])).quantize(CENT))


def _salary_row(
    decision: PersonnelDecision, current: dict[str, Any], **values: Any
) -> dict[str, Any]:
    row = {
        "from_date": iso(decision.effective_date),
        "rank_code": current.get("rank_code"),
        "step": current.get("step"),
        "coefficient": current.get("coefficient"),
        "over_frame_percent": current.get("over_frame_percent") or 0,
        "position_allowance": current.get("position_allowance") or "0",
        "other_allowances": current.get("other_allowances") or "",
        "decision_number": decision.number,
        **values,
    }
    return {"op": "add", "section": "salary", "row": row}


def salary_raise(decision: PersonnelDecision, data: Data, params: Data) -> Ops:
    """The next step of the current rank, with its coefficient from the ``pay_group`` catalog,
    from the effective date. Regular: the time in the step is the eligibility engine's rule,
    checked before (`eligibility.eligibility_check`). Early: at most ``early_raise_max_months``
    (``decision_type`` catalog) before the regular due date, and not twice in a row in one
    rank."""
    Params(params).check()
    early = decision.decision_type == "salary_raise_early"
    rows = _salary(data)
    current = rows[-1]
    rank, step = str(current.get("rank_code")), int(current.get("step") or 0)
    group = _pay_group(rank)
    steps = group["steps"]
    if step >= len(steps):
        raise refuse(
            "last_step",
            f"Ngạch {rank} có {len(steps)} bậc và người này đã ở bậc {step}: xét phụ cấp thâm niên "
            "vượt khung, không nâng bậc.",
        )
    since = as_date(current.get("from_date"))
    on = decision.effective_date
    assert since is not None
    if on <= since:
        raise refuse(
            "not_after_current",
            f"Bậc {step} được hưởng từ {vn(since)}, không trước ngày có hiệu lực {vn(on)}.",
            "effective_date",
        )
    # The regular raise's step time is the eligibility engine's rule (`salary_step_time`),
    # asked before this effect; the early raise counts back from the same due date.
    if early:
        due = step_due(data)
        if due is None:
            raise refuse("no_pay_group", f"Ngạch {rank} chưa có thời gian giữ bậc trong danh mục.")
        earliest = due.date
        note = f", kéo dài {due.delay_months} tháng" if due.delay_months else ""
        held = (
            f"bậc {step} hưởng từ {vn(since)}, thời gian giữ bậc {group['step_months']} tháng{note}"
        )
        limit = (
            attrs_map("decision_type").get("salary_raise_early", {}).get("early_raise_max_months")
        )
        if not isinstance(limit, int):
            raise refuse(
                "no_early_limit",
                "Danh mục loại quyết định chưa quy định số tháng nâng bậc lương trước thời hạn "
                "tối đa.",
            )
        if on >= earliest:
            raise refuse(
                "not_early",
                f"Đã đủ thời gian nâng bậc thường xuyên từ {vn(earliest)}: dùng quyết định nâng "
                "bậc lương thường xuyên.",
                "decision_type",
            )
        soonest = add_months(earliest, -limit)
        if on < soonest:
            raise refuse(
                "too_early",
                f"Nâng bậc trước thời hạn tối đa {limit} tháng: {held}; sớm nhất từ {vn(soonest)}.",
                "effective_date",
            )
        previous = rows[-2] if len(rows) > 1 else None
        pid = str((data.get("identity") or {}).get("personal_id"))
        if (
            previous
            and previous.get("rank_code") == rank
            and early_raise_applied(pid, current.get("decision_number"))
        ):
            raise refuse(
                "early_twice",
                f"Bậc {step} đã được nâng trước thời hạn "
                f"(quyết định {current.get('decision_number')}): "
                "không nâng bậc trước thời hạn hai lần liên tiếp trong cùng ngạch.",
                "decision_type",
            )
    return [
        _salary_row(
            decision,
            current,
            step=step + 1,
            coefficient=_coefficient(steps, step + 1),
            over_frame_percent=0,
        )
    ]


def seniority_allowance(decision: PersonnelDecision, data: Data, params: Data) -> Ops:
    """On the last step: `first_percent` after `first_after_months`, then `yearly_percent` more
    each year (``pay_group.seniority_allowance``), delayed like a raise: the same delays,
    computed once (`eligibility.salary.allowance_due`)."""
    Params(params).check()
    rows = _salary(data)
    current = rows[-1]
    rank, step = str(current.get("rank_code")), int(current.get("step") or 0)
    group = _pay_group(rank)
    rule = group.get("seniority_allowance") or {}
    if step < len(group["steps"]) or not rule:
        raise refuse(
            "not_last_step",
            f"Chỉ hưởng phụ cấp thâm niên vượt khung khi đã ở bậc cuối của ngạch {rank}.",
        )
    percent = int(current.get("over_frame_percent") or 0)
    since = as_date(current.get("from_date"))
    assert since is not None
    on = decision.effective_date
    months = int(rule["first_after_months"]) if percent == 0 else 12  # "mỗi năm": a year
    earliest, delay, why = allowance_due(data, since, months)
    note = f", kéo dài {delay} tháng ({'; '.join(why)})" if delay else ""
    if on < earliest:
        raise refuse(
            "too_early",
            f"Chưa đủ thời gian: mức hiện tại hưởng từ {vn(since)}, cần {months} tháng{note}; "
            f"sớm nhất từ {vn(earliest)}.",
            "effective_date",
        )
    new = int(rule["first_percent"]) if percent == 0 else percent + int(rule["yearly_percent"])
    return [_salary_row(decision, current, over_frame_percent=new)]


def rank_change(decision: PersonnelDecision, data: Data, params: Data) -> Ops:
    """The new rank from the effective date. Without a step given, the step whose coefficient
    equals or comes nearest above the current one, seniority allowance included (Thông tư
    02/2007/TT-BNV, mục II)."""
    p = Params(params)
    rank = p.code("rank_code", "Ngạch mới", "rank", required=True, on=decision.effective_date)
    step = p.integer("step", "Bậc lương ở ngạch mới", minimum=1, maximum=99)
    p.check()
    current = _salary(data)[-1]
    if rank == current.get("rank_code"):
        raise refuse("same_rank", f"Người này đang ở ngạch {rank}.", "parameters.rank_code")
    steps = _pay_group(rank)["steps"]
    if step is not None and step > len(steps):
        raise refuse(
            "step_out_of_range", f"Ngạch {rank} chỉ có {len(steps)} bậc.", "parameters.step"
        )
    if step is None:
        now = Decimal(str(current.get("coefficient"))) * (
            1 + Decimal(int(current.get("over_frame_percent") or 0)) / 100
        )
        step = next((i for i, c in enumerate(steps, start=1) if Decimal(str(c)) >= now), len(steps))
    return [
        _salary_row(
            decision,
            current,
            rank_code=rank,
            step=step,
            coefficient=_coefficient(steps, step),
            over_frame_percent=0,
        )
    ]
