"""Signed résumés and "scanned" paper documents of a few dossiers, uploaded through
`documents.services` (converted and read in the background by the task worker)."""

from __future__ import annotations

import subprocess
import tempfile
from datetime import date
from html import escape
from pathlib import Path
from typing import Any, TextIO

from hoso.access.models import User
from hoso.access.system import system_dossier
from hoso.audit.purposes import Purpose
from hoso.catalog.selectors import name_of
from hoso.core.dates import vn
from hoso.demo.orgs import PROVINCE
from hoso.demo.plan import WORK, snv_people
from hoso.documents.services import components as services
from hoso.documents.services import resume
from hoso.documents.storage import storage
from hoso.people.selectors import person_queryset


def _scan_of(pdf: bytes) -> bytes:
    """A page as a scanner gives it: `pdf`'s first page rasterized to a grayscale JPEG."""
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
    from weasyprint import HTML  # heavy (Pango, fonts): loaded only when a demo is made

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


def documents_create(out: TextIO) -> None:
    """Signed résumés for a sample of the clerk's department's dossiers, and their paper
    documents "scanned" (rendered, rasterized to a grayscale JPEG) and uploaded by the clerk:
    the résumé and the papers of SCANS. The task worker beside the demo converts them to
    PDF/A and reads them (OCR) in the background, after the node is up."""

    clerk = User.objects.get(username="nhaplieu")
    manager = User.objects.get(username="quanly")
    people = [person_queryset().get(personal_id=pid) for pid in snv_people(WORK.scanned_dossiers)]
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
