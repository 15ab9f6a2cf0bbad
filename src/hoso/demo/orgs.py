"""The demo's organizations: Ninh Bình province (after the 2025 reform) with its departments,
units and five communes, and the Ministry of Home Affairs; quotas and job positions."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Q

from hoso.catalog.models import CatalogEntry
from hoso.demo import population
from hoso.orgs.models import JobPosition, Organization, OrgKind, StaffingQuota
from hoso.orgs.services import org_create
from hoso.staffing.services import PositionSpec, job_position_create, quota_set

REFORM = date(2025, 7, 1)  # two-tier local government (NQ 202/2025/QH15)

MINISTRY_FROM = date(2002, 8, 5)  # Bộ Nội vụ named by NQ 02/2002/QH11

PROVINCE = {
    "code": "NB",
    "name": "Ủy ban nhân dân tỉnh Ninh Bình",
    "admin_unit_code": "37",
    "legal_basis": "Nghị quyết số 202/2025/QH15 về sắp xếp đơn vị hành chính cấp tỉnh "
    "(hợp nhất tỉnh Hà Nam, tỉnh Nam Định và tỉnh Ninh Bình)",
}

# (code, name, kind, quota by staff category) — quotas are demo figures, not real decisions.
DEPARTMENTS: tuple[tuple[str, str, tuple[tuple[str, str, str, dict[str, int]], ...]], ...] = (
    (
        "SNV",
        "Sở Nội vụ",
        (
            ("VP", "Văn phòng Sở", OrgKind.DIVISION, {"civil_servant": 25}),
            (
                "TCBC",
                "Phòng Tổ chức, biên chế và tổ chức phi chính phủ",
                OrgKind.DIVISION,
                {"civil_servant": 20},
            ),
            ("CCVC", "Phòng Công chức, viên chức", OrgKind.DIVISION, {"civil_servant": 20}),
        ),
    ),
    (
        "STC",
        "Sở Tài chính",
        (
            ("VP", "Văn phòng Sở", OrgKind.DIVISION, {"civil_servant": 25}),
            ("NS", "Phòng Ngân sách", OrgKind.DIVISION, {"civil_servant": 22}),
            ("GCS", "Phòng Quản lý giá và công sản", OrgKind.DIVISION, {"civil_servant": 20}),
        ),
    ),
    (
        "SGDDT",
        "Sở Giáo dục và Đào tạo",
        (
            ("VP", "Văn phòng Sở", OrgKind.DIVISION, {"civil_servant": 24}),
            (
                "LVT",
                "Trường Trung học phổ thông chuyên Lương Văn Tụy",
                OrgKind.PUBLIC_UNIT,
                {"public_employee": 140},
            ),
            (
                "HLA",
                "Trường Trung học phổ thông Hoa Lư A",
                OrgKind.PUBLIC_UNIT,
                {"public_employee": 120},
            ),
        ),
    ),
    (
        "SYT",
        "Sở Y tế",
        (
            ("VP", "Văn phòng Sở", OrgKind.DIVISION, {"civil_servant": 24}),
            (
                "BVDK",
                "Bệnh viện Đa khoa tỉnh Ninh Bình",
                OrgKind.PUBLIC_UNIT,
                {"public_employee": 520},
            ),
            ("BVSN", "Bệnh viện Sản Nhi Ninh Bình", OrgKind.PUBLIC_UNIT, {"public_employee": 270}),
        ),
    ),
    (
        "STP",
        "Sở Tư pháp",
        (
            ("VP", "Văn phòng Sở", OrgKind.DIVISION, {"civil_servant": 20}),
            ("HCTP", "Phòng Hành chính tư pháp", OrgKind.DIVISION, {"civil_servant": 16}),
        ),
    ),
    (
        "TTR",
        "Thanh tra tỉnh",
        (
            ("VP", "Văn phòng", OrgKind.DIVISION, {"civil_servant": 20}),
            ("NV1", "Phòng Nghiệp vụ 1", OrgKind.DIVISION, {"civil_servant": 18}),
            ("NV2", "Phòng Nghiệp vụ 2", OrgKind.DIVISION, {"civil_servant": 18}),
        ),
    ),
)

COMMUNES = ("Phường Hoa Lư", "Phường Nam Định", "Phường Phủ Lý", "Xã Gia Viễn", "Xã Kim Sơn")

COMMUNE_QUOTA = {"cadre": 16, "civil_servant": 52}

MINISTRY = {
    "code": "BNV",
    "name": "Bộ Nội vụ",
    "legal_basis": "Nghị quyết số 02/2002/QH11; Nghị định số 25/2025/NĐ-CP quy định chức năng, "
    "nhiệm vụ, quyền hạn và cơ cấu tổ chức của Bộ Nội vụ",
}

MINISTRY_UNITS: tuple[tuple[str, str, date, dict[str, int]], ...] = (
    ("VP", "Văn phòng Bộ", MINISTRY_FROM, {"civil_servant": 150}),
    ("TCBC", "Vụ Tổ chức - Biên chế", MINISTRY_FROM, {"civil_servant": 45}),
    ("CCVC", "Vụ Công chức - Viên chức", MINISTRY_FROM, {"civil_servant": 45}),
    ("CQDP", "Vụ Chính quyền địa phương", MINISTRY_FROM, {"civil_servant": 40}),
    ("TTR", "Thanh tra Bộ", MINISTRY_FROM, {"civil_servant": 55}),
    ("CVL", "Cục Việc làm", date(2025, 3, 1), {"civil_servant": 80}),
)

# How much of each quota is filled (demo figures): most units a little under, as while staff
# are being cut; a few over — a hospital hiring for the services it earns from, two merged
# communes still holding the staff of the communes they replaced (NQ 202/2025/QH15) — and a
# new department still recruiting. By unit code, or by a commune's place in COMMUNES.
FILL_DEFAULT = 0.93

FILL = {
    ("NB.SYT.BVDK", "public_employee"): 1.04,
    ("NB.SGDDT.LVT", "public_employee"): 0.97,
    ("NB.TTR.NV2", "civil_servant"): 0.83,
    ("BNV.CVL", "civil_servant"): 0.75,
}

COMMUNE_FILL = ({"cadre": 1.19}, {}, {}, {"civil_servant": 1.06}, {})

# Professional job positions by the field of the unit: (rank code, staff category).
JOBS_BY_FIELD = {
    "admin": (("01.003", "civil_servant"), ("01.002", "civil_servant")),
    "finance": (("01.003", "civil_servant"), ("06.031", "civil_servant")),
    "law": (("01.003", "civil_servant"),),
    "inspection": (("04.025", "civil_servant"), ("01.003", "civil_servant")),
    "education": (("V.07.05.15", "public_employee"), ("V.07.05.14", "public_employee")),
    "health": (("V.08.01.03", "public_employee"), ("V.08.05.12", "public_employee")),
}


def _org(
    code: str,
    name: str,
    kind: str,
    valid_from: date,
    parent: Organization | None = None,
    **extra: Any,
) -> Organization:
    found = Organization.objects.filter(code=code).first()
    if found is not None:
        return found
    return org_create(
        acting_user=None,
        code=code,
        name=name,
        kind=kind,
        valid_from=valid_from,
        parent=parent,
        **extra,
    )


@transaction.atomic
def demo_organizations(today: date) -> None:
    """The province with its departments, units and communes, and the ministry: created once,
    found on later runs; quotas of `today`'s year and job positions for every unit."""
    staffing: list[tuple[Organization, dict[str, int], str]] = []
    province = _org(
        PROVINCE["code"],
        PROVINCE["name"],
        OrgKind.PROVINCIAL_COMMITTEE,
        REFORM,
        admin_unit_code=PROVINCE["admin_unit_code"],
        legal_basis=PROVINCE["legal_basis"],
    )
    basis = (
        f"Quyết định giao biên chế năm {today.year} của Ủy ban nhân dân tỉnh Ninh Bình "
        "(số liệu trình diễn, không phải văn bản thật)"
    )
    for order, (code, name, units) in enumerate(DEPARTMENTS):
        department = _org(
            f"NB.{code}", name, OrgKind.PROVINCIAL_DEPARTMENT, REFORM, province, sort_order=order
        )
        for sub_order, (sub, sub_name, kind, quotas) in enumerate(units):
            unit = _org(
                f"NB.{code}.{sub}", sub_name, kind, REFORM, department, sort_order=sub_order
            )
            staffing.append((unit, quotas, basis))
    for order, (code, name) in enumerate(_communes()):
        commune = _org(
            f"NB.X{code}",
            "Ủy ban nhân dân " + name[:1].lower() + name[1:],
            OrgKind.COMMUNE_COMMITTEE,
            REFORM,
            province,
            admin_unit_code=code,
            sort_order=100 + order,
        )
        staffing.append((commune, COMMUNE_QUOTA, basis))
    ministry = _org(
        MINISTRY["code"],
        MINISTRY["name"],
        OrgKind.MINISTRY,
        MINISTRY_FROM,
        legal_basis=MINISTRY["legal_basis"],
    )
    basis = (
        f"Quyết định giao biên chế năm {today.year} của Bộ trưởng Bộ Nội vụ "
        "(số liệu trình diễn, không phải văn bản thật)"
    )
    for order, (code, name, start, quotas) in enumerate(MINISTRY_UNITS):
        unit = _org(
            f"BNV.{code}", name, OrgKind.DEPARTMENT_CENTRAL, start, ministry, sort_order=order
        )
        staffing.append((unit, quotas, basis))
    _staffing(staffing, today)


def _communes() -> list[tuple[str, str]]:
    """Five real communes of the province (QĐ 19/2025/QĐ-TTg codes), from the catalog."""
    rows = list(
        CatalogEntry.objects.filter(catalog_id="commune", parent_code=PROVINCE["admin_unit_code"])
        .order_by("code")
        .values_list("code", "name")
    )
    wanted = [row for row in rows if row[1] in COMMUNES]
    return (wanted or rows)[: len(COMMUNES)]


# The (invented) documents that assign the demo's quotas: number and issuer, by the unit's tree.
QUOTA_DOCUMENTS = {
    PROVINCE["code"]: ("15/QĐ-UBND", "Ủy ban nhân dân tỉnh Ninh Bình"),
    MINISTRY["code"]: ("08/QĐ-BNV", "Bộ trưởng Bộ Nội vụ"),
}


def _staffing(staffing: list[tuple[Organization, dict[str, int], str]], today: date) -> None:
    """Quotas of the year, then the job positions each unit's kind and field call for."""
    signed = min(date(today.year, 1, 5), today)
    if staffing and not StaffingQuota.objects.filter(year=today.year).exists():
        _adjusted_quota(*staffing[0], today)
    for unit, quotas, basis in staffing:
        number, issuer = QUOTA_DOCUMENTS[unit.code.split(".")[0]]
        for category, quota in quotas.items():
            quota_set(
                acting_user=None,
                organization=unit,
                year=today.year,
                staff_category=category,
                quota=quota,
                document_number=number,
                document_date=signed,
                document_issuer=issuer,
                legal_basis=basis,
                note="Giao chính thức theo đề án vị trí việc làm được phê duyệt",
            )
    infos = {
        u.code: u for u in population.load_units([PROVINCE["code"], MINISTRY["code"]], on=today)
    }
    names = dict(
        CatalogEntry.objects.filter(catalog_id__in=["position", "rank"]).values_list("code", "name")
    )
    for unit, quotas, _basis in staffing:
        info = infos.get(unit.code)
        if info is not None:
            _job_positions(unit, info, quotas, names)


# What every professional post of the demo asks, and the rules that describe job positions.
COMPETENCIES = (
    "Nắm vững pháp luật của lĩnh vực được giao",
    "Soạn thảo văn bản hành chính",
    "Sử dụng thành thạo phần mềm văn phòng và cơ sở dữ liệu chuyên ngành",
)
JOB_BASIS = (
    "Nghị định số 62/2020/NĐ-CP về vị trí việc làm và biên chế công chức; Nghị định số "
    "106/2020/NĐ-CP về vị trí việc làm và số lượng người làm việc trong đơn vị sự nghiệp công lập"
)


def _adjusted_quota(unit: Organization, quotas: dict[str, int], basis: str, today: date) -> None:
    """A first, smaller assignment of the first unit's first quota, so that the standing page
    shows a quota's history (the assignment of the year then raises it, with its reason)."""
    category, quota = next(iter(quotas.items()))
    number, issuer = QUOTA_DOCUMENTS[unit.code.split(".")[0]]
    quota_set(
        acting_user=None,
        organization=unit,
        year=today.year,
        staff_category=category,
        quota=max(0, quota - 2),
        document_number=number.replace("15/", "12/").replace("08/", "05/"),
        document_date=min(date(today.year, 1, 2), today),
        document_issuer=issuer,
        note="Giao tạm đầu năm, chờ phê duyệt đề án vị trí việc làm",
    )


def _job_positions(
    unit: Organization, info: population.UnitInfo, quotas: dict[str, int], names: dict[str, str]
) -> None:
    """Leadership posts of the unit's kind and the professional posts of its field."""
    existing = set(JobPosition.objects.filter(organization=unit).values_list("code", flat=True))
    wanted: list[tuple[str, str, str, str, int]] = []
    for position, count, _age, _per_100 in population.parameters()["leadership"].get(
        info.leadership, []
    ):
        if position not in names:
            continue
        category = "cadre" if position.startswith("chairman") else "civil_servant"
        if unit.kind == OrgKind.PUBLIC_UNIT:
            category = "public_employee"
        wanted.append((population.job_code(position), names[position], category, "", max(1, count)))
    total = sum(quotas.values())
    for rank, category in JOBS_BY_FIELD.get(info.field.split("_")[0], JOBS_BY_FIELD["admin"]):
        if rank in names and category in quotas:
            wanted.append((f"CM.{rank}", names[rank], category, rank, max(1, total // 2)))
    for code, name, category, rank, headcount in wanted:
        if code not in existing:
            job_position_create(
                acting_user=None,
                organization=unit,
                code=code,
                spec=PositionSpec(
                    name=name,
                    staff_category=category,
                    rank_code=rank,
                    qualification_code="bachelor" if rank else "",
                    headcount=headcount,
                    competencies=COMPETENCIES if rank else (),
                    legal_basis=JOB_BASIS,
                ),
                valid_from=unit.valid_from,
            )


def headcounts(people: int, today: date) -> dict[tuple[str, str], int]:
    """People per (unit code, staff category): each quota of the year times its fill (FILL),
    scaled to `people` in all (largest remainders), so a default demo fills the quotas as
    FILL says and a smaller one in the same proportions."""
    weights: dict[tuple[str, str], float] = {}
    rows = StaffingQuota.objects.filter(year=today.year).select_related("organization")
    mine = Q(organization__code__startswith=PROVINCE["code"] + ".")
    for row in rows.filter(mine | Q(organization__code__startswith=MINISTRY["code"] + ".")):
        unit = row.organization
        fill = FILL.get((unit.code, row.staff_category), FILL_DEFAULT)
        if unit.kind == OrgKind.COMMUNE_COMMITTEE:
            extra = COMMUNE_FILL[(unit.sort_order - 100) % len(COMMUNE_FILL)]
            fill = extra.get(row.staff_category, FILL_DEFAULT)
        weights[(unit.code, row.staff_category)] = row.quota * fill
    total = sum(weights.values())
    if not total:
        return {}
    exact = {key: people * weight / total for key, weight in weights.items()}
    counts = {key: int(value) for key, value in exact.items()}
    by_remainder = sorted(exact, key=lambda key: (counts[key] - exact[key], key))
    for key in by_remainder[: people - sum(counts.values())]:
        counts[key] += 1
    return {key: n for key, n in counts.items() if n}
