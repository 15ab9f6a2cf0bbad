"""/thong-ke/: counts with charts and tables, drill-downs recorded, refusals in words."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse

from conftest import login
from hoso.audit.models import AuditAction, AuditEvent
from hoso.core.dates import today

pytestmark = pytest.mark.django_db

_INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=|\sstyle\s*=", re.IGNORECASE)


@pytest.fixture
def people(make_dossier) -> dict:
    return {
        "an": make_dossier(full_name="Nguyễn Văn An", birth_date=date(1985, 3, 14)),
        "hoa": make_dossier(
            full_name="Đặng Thị Hoa",
            sex="F",
            birth_date=date(1990, 7, 2),
            unit="T01.XA",
            work_history=[
                {
                    "from_date": "2015-01-01",
                    "unit_name": "UBND xã",
                    "title": "Công chức",
                    "organization": "T01.XA",
                }
            ],
        ),
        "binh": make_dossier(full_name="Lê Văn Bình", birth_date=date(1965, 1, 5)),
    }


def test_the_page_shows_charts_and_tables_in_vietnamese(client, personas, people):
    login(client, personas["lanhdao"])
    r = client.get(reverse("web:stats"))
    assert r.status_code == 200
    body = r.content.decode()
    assert "Thống kê đội ngũ" in body and "Thống kê, dự báo" in body  # heading and nav link
    assert 'id="tong-so">3<' in body
    assert body.count("<svg") == 4  # by unit, age–sex pyramid, retirements, salary steps
    assert "Nâng bậc lương thường xuyên 12 tháng tới" in body
    assert "Chưa có biên chế được giao năm nay" in body
    assert "Tháp tuổi – giới tính" in body and "Dự báo nghỉ hưu 10 năm tới" in body
    assert "Nghị định số 135/2020/NĐ-CP" in body  # the method is shown
    assert "Biến động trong kỳ" in body and "Cuối kỳ" in body
    assert "Từ trần" in body and "Buộc thôi việc" in body  # movements of the period
    assert 'id="cach-tinh-theo-ngay"' in body and "luôn là giá trị hiện nay" in body
    # The form in force is named with its basis and what is not established (catalog).
    assert "Báo cáo định kỳ (Biểu số 01/BNV" in body and 'id="bieu-bao-cao"' in body
    assert "Thông tư số 18/2025/TT-BNV" in body and "Chưa xác lập được" in body
    assert "Sở Tài chính" in body and "Ủy ban nhân dân xã Hòa Bình" in body
    assert not _INLINE.search(body)
    # No religion/ethnicity choice for a leader.
    assert 'value="religion"' not in body and 'value="sex"' in body


def test_a_crossed_breakdown_has_totals(client, personas, people):
    login(client, personas["quanly"])
    r = client.get(reverse("web:stats"), {"unit": "T01", "dim1": "unit", "dim2": "sex"})
    assert r.status_code == 200
    body = r.content.decode()
    assert "Tổng cộng" in body and 'value="religion"' in body  # records manager: sensitive


def test_a_number_links_to_its_people_and_the_listing_is_recorded(client, personas, people):
    login(client, personas["lanhdao"])
    page = client.get(reverse("web:stats"), {"unit": "T01", "dim1": "unit"}).content.decode()
    links = re.findall(r'<a href="(/thong-ke/danh-sach/\?[^"]+)">(\d+)</a>', page)
    assert links
    for href, count in links:
        listing = client.get(href.replace("&amp;", "&")).content.decode()
        assert f"Tìm thấy <strong>{count}</strong> hồ sơ" in listing
    before = AuditEvent.objects.filter(action=AuditAction.SEARCH).count()
    r = client.get(reverse("web:stats_people") + "?unit=T01&as_of=2026-03-01&by=sex&k_sex=F")
    assert r.status_code == 200
    body = r.content.decode()
    assert "Đặng Thị Hoa" in body and "Nguyễn Văn An" not in body
    assert "Giới tính: <strong>Nữ</strong>" in body
    assert AuditEvent.objects.filter(action=AuditAction.SEARCH).count() == before + 1


@pytest.mark.parametrize(
    ("user", "query", "status", "words"),
    [
        ("lanhdao", {"dim1": "religion"}, 403, "Tôn giáo"),
        ("lanhdao", {"as_of": "01/01/2099"}, 400, "chưa tới"),
        ("lanhdao", {"as_of": "31/02/2026"}, 400, "không đúng"),
        ("ngoai", {"unit": "T01"}, 403, "ngoài phạm vi"),
        ("lanhdao", {"dim1": "sex", "dim2": "sex"}, 400, "một lần"),
    ],
)
def test_bad_questions_are_answered_in_words(client, personas, people, user, query, status, words):
    login(client, personas[user])
    r = client.get(reverse("web:stats"), query)
    assert r.status_code == status
    assert words in r.content.decode()


def test_an_account_without_a_reading_duty_gets_no_statistics(client, personas):
    login(client, personas["quantri"])
    r = client.get(reverse("web:stats"))
    assert r.status_code == 403
    assert "không được giao nhiệm vụ" in r.content.decode()


def test_the_report_downloads_as_a_workbook(client, personas, people):
    openpyxl = pytest.importorskip("openpyxl")
    import io

    login(client, personas["lanhdao"])
    r = client.get(reverse("web:stats_report"), {"unit": "T01", "as_of": "2026-03-01"})
    assert r.status_code == 200
    assert r["Content-Disposition"].endswith('.xlsx"')
    ws = openpyxl.load_workbook(io.BytesIO(r.content)).active
    total = next(row for row in ws.iter_rows(values_only=True) if row[1] == "Tổng cộng")
    assert total[2] == 3


def test_the_report_downloads_as_a_pdf(client, personas, people):
    login(client, personas["lanhdao"])
    r = client.get(reverse("web:stats_report"), {"unit": "T01", "format": "pdf"})
    assert r.status_code == 200
    assert r.content.startswith(b"%PDF")


def test_quotas_show_used_and_vacant(client, personas, people, orgs):
    from hoso.staffing.services import quota_set

    quota_set(
        acting_user=None,
        organization=orgs["finance"],
        year=today().year,
        staff_category="civil_servant",
        quota=10,
        document_number="1/QĐ-UBND",
        document_date=date(2026, 1, 5),
        document_issuer="Ủy ban nhân dân tỉnh",
        legal_basis="QĐ giao biên chế",
    )
    login(client, personas["lanhdao"])
    body = client.get(reverse("web:stats")).content.decode()
    assert "Biên chế và nhu cầu nhân lực" in body
    assert body.count("<svg") == 5
    assert '<td class="num">10</td><td class="num">2</td><td class="num">8</td>' in body
