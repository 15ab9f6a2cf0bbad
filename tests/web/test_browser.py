"""The pages in a real browser: Debian's chromium driven by Playwright (never downloaded)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PASSWORD = "mat-khau-thu-nghiem-1"  # the personas' password (tests/conftest.py)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]


AUDIT_TABLES = ("audit_event", "audit_checkpoint")


def _empty_audit_tables() -> None:
    """Delete the audit events the pages wrote, past the append-only triggers, so that
    pytest-django can flush the database after this transactional test.

    Same technique as tests/audit/audit_support.py (`audit_purge`); both belong in one shared
    fixture of tests/conftest.py.
    """
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
            for table in AUDIT_TABLES:
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed names
            return
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
            "AND tbl_name IN ('audit_event', 'audit_checkpoint')"
        )
        triggers = cursor.fetchall()
        for name, _sql in triggers:
            cursor.execute(f'DROP TRIGGER "{name}"')
        for table in AUDIT_TABLES:
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed names
        for _name, sql in triggers:
            cursor.execute(sql)


@pytest.fixture
def node(transactional_db, live_server, settings):
    """A live node with catalogs loaded.

    Transactional tests flush every table afterwards, so the catalogs loaded once per session
    may be gone: load them again (loading is idempotent) and forget cached names.
    """
    from hoso.catalog.selectors import clear_cache
    from hoso.catalog.services import catalog_load_builtin

    catalog_load_builtin()
    clear_cache()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    yield live_server
    _empty_audit_tables()


@pytest.fixture
def people(node, personas, make_dossier):
    """The personas and two dossiers, written before the browser starts: the test body then
    makes no database call of its own while Playwright's event loop runs in this thread."""
    return {
        "an": make_dossier(full_name="Nguyễn Văn An", birth_date=date(1985, 3, 14)),
        "hoa": make_dossier(full_name="Đặng Thị Hoa", sex="F", unit="T01.XA"),
    }


@pytest.fixture
def totp_keys(people, personas):
    """Each persona's TOTP key, enrolled before the browser starts (codes are then computed
    without the database, as the person's authenticator app does)."""
    from hoso.access.services import totp_enrol

    return {
        name: totp_enrol(acting_user=None, user=user)[0].bin_key for name, user in personas.items()
    }


def sign_in(page, username: str, key: bytes, shots: str = "") -> None:
    """Both login steps, as a person does: the password, then the code of the app."""
    from django_otp.oath import totp
    from playwright.sync_api import expect

    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    if shots:
        page.screenshot(path=str(ARTIFACTS / f"{shots}-login.png"), full_page=True)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", name="Mã xác thực (OTP)")).to_be_visible()
    page.get_by_label("Mã xác thực (OTP)").fill(f"{totp(key):06d}")
    if shots:
        page.screenshot(path=str(ARTIFACTS / f"{shots}-otp.png"), full_page=True)
    page.get_by_role("button", name="Xác nhận").click()


@pytest.fixture
def browser_page(people):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
        page = context.new_page()
        page.errors = []  # type: ignore[attr-defined]
        page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
        page.on("pageerror", lambda e: page.errors.append(str(e)))
        yield page
        context.close()
        browser.close()


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
