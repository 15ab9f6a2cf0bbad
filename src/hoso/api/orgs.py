"""/api/v1/organizations: the agency tree, staffing quotas and their use, the standing of a
unit, job positions (thin: parse, call `hoso.staffing` services and selectors, render).

Structure is not dossier content: every signed-in client reads it. Writes are the records
manager's whose duty covers the unit (`hoso.staffing.policies`); anyone else gets the same 404
as for a unit that does not exist, and the refusal is audited.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from hoso.api.params import IsoDate, OptDate, OptYear, Year, responses
from hoso.api.schemas import OrganizationOut
from hoso.catalog.selectors import name_of
from hoso.core.dates import today
from hoso.core.errors import NotFound
from hoso.orgs import selectors
from hoso.orgs.models import JobPosition, JobPositionVersion, Organization, QuotaChange
from hoso.people import selectors as people_selectors
from hoso.staffing import selectors as staffing_selectors
from hoso.staffing import services as staffing_services

router = Router(tags=["Tổ chức, biên chế"])


def _out(org: Organization) -> dict:
    return {
        "code": org.code,
        "name": org.name,
        "short_name": org.short_name,
        "kind": org.kind,
        "parent_code": org.parent.code if org.parent else None,
        "depth": org.depth,
        "valid_from": org.valid_from,
        "valid_to": org.valid_to,
        "legal_basis": org.legal_basis,
    }


def _get(code: str) -> Organization:
    org = selectors.org_get(code)
    if org is None:
        raise NotFound(f"Không có đơn vị «{code}».")
    return org


@router.get(
    "/organizations",
    response=responses({200: list[OrganizationOut]}, 404),
    summary="Cây cơ quan, đơn vị (hiệu lực vào một ngày, từ một đơn vị gốc)",
)
def organization_list(request: HttpRequest, on: OptDate = None, root: str = "") -> list[dict]:
    return [_out(o) for o in selectors.org_list(on=on, root=_get(root) if root else None)]


@router.get(
    "/organizations/{code}",
    response=responses({200: OrganizationOut}, 404),
    summary="Một cơ quan, đơn vị",
)
def organization_detail(request: HttpRequest, code: str) -> dict:
    return _out(_get(code))


# --- Quotas ------------------------------------------------------------------------------------


class QuotaOut(Schema):
    organization_code: str
    organization_name: str
    year: int
    staff_category: str
    staff_category_name: str
    quota: int
    counted: int  # people at work of the category in the unit's subtree
    remaining: int  # negative: over the quota
    over: bool
    legal_basis: str
    document_number: str
    document_date: date | None
    document_issuer: str


class QuotaIn(Schema):
    year: Year
    staff_category: str = Field(max_length=32)
    quota: int = Field(ge=-(2**31), le=2**31 - 1)  # the service names a negative one
    document_number: str = Field(max_length=64)
    document_date: IsoDate
    document_issuer: str = Field(max_length=200)
    legal_basis: str = Field("", max_length=2000)
    note: str = Field("", max_length=1000)


class QuotaChangeIn(Schema):
    quota: int = Field(ge=-(2**31), le=2**31 - 1)
    document_number: str = Field(max_length=64)
    document_date: IsoDate
    document_issuer: str = Field(max_length=200)
    legal_basis: str = Field("", max_length=2000)
    note: str = Field("", max_length=1000)


class QuotaChangeOut(Schema):
    organization_code: str
    year: int
    staff_category: str
    old_quota: int | None
    new_quota: int
    legal_basis: str
    document_number: str
    document_date: date | None
    document_issuer: str
    note: str
    changed_at: datetime
    changed_by: str


class StandingOut(Schema):
    organization_code: str
    organization_name: str
    depth: int
    staff_category: str
    staff_category_name: str
    quota: int | None  # the unit's own quota; null: none (an ancestor's may cover it)
    headcount: int  # people at work in the unit's subtree
    vacant: int | None  # quota − headcount; negative: over
    over: bool
    positions: int  # people the job positions in force call for, in the subtree
    filled: int  # … of whom hold one
    legal_basis: str


def _quota_out(usage: Any, quota: Any) -> dict[str, Any]:
    return {
        "organization_code": usage.organization.code,
        "organization_name": usage.organization.name,
        "year": quota.year,
        "staff_category": usage.staff_category,
        "staff_category_name": name_of("staff_category", usage.staff_category),
        "quota": usage.quota,
        "counted": usage.counted,
        "remaining": usage.remaining,
        "over": usage.over,
        "legal_basis": quota.legal_basis,
        "document_number": quota.document_number,
        "document_date": quota.document_date,
        "document_issuer": quota.document_issuer,
    }


def _change_out(change: QuotaChange) -> dict[str, Any]:
    return {
        "organization_code": change.quota.organization.code,
        "year": change.quota.year,
        "staff_category": change.quota.staff_category,
        "old_quota": change.old_quota,
        "new_quota": change.new_quota,
        "legal_basis": change.legal_basis,
        "document_number": change.document_number,
        "document_date": change.document_date,
        "document_issuer": change.document_issuer,
        "note": change.note,
        "changed_at": change.changed_at,
        "changed_by": change.changed_by,
    }


def _quotas(root: Organization, year: int) -> list[dict[str, Any]]:
    usage = people_selectors.quota_usage(year=year, root=root)
    rows = {
        (q.organization_id, q.staff_category): q
        for q in staffing_selectors.quotas_of(root=root, year=year)
    }
    return [_quota_out(u, rows[(u.organization.pk, u.staff_category)]) for u in usage]


@router.get(
    "/organizations/{code}/quotas",
    response=responses({200: list[QuotaOut]}, 404),
    summary="Biên chế được giao và số đã sử dụng của một đơn vị và các đơn vị trực thuộc",
)
def organization_quotas(request: HttpRequest, code: str, year: OptYear = None) -> list[dict]:
    return _quotas(_get(code), year or today().year)


@router.post(
    "/organizations/{code}/quotas",
    response=responses({201: QuotaOut}, 400, 403, 404),
    summary="Giao hoặc điều chỉnh chỉ tiêu biên chế của đơn vị (theo văn bản giao biên chế)",
)
def organization_quota_set(request: HttpRequest, code: str, body: QuotaIn) -> Status:
    row = staffing_services.quota_set(
        acting_user=request.user, organization=selectors.org_get(code), **body.dict()
    )
    [out] = [
        q
        for q in _quotas(row.organization, row.year)
        if q["organization_code"] == code and q["staff_category"] == row.staff_category
    ]
    return Status(201, out)


@router.put(
    "/organizations/{code}/quotas/{year}/{staff_category}",
    response=responses({200: QuotaOut}, 400, 403, 404),
    summary="Điều chỉnh một chỉ tiêu biên chế đã giao (giữ giá trị cũ trong lịch sử)",
)
def organization_quota_change(
    request: HttpRequest, code: str, year: Year, staff_category: str, body: QuotaChangeIn
) -> dict:
    org = selectors.org_get(code)
    existing = staffing_selectors.quota_get(org, year, staff_category) if org else None
    if existing is None:
        # Nothing to change (or not the caller's): the same answer, audited by the service.
        org = None
    row = staffing_services.quota_set(
        acting_user=request.user,
        organization=org,
        year=year,
        staff_category=staff_category,
        **body.dict(),
    )
    [out] = [
        q
        for q in _quotas(row.organization, year)
        if q["organization_code"] == code and q["staff_category"] == staff_category
    ]
    return out


@router.get(
    "/organizations/{code}/quotas/history",
    response=responses({200: list[QuotaChangeOut]}, 404),
    summary="Lịch sử giao, điều chỉnh biên chế của chính đơn vị (mới nhất trước)",
)
def organization_quota_history(request: HttpRequest, code: str, year: OptYear = None) -> list[dict]:
    return [_change_out(c) for c in staffing_selectors.quota_history(_get(code), year=year)]


@router.get(
    "/organizations/{code}/standing",
    response=responses({200: list[StandingOut]}, 404),
    summary="Tình hình biên chế: chỉ tiêu, số đang công tác, vị trí việc làm theo từng đơn vị",
)
def organization_standing(request: HttpRequest, code: str, year: OptYear = None) -> list[dict]:
    rows = staffing_selectors.standing(root=_get(code), year=year or today().year)
    return [
        {
            "organization_code": r.organization.code,
            "organization_name": r.organization.name,
            "depth": r.organization.depth,
            "staff_category": r.staff_category,
            "staff_category_name": name_of("staff_category", r.staff_category),
            "quota": r.quota,
            "headcount": r.headcount,
            "vacant": r.vacant,
            "over": r.over,
            "positions": r.positions,
            "filled": r.filled,
            "legal_basis": r.legal_basis,
        }
        for r in rows
    ]


# --- Job positions -----------------------------------------------------------------------------


class PositionBody(Schema):
    name: str = Field(max_length=300)
    staff_category: str = Field(max_length=32)
    description: str = Field("", max_length=4000)
    qualification_code: str = Field("", max_length=32)
    rank_code: str = Field("", max_length=32)
    competencies: list[str] = Field([], max_length=100)
    headcount: int = Field(1, ge=-(2**31), le=2**31 - 1)
    legal_basis: str = Field("", max_length=2000)

    def spec(self) -> staffing_services.PositionSpec:
        return staffing_services.PositionSpec(
            name=self.name,
            staff_category=self.staff_category,
            description=self.description,
            qualification_code=self.qualification_code,
            rank_code=self.rank_code,
            competencies=staffing_services.competencies_of(self.competencies),
            headcount=self.headcount,
            legal_basis=self.legal_basis,
        )


class PositionIn(PositionBody):
    code: str = Field(max_length=64)
    valid_from: IsoDate
    valid_to: OptDate = None


class PositionChangeIn(PositionBody):
    valid_from: IsoDate


class PositionEndIn(Schema):
    valid_to: IsoDate
    legal_basis: str = Field(max_length=2000)


class VersionOut(Schema):
    name: str
    description: str
    staff_category: str
    qualification_code: str
    rank_code: str
    competencies: list[str]
    headcount: int
    valid_from: date
    valid_to: date | None
    legal_basis: str
    recorded_at: datetime
    recorded_by: str


class PositionOut(Schema):
    organization_code: str
    code: str
    name: str
    description: str
    staff_category: str
    qualification_code: str
    rank_code: str
    competencies: list[str]
    headcount: int
    filled: int  # people at work holding it today
    valid_from: date
    valid_to: date | None
    legal_basis: str
    ended_basis: str
    versions: list[VersionOut] | None = None


def _version_out(v: JobPositionVersion) -> dict[str, Any]:
    return {
        "name": v.name,
        "description": v.description,
        "staff_category": v.staff_category,
        "qualification_code": v.qualification_code,
        "rank_code": v.rank_code,
        "competencies": list(v.competencies),
        "headcount": v.headcount,
        "valid_from": v.valid_from,
        "valid_to": v.valid_to,
        "legal_basis": v.legal_basis,
        "recorded_at": v.recorded_at,
        "recorded_by": v.recorded_by,
    }


def _position_out(p: JobPosition, filled: int, *, versions: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "organization_code": p.organization.code,
        "code": p.code,
        "name": p.name,
        "description": p.description,
        "staff_category": p.staff_category,
        "qualification_code": p.qualification_code,
        "rank_code": p.rank_code,
        "competencies": list(p.competencies),
        "headcount": p.headcount,
        "filled": filled,
        "valid_from": p.valid_from,
        "valid_to": p.valid_to,
        "legal_basis": p.legal_basis,
        "ended_basis": p.ended_basis,
    }
    if versions:
        out["versions"] = [_version_out(v) for v in staffing_selectors.job_position_versions(p)]
    return out


def _one(p: JobPosition) -> dict[str, Any]:
    return _position_out(p, staffing_selectors.filled_of([p]).get(p.pk, 0), versions=True)


def _position_of(code: str, position_code: str) -> JobPosition | None:
    org = selectors.org_get(code)
    return staffing_selectors.job_position_get(org, position_code) if org else None


@router.get(
    "/organizations/{code}/positions",
    response=responses({200: list[PositionOut]}, 404),
    summary="Vị trí việc làm của đơn vị (cả vị trí đã kết thúc khi all=true)",
)
def organization_positions(
    request: HttpRequest, code: str, on: OptDate = None, all: bool = False
) -> list[dict]:
    org = _get(code)
    positions = list(
        staffing_selectors.job_positions(org, on=on, include_ended=all).select_related(
            "organization"
        )
    )
    held = staffing_selectors.filled_of(positions, on)
    return [_position_out(p, held.get(p.pk, 0)) for p in positions]


@router.post(
    "/organizations/{code}/positions",
    response=responses({201: PositionOut}, 400, 403, 404),
    summary="Thêm vị trí việc làm của đơn vị (phiên bản mô tả đầu tiên)",
)
def organization_position_create(request: HttpRequest, code: str, body: PositionIn) -> Status:
    position = staffing_services.job_position_create(
        acting_user=request.user,
        organization=selectors.org_get(code),
        code=body.code,
        spec=body.spec(),
        valid_from=body.valid_from,
        valid_to=body.valid_to,
    )
    return Status(201, _one(position))


@router.get(
    "/organizations/{code}/positions/{position_code}",
    response=responses({200: PositionOut}, 404),
    summary="Một vị trí việc làm với mọi mô tả theo thời gian",
)
def organization_position(request: HttpRequest, code: str, position_code: str) -> dict:
    position = _position_of(code, position_code)
    if position is None:
        raise NotFound(f"Không có vị trí việc làm «{position_code}» ở đơn vị «{code}».")
    return _one(position)


@router.put(
    "/organizations/{code}/positions/{position_code}",
    response=responses({200: PositionOut}, 400, 403, 404),
    summary="Mô tả mới của vị trí việc làm từ một ngày (mô tả cũ kết thúc hôm trước, giữ lại)",
)
def organization_position_change(
    request: HttpRequest, code: str, position_code: str, body: PositionChangeIn
) -> dict:
    position = _position_of(code, position_code)
    staffing_services.job_position_change(
        acting_user=request.user, position=position, spec=body.spec(), valid_from=body.valid_from
    )
    assert position is not None  # the service answers NotFound otherwise
    position.refresh_from_db()
    return _one(position)


@router.post(
    "/organizations/{code}/positions/{position_code}/end",
    response=responses({200: PositionOut}, 400, 403, 404),
    summary="Kết thúc vị trí việc làm (lịch sử và người đã giữ vị trí vẫn được giữ)",
)
def organization_position_end(
    request: HttpRequest, code: str, position_code: str, body: PositionEndIn
) -> dict:
    position = _position_of(code, position_code)
    ended = staffing_services.job_position_end(
        acting_user=request.user,
        position=position,
        valid_to=body.valid_to,
        legal_basis=body.legal_basis,
    )
    return _one(ended)
