"""Dossier entry as the personas find it (issue 10): the clerk's draft of a new dossier
half entered, and a new dossier from a confirmed paper dossier waiting for the records
manager's signed approval — made through `changes.services.changesets` as they would."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, TextIO

from hoso import identity
from hoso.access.models import User
from hoso.changes.models import SourceKind
from hoso.changes.services import changesets
from hoso.demo.plan import snv_people
from hoso.people.selectors import person_by_id

# (full name, sex, birth date) of the two people whose paper dossiers the clerk enters.
NEWCOMERS = (
    ("Vũ Thị Thu Hà", "F", date(1996, 5, 17)),
    ("Đinh Quang Huy", "M", date(1994, 11, 3)),
)


def _free_id(sex: str, born: date, serial: int) -> str:
    while True:
        pid = identity.generate(province_code="037", birth_year=born.year, sex=sex, serial=serial)
        if person_by_id(pid) is None:
            return pid
        serial += 1


def _dossier(pid: str, name: str, sex: str, born: date, unit: str, agency: str) -> dict[str, Any]:
    return {
        "identity": {
            "personal_id": pid,
            "full_name": name,
            "birth_date": born.isoformat(),
            "sex": sex,
            "ethnicity": "01",
            "nationality": "VN",
            "birth_place": "Xã Gia Sinh, huyện Gia Viễn, tỉnh Ninh Bình",
            "birth_place_code": "37",
        },
        "employment": {
            "staff_category": "civil_servant",
            "managing_agency": agency,
            "current_unit": unit,
            "status": "working",
            "recruitment_date": "2024-03-01",
            "recruitment_agency": "Sở Nội vụ tỉnh Ninh Bình",
        },
        "work_history": [
            {
                "from_date": "2024-03-01",
                "unit_name": "Sở Nội vụ tỉnh Ninh Bình",
                "title": "Chuyên viên",
                "organization": unit,
            }
        ],
    }


def entry_work_create(today: date, out: TextIO) -> None:
    clerk = User.objects.get(username="nhaplieu")
    found = snv_people(1)
    template = person_by_id(found[0]) if found else None
    if template is None:
        return
    unit, agency = template.current_unit.code, template.managing_agency.code
    out.write("Tạo bản nháp và đề xuất tạo hồ sơ mới của cán bộ nhập liệu…\n")
    (name, sex, born), (name2, sex2, born2) = NEWCOMERS
    pending = _free_id(sex, born, 880001)
    changesets.changeset_propose(
        acting_user=clerk,
        personal_id=pending,
        operations=[{"op": "create", "data": _dossier(pending, name, sex, born, unit, agency)}],
        source_kind=SourceKind.PAPER,
        paper_confirmed_on=today - timedelta(days=3),
        source_note="Hồ sơ giấy tiếp nhận theo Quyết định tuyển dụng",
        today=today,
    )
    drafted = _free_id(sex2, born2, 880101)
    half = _dossier(drafted, name2, sex2, born2, unit, agency)
    changesets.changeset_draft_save(
        acting_user=clerk,
        personal_id=drafted,
        operations=[{"op": "create", "data": {"identity": half["identity"]}}],
        source_kind=SourceKind.PAPER,
        paper_confirmed_on=today - timedelta(days=1),
        today=today,
    )
