"""Moves: transfer, rotation, secondment, reception, recruitment."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings

from hoso.catalog.selectors import name_of
from hoso.changes.effects.common import (
    Data,
    Ops,
    Params,
    career_event,
    close_work,
    current_unit,
    employment_of,
    iso,
    move,
    position_row,
    rank_title,
    refuse,
    set_unit,
    type_name,
    work_row,
)
from hoso.core.dates import vn
from hoso.core.errors import ValidationFailed
from hoso.federation import client as hub_client
from hoso.federation import refusals
from hoso.federation.handover import NODE_ID

if TYPE_CHECKING:
    from hoso.changes.models import PersonnelDecision

# --- Moves: transfer, rotation, secondment, reception, recruitment -------------------------------


def transfer(decision: PersonnelDecision, data: Data, params: Data) -> Ops:
    """A move to a unit of this agency (`organization`), or to another managing agency
    (`to_node`, a node of the hub's registry): then the dossier records the decision as its
    last career event and, once the change set is approved, is handed over to that node
    (`federation.services.transfer`, docs/decisions/0020 "Hand-over"); the receiving node
    chooses the unit at acceptance (R-NO-SILO, issue 14 item 3)."""
    p = Params(params)
    on = decision.effective_date
    to_node = p.text("to_node", "Cơ quan quản lý tiếp nhận (mã nút)", max_length=32)
    unit = p.unit("organization", "Đơn vị mới", required=not to_node, on=on)
    managing = p.unit("managing_agency", "Cơ quan quản lý mới", on=on)
    position_code = p.code("position_code", "Chức vụ", "position", on=on)
    job_position = p.text("job_position", "Vị trí việc làm", max_length=32)
    title = p.text("title", "Chức danh ghi trong quá trình công tác", max_length=200)
    if to_node:
        return _to_another_agency(decision, p, to_node)
    p.check()
    assert unit is not None  # required, checked above
    if unit.code == employment_of(data).get("current_unit"):
        raise refuse(
            "same_unit",
            f"Đơn vị mới «{unit.name}» trùng với đơn vị hiện tại.",
            "parameters.organization",
        )
    post = name_of("position", position_code) if position_code else ""
    ops = set_unit(data, unit, managing)
    ops += move(
        decision,
        data,
        unit=unit,
        position_code=position_code,
        job_position=job_position,
        title=title or post,
    )
    text = f"{type_name(decision)} đến {unit.name}" + (f", giữ chức vụ {post}" if post else "")
    ops.append(career_event(decision, text))
    return ops


ACROSS_AGENCIES = "parameters.to_node"


def _to_another_agency(decision: PersonnelDecision, p: Params, to_node: str) -> Ops:
    """Only the career event: the unit and post are the receiving node's to set at accept.

    Refused: this node not federated (`node_not_configured`), a malformed or unknown node
    (`handover_unknown_receiver`; unknown only when the hub answers: a hub down is the
    hand-over task's to retry, and the hub refuses an unknown receiver then), this node itself
    (`handover_same_node`), a local unit named beside it (`transfer_unit_and_node`)."""
    for name in ("organization", "managing_agency", "position_code", "job_position", "title"):
        if p.raw.get(name) not in (None, ""):
            p.fail(
                "transfer_unit_and_node",
                "Chuyển sang cơ quan khác thì đơn vị, chức vụ do cơ quan tiếp nhận chọn khi tiếp "
                "nhận hồ sơ; không ghi kèm đơn vị, chức vụ của cơ quan này.",
                name,
            )
    p.check()
    own = str(settings.HOSO_FEDERATION_NODE_ID or "")
    if not own or not settings.HOSO_HUB_URL:
        raise refuse(
            "node_not_configured", refusals.message("node_not_configured"), ACROSS_AGENCIES
        )
    if to_node == own:
        raise refuse(
            "handover_same_node", refusals.message("handover_same_node", node=own), ACROSS_AGENCIES
        )
    unknown = refuse(
        "handover_unknown_receiver",
        refusals.message("handover_unknown_receiver", node=to_node),
        ACROSS_AGENCIES,
    )
    if not NODE_ID.fullmatch(to_node):
        raise unknown
    agency = to_node
    try:
        registered = {n.get("node"): n.get("agency") for n in hub_client.nodes()}
    except ValidationFailed:
        registered = None  # the hub down: the hand-over task retries, the hub judges then
    if registered is not None:
        if to_node not in registered:
            raise unknown
        agency = str(registered[to_node] or to_node)
    text = f"{type_name(decision)} đến {agency} (cơ quan {to_node})"
    return [career_event(decision, text)]


def secondment(decision: PersonnelDecision, data: Data, params: Data) -> Ops:
    """The seconded person stays on the sending unit's roll (it manages and pays them): their
    current unit and main post stay; a concurrent post at the host unit is added until the
    planned end, and the work history shows the period at the host."""
    p = Params(params)
    on = decision.effective_date
    unit = p.unit("organization", "Đơn vị được cử đến", required=True, on=on)
    end = p.day("to_date", "Ngày kết thúc biệt phái")
    position_code = p.code("position_code", "Chức vụ", "position", on=on)
    job_position = p.text("job_position", "Vị trí việc làm", max_length=32)
    title = p.text("title", "Chức danh ghi trong quá trình công tác", max_length=200)
    p.check()
    assert unit is not None
    if unit.code == employment_of(data).get("current_unit"):
        raise refuse(
            "same_unit",
            f"Đơn vị được cử đến «{unit.name}» trùng với đơn vị hiện tại.",
            "parameters.organization",
        )
    if end is not None and end <= on:
        raise refuse(
            "period_reversed",
            f"Ngày kết thúc biệt phái {vn(end)} phải sau ngày có hiệu lực {vn(on)}.",
            "parameters.to_date",
        )
    post = name_of("position", position_code) if position_code else ""
    ops = close_work(data, decision)
    ops.append(
        position_row(decision, unit, position_code, job_position, is_main=False, to_date=end)
    )
    ops.append(work_row(decision, unit, title or post or rank_title(data)))
    until = f" đến {vn(end)}" if end else ""
    ops.append(career_event(decision, f"Biệt phái đến {unit.name}{until}"))
    return ops


def reception(decision: PersonnelDecision, data: Data, params: Data) -> Ops:
    p = Params(params)
    on = decision.effective_date
    category = p.code("staff_category", "Đối tượng", "staff_category", required=True, on=on)
    unit = p.unit("organization", "Đơn vị tiếp nhận", on=on)
    position_code = p.code("position_code", "Chức vụ", "position", on=on)
    job_position = p.text("job_position", "Vị trí việc làm", max_length=32)
    title = p.text("title", "Chức danh ghi trong quá trình công tác", max_length=200)
    p.check()
    unit = unit or current_unit(data)
    ops: Ops = []
    if category != employment_of(data).get("staff_category"):
        ops.append({"op": "set", "section": "employment", "values": {"staff_category": category}})
    ops += set_unit(data, unit, None)
    post = name_of("position", position_code) if position_code else ""
    ops += move(
        decision,
        data,
        unit=unit,
        position_code=position_code,
        job_position=job_position,
        title=title or post,
    )
    ops.append(
        career_event(
            decision, f"Tiếp nhận làm {name_of('staff_category', category).lower()} tại {unit.name}"
        )
    )
    return ops


def recruitment(decision: PersonnelDecision, data: Data, params: Data) -> Ops:
    """The dossier itself is created from the confirmed paper dossier (R-10D-CREATE); the
    decision adds its career event and fills the recruitment date and agency when missing."""
    Params(params).check()
    ops: Ops = []
    employment = employment_of(data)
    values = {}
    if not employment.get("recruitment_date"):
        values["recruitment_date"] = iso(decision.effective_date)
    if not employment.get("recruitment_agency"):
        values["recruitment_agency"] = decision.issuer
    if values:
        ops.append({"op": "set", "section": "employment", "values": values})
    ops.append(career_event(decision, f"Tuyển dụng vào {current_unit(data).name}"))
    return ops
