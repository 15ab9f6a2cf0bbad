"""/api/v1/stats: workforce counts and retirement forecasts; /people/{id}/forecast.

Counts only, under `access.policies.counting_scope` (docs/decisions/0015-statistics-without-
leaks.md); one person's forecast is read through the access decision like their dossier.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field, WithJsonSchema

from hoso.access import policies
from hoso.analytics import forecasts, selectors
from hoso.api.params import OptDate, OptYear, responses
from hoso.audit.purposes import Purpose
from hoso.core.dates import today

router = Router(tags=["Thống kê, dự báo"])

DIMENSION_LIST = ", ".join(selectors.DIMENSIONS)
BY_DESCRIPTION = (
    "Một hoặc hai tiêu chí, cách nhau bằng dấu phẩy; mỗi tiêu chí là một trong: "
    f"{DIMENSION_LIST}. Để trống: chỉ tổng số."
)
By = Annotated[
    str,
    Field(max_length=200),
    WithJsonSchema({"type": "string", "maxLength": 200, "description": BY_DESCRIPTION}),
]


class GroupOut(Schema):
    key: dict[str, Any] = Field(description=f"Giá trị của từng tiêu chí ({DIMENSION_LIST})")
    labels: dict[str, str]
    count: int


class WorkforceOut(Schema):
    unit: str
    as_of: date
    by: list[str]
    total: int
    groups: list[GroupOut]


class YearOut(Schema):
    year: int
    count: int
    by_category: dict[str, int]
    leaders: int = Field(description="Số người giữ chức vụ lãnh đạo, quản lý trong số đó")
    posts: dict[str, int] = Field(description="Chức vụ lãnh đạo sẽ trống, theo mã chức vụ")


class RetirementsOut(Schema):
    unit: str
    from_year: int
    to_year: int
    total: int
    years: list[YearOut]


class RetirementOut(Schema):
    date: date
    age_years: int
    age_months: int


class SalaryStepOut(Schema):
    date: date
    rank_code: str
    step: int
    coefficient: str
    delay_months: int
    reasons: list[str]


class ForecastOut(Schema):
    retirement: RetirementOut | None
    next_salary_step: SalaryStepOut | None


@router.get(
    "/stats/workforce",
    response=responses({200: WorkforceOut}, 403, 404),
    summary="Số lượng cán bộ, công chức, viên chức vào một ngày, theo một hoặc hai tiêu chí",
    description=(
        "Đếm người đang công tác trong đơn vị (gồm cả đơn vị trực thuộc) vào ngày `as_of` "
        "(mặc định hôm nay), trong phạm vi hồ sơ người gọi được đọc. Cách tính theo ngày: "
        f"{selectors.AS_OF_NOTE}"
    ),
)
def stats_workforce(request: HttpRequest, unit: str, as_of: OptDate = None, by: By = "") -> dict:
    dims = selectors.parse_dimensions(by)
    org = selectors.stats_unit(request.user, unit)
    result = selectors.workforce(user=request.user, unit=org, as_of=as_of or today(), by=dims)
    return {
        "unit": org.code,
        "as_of": result.as_of,
        "by": list(result.by),
        "total": result.total,
        "groups": [{"key": g.key, "labels": g.labels, "count": g.count} for g in result.groups],
    }


@router.get(
    "/stats/retirements",
    response=responses({200: RetirementsOut}, 403, 404),
    summary="Dự báo số người nghỉ hưu theo năm (NĐ 135/2020), theo đối tượng",
)
def stats_retirements(
    request: HttpRequest, unit: str, from_year: OptYear = None, to_year: OptYear = None
) -> dict:
    org = selectors.stats_unit(request.user, unit)
    first = from_year or today().year
    last = to_year or first + 9
    years = forecasts.retirement_forecast(
        user=request.user, unit=org, from_year=first, to_year=last
    )
    return {
        "unit": org.code,
        "from_year": first,
        "to_year": last,
        "total": sum(y.total for y in years),
        "years": [
            {
                "year": y.year,
                "count": y.total,
                "by_category": dict(y.by_category),
                "leaders": y.leaders,
                "posts": dict(y.posts),
            }
            for y in years
        ],
    }


@router.get(
    "/people/{personal_id}/forecast",
    response=responses({200: ForecastOut}, 404),
    summary="Dự báo thời điểm nghỉ hưu và lần nâng bậc lương thường xuyên tiếp theo",
)
def person_forecast(request: HttpRequest, personal_id: str) -> dict:
    access = policies.dossier_access(request.user, personal_id, purpose=Purpose.API)
    return forecasts.person_forecast(
        access.content(), forecasts.retirement_rules(), forecasts.StepCatalog.load()
    )
