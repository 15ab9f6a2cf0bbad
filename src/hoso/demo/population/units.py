"""Reading the node's catalogs and organization tree (ORM, once per run)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.db.models import F

from hoso.catalog.models import CatalogEntry
from hoso.core.errors import DomainError
from hoso.core.text import normalize
from hoso.demo.population.basics import _initials, _lower_first
from hoso.demo.population.inputs import CATALOGS, Entry, UnitInfo
from hoso.orgs.models import JobPosition, Organization, StaffingQuota
from hoso.orgs.selectors import valid_on


def load_catalogs() -> dict[str, list[Entry]]:
    """Every version of the catalogs the generator uses, oldest first."""
    out: dict[str, list[Entry]] = {name: [] for name in CATALOGS}
    # Undated versions are the oldest; both databases must agree on where NULL sorts.
    rows = CatalogEntry.objects.filter(catalog_id__in=CATALOGS).order_by(
        "catalog_id", F("valid_from").asc(nulls_first=True), "sort_order"
    )
    for catalog, code, name, attrs, parent, start, end in rows.values_list(
        "catalog_id", "code", "name", "attrs", "parent_code", "valid_from", "valid_to"
    ):
        out[catalog].append(Entry(code, name, attrs or {}, parent, start, end))
    return out


_DEFAULT_WEIGHT = {
    "public_unit": 60.0,
    "division": 12.0,
    "commune_committee": 35.0,
    "department_central": 30.0,
    "provincial_department": 40.0,
    "sub_department": 25.0,
}

_FIELD_WORDS = (
    ("Mầm non", "education_preschool"),
    ("Tiểu học", "education_primary"),
    ("Trung học cơ sở", "education_lower_secondary"),
    ("Giáo dục", "education"),
    ("Bệnh viện", "health"),
    ("Y tế", "health"),
    ("Tài chính", "finance"),
    ("Tư pháp", "law"),
    ("Thanh tra", "inspection"),
)


def _field_of(names: list[str]) -> str:
    """What a unit works on, from its name and its agency's (the ranks and studies follow)."""
    for name in names:
        for word, field_key in _FIELD_WORDS:
            if word in name:
                return field_key
        if name.startswith("Trường "):
            return "education"
    return "admin"


def _leadership_of(org: Any, parent: Any, field_key: str) -> str:
    kind = org.kind
    if kind == "public_unit":
        return {"education": "school", "health": "hospital"}.get(field_key.split("_")[0], "")
    if kind == "division":
        central = parent is not None and parent.kind in {
            "ministry",
            "department_central",
            "general_department",
        }
        return "ministry_division" if central else "province_division"
    if kind == "department_central":
        if org.name.startswith("Văn phòng"):
            return "ministry_office"
        return "ministry_cuc" if org.name.startswith("Cục") else "ministry_vu"
    return {
        "provincial_department": "province_department",
        "sub_department": "sub_department",
        "commune_committee": "commune",
    }.get(kind, "")


def load_units(codes: Sequence[str] | None = None, *, on: date) -> list[UnitInfo]:
    """The leaf units valid on `on` (under `codes` when given), weighted by their staffing
    quotas of that year, or by a typical size for their kind when they have none."""
    orgs = {o.pk: o for o in Organization.objects.filter(valid_on(on))}
    by_code = {o.code: o for o in orgs.values()}
    unknown = [c for c in codes or () if c not in by_code]
    if unknown:
        raise DomainError("unknown_unit", "Không có đơn vị: " + ", ".join(unknown) + ".")
    parents = {o.parent_id for o in orgs.values() if o.parent_id}
    roots = [by_code[c].path for c in codes or ()]
    leaves = [
        o
        for o in orgs.values()
        if o.pk not in parents and (not roots or any(o.path.startswith(p) for p in roots))
    ]
    quotas: dict[int, dict[str, float]] = {}
    for org_id, category, quota in StaffingQuota.objects.filter(year=on.year).values_list(
        "organization_id", "staff_category", "quota"
    ):
        quotas.setdefault(org_id, {})[category] = float(quota)
    jobs: dict[int, list[tuple[str, str, str]]] = {}
    for org_id, code, category, rank in JobPosition.objects.filter(valid_on(on)).values_list(
        "organization_id", "code", "staff_category", "rank_code"
    ):
        jobs.setdefault(org_id, []).append((code, category, rank))
    provinces = dict(CatalogEntry.objects.filter(catalog_id="province").values_list("code", "name"))
    units = [
        _unit_info(o, orgs, quotas, jobs, provinces) for o in sorted(leaves, key=lambda o: o.path)
    ]
    by_agency: dict[str, list[str]] = {}
    for unit in units:
        by_agency.setdefault(unit.managing_agency, []).append(unit.name)
    return [
        UnitInfo(
            **{
                **unit.__dict__,
                "siblings": tuple(n for n in by_agency[unit.managing_agency] if n != unit.name),
            }
        )
        for unit in units
    ]


def _unit_info(
    org: Any, orgs: dict[int, Any], quotas: dict, jobs: dict, provinces: dict
) -> UnitInfo:
    chain = [orgs[int(i)] for i in org.path.strip("/").split("/") if i and int(i) in orgs]
    root = chain[0]
    agency = chain[1] if len(chain) > 1 and root.kind == "provincial_committee" else root
    province = next((o.admin_unit_code for o in reversed(chain) if len(o.admin_unit_code) == 2), "")
    if not province and root.kind == "provincial_committee":
        province = next((o.admin_unit_code[:2] for o in chain if o.admin_unit_code), "")
    province = province or "01"  # unknown: Hà Nội, where central agencies sit
    field_key = _field_of([o.name for o in reversed(chain[1:])] or [org.name])
    texts = _unit_texts(chain, agency, provinces.get(province, ""))
    parent = orgs.get(org.parent_id) if org.parent_id else None
    return UnitInfo(
        code=org.code,
        name=org.name,
        kind=org.kind,
        managing_agency=agency.code,
        province_code=province,
        full_name=texts["current_name"].replace("{name}", org.name),
        valid_from=org.valid_from,
        weight=sum(quotas.get(org.pk, {}).values()) or _DEFAULT_WEIGHT.get(org.kind, 10.0),
        field=field_key,
        leadership=_leadership_of(org, parent, field_key),
        categories=tuple(sorted(quotas.get(org.pk, {}).items())),
        job_positions=tuple(jobs.get(org.pk, ())),
        issuer_abbr=_initials(agency.name),
        provincial=root.kind == "provincial_committee",
        **texts,
    )


def _unit_texts(chain: list[Any], agency: Any, province_name: str) -> dict[str, str]:
    """How work histories and decisions name the unit and its agency, today and before the
    2025 merger ("{old}" = the old province, e.g. «tỉnh Nam Định»)."""
    root = chain[0]
    above = "".join(f", {o.name}" for o in reversed(chain[1:-1]))  # between unit and root
    if root.kind != "provincial_committee":
        name = f"{{name}}{above}, {root.name}" if chain[1:] else "{name}"
        domain = _initials(root.name).lower() + ".gov.vn"
        return {
            "current_name": name,
            "former_name": name,
            "issuer_name": root.name,
            "issuer_former": root.name,
            "root_name": root.name,
            "root_former": root.name,
            "email_domain": domain,
        }
    where = (
        _lower_first(province_name)
        if province_name.startswith("Thành phố")
        else f"tỉnh {province_name}"
    )
    commune = agency.kind == "commune_committee"
    joiner, before = (", ", " (trước sắp xếp),") if commune else (" ", "")
    # «Thanh tra tỉnh» + «tỉnh Ninh Bình» reads «Thanh tra tỉnh Ninh Bình».
    label = agency.name.removesuffix(" tỉnh")
    if agency is root:
        issuer, issuer_former = root.name, "Ủy ban nhân dân {old}"
    else:
        issuer, issuer_former = f"{label}{joiner}{where}", f"{label}{before} {{old}}"
    above = above.removesuffix(" tỉnh")
    return {
        "current_name": f"{{name}}{above}{joiner}{where}",
        "former_name": f"{{name}}{above}{before} {{old}}",
        "issuer_name": issuer,
        "issuer_former": issuer_former,
        "root_name": root.name,
        "root_former": "Ủy ban nhân dân {old}",
        "email_domain": normalize(province_name.removeprefix("Thành phố ")).replace(" ", "")
        + ".gov.vn",
    }
