"""The security pages in a real browser (Debian's chromium via Playwright): recording and
revoking a written approval, the employee's consent, the audit trail, its CSV export and the
alerts — under the strict Content-Security-Policy, with screenshots in test-artifacts/."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from tests.web.browser import ARTIFACTS, BROWSER, shooter, sign_in

pytestmark = BROWSER


@pytest.fixture
def people(node, personas, make_dossier, settings):
    """Dossiers, the employee's account, a grant awaiting his consent and an alert, all written
    before the browser starts (no database call of the test body while Playwright runs)."""
    from hoso.access import policies
    from hoso.access.models import Role
    from hoso.access.services import grant_issue, role_assign, user_create
    from hoso.core.dates import today
    from hoso.core.errors import NotFound

    an = make_dossier(full_name="Nguyễn Văn An", birth_date=date(1985, 3, 14))
    hoa = make_dossier(full_name="Đặng Thị Hoa", sex="F", unit="T01.XA")
    owner = user_create(
        acting_user=None,
        username="nguyenvanan",
        password="mat-khau-thu-nghiem-1",
        full_name="Nguyễn Văn An",
        personal_id=an.personal_id,
    )
    role_assign(
        acting_user=None,
        user=owner,
        role=Role.EMPLOYEE,
        organization=None,
        valid_from=date(2020, 1, 1),
    )
    personas["quanly"].full_name = "Trần Thị Quản Lý"
    personas["quanly"].save()
    personas["ngoai"].full_name = "Phạm Văn Ngoại"
    personas["ngoai"].save()
    grant_issue(
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
    policies.dossier_access(personas["quanly"], an.personal_id)  # one read he will see
    settings.HOSO_ALERT_DENIALS = 2
    for _ in range(2):
        with pytest.raises(NotFound):
            policies.dossier_access(personas["ngoai"], hoa.personal_id)
    return {"an": an, "hoa": hoa, "owner": owner}


shot = shooter("security")


def switch_to(page, node, username: str, keys: dict) -> None:
    from playwright.sync_api import expect

    page.context.clear_cookies()
    page.goto(node.url + "/dang-nhap/")
    sign_in(page, username, keys[username])
    # Each lands on their start page: search, or the employee's home.
    expect(page.get_by_role("navigation", name="Chức năng chính")).to_be_visible()


def test_grants_consent_audit_and_alerts_in_the_browser(
    node,
    people,
    keys,
    browser_page,
):
    from playwright.sync_api import expect

    ARTIFACTS.mkdir(exist_ok=True)
    page = browser_page
    an = people["an"].personal_id

    # A records manager records a written approval; a reversed period is refused in place.
    switch_to(page, node, "quanly", keys)
    page.get_by_role("link", name="Văn bản phê duyệt").click()
    expect(page.get_by_role("heading", name="Văn bản phê duyệt khai thác hồ sơ")).to_be_visible()
    page.get_by_role("link", name="Ghi nhận văn bản phê duyệt").click()
    page.get_by_label("Tên đăng nhập của người được cấp quyền").fill("lanhdao")
    page.get_by_label("Số định danh cá nhân của người có hồ sơ").fill(an)
    page.get_by_label("Đào tạo, bồi dưỡng").check()
    page.get_by_label("Tóm tắt quá trình công tác").check()
    page.get_by_label("Mục đích khai thác").fill("Thẩm định hồ sơ đề nghị bổ nhiệm")
    page.get_by_label("Số văn bản phê duyệt").fill("101/QĐ-UBND")
    page.get_by_label("Ngày văn bản").fill("05/11/2026")
    page.get_by_label("Người ký").fill("Chủ tịch UBND tỉnh")
    page.get_by_label("Hiệu lực từ ngày").fill("30/11/2026")
    page.get_by_label("Hiệu lực đến hết ngày").fill("01/11/2026")
    shot(page, "grant-form")
    page.get_by_role("button", name="Ghi nhận văn bản phê duyệt").click()
    expect(page.locator(".field--error")).to_contain_text("Ngày hết hiệu lực trước ngày hiệu lực.")
    shot(page, "grant-form-refused")
    start = date.today() - timedelta(days=1)
    page.get_by_label("Hiệu lực từ ngày").fill(start.strftime("%d/%m/%Y"))
    page.get_by_label("Hiệu lực đến hết ngày").fill(
        (start + timedelta(days=60)).strftime("%d/%m/%Y")
    )
    page.get_by_role("button", name="Ghi nhận văn bản phê duyệt").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Đã ghi nhận văn bản phê duyệt số 101/QĐ-UBND"
    )
    shot(page, "grant-detail")
    page.get_by_role("link", name="Văn bản phê duyệt").first.click()
    expect(page.locator("table")).to_contain_text("88/UBND-NV")
    shot(page, "grant-list")

    # … and revokes it.
    page.get_by_role("link", name="101/QĐ-UBND").click()
    page.get_by_label("Lý do thu hồi").fill("Hồ sơ đề nghị đã rút")
    page.get_by_role("button", name="Thu hồi").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Đã thu hồi văn bản phê duyệt số 101/QĐ-UBND"
    )
    shot(page, "grant-revoked")

    # The employee sees the approval waiting for his consent, gives it, and who read his file.
    switch_to(page, node, "nguyenvanan", keys)
    page.get_by_role("link", name="Đồng ý và lượt xem hồ sơ").click()
    expect(page.locator(".card")).to_contain_text("Xác minh thu nhập theo đề nghị của ngân hàng")
    readers = page.locator("section", has=page.get_by_role("heading", name="Ai đã xem hồ sơ"))
    expect(readers).to_contain_text("Trần Thị Quản Lý")
    expect(readers).not_to_contain_text("quanly")  # names, never usernames
    shot(page, "consent")
    page.get_by_role("button", name="Đồng ý", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Bạn đã đồng ý cho Phạm Văn Ngoại")
    shot(page, "consent-given")

    # The grantee sees their approval.
    switch_to(page, node, "ngoai", keys)
    page.get_by_role("link", name="Quyền khai thác của tôi").click()
    expect(page.locator("table")).to_contain_text("88/UBND-NV")
    expect(page.locator("table")).to_contain_text("hiện có 1 người")
    shot(page, "my-grants")

    # The auditor: the trail, who saw the dossier, the export, the alerts.
    switch_to(page, node, "thanhtra", keys)
    expect(page.locator(".nav-count")).to_have_text(re.compile(r"^\d+"))
    page.get_by_role("link", name="Nhật ký truy cập").click()
    expect(page.locator("table")).to_contain_text("Cấp quyền khai thác")
    shot(page, "audit-events")
    page.get_by_label("Hành động").select_option("consent_give")
    page.get_by_role("button", name="Lọc").click()
    expect(page.locator("table")).to_contain_text("Đồng ý cho khai thác hồ sơ")
    expect(page.locator("table tbody tr")).to_have_count(1)
    with page.expect_download() as download:
        page.get_by_role("button", name="Xuất CSV").click()
    head = download.value.path().read_text(encoding="utf-8-sig").splitlines()[:3]
    assert "Người xuất: thanhtra" in head[1] and "Hành động: consent_give" in head[2]
    page.goto(f"{node.url}/ho-so/{an}/")
    page.get_by_role("link", name="Ai đã xem hồ sơ này").click()
    expect(page.get_by_role("heading", name="Ai đã xem hồ sơ này")).to_be_visible()
    expect(page.locator("table")).to_contain_text("quanly")
    shot(page, "audit-person")
    page.locator("table").get_by_role("link", name="quanly").first.click()
    expect(page.get_by_role("heading", name="Người dùng này đã xem gì")).to_be_visible()
    shot(page, "audit-user")
    page.get_by_role("link", name=re.compile("^Cảnh báo")).click()
    expect(page.locator("table").first).to_contain_text("Bị từ chối nhiều lần")
    shot(page, "alerts")
    row = page.locator("tr", has_text="Bị từ chối nhiều lần")
    row.get_by_label("Đã kiểm tra, xử lý thế nào").fill("Đã xác minh: nhập nhầm số định danh")
    row.get_by_role("button", name="Xác nhận").click()
    expect(page.get_by_role("status")).to_contain_text("Đã xác nhận xử lý cảnh báo")
    expect(page.locator("main")).to_contain_text("Đã xác minh: nhập nhầm số định danh")
    shot(page, "alerts-acknowledged")

    # No script error, no CSP violation, no failed asset: only the refused form's own 400.
    assert page.errors == [
        "Failed to load resource: the server responded with a status of 400 (Bad Request)"
    ]
