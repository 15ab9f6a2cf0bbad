"""/api/v1/people/{personal_id}/handover: hand a dossier over to another managing node;
/api/v1/handovers: the receiving node's inbox, and accepting a package from it (R-NO-SILO;
docs/decisions/0020-national-hub.md, "Hand-over"). Thin: parse, call
`hoso.exchange.services.handover`, render.

Only a records manager whose duty covers the person may send it (the write gate: who may not
open the dossier gets the 404 of a missing one, audited); every refusal has its stable code
(`handover_not_managed`, `handover_outbox_pending`, `managed_elsewhere`, …) and Vietnamese
message, and is in the node's audit chain. The inbox (list and accept) is for records managers
(`may_accept`, as its page): anyone else gets the 404 of a missing page, audited."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from hoso.api.params import responses
from hoso.exchange.services.handover import (
    RECENT_MAX,
    handover_accept_waiting,
    handover_inbox,
    handover_send,
)

router = Router(tags=["Bàn giao hồ sơ giữa các cơ quan"])


class HandoverIn(Schema):
    to_node: str = Field(min_length=1, max_length=32, description="Mã nút (cơ quan) tiếp nhận")


class HandoverOut(Schema):
    handover_id: str
    personal_id: str
    state: str
    state_label: str
    to_node: str
    to_agency: str


@router.post(
    "/people/{personal_id}/handover",
    response=responses({200: HandoverOut}, 400, 403, 404, 409, 503),
    summary="Bàn giao hồ sơ cho cơ quan quản lý khác (ký gói bàn giao, chuyển quyền quản lý)",
)
def handover_create(request: HttpRequest, personal_id: str, body: HandoverIn) -> dict[str, Any]:
    row = handover_send(acting_user=request.user, personal_id=personal_id, to_node=body.to_node)
    return {
        "handover_id": row.handover_id,
        "personal_id": row.personal_id,
        "state": row.state,
        "state_label": row.get_state_display(),
        "to_node": row.to_node,
        "to_agency": row.to_agency,
    }


class AcceptIn(Schema):
    unit: str = Field(
        min_length=1, max_length=32, description="Mã đơn vị tiếp nhận (một đơn vị của cơ quan này)"
    )


class AcceptOut(Schema):
    handover_id: str
    personal_id: str
    state: str
    state_label: str
    from_node: str
    changeset_id: int | None


@router.post(
    "/handovers/{handover_id}/accept",
    response=responses({200: AcceptOut}, 400, 403, 404, 409, 503),
    summary="Tiếp nhận gói bàn giao trong thư mục tiếp nhận vào một đơn vị của cơ quan này",
)
def handover_accept_api(request: HttpRequest, handover_id: str, body: AcceptIn) -> dict[str, Any]:
    """The receiving records manager chooses the unit (issue 14 item 3): the dossier is
    proposed there, in the import's change set; a different records manager approves it."""
    row = handover_accept_waiting(acting_user=request.user, handover_id=handover_id, unit=body.unit)
    return {
        "handover_id": row.handover_id,
        "personal_id": row.personal_id,
        "state": row.state,
        "state_label": row.get_state_display(),
        "from_node": row.from_node,
        "changeset_id": row.changeset_id,
    }


class InboxParams(Schema):
    state: Literal["waiting", "accepted", ""] = Field(
        "",
        description="«waiting»: chỉ các gói chờ tiếp nhận; «accepted»: chỉ các gói đã tiếp nhận; "
        "để trống: cả hai",
    )
    from_node: str = Field("", max_length=32, description="Chỉ các gói của nút (cơ quan) gửi này")
    recent: int = Field(
        20, ge=0, le=RECENT_MAX, description=f"Số gói đã tiếp nhận gần nhất, 0–{RECENT_MAX}"
    )


class WaitingOut(Schema):
    handover_id: str
    personal_id: str = Field(description="Số định danh gói ghi (chưa kiểm tra đến khi tiếp nhận)")
    from_node: str
    from_agency: str
    created_at: str = Field(description="Thời điểm nút gửi lập gói (ISO 8601), như gói ghi")
    state: Literal["waiting"]
    state_label: str


class ReceivedOut(Schema):
    handover_id: str
    personal_id: str
    from_node: str
    state: str
    state_label: str
    accepted_at: datetime
    changeset_id: int | None
    changeset_status: str = Field(description="Trạng thái đề xuất tiếp nhận hồ sơ (chờ duyệt, …)")
    changeset_status_label: str


class InboxOut(Schema):
    waiting: list[WaitingOut]
    recent: list[ReceivedOut]


@router.get(
    "/handovers",
    response=responses({200: InboxOut}, 404),
    summary="Các gói bàn giao chờ cơ quan này tiếp nhận và các gói đã tiếp nhận gần đây",
)
def handover_inbox_api(request: HttpRequest, params: Query[InboxParams]) -> dict[str, Any]:
    """For records managers, as the page «Tiếp nhận bàn giao» (404 for anyone else, audited);
    the listing is audited with the personal ids it shows."""
    found = handover_inbox(
        acting_user=request.user,
        state=params.state,
        from_node=params.from_node,
        recent=params.recent,
    )
    waiting = [{**w, "state": "waiting", "state_label": "Chờ tiếp nhận"} for w in found["waiting"]]
    return {"waiting": waiting, "recent": found["recent"]}
