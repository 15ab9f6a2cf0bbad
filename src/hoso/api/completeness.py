"""/api/v1/completeness: how complete the dossiers of a unit are against the dossier standard
(R-COMPLETE) — counts only, per data group of NĐ 27/2026 and for the required components,
over the dossiers of the unit the caller may open (each decided by the access gate)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from hoso.api.params import responses
from hoso.catalog.selectors import name_of
from hoso.core.errors import NotFound
from hoso.documents.selectors.completeness import group_counts, unit_findings
from hoso.orgs.selectors import org_get

router = Router(tags=["Mức độ đầy đủ"])


class CompletenessParams(Schema):
    unit: str = Field(max_length=64, description="Mã đơn vị (đơn vị đang công tác của hồ sơ)")


class GroupCountOut(Schema):
    group: int = Field(description="Nhóm dữ liệu của NĐ 27/2026 (1–10); 0: thành phần hồ sơ")
    name: str
    complete: int
    incomplete: int


class CompletenessOut(Schema):
    unit_code: str
    unit_name: str
    people: int = Field(description="Hồ sơ đang công tác của đơn vị mà người gọi được xem")
    complete: int
    incomplete: int
    groups: list[GroupCountOut]


@router.get(
    "/completeness",
    response=responses({200: CompletenessOut}, 404),
    summary="Số hồ sơ đủ / còn thiếu của một đơn vị theo chuẩn hồ sơ điện tử",
)
def completeness_counts(request: HttpRequest, params: Query[CompletenessParams]) -> dict:
    unit = org_get(params.unit)
    if unit is None:
        raise NotFound(f"Không có đơn vị mã «{params.unit}».")
    rows = unit_findings(request.user, unit)
    incomplete = sum(1 for r in rows if r.count)
    return {
        "unit_code": unit.code,
        "unit_name": unit.name,
        "people": len(rows),
        "complete": len(rows) - incomplete,
        "incomplete": incomplete,
        "groups": [
            {
                "group": g.group,
                "name": name_of("data_group", str(g.group)),
                "complete": g.complete,
                "incomplete": g.incomplete,
            }
            for g in group_counts(rows)
        ],
    }
