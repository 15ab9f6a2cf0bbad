"""Imports in a real browser (Debian's chromium via Playwright): a records manager uploads a
small workbook in hoso's template holding one good dossier and one with a bad date, sees the
report naming the cell, and the batch; a second records manager signs in and approves the
batch with their signature; the good dossier is then on the node, the bad one is not."""

from __future__ import annotations

import re
from datetime import date

import pytest
from tests.web.browser import ARTIFACTS, BROWSER, shooter

from conftest import PASSWORD, dossier

pytestmark = BROWSER
shot = shooter("import")


@pytest.fixture
def people(node, personas, tmp_path):
    from hoso.access.models import Role
    from hoso.access.services import role_assign, totp_enrol, user_create
    from hoso.exchange.imports.writer import workbook_write
    from hoso.orgs.models import Organization

    second = user_create(
        acting_user=None, username="quanly2", password=PASSWORD, full_name="Quản lý thứ hai"
    )
    role_assign(
        acting_user=None,
        user=second,
        role=Role.RECORDS_MANAGER,
        organization=Organization.objects.get(code="T01"),
        valid_from=date(2025, 7, 1),
    )
    good, bad = dossier(full_name="Hồ Văn Tốt"), dossier(full_name="Lỗi Thị Ngày", sex="F")
    path = tmp_path / "ho-so-nhap.xlsx"
    workbook_write(path, [good, bad])
    from openpyxl import load_workbook

    from hoso.exchange.imports.layout import SHEETS

    book = load_workbook(path)
    sheet = book[SHEETS[0].name]
    column = SHEETS[0].keys.index("birth_date") + 1
    sheet.cell(4, column, "31/02/1990")
    book.save(path)
    return {
        "path": path,
        "good": good["identity"]["personal_id"],
        "bad": bad["identity"]["personal_id"],
        "second_key": totp_enrol(acting_user=None, user=second)[0].bin_key,
    }


def _sign_in(page, node, username, key):
    from django_otp.oath import totp
    from playwright.sync_api import expect

    page.goto(node.url + "/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", name="Mã xác thực (OTP)")).to_be_visible()
    page.get_by_label("Mã xác thực (OTP)").fill(f"{totp(key):06d}")
    page.get_by_role("button", name="Xác nhận").click()
    expect(page.get_by_role("heading", name="Tra cứu hồ sơ")).to_be_visible()


def test_a_records_manager_uploads_sees_the_report_and_another_approves_the_batch(
    node, people, totp_keys, browser_page
):
    from playwright.sync_api import expect

    ARTIFACTS.mkdir(exist_ok=True)
    page = browser_page
    main = page.locator("main")
    _sign_in(page, node, "quanly", totp_keys["quanly"])
    page.goto(node.url + "/nhap-tu-tep/")
    expect(page.get_by_role("heading", name="Nhập hồ sơ từ tệp")).to_be_visible()
    page.get_by_label("Tệp nhập (.xlsx theo mẫu hoặc .jsonl)").set_input_files(str(people["path"]))
    page.get_by_role("button", name="Tải lên").click()
    expect(page.get_by_role("heading", name="Kết quả nhập")).to_be_visible()
    report = main.get_by_role("table", name="Báo cáo lỗi")
    expect(report).to_contain_text("31/02/1990")
    expect(report).to_contain_text("không có thật")
    expect(report).to_contain_text(people["bad"])
    expect(main).to_contain_text("1 hồ sơ có lỗi, không nhập")
    expect(main).to_contain_text("Chờ cán bộ quản lý hồ sơ khác phê duyệt")
    shot(page, "report")

    page.context.clear_cookies()
    _sign_in(page, node, "quanly2", people["second_key"])
    page.goto(node.url + "/nhap-tu-tep/")
    page.get_by_role("button", name=re.compile(r"Phê duyệt và ký số đợt \d+")).click()
    approved = re.compile(r"Đã phê duyệt đợt nhập số \d+ \(1 hồ sơ\)")
    expect(page.get_by_text(approved)).to_be_visible()
    expect(main).to_contain_text("Không có đợt nhập nào chờ phê duyệt.")
    shot(page, "approved")
    # The good dossier is on the node now; the one with the bad date never came in.
    page.goto(node.url + f"/ho-so/{people['good']}/")
    expect(page.get_by_role("heading", name="HỒ VĂN TỐT")).to_be_visible()
    assert page.errors == []
    response = page.goto(node.url + f"/ho-so/{people['bad']}/")
    assert response is not None and response.status == 404
