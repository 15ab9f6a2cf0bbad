"""/thong-ke/ in a real browser, as the leader: a chart, its table, and the Ministry's workbook."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from tests.web.browser import ARTIFACTS, CHROMIUM, guide_shot, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]


@pytest.fixture
def people(node, personas, orgs, make_dossier):  # this page's own staff, and a quota
    from hoso.core.dates import today
    from hoso.staffing.services import quota_set

    quota_set(
        acting_user=None,
        organization=orgs["finance"],
        year=today().year,
        staff_category="civil_servant",
        quota=4,
        document_number=f"12/QĐ-UBND-{today().year}",
        document_date=date(today().year, 1, 5),
        document_issuer="Ủy ban nhân dân tỉnh",
        legal_basis=f"Quyết định giao biên chế công chức năm {today().year}",
    )
    return {
        "an": make_dossier(full_name="Nguyễn Văn An", birth_date=date(1966, 6, 10)),  # retires 2028
        "hoa": make_dossier(
            full_name="Đặng Thị Hoa", sex="F", birth_date=date(1966, 4, 2), unit="T01.XA"
        ),
        "binh": make_dossier(
            full_name="Lê Văn Bình", birth_date=date(1995, 1, 5), unit="T01.STC.NS"
        ),
    }


def test_the_leader_reads_a_chart_and_its_table_and_downloads_the_report(
    node, people, totp_keys, browser_page
):
    openpyxl = pytest.importorskip("openpyxl")
    from playwright.sync_api import expect

    ARTIFACTS.mkdir(exist_ok=True)
    page = browser_page
    page.goto(node.url + "/")
    sign_in(page, "lanhdao", totp_keys["lanhdao"])
    page.get_by_role("link", name="Thống kê, dự báo").click()
    expect(page).to_have_url(re.compile(r"/thong-ke/$"))
    expect(
        page.get_by_role("heading", name="Thống kê đội ngũ cán bộ, công chức, viên chức")
    ).to_be_visible()
    expect(page.locator("#tong-so")).to_have_text("3")
    chart = page.get_by_role("img", name="Số người theo đơn vị")
    expect(chart).to_be_visible()
    table = page.locator("#phan-bo ~ .chart-layout table")
    expect(table).to_contain_text("Sở Tài chính")
    expect(table).to_contain_text("Tổng cộng")
    expect(page.get_by_role("img", name="Tháp tuổi – giới tính")).to_be_visible()
    expect(page.get_by_role("heading", name="Dự báo nghỉ hưu 10 năm tới")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "stats-home.png"), full_page=True)
    guide_shot(page, "thong-ke-tong-quan")

    def show(anchor: str) -> None:
        page.locator(anchor).evaluate("e => e.scrollIntoView()")

    show("#du-bao")
    guide_shot(page, "thong-ke-du-bao")
    show("#bien-che")
    expect(page.locator("#bien-che ~ *").first).to_be_visible()
    guide_shot(page, "thong-ke-bien-che")
    show("#bieu-bao-cao")
    page.locator("#bieu-bao-cao summary").click()
    expect(page.locator("#bieu-bao-cao")).to_contain_text("Thông tư số 18/2025/TT-BNV")
    page.locator(".stats-form").evaluate("e => e.scrollIntoView()")
    guide_shot(page, "thong-ke-bieu-bao-cao")

    # Two dimensions crossed, as of an earlier day.
    page.get_by_label("Tính đến ngày (dd/mm/yyyy)").fill("31/12/2025")
    page.get_by_label("Thống kê theo").select_option(label="Đơn vị")
    page.get_by_label("Kết hợp với").select_option(label="Độ tuổi")
    page.get_by_role("button", name="Xem số liệu").click()
    cross = page.locator("table.cross")
    expect(cross).to_contain_text("Từ 51 đến 60 tuổi")
    expect(cross.locator("tfoot")).to_contain_text("3")
    show("#phan-bo")
    guide_shot(page, "thong-ke-ket-hop")
    page.go_back()

    # A number opens the people behind it.
    table.get_by_role("link", name="2").first.click()
    expect(
        page.get_by_role("heading", name="Danh sách người trong số liệu thống kê")
    ).to_be_visible()
    expect(page.locator("#ket-qua")).to_contain_text("Tìm thấy 2 hồ sơ")
    guide_shot(page, "thong-ke-danh-sach")
    page.go_back()

    with page.expect_download() as info:
        page.get_by_role("link", name="Tải bảng tính Excel (.xlsx)").click()
    workbook = openpyxl.load_workbook(io.BytesIO(info.value.path().read_bytes()))
    total = next(r for r in workbook.active.iter_rows(values_only=True) if r[1] == "Tổng cộng")
    assert total[2] == 3
    assert page.errors == []
