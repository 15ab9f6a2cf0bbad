"""A demo node: catalogs, a real province and a ministry, synthetic people and the personas.

Everything goes through the same services as production data (orgs, people, access), so the
demo shows the system as it is. Setup is idempotent: a second run finds what the first made and
changes nothing, so `hoso demo` can be run on every start. Passwords and TOTP secrets (every
persona is enrolled for the second login step) are generated once and kept in the node's data
directory (outside the repository, mode 600) so they can be shown again.
"""

from __future__ import annotations

import json
import os
import secrets
import sys
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any, TextIO

from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.db.models import Q

from hoso.access.approvals import lowest_sufficient_level
from hoso.access.mfa import base32_secret, confirmed_device
from hoso.access.models import Role, User
from hoso.access.services import password_reset, role_assign, totp_enrol, user_create
from hoso.catalog.models import CatalogEntry
from hoso.catalog.services import catalog_load_builtin
from hoso.core.dates import today as local_today
from hoso.orgs.models import JobPosition, Organization, OrgKind
from hoso.orgs.services import job_position_create, org_create, quota_set
from hoso.people import synthetic
from hoso.people.models import SecretLabel
from hoso.people.selectors import person_queryset

ACCOUNTS_FILE = "demo-accounts.json"
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


@dataclass(frozen=True)
class Persona:
    username: str
    role: str
    unit_code: str  # "" for no organization
    full_name: str


PERSONAS = (
    Persona("nhaplieu", Role.CLERK, "NB.SNV", "Cán bộ nhập liệu, Sở Nội vụ"),
    Persona("quanly", Role.RECORDS_MANAGER, "NB", "Cán bộ quản lý hồ sơ, tỉnh Ninh Bình"),
    Persona("lanhdao", Role.LEADER, "NB", "Lãnh đạo Ủy ban nhân dân tỉnh"),
    Persona("thanhtra", Role.AUDITOR, "NB", "Thanh tra viên, Thanh tra tỉnh"),
    Persona("canbo", Role.EMPLOYEE, "", ""),  # the person of a seeded dossier
    Persona("quantri", Role.ADMIN, "", "Quản trị hệ thống"),
    Persona("ngoai", Role.CLERK, "BNV", "Cán bộ của cơ quan khác (Bộ Nội vụ)"),
)


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str  # Vietnamese label
    scope: str
    password: str
    totp_secret: str  # base32, for an authenticator app or `hoso totp code`


@dataclass(frozen=True)
class DemoInfo:
    accounts: list[DemoAccount]
    people: int  # dossiers in the node
    seeded: int  # dossiers created by this run
    accounts_file: Path


def demo_setup(
    *,
    people: int = 2000,
    seed: int = 1,
    stdout: TextIO | None = None,
    progress: bool = True,
    today: date | None = None,
) -> DemoInfo:
    """Bring the node to a complete demo state; idempotent."""
    out = stdout or sys.stdout
    today = today or local_today()
    out.write("Chuẩn bị cơ sở dữ liệu…\n")
    call_command("migrate", interactive=False, verbosity=0)
    out.write("Nạp danh mục dùng chung…\n")
    catalog_load_builtin()
    out.write("Tạo cơ quan, đơn vị, biên chế và vị trí việc làm…\n")
    demo_organizations(today)
    seeded = 0
    if people > 0 and not person_queryset().exists():
        seeded = _seed(people, seed, today, out, progress)
    accounts = _personas(today)
    _signing_keys(out)
    if seeded:
        _grants(today, out)
        _work(today, out)
        _documents(out)
    return DemoInfo(accounts, person_queryset().count(), seeded, _accounts_path())


# --- organizations --------------------------------------------------------------------------------


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


def _staffing(staffing: list[tuple[Organization, dict[str, int], str]], today: date) -> None:
    """Quotas of the year, then the job positions each unit's kind and field call for."""
    for unit, quotas, basis in staffing:
        for category, quota in quotas.items():
            quota_set(
                acting_user=None,
                organization=unit,
                year=today.year,
                staff_category=category,
                quota=quota,
                legal_basis=basis,
            )
    infos = {
        u.code: u for u in synthetic.load_units([PROVINCE["code"], MINISTRY["code"]], on=today)
    }
    names = dict(
        CatalogEntry.objects.filter(catalog_id__in=["position", "rank"]).values_list("code", "name")
    )
    for unit, quotas, _basis in staffing:
        info = infos.get(unit.code)
        if info is not None:
            _job_positions(unit, info, quotas, names)


def _job_positions(
    unit: Organization, info: synthetic.UnitInfo, quotas: dict[str, int], names: dict[str, str]
) -> None:
    """Leadership posts of the unit's kind and the professional posts of its field."""
    existing = set(JobPosition.objects.filter(organization=unit).values_list("code", flat=True))
    wanted: list[tuple[str, str, str, str, int]] = []
    for position, count, _age, _per_100 in synthetic.parameters()["leadership"].get(
        info.leadership, []
    ):
        if position not in names:
            continue
        category = "cadre" if position.startswith("chairman") else "civil_servant"
        if unit.kind == OrgKind.PUBLIC_UNIT:
            category = "public_employee"
        wanted.append((synthetic.job_code(position), names[position], category, "", max(1, count)))
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
                name=name,
                staff_category=category,
                valid_from=unit.valid_from,
                rank_code=rank,
                headcount=headcount,
            )


# --- people ---------------------------------------------------------------------------------------


def headcounts(people: int, today: date) -> dict[tuple[str, str], int]:
    """People per (unit code, staff category): each quota of the year times its fill (FILL),
    scaled to `people` in all (largest remainders), so a default demo fills the quotas as
    FILL says and a smaller one in the same proportions."""
    from hoso.orgs.models import StaffingQuota

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


def _seed(people: int, seed: int, today: date, out: TextIO, progress: bool) -> int:
    from tqdm import tqdm

    out.write(f"Sinh {people} hồ sơ giả lập…\n")
    with tqdm(total=people, unit=" hồ sơ", disable=not progress, file=sys.stderr) as bar:
        result = synthetic.seed_people(
            count=people,
            seed=seed,
            today=today,
            on_progress=bar.update,
            unit_codes=[PROVINCE["code"], MINISTRY["code"]],
            allocation=synthetic.allocation_for(headcounts(people, today)),
        )
    out.write(f"Đã tạo {result.created} hồ sơ ({result.rate:.0f} hồ sơ/giây).\n")
    return result.created


# --- what the personas find: protected dossiers, work to do, scans --------------------------------


@dataclass(frozen=True)
class WorkPlan:
    """How much of each kind of work a demo of the default size holds (a smaller demo holds
    what its clerk's department has people for). README's table of the demo's data is checked
    against `demo_figures`, which counts what was made."""

    overdue: int = 4  # decisions registered, not entered, past their deadline
    due_soon: int = 3
    later: int = 2  # registered today: due in 10 working days
    done: int = 3  # entered (approved) on time
    done_late: int = 1
    pending: int = 5  # paper-based proposals waiting for review
    approved: int = 3
    rejected: int = 2
    open_discrepancies: int = 6
    resolved_discrepancies: int = 3
    scanned_dossiers: int = 3  # each with a signed résumé, its paper copy and SCANS
    granted: int = 6  # protected dossiers `lanhdao` may read under a written approval
    foreign_granted: int = 3  # province dossiers `ngoai` (the ministry) may read


WORK = WorkPlan()


def _snv_people(limit: int) -> list[str]:
    """Unprotected dossiers of the clerk's department, oldest first: the clerk's work."""
    unit = Organization.objects.get(code="NB.SNV")
    return list(
        person_queryset()
        .filter(current_unit__path__startswith=unit.path, secret_label="", special_category=False)
        .order_by("pk")
        .values_list("personal_id", flat=True)[:limit]
    )


def _receipt_days(today: date) -> dict[str, list[date]]:
    """Receipt days (most recent first) by where a decision received then stands today:
    overdue, due soon, later (its 10-working-day deadline counted on the real calendar)."""
    from hoso.calendar import selectors as calendar_selectors
    from hoso.changes.selectors.obligations import deadline, soon_limit

    soon = soon_limit(today, calendar_selectors.calendar())
    days: dict[str, list[date]] = {"overdue": [], "due_soon": [], "later": []}
    for back in range(0, 45):
        start = today - timedelta(days=back)
        due = deadline("enter_decision", start)[0]
        bucket = "overdue" if due < today else "due_soon" if due < soon else "later"
        days[bucket].append(start)
    return days


# (award form, summary, issuer) of the decisions the clerk registers.
REWARDS = (
    ("certificate_of_merit", "Tặng giấy khen hoàn thành xuất sắc nhiệm vụ năm {year}", "Sở Nội vụ"),
    (
        "certificate_of_merit",
        "Tặng giấy khen có thành tích trong phong trào thi đua năm {year}",
        "Ủy ban nhân dân tỉnh Ninh Bình",
    ),
)
# (operations, note) of the clerk's paper-based proposals; {n} varies the values.
PROPOSALS = (
    (
        [{"op": "set", "section": "identity", "values": {"phone": "09120{n:05d}"}}],
        "Phiếu bổ sung lý lịch: số điện thoại mới",
    ),
    (
        [
            {
                "op": "set",
                "section": "qualifications",
                "values": {"strengths": "Tổng hợp, tham mưu xây dựng văn bản quy phạm pháp luật"},
            }
        ],
        "Bản tự kiểm điểm năm trước",
    ),
    (
        [
            {
                "op": "set",
                "section": "employment",
                "values": {
                    "main_duties": "Theo dõi công tác tổ chức bộ máy, biên chế của các sở, ngành"
                },
            }
        ],
        "Quyết định phân công nhiệm vụ",
    ),
)
REJECTIONS = (
    "Chưa có bản sao văn bằng kèm theo.",
    "Số điện thoại không khớp với phiếu bổ sung lý lịch đã ký.",
    "Nội dung đề nghị đã được cập nhật theo quyết định khác.",
    "Cần xác nhận của thủ trưởng đơn vị trước khi cập nhật.",
)
# (section, field, what the paper dossier says) of the leader's discrepancy reports.
DISCREPANCIES = (
    ("identity", "identity.birth_place", "Xã Ninh Hải, huyện Hoa Lư (theo giấy khai sinh)"),
    ("training", "", "Bằng thạc sĩ cấp năm 2015, hồ sơ giấy trang 12"),
    ("awards", "", "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh năm 2019 chưa có trong hồ sơ"),
    ("salary", "", "Quyết định nâng lương năm 2022 ghi bậc 4, hệ số 3,33"),
    ("party", "", "Ngày vào Đảng 19/05/2010 theo thẻ đảng viên"),
    ("work_history", "", "Từ 2008 đến 2012 công tác tại Ủy ban nhân dân huyện Gia Viễn"),
    ("family", "", "Lý lịch giấy ghi em ruột sinh năm 1990, không phải 1991"),
    ("identity", "identity.home_town", "Quê quán: xã Yên Khánh (theo lý lịch gốc năm 2005)"),
    ("evaluations", "", "Năm 2023 xếp loại hoàn thành tốt nhiệm vụ, không phải xuất sắc"),
    ("training", "", "Chứng chỉ quản lý nhà nước chương trình chuyên viên chính, năm 2018"),
    ("military", "", "Thời gian nghĩa vụ quân sự 2002–2004 theo quyết định xuất ngũ"),
    ("awards", "", "Giấy khen của Giám đốc Sở năm 2021 (hồ sơ giấy trang 20)"),
    ("identity", "identity.birth_place", "Phường Nam Bình, thành phố Ninh Bình (giấy khai sinh)"),
)


def _work(today: date, out: TextIO) -> None:
    """What the personas find waiting, made through the services as they would: decisions
    registered by the clerk (overdue, due soon, later, entered on time or late), paper-based
    proposals (pending, approved, rejected), discrepancies reported by the leader (open, and
    resolved by the records manager). Only when this run created the people."""
    from hoso.changes.services import changesets, decisions, discrepancies

    plan = WORK
    clerk = User.objects.get(username="nhaplieu")
    leader = User.objects.get(username="lanhdao")
    manager = User.objects.get(username="quanly")
    out.write("Tạo việc cần làm, đề xuất thay đổi và cảnh báo sai lệch…\n")
    wanted = sum((plan.overdue, plan.due_soon, plan.later, plan.done, plan.done_late)) + sum(
        (plan.pending, plan.approved, plan.rejected)
    )
    people = iter(_snv_people(wanted + plan.scanned_dossiers)[plan.scanned_dossiers :])
    days = _receipt_days(today)
    decided: list[tuple[str, int]] = []  # (bucket, change set) to approve after registering
    buckets = (
        ("overdue", "overdue", plan.overdue),
        ("due_soon", "due_soon", plan.due_soon),
        ("later", "later", plan.later),
        ("done", "due_soon", plan.done),
        ("done_late", "overdue", plan.done_late),
    )
    number = 100
    for bucket, when, count in buckets:
        for index in range(count):
            pid = next(people, None)
            if pid is None or not days[when]:
                break
            received = days[when][min(index, len(days[when]) - 1)]
            form, summary, issuer = REWARDS[number % len(REWARDS)]
            number += 1
            decision = decisions.decision_register(
                acting_user=clerk,
                decision_type="reward",
                number=f"{number}/QĐ-{'SNV' if issuer == 'Sở Nội vụ' else 'UBND'}",
                signed_date=received - timedelta(days=2),
                issuer=issuer,
                received_date=received,
                effective_date=received - timedelta(days=2),
                personal_id=pid,
                parameters={"form_code": form},
                summary=summary.format(year=received.year - 1),
                today=today,
            )
            if bucket.startswith("done") and decision.changeset_id:
                decided.append((bucket, decision.changeset_id))
    for _bucket, changeset_id in decided:
        changesets.changeset_approve(acting_user=manager, changeset_id=changeset_id, today=today)
    outcomes = ["pending"] * plan.pending + ["approved"] * plan.approved
    outcomes += ["rejected"] * plan.rejected
    for n, outcome in enumerate(outcomes):
        pid = next(people, None)
        if pid is None:
            break
        operations, note = PROPOSALS[n % len(PROPOSALS)]
        changeset = changesets.changeset_propose(
            acting_user=clerk,
            personal_id=pid,
            operations=json.loads(json.dumps(operations).replace("{n:05d}", f"{n:05d}")),
            source_kind="paper",
            paper_confirmed_on=today - timedelta(days=n % 5),
            source_note=note,
            today=today,
        )
        if outcome == "approved":
            changesets.changeset_approve(
                acting_user=manager, changeset_id=changeset.pk, today=today
            )
        elif outcome == "rejected":
            changesets.changeset_reject(
                acting_user=manager,
                changeset_id=changeset.pk,
                reason=REJECTIONS[n % len(REJECTIONS)],
            )
    province = Organization.objects.get(code=PROVINCE["code"])
    reports = plan.open_discrepancies + plan.resolved_discrepancies
    reported = list(
        person_queryset()
        .filter(
            current_unit__path__startswith=province.path, secret_label="", special_category=False
        )
        .exclude(current_unit__path__startswith=Organization.objects.get(code="NB.SNV").path)
        .order_by("-pk")
        .values_list("personal_id", flat=True)[:reports]
    )
    for n, pid in enumerate(reported):
        section, field, paper = DISCREPANCIES[n % len(DISCREPANCIES)]
        found = discrepancies.discrepancy_report(
            acting_user=leader, personal_id=pid, sections=[section], field=field, paper_says=paper
        )
        if n >= plan.open_discrepancies:
            discrepancies.discrepancy_resolve(
                acting_user=manager,
                discrepancy_id=found.pk,
                note="Đã đối chiếu bản gốc trong hồ sơ giấy; hồ sơ điện tử cập nhật theo đó.",
                today=today,
            )


def approval_level(*, secret_ceiling: str, covers_special: bool) -> str:
    """The approval level a grant over protected dossiers names (R-SECRET, R-SPECIAL): the
    lowest level of the `approval_level` catalog that suffices for what it covers."""
    return lowest_sufficient_level(secret_ceiling=secret_ceiling, covers_special=covers_special)


def _grants(today: date, out: TextIO) -> None:
    """Written approvals recorded by the records manager: `lanhdao` may read some protected
    dossiers (Mật and the special category, not Tối mật), for a personnel review; `ngoai`
    (the ministry) a few ordinary dossiers of the province. Everyone else is refused the
    protected ones, `quanly` included (a records manager never grants themself)."""
    from hoso.access.models import AccessGrant
    from hoso.access.services import grant_issue

    if AccessGrant.objects.exists():
        return
    manager = User.objects.get(username="quanly")
    province = Organization.objects.get(code=PROVINCE["code"])
    in_province = person_queryset().filter(current_unit__path__startswith=province.path)
    protected = list(
        in_province.filter(secret_label__in=[SecretLabel.NONE, SecretLabel.MAT])
        .exclude(secret_label="", special_category=False)
        .order_by("-special_category", "pk")
        .values_list("personal_id", flat=True)[: WORK.granted]
    )
    out.write("Ghi nhận văn bản phê duyệt cho khai thác hồ sơ…\n")
    if protected:
        grant_issue(
            acting_user=manager,
            grantee=User.objects.get(username="lanhdao"),
            purpose="Xem xét quy hoạch, bổ nhiệm lại cán bộ diện Ban Thường vụ Tỉnh ủy quản lý",
            document_number="125-CV/TU",
            document_date=today - timedelta(days=7),
            signer="Phó Bí thư Thường trực Tỉnh ủy",
            valid_from=today - timedelta(days=7),
            valid_to=today + timedelta(days=90),
            person_ids=protected,
            secret_ceiling=SecretLabel.MAT,
            covers_special=True,
            approval_level=approval_level(secret_ceiling=SecretLabel.MAT, covers_special=True),
        )
    ordinary = list(
        in_province.filter(secret_label="", special_category=False)
        .exclude(current_unit__path__startswith=Organization.objects.get(code="NB.SNV").path)
        .order_by("pk")
        .values_list("personal_id", flat=True)[1 : 1 + WORK.foreign_granted]
    )
    if ordinary:
        grant_issue(
            acting_user=manager,
            grantee=User.objects.get(username="ngoai"),
            purpose="Thẩm định hồ sơ đề nghị tiếp nhận, điều động về Bộ Nội vụ",
            document_number="2187/BNV-CCVC",
            document_date=today - timedelta(days=3),
            signer="Vụ trưởng Vụ Công chức - Viên chức",
            valid_from=today - timedelta(days=3),
            valid_to=today + timedelta(days=30),
            person_ids=ordinary,
        )


# --- scans ---------------------------------------------------------------------------------------


def _scan_of(pdf: bytes) -> bytes:
    """A page as a scanner gives it: `pdf`'s first page rasterized to a grayscale JPEG."""
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "in.pdf"
        source.write_bytes(pdf)
        # Fixed arguments; poppler from the system, like the OCR tools.
        command = ["pdftoppm", "-r", "150", "-gray", "-jpeg", "-singlefile", str(source)]
        subprocess.run([*command, f"{tmp}/p"], check=True, capture_output=True)  # noqa: S603
        return (Path(tmp) / "p.jpg").read_bytes()


# The paper a clerk scans besides the résumé: (component kind, title, file name, heading, body).
PAPER_PAGE = """<html lang="vi"><head><meta charset="utf-8"><style>
@page {{ size: A4; margin: 25mm 20mm; }}
body {{ font-family: "Liberation Serif", serif; font-size: 14pt; line-height: 1.5; }}
h1 {{ font-size: 17pt; text-align: center; margin: 14mm 0 8mm; }}
.top {{ display: flex; justify-content: space-between; font-size: 12pt; text-align: center; }}
</style></head><body>
<div class="top"><div>{issuer}</div><div><b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</b><br>
Độc lập - Tự do - Hạnh phúc</div></div>
<h1>{heading}</h1>{body}</body></html>"""
SCANS = (
    (
        "birth_certificate",
        "Bản sao giấy khai sinh",
        "giay-khai-sinh.jpg",
        "GIẤY KHAI SINH (BẢN SAO)",
        "<p>Họ, chữ đệm, tên: <b>{name}</b></p><p>Ngày, tháng, năm sinh: {birth}</p>"
        "<p>Giới tính: {sex}</p><p>Nơi sinh: {birth_place}</p><p>Số định danh cá nhân: {pid}</p>",
    ),
    (
        "diploma",
        "Bản sao bằng tốt nghiệp",
        "bang-tot-nghiep.jpg",
        "BẰNG TỐT NGHIỆP",
        "<p>Cấp cho: <b>{name}</b></p><p>Ngày sinh: {birth}</p>"
        "<p>Ngành: {field}</p><p>Trình độ: {qualification}</p>",
    ),
    (
        "decision",
        "Quyết định nhân sự gần nhất",
        "quyet-dinh.jpg",
        "QUYẾT ĐỊNH",
        "<p>Số: {decision_number}, ngày {decision_date}</p><p>Về việc: {decision_summary}</p>"
        "<p>Đối với ông (bà): <b>{name}</b>, sinh ngày {birth}</p>",
    ),
)


def _paper(person: Any, heading: str, body: str) -> bytes:
    """A one-page paper document of `person`, rendered to PDF (then "scanned" by `_scan_of`)."""
    from html import escape

    from weasyprint import HTML

    from hoso.access.system import system_dossier
    from hoso.audit.purposes import Purpose
    from hoso.catalog.selectors import name_of
    from hoso.core.dates import vn

    data = system_dossier(purpose=Purpose.SYSTEM_DEMO, person=person)
    identity = data.get("identity") or {}
    events = sorted(data.get("career_events") or [], key=lambda e: str(e.get("signed_date")))
    last = events[-1] if events else {}
    qualifications = data.get("qualifications") or {}
    signed = last.get("signed_date")
    facts = {
        "name": person.full_name,
        "birth": vn(person.birth_date),
        "sex": "Nữ" if identity.get("sex") == "F" else "Nam",
        "birth_place": identity.get("birth_place") or "",
        "pid": person.personal_id,
        "field": qualifications.get("qualification_field") or "",
        "qualification": name_of("qualification", qualifications.get("highest_qualification")),
        "decision_number": last.get("decision_number") or "",
        "decision_date": vn(date.fromisoformat(str(signed))) if signed else "",
        "decision_summary": last.get("summary") or "",
    }
    page = PAPER_PAGE.format(
        issuer=escape(str(last.get("issuer") or PROVINCE["name"])),
        heading=heading,
        body=body.format(**{k: escape(str(v)) for k, v in facts.items()}),
    )
    return HTML(string=page).write_pdf()


def _documents(out: TextIO) -> None:
    """Signed résumés for a sample of the clerk's department's dossiers, and their paper
    documents "scanned" (rendered, rasterized to a grayscale JPEG) and uploaded by the clerk:
    the résumé and the papers of SCANS. The task worker beside the demo converts them to
    PDF/A and reads them (OCR) in the background, after the node is up."""
    from hoso.documents import resume, services
    from hoso.documents.storage import storage

    clerk = User.objects.get(username="nhaplieu")
    manager = User.objects.get(username="quanly")
    people = [person_queryset().get(personal_id=pid) for pid in _snv_people(WORK.scanned_dossiers)]
    out.write("Ký số sơ yếu lý lịch và số hóa hồ sơ giấy của một số hồ sơ…\n")
    for person in people:
        signed = resume.resume_issue(acting_user=manager, personal_id=person.personal_id)
        # Its paper copy: the same first page, as printed and signed by hand long ago.
        pdf = b"".join(storage().open(signed.key))
        pages = [
            ("resume", "Sơ yếu lý lịch (bản giấy, Mẫu 2C-BNV/2008)", "so-yeu-ly-lich.jpg", pdf)
        ]
        pages += [
            (kind, title, filename, _paper(person, heading, body))
            for kind, title, filename, heading, body in SCANS
        ]
        for kind, title, filename, pdf in pages:
            services.component_add(
                acting_user=clerk,
                personal_id=person.personal_id,
                kind=kind,
                title=title,
                filename=filename,
                content=[_scan_of(pdf)],
            )


# --- what the demo holds, as README states it -------------------------------------------------


def demo_figures(today: date | None = None) -> dict[str, str]:
    """What the node holds, counted, in the words of README's table of the demo's data (a
    test compares the two after a default setup, so the README cannot drift)."""
    from hoso.access.models import AccessGrant
    from hoso.changes.models import ChangeSet, ChangeStatus, Discrepancy, DiscrepancyStatus
    from hoso.changes.selectors.obligations import obligations_list
    from hoso.documents.models import Component, SignedResume
    from hoso.orgs.selectors import quota_usage

    today = today or local_today()
    people = person_queryset()
    province = Organization.objects.get(code=PROVINCE["code"])
    in_province = people.filter(current_unit__path__startswith=province.path).count()
    labels = {
        label: people.filter(secret_label=label).count()
        for label in (SecretLabel.MAT, SecretLabel.TOI_MAT)
    }
    special = people.filter(special_category=True).count()
    grants = {
        g.grantee.username: len(g.person_ids)
        for g in AccessGrant.objects.select_related("grantee").filter(revoked_at__isnull=True)
    }
    usage = quota_usage(year=today.year)
    over = sum(1 for u in usage if u.over)
    scans = Component.objects.count()
    scanned = Component.objects.values("personal_id").distinct().count()
    changes = ChangeSet.objects.all()
    status = {s: changes.filter(status=s).count() for s in ChangeStatus.values}
    paper = changes.filter(source_kind="paper")
    open_ = Discrepancy.objects.filter(status=DiscrepancyStatus.OPEN).count()
    resolved = Discrepancy.objects.filter(status=DiscrepancyStatus.RESOLVED).count()

    def due(state: str) -> int:
        return obligations_list(scope=Q(), status=state, today=today).count()

    return {
        "dossiers": f"{people.count():,} ({in_province:,} in the province, "
        f"{people.count() - in_province:,} in the ministry)",
        "protected dossiers": f"{labels[SecretLabel.MAT]} Mật, {labels[SecretLabel.TOI_MAT]} "
        f"Tối mật; {special} of the special category",
        "written approvals": f"`lanhdao`: {grants.get('lanhdao', 0)} protected dossiers "
        f"(Mật or special category); `ngoai`: {grants.get('ngoai', 0)} province dossiers",
        "staffing quota rows of the year": f"{len(usage)}: {len(usage) - over} within, {over} over",
        "scans": f"{scans} on {scanned} dossiers",
        "signed résumés": str(SignedResume.objects.count()),
        "proposals": f"{status[ChangeStatus.PROPOSED]} pending, {status[ChangeStatus.APPLIED]} "
        f"approved, {status[ChangeStatus.REJECTED]} rejected ({paper.count()} paper-based, "
        f"the rest from decisions)",
        "discrepancies": f"{open_} open, {resolved} resolved",
        "deadlines": f"{due('overdue')} overdue, {due('due_soon')} due soon, {due('on_time')} "
        f"later, {due('done')} done on time, {due('done_late')} done late",
    }


# --- personas and their passwords -----------------------------------------------------------------


def _accounts_path() -> Path:
    return Path(settings.DATA_DIR) / ACCOUNTS_FILE


def _read_credentials() -> tuple[dict[str, str], dict[str, str]]:
    """(passwords, TOTP secrets) by username, as the last run left them."""
    path = _accounts_path()
    if not path.exists():
        return {}, {}
    stored = json.loads(path.read_text(encoding="utf-8"))
    return dict(stored.get("passwords", {})), dict(stored.get("totp", {}))


def _write_credentials(passwords: dict[str, str], totp: dict[str, str]) -> None:
    """Write with mode 600 from the first byte: the file holds live credentials."""
    path = _accounts_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_suffix(".tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(
            {
                "note": "Mật khẩu và khóa mã xác thực (TOTP, base32) của các tài khoản trình "
                "diễn; không dùng cho hệ thống thật.",
                "passwords": passwords,
                "totp": totp,
            },
            handle,
            ensure_ascii=False,
            indent=1,
        )
    os.chmod(temp, 0o600)
    os.replace(temp, path)


def _totp_secret(user: User, known: str | None) -> str | None:
    """The persona's TOTP secret: the one kept, if its device still has it; else a new
    enrolment (None for a disabled account, which cannot be enrolled)."""
    device = confirmed_device(user)
    if device is not None and known and base32_secret(device) == known:
        return known
    if not User.objects.filter(pk=user.pk, is_active=True).exists():
        return None
    return totp_enrol(acting_user=None, user=user)[2]


def _employee_person() -> tuple[str, str]:
    """(personal id, full name) of one seeded person of the province, for the `canbo` account:
    an ordinary dossier (not labelled secret nor of the special category), as most are."""
    province = Organization.objects.get(code=PROVINCE["code"])
    person = (
        person_queryset()
        .filter(current_unit__path__startswith=province.path)
        .filter(secret_label="", special_category=False)
        .order_by("pk")
        .values_list("personal_id", "full_name")
        .first()
    )
    return person or ("", "")


@transaction.atomic
def _personas(today: date) -> list[DemoAccount]:
    passwords, totp = _read_credentials()
    changed = False
    accounts = []
    labels = dict(Role.choices)
    for persona in PERSONAS:
        personal_id, full_name = ("", persona.full_name)
        if persona.role == Role.EMPLOYEE:
            personal_id, full_name = _employee_person()
        user = User.objects.filter(username=persona.username).first()
        password = passwords.get(persona.username)
        fresh = password is None
        if password is None:
            password = passwords[persona.username] = secrets.token_urlsafe(12)
            changed = True
        if user is None:
            user = user_create(
                acting_user=None,
                username=persona.username,
                password=password,
                full_name=full_name,
                personal_id=personal_id,
            )
        elif fresh:
            # The password file was lost: issue a new password rather than keep an unknown one.
            password_reset(acting_user=None, user=user, new_password=password)
        if persona.role == Role.EMPLOYEE and personal_id and user.personal_id != personal_id:
            user.personal_id, user.full_name = personal_id, full_name
            user.save(update_fields=["personal_id", "full_name"])
        unit = (
            Organization.objects.filter(code=persona.unit_code).first()
            if persona.unit_code
            else None
        )
        if not user.role_assignments.filter(role=persona.role).exists():
            role_assign(
                acting_user=None,
                user=user,
                role=persona.role,
                organization=unit,
                valid_from=min(unit.valid_from if unit else REFORM, today),
                decision_ref="Tài khoản trình diễn",
            )
        scope = (
            unit.name
            if unit
            else ("Hồ sơ của chính mình" if persona.role == Role.EMPLOYEE else "Toàn hệ thống")
        )
        secret = _totp_secret(user, totp.get(persona.username))
        if secret is not None and secret != totp.get(persona.username):
            totp[persona.username] = secret
            changed = True
        accounts.append(
            DemoAccount(persona.username, str(labels[persona.role]), scope, password, secret or "")
        )
    if changed:
        _write_credentials(passwords, totp)
    return accounts


def _signing_keys(out: TextIO) -> None:
    """Every approval is signed: a throwaway CA made at run time in the node's signing
    directory (default `$HOSO_DATA_DIR/pki`, outside the repository) and a key and certificate
    for each records-manager persona. Made once; later runs find them."""
    from hoso.changes.signatures import DemoSigner, demo_pki_ensure, signing_dir
    from hoso.documents import stamping

    unit_names = dict(Organization.objects.values_list("code", "name"))
    signers = [
        DemoSigner(p.username, p.full_name, unit_names.get(p.unit_code, PROVINCE["name"]))
        for p in PERSONAS
        if p.role == Role.RECORDS_MANAGER
    ]
    # The node's own seal, which signs the stamp on served copies of signed résumés.
    seal = DemoSigner(stamping.SEAL_USERNAME, stamping.SEAL_NAME, PROVINCE["name"])
    signers.append(seal)
    issued = demo_pki_ensure(signers)
    if issued:
        out.write(
            f"Đã tạo chứng thư số thử nghiệm cho {', '.join(issued)} tại {signing_dir()} "
            "(CA thử nghiệm, không dùng chính thức).\n"
        )


def accounts_table(accounts: list[DemoAccount]) -> str:
    """The accounts as a plain-text table (Vietnamese headers) for the terminal."""
    headers = ("Tên đăng nhập", "Vai trò", "Phạm vi", "Mật khẩu", "Khóa TOTP (base32)")
    rows = [(a.username, a.role, a.scope, a.password, a.totp_secret or "—") for a in accounts]
    widths = [max(len(str(row[i])) for row in [headers, *rows]) for i in range(len(headers))]

    def line(row: tuple[str, ...]) -> str:
        return "  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([line(headers), rule, *(line(row) for row in rows)])
