"""The employee's home in a real browser (Debian's chromium via Playwright, strict CSP): the
employee lands on it after login, sees their dossier, who read it (after a records manager
did), their requests and consents, and withdraws a consent; the administrator and an
outsider get the notice that no dossier is linked. Screenshots in test-artifacts/."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from tests.web.browser import ARTIFACTS, BROWSER, shooter

from conftest import PASSWORD

pytestmark = BROWSER


@pytest.fixture
def people(node, personas, make_dossier):
    """Two dossiers, An's own account, his request, a consent he gave and a discrepancy: all
    written before the browser starts (the test body makes no database call while Playwright
    runs)."""
    from conftest import employee_account
    from hoso.access.services import consent_give, grant_issue
    from hoso.changes.models import SourceKind
    from hoso.changes.services import changesets
    from hoso.changes.services.discrepancies import discrepancy_report
    from hoso.core.dates import today

    an = make_dossier(full_name="Nguyễn Văn An", birth_date=date(1985, 3, 14))
    hoa = make_dossier(full_name="Đặng Thị Hoa", sex="F", unit="T01.XA")
    owner = employee_account(an, "nguyenvanan")
    names = {"quanly": "Trần Thị Quản Lý", "ngoai": "Phạm Văn Ngoại", "nhaplieu": "Lê Văn Nhập"}
    for name, full_name in names.items():
        personas[name].full_name = full_name
        personas[name].save()
    issued = grant_issue(
        acting_user=personas["quanly"],
        grantee=personas["ngoai"],
        purpose="Xác minh thu nhập theo đề nghị của ngân hàng",
        purpose_kind="other",
        document_number="88/UBND-NV",
        document_date=date(2026, 11, 2),
        signer="Phó Chủ tịch UBND tỉnh",
        valid_from=today() - timedelta(days=1),
        valid_to=today() + timedelta(days=20),
        person_ids=[an.personal_id],
        sections=["identity", "employment", "salary"],
    )
    consent_give(acting_user=owner, grantee=personas["ngoai"], purpose=issued.purpose, grant=issued)
    changesets.changeset_propose(
        acting_user=owner,
        personal_id=an.personal_id,
        operations=[{"op": "set", "section": "identity", "values": {"phone": "0912000111"}}],
        source_kind=SourceKind.SELF,
        source_note="Đổi số điện thoại",
    )
    discrepancy_report(  # reporting opens the dossier: the clerk is his first reader
        acting_user=personas["nhaplieu"],
        personal_id=an.personal_id,
        sections=["training"],
        paper_says="Bằng tốt nghiệp ghi năm 2007",
    )
    return {"an": an, "hoa": hoa, "owner": owner}


shot = shooter("self")


def log_in(page, node, username: str, keys: dict, drift: int = 0) -> None:
    """Both login steps after a bare visit of the root (so the node picks the start page).
    A code is accepted once: signing the same account in again within 30 seconds uses the
    next one (`drift`), which the device's tolerance of one step accepts."""
    from django_otp.oath import totp
    from playwright.sync_api import expect

    page.context.clear_cookies()
    page.goto(node.url + "/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", name="Mã xác thực (OTP)")).to_be_visible()
    page.get_by_label("Mã xác thực (OTP)").fill(f"{totp(keys[username], drift=drift):06d}")
    page.get_by_role("button", name="Xác nhận").click()


def test_the_employee_lives_on_their_home_in_the_browser(node, people, keys, browser_page):
    from playwright.sync_api import expect

    ARTIFACTS.mkdir(exist_ok=True)
    page = browser_page
    an = people["an"].personal_id
    main = page.locator("main")

    # After login the employee lands on their home, not on search; the menu leads there.
    log_in(page, node, "nguyenvanan", keys)
    expect(page).to_have_url(re.compile(r"/ho-so-cua-toi/$"))
    expect(page.get_by_role("heading", name="Hồ sơ của tôi", exact=True)).to_be_visible()
    nav = page.get_by_role("navigation", name="Chức năng chính")
    expect(nav.get_by_role("link", name="Hồ sơ của tôi")).to_have_attribute("aria-current", "page")
    expect(page.get_by_role("heading", name="NGUYỄN VĂN AN")).to_be_visible()
    expect(page.locator(".paper")).to_contain_text("Học viện Tài chính")
    readers = page.locator("section", has=page.get_by_role("heading", name="Ai đã xem hồ sơ"))
    expect(readers).to_contain_text("Lê Văn Nhập")
    expect(readers).not_to_contain_text("Trần Thị Quản Lý")
    requests = page.locator("section", has=page.get_by_role("heading", name="Đề nghị sửa"))
    expect(requests).to_contain_text("Chờ phê duyệt")
    expect(requests).to_contain_text("Thông tin chung")
    found = page.locator("#sai-lech")
    expect(found).to_contain_text("Lê Văn Nhập báo ngày")
    expect(found).to_contain_text("Hãy kiểm tra lại thông tin này của bạn")
    todo = page.locator("section", has=page.get_by_role("heading", name="Việc cần bạn làm"))
    expect(todo).to_contain_text("Hồ sơ đang có 1 sai lệch")
    page.get_by_text("Hướng dẫn sử dụng", exact=True).click()
    expect(page.get_by_text("bấm «Gửi đề nghị sửa»")).to_be_visible()
    shot(page, "home")

    # A records manager lands on search, as before, and reads An's dossier.
    log_in(page, node, "quanly", keys)
    expect(page.get_by_role("heading", name="Tra cứu hồ sơ")).to_be_visible()
    expect(nav.get_by_role("link", name="Hồ sơ của tôi")).to_have_count(0)
    page.goto(f"{node.url}/ho-so/{an}/")
    expect(page.get_by_role("heading", name="NGUYỄN VĂN AN")).to_be_visible()

    # The employee sees that read, by name and in Vietnam time, never by username …
    log_in(page, node, "nguyenvanan", keys, drift=1)
    expect(page).to_have_url(re.compile(r"/ho-so-cua-toi/$"))
    expect(readers).to_contain_text("Trần Thị Quản Lý")
    expect(readers).to_contain_text("Cán bộ quản lý hồ sơ")
    expect(readers.locator("tbody tr").first).to_contain_text("Trần Thị Quản Lý")  # newest
    expect(readers.locator("tbody td").first).to_have_text(
        re.compile(r"^\d{2}/\d{2}/\d{4} \d{2}:\d{2}$")
    )
    expect(readers).not_to_contain_text("quanly")
    expect(readers).not_to_contain_text("discrepancy_report")  # no English code either
    # … his consent, and withdraws it.
    consents = page.locator("section", has=page.get_by_role("heading", name="Sự đồng ý của tôi"))
    expect(consents).to_contain_text("Xác minh thu nhập theo đề nghị của ngân hàng")
    expect(consents).to_contain_text("Phạm Văn Ngoại")
    expect(consents).to_contain_text("Đang có hiệu lực")
    shot(page, "home-read")
    consents.get_by_role("button", name="Rút lại sự đồng ý").click()
    expect(page).to_have_url(re.compile(r"/ho-so-cua-toi/$"))
    expect(page.get_by_role("status")).to_contain_text(
        "Bạn đã rút lại sự đồng ý cho Phạm Văn Ngoại"
    )
    expect(consents).to_contain_text("Đã rút lại")
    expect(consents.get_by_role("button", name="Rút lại sự đồng ý")).to_have_count(0)
    expect(todo).to_contain_text("đang chờ bạn đồng ý")  # the approval waits for him again
    shot(page, "consent-withdrawn")

    # The grantee no longer opens the dossier; his home says no dossier is linked to him.
    log_in(page, node, "ngoai", keys)
    expect(page.get_by_role("heading", name="Tra cứu hồ sơ")).to_be_visible()
    response = page.goto(f"{node.url}/ho-so/{an}/")
    assert response is not None and response.status == 404
    page.goto(f"{node.url}/ho-so-cua-toi/")
    expect(main).to_contain_text("Chưa có hồ sơ nào gắn với tài khoản của bạn")
    expect(main).not_to_contain_text("Nguyễn Văn An")
    expect(main).not_to_contain_text(an)

    # The administrator: no menu entry, the same plain notice, nobody's data.
    log_in(page, node, "quantri", keys)
    expect(nav.get_by_role("link", name="Hồ sơ của tôi")).to_have_count(0)
    page.goto(f"{node.url}/ho-so-cua-toi/")
    expect(main).to_contain_text("Chưa có hồ sơ nào gắn với tài khoản của bạn")
    expect(main).not_to_contain_text("Nguyễn Văn An")
    expect(main).not_to_contain_text("Đặng Thị Hoa")
    shot(page, "no-dossier")

    # No script error, no CSP violation, no failed asset (the 404 above is the only one).
    assert page.errors == [
        "Failed to load resource: the server responded with a status of 404 (Not Found)"
    ]
