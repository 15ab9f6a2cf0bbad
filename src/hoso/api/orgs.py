"""/api/v1/organizations: the agency tree, staffing quotas and their use."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from hoso.api.params import OptDate, OptYear, responses
from hoso.api.schemas import OrganizationOut, QuotaOut
from hoso.core.dates import today
from hoso.core.errors import NotFound
from hoso.orgs import selectors
from hoso.orgs.models import Organization
from hoso.people import selectors as people_selectors

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


@router.get(
    "/organizations/{code}/quotas",
    response=responses({200: list[QuotaOut]}, 404),
    summary="Biên chế được giao và số đã sử dụng của một đơn vị và các đơn vị trực thuộc",
)
def organization_quotas(request: HttpRequest, code: str, year: OptYear = None) -> list[dict]:
    usage = people_selectors.quota_usage(year=year or today().year, root=_get(code))
    return [
        {
            "organization_code": u.organization.code,
            "organization_name": u.organization.name,
            "staff_category": u.staff_category,
            "quota": u.quota,
            "counted": u.counted,
            "remaining": u.remaining,
        }
        for u in usage
    ]
