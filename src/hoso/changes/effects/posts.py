"""Posts: appointment, election, re-appointment, leaving a post."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hoso.catalog.selectors import name_of
from hoso.changes.effects.common import (
    Data,
    Ops,
    Params,
    career_event,
    close_row,
    current_unit,
    leadership_post,
    move,
    position_row,
    rows_of,
    set_unit,
    type_name,
)
from hoso.orgs.selectors import org_get

if TYPE_CHECKING:
    from hoso.changes.models import PersonnelDecision

# --- Posts: appointment, election, re-appointment, leaving a post --------------------------------


def appointment(decision: PersonnelDecision, data: Data, params: Data) -> Ops:
    p = Params(params)
    position_code = p.code(
        "position_code", "Chức vụ", "position", required=True, on=decision.effective_date
    )
    unit = p.unit("organization", "Đơn vị", on=decision.effective_date)
    job_position = p.text("job_position", "Vị trí việc làm", max_length=32)
    title = p.text("title", "Chức danh ghi trong quá trình công tác", max_length=200)
    p.check()
    unit = unit or current_unit(data)
    post = name_of("position", position_code)
    ops = set_unit(data, unit, None)
    ops += move(
        decision,
        data,
        unit=unit,
        position_code=position_code,
        job_position=job_position,
        title=title or post,
    )
    ops.append(career_event(decision, f"{type_name(decision)} giữ chức vụ {post}, {unit.name}"))
    return ops


def reappointment(decision: PersonnelDecision, data: Data, params: Data) -> Ops:
    Params(params).check()
    main = leadership_post(data, "bổ nhiệm lại")
    row = rows_of(data, "positions")[main]
    unit = org_get(str(row.get("organization"))) or current_unit(data)
    post = name_of("position", row.get("position_code"))
    # A new term: the post continues, recorded as a new row under the new decision.
    return [
        close_row(data, "positions", main, decision.effective_date),
        position_row(
            decision, unit, str(row.get("position_code")), str(row.get("job_position") or "")
        ),
        career_event(decision, f"Bổ nhiệm lại giữ chức vụ {post}, {unit.name}"),
    ]


def leave_post(decision: PersonnelDecision, data: Data, params: Data) -> Ops:
    p = Params(params)
    job_position = p.text("job_position", "Vị trí việc làm mới", max_length=32)
    title = p.text("title", "Chức danh ghi trong quá trình công tác", max_length=200)
    p.check()
    main = leadership_post(
        data, "miễn nhiệm" if decision.decision_type == "dismissal_from_post" else "từ chức"
    )
    row = rows_of(data, "positions")[main]
    unit = org_get(str(row.get("organization"))) or current_unit(data)
    post = name_of("position", row.get("position_code"))
    ops = move(decision, data, unit=unit, position_code="", job_position=job_position, title=title)
    ops.append(career_event(decision, f"{type_name(decision)} chức vụ {post}, {unit.name}"))
    return ops
