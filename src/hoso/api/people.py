"""/api/v1/people: search and whole dossiers, through the access gate."""

from __future__ import annotations

from typing import Literal

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema

from hoso.access import exports, masking, policies, recorder
from hoso.api.params import PAGE_SIZE_MAX, OptAge, OptPageSize, Page, Sex, responses
from hoso.api.schemas import DossierOut, SearchOut
from hoso.audit.purposes import Purpose
from hoso.catalog.selectors import name_of
from hoso.core.errors import Problem, ValidationFailed
from hoso.documents.selectors.completeness import dossier_findings
from hoso.orgs.selectors import org_get
from hoso.people import selectors
from hoso.people.models import Person
from hoso.people.standard import COMPONENT, FORMAT, Finding

router = Router(tags=["Hồ sơ"])


class SearchParams(Schema):
    q: str = ""
    unit: str = ""
    staff_category: str = ""
    sex: Sex | Literal[""] = ""
    age_min: OptAge = None
    age_max: OptAge = None
    ethnicity: str = ""
    qualification: str = ""
    party_member: bool | None = None
    page: Page = 1
    page_size: OptPageSize = None


def summary(person: Person, access: policies.DossierAccess | None) -> dict:
    visible = masking.summary_visible(access)

    def show(column: str, value: object) -> object:
        return value if column in visible else None

    hidden = masking.summary_masked(access) if access is not None else _all_masked()
    return {
        "personal_id": person.personal_id,
        "full_name": show("full_name", person.full_name),
        "birth_date": show("birth_date", person.birth_date),
        "sex": show("sex", person.sex),
        "staff_category": show("staff_category", person.staff_category),
        "unit_code": show("unit", person.current_unit.code),
        "unit_name": show("unit", person.current_unit.name),
        "rank_code": show("rank", person.current_rank_code),
        "rank_name": show("rank", name_of("rank", person.current_rank_code)),
        "position_code": show("position", person.current_position_code),
        "position_name": show("position", name_of("position", person.current_position_code)),
        "completeness": person.completeness,
        "masked": hidden,
    }


def _all_masked() -> dict[str, str]:
    # A row the gate opens nothing of (it should not be listed at all): every column masked.
    classes = policies.field_classes()
    return {f: policies.mask_note(classes[f]) for f in masking.SUMMARY_FIELDS.values()}


def search_filters(params: SearchParams) -> selectors.SearchFilters:
    problems = []
    unit = None
    if params.unit:
        unit = org_get(params.unit)
        if unit is None:
            problems.append(Problem("unknown_unit", f"Đơn vị «{params.unit}» không có.", "unit"))
    if (
        params.age_min is not None
        and params.age_max is not None
        and params.age_min > params.age_max
    ):
        problems.append(Problem("bad_range", "Tuổi từ lớn hơn tuổi đến.", "age_min"))
    if problems:
        raise ValidationFailed(problems)
    return selectors.SearchFilters(
        unit=unit,
        staff_category=params.staff_category,
        sex=params.sex,
        age_min=params.age_min,
        age_max=params.age_max,
        ethnicity=params.ethnicity,
        qualification=params.qualification,
        party_member=params.party_member,
    )


@router.get("/people", response=responses({200: SearchOut}), summary="Tra cứu hồ sơ")
def people_search(request: HttpRequest, params: Query[SearchParams]) -> dict:
    filters = search_filters(params)
    size = min(params.page_size or settings.HOSO_PAGE_SIZE, PAGE_SIZE_MAX)
    gate = policies.gate_for(request.user)
    qs = selectors.people_search(
        scope=policies.people_scope(request.user), q=params.q, filters=filters
    )
    start = (params.page - 1) * size
    page = list(qs[start : start + size])
    # Exact up to the limit; past it PostgreSQL's estimate (count_exact false): counting a
    # very common name exactly costs more than the page itself.
    found = selectors.search_count(qs, limit=settings.HOSO_COUNT_LIMIT)
    recorder.search_listed(
        request.user, query=params.dict(), shown=[p.personal_id for p in page], total=found.value
    )
    return {
        "count": found.value,
        "count_exact": found.exact,
        "page": params.page,
        "page_size": size,
        "results": [summary(p, gate.access(p)) for p in page],
    }


@router.get(
    "/people/export.csv",
    response=responses({200: None}, 403),
    summary="Xuất danh sách kết quả tra cứu (CSV có dấu xác thực)",
)
def people_export(request: HttpRequest, params: Query[SearchParams]) -> HttpResponse:
    """The search results (all pages, at most HOSO_EXPORT_MAX rows) as a stamped CSV."""
    filters = search_filters(params)
    qs = selectors.people_search(
        scope=policies.people_scope(request.user), q=params.q, filters=filters
    )
    people = list(qs[: settings.HOSO_EXPORT_MAX])
    export = exports.people_list_export(user=request.user, people=people, query=params.dict())
    return _file(export)


@router.get(
    "/people/{personal_id}/export.json",
    response=responses({200: None}, 403, 404),
    summary="Xuất toàn bộ hồ sơ một người (JSON có dấu xác thực)",
)
def person_export(request: HttpRequest, personal_id: str) -> HttpResponse:
    return _file(exports.dossier_export(user=request.user, personal_id=personal_id))


def _finding(f: Finding) -> dict:
    return {
        "rule": f.rule,
        "item": f.item,
        "group": f.group,
        "message": f.message,
        "where": f.where,
    }


def _file(export: exports.ExportFile) -> HttpResponse:
    response = HttpResponse(export.body, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    response["X-Export-Id"] = export.export_id
    response["X-Content-SHA256"] = export.sha256
    return response


@router.get(
    "/people/{personal_id}",
    response=responses({200: DossierOut}, 404),
    summary="Hồ sơ của một người (các trường không được xem bị che)",
)
def person_dossier(request: HttpRequest, personal_id: str) -> dict:
    access = policies.dossier_access(request.user, personal_id, purpose=Purpose.API)
    person = access.person
    # The required list from the catalog cache: a full reference snapshot per read is costly.
    missing = access.missing_required(selectors.required_fields())[0]
    findings, hidden = dossier_findings(access)
    return {
        "personal_id": person.personal_id,
        "completeness": person.completeness,
        "missing_required": missing,
        "format_problems": [_finding(f) for f in findings if f.kind == FORMAT],
        "missing_components": [_finding(f) for f in findings if f.kind == COMPONENT],
        "findings_hidden": hidden,
        "access_basis": list(access.basis),
        "grant_id": access.grant.pk if access.grant else None,
        "sections": access.content(),
        "masked": access.masked,
    }
