"""The documents pages: a dossier's scans (upload, progress, stamped copies), the signed
résumé, search in OCR text and the findings of the OCR check — for the personas allowed and
refused, each with a happy path and a refusal (R-DIGITIZE, R-PROHIBITED, R-CORRECT)."""

from __future__ import annotations

import hashlib
import io
import re
import subprocess
from datetime import date

import pikepdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from tests.documents.components_common import (
    component_of,
    documents_sandbox,  # noqa: F401 (fixture)
)
from tests.documents.resume_helpers import seal_key_ready_fixture  # noqa: F401 (fixture)
from tests.documents.scans import RESUME_LINES, scan

from conftest import login
from hoso.changes.models import Discrepancy
from hoso.documents import stamping
from hoso.documents.models import (
    Component,
    ComponentStatus,
    ConsistencyFinding,
    FindingStatus,
    ServedCopy,
)
from hoso.documents.resume_pdf import signatures_check
from hoso.documents.services.consistency import component_check
from hoso.documents.storage import storage

pytestmark = pytest.mark.django_db

_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
_STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.IGNORECASE)
PERSONAL_ID = "001185012345"  # as printed on RESUME_LINES


@pytest.fixture
def nhung(make_dossier):
    return make_dossier(
        full_name="Nguyễn Thị Hồng Nhung",
        birth_date=date(1985, 3, 12),
        sex="F",
        identity={"personal_id": PERSONAL_ID},
    )


@pytest.fixture
def upload(django_capture_on_commit_callbacks):
    """Post a scan through the page; the processing queued "on commit" runs right after (the
    test's transaction never commits)."""

    def post(client, person, content: bytes, name: str, **fields):
        with django_capture_on_commit_callbacks(execute=True):
            return _upload(client, person, content, name, **fields)

    return post


@pytest.fixture
def as_(client, personas):
    def signed(who):
        return login(client, personas[who])

    return signed


def _page(response) -> str:
    html = response.content.decode()
    assert not _INLINE_SCRIPT.search(html)
    assert not _STYLE_ATTRIBUTE.search(html)
    return html


def _pdf_text(content: bytes) -> str:
    """What poppler reads on the pages (the visible mark included)."""
    return subprocess.run(
        ["pdftotext", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()


def _upload(client, person, content: bytes, name: str, **fields):
    data = {"kind": "resume", "title": "Sơ yếu lý lịch (bản giấy)", "section": "", **fields}
    data["file"] = SimpleUploadedFile(name, content)
    return client.post(reverse("web:components", args=[person.personal_id]), data)


def test_the_clerk_uploads_a_scan_which_is_kept_read_and_found(
    as_, upload, nhung, personas, client
):
    clerk = as_("nhaplieu")
    html = _page(clerk.get(reverse("web:components", args=[nhung.personal_id])))
    assert "Thêm bản quét" in html and "Chưa có tài liệu nào" in html

    response = upload(clerk, nhung, scan(RESUME_LINES, "JPEG"), "so-yeu-ly-lich.jpg")

    assert response.status_code == 302
    component = Component.objects.get(personal_id=nhung.personal_id)
    assert component.status == ComponentStatus.READY  # tasks run at once in tests
    assert "nguyễn thị hồng" in component.ocr_text.lower()
    html = _page(clerk.get(reverse("web:components", args=[nhung.personal_id])))
    assert "Đã lưu trữ (PDF/A, có lớp chữ)" in html and "so-yeu-ly-lich.jpg" in html
    status = clerk.get(reverse("web:component_status", args=[component.pk]))
    assert status.status_code == 200 and "hx-trigger" not in status.content.decode()

    manager = login(client, personas["quanly"])
    found = _page(manager.get(reverse("web:document_search"), {"q": "nguyen thi hong nhung"}))
    assert nhung.personal_id in found and "Sơ yếu lý lịch (bản giấy)" in found
    nothing = _page(manager.get(reverse("web:document_search"), {"q": "nguyen van khong co"}))
    assert nhung.personal_id not in nothing and "Không tìm thấy" in nothing


def test_a_copy_from_the_page_is_stamped_and_recorded(as_, upload, nhung, personas):
    clerk = as_("nhaplieu")
    upload(clerk, nhung, scan(RESUME_LINES, "PNG"), "so-yeu-ly-lich.png")
    component = Component.objects.get(personal_id=nhung.personal_id)

    response = clerk.get(reverse("web:component_copy", args=[component.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    served = ServedCopy.objects.get(export_id=response["X-Hoso-Export-Id"])
    assert (served.username, served.component_id) == ("nhaplieu", component.pk)
    assert hashlib.sha256(response.content).hexdigest() == served.sha256
    with pikepdf.open(io.BytesIO(response.content)) as pdf:
        assert str(pdf.docinfo[stamping.INFO_KEY]) == served.export_id
    assert served.export_id in _pdf_text(response.content)


def test_a_bad_upload_is_refused_on_the_page_and_nothing_is_kept(as_, nhung):
    clerk = as_("nhaplieu")
    before = set(storage().root.rglob("*")) if storage().root.exists() else set()

    empty = _upload(clerk, nhung, b"", "trong.pdf")
    disguised = _upload(clerk, nhung, scan(RESUME_LINES, "PNG"), "anh-that-ra-la-png.pdf")

    assert empty.status_code == 400 and disguised.status_code == 400
    html = _page(disguised)
    assert "phần mở rộng của tên tệp phải đúng với nội dung" in html
    assert "Nội dung tệp «anh-that-ra-la-png.pdf» không phải" in html
    assert not Component.objects.exists()
    after = set(storage().root.rglob("*")) if storage().root.exists() else set()
    assert {p for p in after - before if p.is_file()} == set()


def test_who_sees_the_page_and_who_may_upload(as_, nhung, client, personas):
    leader = as_("lanhdao")
    html = _page(leader.get(reverse("web:components", args=[nhung.personal_id])))
    assert "Thêm bản quét" not in html  # leaders read; clerks and records managers add
    refused = _upload(leader, nhung, scan(RESUME_LINES, "PNG"), "x.png")
    assert refused.status_code == 200 and not Component.objects.exists()
    outsider = login(client, personas["ngoai"])
    assert outsider.get(reverse("web:components", args=[nhung.personal_id])).status_code == 404
    assert outsider.get(reverse("web:resume_copy", args=[nhung.personal_id])).status_code == 404


def test_the_records_manager_signs_the_resume_and_a_reader_gets_a_sealed_copy(
    as_, nhung, seal_key_ready, client, personas
):
    manager = as_("quanly")
    page = reverse("web:components", args=[nhung.personal_id])
    unsigned = manager.get(reverse("web:resume_copy", args=[nhung.personal_id]), follow=True)
    assert "chưa được ký số" in unsigned.content.decode()

    signed = manager.post(reverse("web:resume_sign", args=[nhung.personal_id]), follow=True)
    assert "Đã ký số sơ yếu lý lịch" in _page(signed)
    assert signed.redirect_chain[-1][0] == page

    clerk = login(client, personas["nhaplieu"])
    assert "Lập và ký số" not in _page(clerk.get(page))  # only records managers sign
    copy = clerk.get(reverse("web:resume_copy", args=[nhung.personal_id]))
    assert copy.status_code == 200 and copy["Content-Type"] == "application/pdf"
    checks = signatures_check(copy.content)
    assert len(checks) == 2 and all(c.valid for c in checks)  # the manager's and the seal
    bad_day = clerk.get(
        reverse("web:resume_copy", args=[nhung.personal_id]), {"ngay": "31/02/2026"}, follow=True
    )
    assert "không đúng dạng dd/mm/yyyy" in bad_day.content.decode()


def _finding(nhung, clerk_user) -> ConsistencyFinding:
    text = "\n".join(RESUME_LINES).replace("Sinh ngày: 12 tháng 03", "Sinh ngày: 13 tháng 03")
    component = component_of(nhung, (b"scan", text), clerk_user, title="Sơ yếu lý lịch (bản giấy)")
    (finding,) = component_check(component=component)
    return finding


def test_a_finding_is_shown_then_confirmed_or_dismissed_from_the_page(as_, nhung, personas):
    finding = _finding(nhung, personas["nhaplieu"])
    manager = as_("quanly")
    html = _page(manager.get(reverse("web:components", args=[nhung.personal_id])))
    assert "Khác biệt phát hiện khi đọc bản quét" in html and "13/03/1985" in html

    no_reason = manager.post(
        reverse("web:finding_dismiss", args=[finding.pk]),
        {"personal_id": nhung.personal_id, "reason": ""},
        follow=True,
    )
    assert "Cần ghi lý do" in no_reason.content.decode()
    confirmed = manager.post(
        reverse("web:finding_confirm", args=[finding.pk]),
        {"personal_id": nhung.personal_id},
        follow=True,
    )
    assert "Đã gửi cảnh báo sai lệch" in confirmed.content.decode()
    finding.refresh_from_db()
    assert finding.status == FindingStatus.CONFIRMED
    assert Discrepancy.objects.filter(pk=finding.discrepancy_id).exists()


def test_an_outsider_cannot_decide_a_finding(as_, nhung, personas):
    finding = _finding(nhung, personas["nhaplieu"])
    outsider = as_("ngoai")
    url = reverse("web:finding_dismiss", args=[finding.pk])
    response = outsider.post(url, {"personal_id": nhung.personal_id, "reason": "Sai"})
    assert response.status_code == 404
    finding.refresh_from_db()
    assert finding.status == FindingStatus.PROPOSED


def test_the_clerk_reorders_scans_like_the_paper_dossier(as_, nhung, personas):
    first = component_of(nhung, (b"a", ""), personas["nhaplieu"], title="Tài liệu một")
    second = component_of(nhung, (b"b", ""), personas["nhaplieu"], title="Tài liệu hai")
    third = component_of(nhung, (b"c", ""), personas["nhaplieu"], title="Tài liệu ba")
    clerk = as_("nhaplieu")

    moved = clerk.post(
        reverse("web:component_move", args=[third.pk]),
        {"personal_id": nhung.personal_id, "position": 1},
        follow=True,
    )

    assert "Đã chuyển «Tài liệu ba» đến vị trí 1" in moved.content.decode()
    order = list(
        Component.objects.filter(personal_id=nhung.personal_id)
        .order_by("position")
        .values_list("pk", flat=True)
    )
    assert order == [third.pk, first.pk, second.pk]
    too_far = clerk.post(
        reverse("web:component_move", args=[first.pk]),
        {"personal_id": nhung.personal_id, "position": 9},
        follow=True,
    )
    assert "Thứ tự phải từ 1 đến 3" in too_far.content.decode()
    assert Component.objects.get(pk=first.pk).position == 2


def test_only_those_who_add_scans_may_reorder_them(as_, nhung, personas):
    scan_row = component_of(nhung, (b"a", ""), personas["nhaplieu"], title="Tài liệu một")
    component_of(nhung, (b"b", ""), personas["nhaplieu"], title="Tài liệu hai")
    leader = as_("lanhdao")
    response = leader.post(
        reverse("web:component_move", args=[scan_row.pk]),
        {"personal_id": nhung.personal_id, "position": 2},
    )
    assert response.status_code == 404
    assert Component.objects.get(pk=scan_row.pk).position == 1


def test_a_forged_return_address_falls_back_to_search(as_, nhung, personas):
    finding = _finding(nhung, personas["nhaplieu"])
    manager = as_("quanly")
    response = manager.post(
        reverse("web:finding_dismiss", args=[finding.pk]),
        {"personal_id": "../../dang-xuat", "reason": ""},
    )
    assert response.status_code == 302 and response["Location"] == reverse("web:search")
