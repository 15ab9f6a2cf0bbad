"""The pages in a real browser: Debian's chromium driven by Playwright (never downloaded)."""

from __future__ import annotations

import re

from tests.web.browser import ARTIFACTS, BROWSER, sign_in

pytestmark = BROWSER


def test_a_records_manager_finds_a_dossier_typing_without_diacritics(
    node, people, totp_keys, browser_page
):
    from playwright.sync_api import expect

    person = people["an"]
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser_page

    page.goto(node.url + "/")
    expect(page).to_have_url(re.compile(r"/dang-nhap/\?next=/$"))
    sign_in(page, "quanly", totp_keys["quanly"], shots="web")
    expect(page.get_by_role("heading", name="Tra cứu hồ sơ")).to_be_visible()
    expect(page.locator("#ket-qua")).to_contain_text("Tìm thấy 2 hồ sơ")

    # Live search: typing fires an htmx request after a short pause, no button press.
    page.wait_for_load_state("load")  # the live search's script listens from then on
    page.get_by_role("searchbox").press_sequentially("nguyen van an", delay=20)
    results = page.locator("#ket-qua")
    expect(results).to_contain_text("Tìm thấy 1 hồ sơ")
    expect(results.get_by_role("link", name="Nguyễn Văn An")).to_be_visible()
    expect(results).not_to_contain_text("Đặng Thị Hoa")
    expect(page).to_have_url(re.compile(r"\?q=nguyen\+van\+an$"))  # shareable address
    page.screenshot(path=str(ARTIFACTS / "web-search.png"), full_page=True)

    results.get_by_role("link", name="Nguyễn Văn An").click()
    expect(page).to_have_url(re.compile(rf"/ho-so/{person.personal_id}/$"))
    expect(page.get_by_role("heading", name="NGUYỄN VĂN AN")).to_be_visible()
    for title in (
        "Thông tin chung",
        "Đào tạo, bồi dưỡng",
        "Tóm tắt quá trình công tác",
        "Quan hệ gia đình",
    ):
        expect(page.locator(".dossier-section h2", has_text=title)).to_be_visible()
    expect(page.get_by_text("Ảnh 4×6")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile(r"Mức độ đầy đủ: \d+%"))).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "web-dossier.png"), full_page=True)

    assert page.errors == []  # no script error, no failed asset


def test_an_outsider_sees_the_vietnamese_not_found_page(node, people, totp_keys, browser_page):
    from playwright.sync_api import expect

    person = people["an"]
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser_page
    page.goto(node.url + "/dang-nhap/")
    sign_in(page, "ngoai", totp_keys["ngoai"])
    expect(page.get_by_role("heading", name="Tra cứu hồ sơ")).to_be_visible()

    response = page.goto(f"{node.url}/ho-so/{person.personal_id}/")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", name="Không tìm thấy hồ sơ")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("Nguyễn Văn An")
    page.screenshot(path=str(ARTIFACTS / "web-not-found.png"), full_page=True)


def test_the_administrator_manages_accounts_and_enrols_a_second_factor(
    node, people, totp_keys, browser_page
):
    from playwright.sync_api import expect

    ARTIFACTS.mkdir(exist_ok=True)
    page = browser_page
    page.goto(node.url + "/dang-nhap/")
    sign_in(page, "quantri", totp_keys["quantri"])
    page.get_by_role("link", name="Quản trị tài khoản").click()
    expect(page.get_by_role("heading", name="Quản trị tài khoản")).to_be_visible()
    expect(page.locator("table")).to_contain_text("Cán bộ quản lý hồ sơ")
    expect(page.locator("main")).not_to_contain_text("Nguyễn Văn An")  # no dossier content
    page.screenshot(path=str(ARTIFACTS / "web-accounts.png"), full_page=True)

    page.get_by_role("link", name="quanly", exact=True).click()
    expect(page.get_by_role("heading", name="Tài khoản quanly")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "web-account.png"), full_page=True)

    page.get_by_role("link", name="Đăng ký lại mã xác thực").click()
    page.get_by_label("Tôi xác nhận thực hiện thao tác này").check()
    page.get_by_role("button", name="Tạo khóa mới").click()
    expect(page.locator(".secret")).to_have_text(re.compile(r"^[A-Z2-7]{4}( [A-Z2-7]{4})+$"))
    expect(page.locator("main")).to_contain_text("otpauth://totp/")
    page.screenshot(path=str(ARTIFACTS / "web-account-totp.png"), full_page=True)
    assert page.errors == []

    # A refused form answers 400 (the console notes it) with the reason in Vietnamese.
    page.goto(node.url + "/quan-tri/tai-khoan-moi/")
    page.get_by_label("Tên đăng nhập").fill("nguoi moi")
    page.get_by_label("Họ và tên, chức danh").fill("Người dùng mới")
    page.get_by_label("Mật khẩu", exact=True).fill("ngan")
    page.get_by_label("Nhập lại mật khẩu").fill("ngan")
    page.get_by_role("button", name="Tạo tài khoản").click()
    expect(page.locator("main")).to_contain_text("Mật khẩu quá ngắn: cần ít nhất 12 ký tự.")
    page.screenshot(path=str(ARTIFACTS / "web-account-create.png"), full_page=True)


def test_a_clerk_uploads_a_scan_and_sees_it_preserved(
    node, people, totp_keys, browser_page, tmp_path
):
    """The upload form posts through the page's script (a progress bar while the bytes
    travel), the scan is converted and read, and the list shows it preserved."""
    from playwright.sync_api import expect
    from tests.documents.scans import scan

    person = people["an"]
    ARTIFACTS.mkdir(exist_ok=True)
    diploma = tmp_path / "bang-tot-nghiep.png"
    diploma.write_bytes(
        scan(["BẰNG TỐT NGHIỆP ĐẠI HỌC", "Cấp cho: Nguyễn Văn An", "Ngày sinh: 14/03/1985"], "PNG")
    )
    page = browser_page
    page.goto(node.url + "/dang-nhap/")
    sign_in(page, "nhaplieu", totp_keys["nhaplieu"])
    page.goto(f"{node.url}/ho-so/{person.personal_id}/")
    page.get_by_role("link", name=re.compile("Tài liệu đã số hóa")).click()
    expect(page.get_by_role("heading", name="Thành phần hồ sơ (bản quét)")).to_be_visible()

    page.get_by_label("Loại tài liệu").select_option("diploma")
    page.get_by_label("Tên tài liệu").fill("Bằng tốt nghiệp đại học")
    page.get_by_label(re.compile("Tệp bản quét")).set_input_files(str(diploma))
    page.get_by_role("button", name="Tải lên và lưu trữ").click()

    expect(
        page.get_by_text(re.compile("Đã nhận tài liệu «Bằng tốt nghiệp đại học»"))
    ).to_be_visible(timeout=60_000)
    row = page.locator("table tr", has_text="Bằng tốt nghiệp đại học")
    expect(row).to_contain_text("Đào tạo, bồi dưỡng")  # the section a diploma proves
    expect(row).to_contain_text("Đã lưu trữ (PDF/A, có lớp chữ)")
    page.screenshot(path=str(ARTIFACTS / "web-documents.png"), full_page=True)
    assert page.errors == []
