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

from hoso.access.mfa import base32_secret, confirmed_device
from hoso.access.models import Role, User
from hoso.access.services import password_reset, role_assign, totp_enrol, user_create
from hoso.catalog.models import CatalogEntry
from hoso.catalog.services import catalog_load_builtin
from hoso.core.dates import today as local_today
from hoso.orgs.models import JobPosition, Organization, OrgKind
from hoso.orgs.services import job_position_create, org_create, quota_set
from hoso.people import synthetic
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
            ("VP", "Văn phòng Sở", OrgKind.DIVISION, {"civil_servant": 18}),
            (
                "TCBC",
                "Phòng Tổ chức, biên chế và tổ chức phi chính phủ",
                OrgKind.DIVISION,
                {"civil_servant": 14},
            ),
            ("CCVC", "Phòng Công chức, viên chức", OrgKind.DIVISION, {"civil_servant": 14}),
        ),
    ),
    (
        "STC",
        "Sở Tài chính",
        (
            ("VP", "Văn phòng Sở", OrgKind.DIVISION, {"civil_servant": 18}),
            ("NS", "Phòng Ngân sách", OrgKind.DIVISION, {"civil_servant": 16}),
            ("GCS", "Phòng Quản lý giá và công sản", OrgKind.DIVISION, {"civil_servant": 14}),
        ),
    ),
    (
        "SGDDT",
        "Sở Giáo dục và Đào tạo",
        (
            ("VP", "Văn phòng Sở", OrgKind.DIVISION, {"civil_servant": 18}),
            (
                "LVT",
                "Trường Trung học phổ thông chuyên Lương Văn Tụy",
                OrgKind.PUBLIC_UNIT,
                {"public_employee": 100},
            ),
            (
                "HLA",
                "Trường Trung học phổ thông Hoa Lư A",
                OrgKind.PUBLIC_UNIT,
                {"public_employee": 90},
            ),
        ),
    ),
    (
        "SYT",
        "Sở Y tế",
        (
            ("VP", "Văn phòng Sở", OrgKind.DIVISION, {"civil_servant": 18}),
            (
                "BVDK",
                "Bệnh viện Đa khoa tỉnh Ninh Bình",
                OrgKind.PUBLIC_UNIT,
                {"public_employee": 300},
            ),
            ("BVSN", "Bệnh viện Sản Nhi Ninh Bình", OrgKind.PUBLIC_UNIT, {"public_employee": 160}),
        ),
    ),
    (
        "STP",
        "Sở Tư pháp",
        (
            ("VP", "Văn phòng Sở", OrgKind.DIVISION, {"civil_servant": 14}),
            ("HCTP", "Phòng Hành chính tư pháp", OrgKind.DIVISION, {"civil_servant": 12}),
        ),
    ),
    (
        "TTR",
        "Thanh tra tỉnh",
        (
            ("VP", "Văn phòng", OrgKind.DIVISION, {"civil_servant": 14}),
            ("NV1", "Phòng Nghiệp vụ 1", OrgKind.DIVISION, {"civil_servant": 14}),
            ("NV2", "Phòng Nghiệp vụ 2", OrgKind.DIVISION, {"civil_servant": 14}),
        ),
    ),
)
COMMUNES = ("Phường Hoa Lư", "Phường Nam Định", "Phường Phủ Lý", "Xã Gia Viễn", "Xã Kim Sơn")
COMMUNE_QUOTA = {"cadre": 12, "civil_servant": 36}
MINISTRY = {
    "code": "BNV",
    "name": "Bộ Nội vụ",
    "legal_basis": "Nghị quyết số 02/2002/QH11; Nghị định số 25/2025/NĐ-CP quy định chức năng, "
    "nhiệm vụ, quyền hạn và cơ cấu tổ chức của Bộ Nội vụ",
}
MINISTRY_UNITS: tuple[tuple[str, str, date, dict[str, int]], ...] = (
    ("VP", "Văn phòng Bộ", MINISTRY_FROM, {"civil_servant": 90}),
    ("TCBC", "Vụ Tổ chức - Biên chế", MINISTRY_FROM, {"civil_servant": 32}),
    ("CCVC", "Vụ Công chức - Viên chức", MINISTRY_FROM, {"civil_servant": 32}),
    ("CQDP", "Vụ Chính quyền địa phương", MINISTRY_FROM, {"civil_servant": 30}),
    ("TTR", "Thanh tra Bộ", MINISTRY_FROM, {"civil_servant": 40}),
    ("CVL", "Cục Việc làm", date(2025, 3, 1), {"civil_servant": 60}),
)
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
        )
    out.write(f"Đã tạo {result.created} hồ sơ ({result.rate:.0f} hồ sơ/giây).\n")
    return result.created


# --- work to do: deadlines, discrepancies, a proposal ---------------------------------------------


def _received_for_due(today: date, low: date, high: date) -> date:
    """A receipt day whose 10-working-day deadline falls in [low, high)."""
    from hoso.changes.obligations import deadline

    for back in range(1, 60):
        start = today - timedelta(days=back)
        due = deadline("enter_decision", start)[0]
        if low <= due < high:
            return start
    return today - timedelta(days=30)


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


def _documents(out: TextIO) -> None:
    """Signed résumés for a few dossiers of the Department of Home Affairs, and their paper
    résumés "scanned" (the résumé rendered, rasterized to a JPEG) and uploaded by the clerk:
    the task worker beside the demo converts them to PDF/A and reads them (OCR)."""
    from hoso.documents import resume, services

    clerk = User.objects.get(username="nhaplieu")
    manager = User.objects.get(username="quanly")
    unit = Organization.objects.get(code="NB.SNV")
    people = list(
        person_queryset().filter(current_unit__path__startswith=unit.path).order_by("pk")[:3]
    )
    out.write("Ký số sơ yếu lý lịch và số hóa bản giấy của một số hồ sơ…\n")
    for person in people:
        resume.resume_issue(acting_user=manager, personal_id=person.personal_id)
        page = _scan_of(resume.resume_render(resume.resume_source(person)))
        services.component_add(
            acting_user=clerk,
            personal_id=person.personal_id,
            kind="resume",
            title="Sơ yếu lý lịch (bản giấy, Mẫu 2C-BNV/2008)",
            filename="so-yeu-ly-lich.jpg",
            content=[page],
        )


def _work(today: date, out: TextIO) -> None:
    """What the personas find waiting, made through the services as they would: decisions
    registered late (overdue) and recently (due soon), two discrepancies, one proposal.
    Only when this run created the people, so a second run adds nothing."""
    from hoso.calendar import selectors as calendar_selectors
    from hoso.changes import decisions, discrepancies, obligations, services

    clerk = User.objects.get(username="nhaplieu")
    leader = User.objects.get(username="lanhdao")
    unit = Organization.objects.get(code="NB.SNV")
    people = list(
        person_queryset()
        .filter(current_unit__path__startswith=unit.path)
        .order_by("pk")
        .values_list("personal_id", flat=True)[:4]
    )
    province = Organization.objects.get(code=PROVINCE["code"])
    others = list(
        person_queryset()
        .filter(current_unit__path__startswith=province.path)
        .exclude(personal_id__in=people)
        .order_by("-pk")
        .values_list("personal_id", flat=True)[:2]
    )
    if len(people) < 4 or len(others) < 2:
        return  # a tiny demo: the clerk's department has too few people
    out.write("Tạo việc cần làm, cảnh báo sai lệch và đề xuất mẫu…\n")
    soon = obligations._soon_limit(today, calendar_selectors.calendar())
    overdue_day = _received_for_due(today, date.min, today - timedelta(days=3))
    soon_day = _received_for_due(today, today, soon)
    for index, (pid, received) in enumerate(
        zip(people[:3], (overdue_day, overdue_day, soon_day), strict=True), start=1
    ):
        decisions.decision_register(
            acting_user=clerk,
            decision_type="reward",
            number=f"{100 + index}/QĐ-UBND",
            signed_date=received,
            issuer="Ủy ban nhân dân tỉnh Ninh Bình",
            received_date=received,
            effective_date=received,
            personal_id=pid,
            parameters={"form_code": "certificate_of_merit"},
            summary="Tặng giấy khen",
            today=today,
        )
    for pid, section, field, paper in (
        (others[0], "identity", "identity.birth_place", "Xã Ninh Hải, huyện Hoa Lư"),
        (others[1], "training", "", "Bằng thạc sĩ cấp năm 2015, hồ sơ giấy trang 12"),
    ):
        discrepancies.discrepancy_report(
            acting_user=leader, personal_id=pid, sections=[section], field=field, paper_says=paper
        )
    services.changeset_propose(
        acting_user=clerk,
        personal_id=people[3],
        operations=[{"op": "set", "section": "identity", "values": {"phone": "0912000111"}}],
        source_kind="paper",
        paper_confirmed_on=today,
        source_note="Sơ yếu lý lịch bổ sung",
        today=today,
    )


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
    """(personal id, full name) of one seeded person of the province, for the `canbo` account."""
    province = Organization.objects.get(code=PROVINCE["code"])
    person = (
        person_queryset()
        .filter(current_unit__path__startswith=province.path)
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
