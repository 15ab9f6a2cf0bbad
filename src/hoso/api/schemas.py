from __future__ import annotations

from datetime import date

from ninja import Field, Schema


class ErrorOut(Schema):
    error: dict


class PersonSummary(Schema):
    """A search result; a column the caller may not see is null and named in `masked`."""

    personal_id: str
    full_name: str | None
    birth_date: date | None
    sex: str | None
    staff_category: str | None
    unit_code: str | None
    unit_name: str | None
    rank_code: str | None
    rank_name: str | None
    position_code: str | None
    position_name: str | None
    completeness: float
    masked: dict[str, str]


class SearchOut(Schema):
    count: int = Field(
        description="Số hồ sơ tìm thấy: chính xác đến HOSO_COUNT_LIMIT, quá đó là số ước tính."
    )
    count_exact: bool = Field(description="false khi `count` là số ước tính (quá ngưỡng đếm).")
    page: int
    page_size: int
    results: list[PersonSummary]


class FindingOut(Schema):
    """One thing the dossier lacks against the dossier standard (R-COMPLETE)."""

    rule: str  # a required_field / dossier_format_rule code, or a component_kind code
    item: str  # the field ("section.field") or section it concerns; "" the whole dossier
    group: int  # data group of NĐ 27/2026 (1–10)
    message: str
    where: str  # "training[1].to_date" for a history row


class DossierOut(Schema):
    personal_id: str
    completeness: float
    missing_required: list[str]
    format_problems: list[FindingOut]
    missing_components: list[FindingOut]
    findings_hidden: int  # findings in fields this caller may not see: counted, not named
    access_basis: list[str]
    grant_id: int | None
    sections: dict
    masked: dict[str, str]


class IdentityErrorOut(Schema):
    code: str
    message: str


class IdentityOut(Schema):
    personal_id: str
    valid: bool
    province_code: str | None
    province_name: str | None
    century: int | None
    sex: str | None
    birth_year_digits: str | None
    birth_year: int | None
    errors: list[IdentityErrorOut]


class CatalogSummary(Schema):
    name: str
    title: str
    legal_basis: str
    entries: int


class CatalogEntryOut(Schema):
    code: str
    name: str
    parent_code: str
    valid_from: date | None
    valid_to: date | None
    legal_basis: str
    attrs: dict


class CatalogOut(Schema):
    name: str
    title: str
    description: str
    legal_basis: str
    entries: list[CatalogEntryOut]


class OrganizationOut(Schema):
    code: str
    name: str
    short_name: str
    kind: str
    parent_code: str | None
    depth: int
    valid_from: date
    valid_to: date | None
    legal_basis: str


class QuotaOut(Schema):
    organization_code: str
    organization_name: str
    staff_category: str
    quota: int
    counted: int
    remaining: int
