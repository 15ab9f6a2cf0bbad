"""An appointment end to end in a real browser (issue 12, "Done when" item 1; R-ONLINE-100,
R-APPOINT-SAFE): the clerk proposes from the dossier, the records manager checks the planning,
the leader records the collective vote, the records manager verifies eligibility (every rule
and its citation shown) and issues the decision — each step by its own demo user, with its
PDF PAdES-signed and the step CMS-signed. Another records manager approves the decision's
change set; the obligation to enter it, open on the work page until then, is done and the
dossier shows the new post. A screenshot of each page is kept in test-artifacts/procedures-*.png."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from tests.eligibility.helpers import eligible
from tests.procedures.common import POST, a_pdf
from tests.web.browser import ARTIFACTS, BROWSER, guide_shot, shooter, sign_in

from hoso.core.dates import today

pytestmark = BROWSER
shot = shooter("procedures")
POST_NAME = "Phó Giám đốc Sở và tương đương"


@pytest.fixture
def people(node, personas, make_dossier, orgs, settings, tmp_path_factory):
    """Nguyễn Văn An of Sở Tài chính, a second records manager (nobody approves their own
    decision's change set), and the PDFs each step needs, on disk."""
    from conftest import PASSWORD
    from hoso.access.models import Role
    from hoso.access.services import role_assign, user_create

    settings.HOSO_STORAGE_DIR = tmp_path_factory.mktemp("hoso-files")
    second = user_create(
        acting_user=None, username="quanly2", password=PASSWORD, full_name="Trần Quản Lý"
    )
    role_assign(
        acting_user=None,
        user=second,
        role=Role.RECORDS_MANAGER,
        organization=orgs["province"],
        valid_from=date(2025, 7, 1),
    )
    personas["quanly2"] = second
    folder = tmp_path_factory.mktemp("pdfs")
    files = {}
    codes = ("to_trinh", "danh_sach_quy_hoach", "bien_ban_hop", "phieu_tham_dinh", "quyet_dinh")
    for code in codes:
        files[code] = folder / f"{code.replace('_', '-')}.pdf"
        files[code].write_bytes(a_pdf(code))
    return {
        "an": make_dossier(
            full_name="Nguyễn Văn An",
            birth_date=date(1985, 3, 14),
            **eligible(POST["decision"]["position_code"]),
        ),
        "files": files,
    }


def sign_out(page) -> None:
    page.get_by_role("button", name="Đăng xuất").click()


def act(page, files, code: str, **fields: str) -> None:
    """Approve the current step: its document, its fields, then sign."""
    from playwright.sync_api import expect

    form = page.locator("form", has=page.get_by_role("button", name="Ký số và ghi bước"))
    form.get_by_label("Đồng ý", exact=True).check()
    for label, value in fields.items():
        form.get_by_label(label, exact=True).fill(value)
    form.locator(f"input[name=document_{code}]").set_input_files(str(files[code]))
    page.get_by_role("button", name="Ký số và ghi bước").click()
    expect(page.get_by_text(re.compile(r"Đã ký số và ghi bước «.+»: đồng ý\."))).to_be_visible()


def fresh_sign_in(page, username: str, key: bytes) -> None:
    """Sign in. A code is accepted once, and a person signing in again within the same 30 s
    would wait for the next one: the account's last used step is forgotten first, as
    `conftest.login` does, from a worker thread (outside Playwright's event loop)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(_forget_last_code, username).result()
    sign_in(page, username, key)


def _forget_last_code(username: str) -> None:
    from django.db import connection
    from django_otp.plugins.otp_totp.models import TOTPDevice

    try:
        TOTPDevice.objects.filter(user__username=username).update(last_t=-1)
    finally:
        connection.close()


def open_waiting(page, node, username: str, key: bytes) -> None:
    """Sign in and open the procedure from «Chờ tôi thực hiện», reached from the navigation."""
    from playwright.sync_api import expect

    page.goto(node.url + "/quy-trinh/")
    fresh_sign_in(page, username, key)
    page.goto(node.url + "/")
    page.get_by_role("link", name="Quy trình nhân sự", exact=True).click()
    page.get_by_role("link", name="Chờ tôi thực hiện").click()
    expect(page.get_by_role("heading", name="Quy trình chờ tôi thực hiện")).to_be_visible()
    page.get_by_role("link", name=re.compile(r"^Bổ nhiệm số \d+$")).click()


def test_an_appointment_runs_end_to_end_with_a_signature_at_each_step(
    node, people, totp_keys, browser_page
):
    from playwright.sync_api import expect

    keys = totp_keys  # quanly2's too: `people` adds him to the personas first
    signed_on = today().strftime("%d/%m/%Y")
    ARTIFACTS.mkdir(exist_ok=True)
    page, files, an = browser_page, people["files"], people["an"]

    # 1. The clerk proposes from the dossier.
    page.goto(node.url + f"/ho-so/{an.personal_id}/")
    fresh_sign_in(page, "nhaplieu", keys["nhaplieu"])
    page.goto(node.url + f"/ho-so/{an.personal_id}/")
    page.get_by_role("link", name="Bắt đầu quy trình nhân sự").click()
    page.get_by_label("Loại quy trình", exact=True).select_option("appointment")
    page.get_by_role("button", name="Mở biểu mẫu").click()
    page.get_by_label("Chức vụ", exact=True).select_option("deputy_director_so")
    guide_shot(page, "quy-trinh-bat-dau")
    shot(page, "start")
    page.get_by_role("button", name="Bắt đầu quy trình").click()
    expect(page.get_by_text(re.compile(r"Đã bắt đầu quy trình bổ nhiệm số \d+"))).to_be_visible()
    expect(page.get_by_role("heading", name="Bước hiện tại: Đề xuất nhân sự")).to_be_visible()
    expect(page.locator("body")).to_contain_text(POST_NAME)
    procedure_url = page.url
    page.locator(".procedure-current").scroll_into_view_if_needed()
    guide_shot(page, "quy-trinh-buoc")
    shot(page, "proposal")
    act(page, files, "to_trinh")
    expect(page.locator(".procedure-history")).to_contain_text("Chữ ký số hợp lệ")
    expect(page.get_by_role("heading", name="Bước hiện tại: Đối chiếu quy hoạch")).to_be_visible()
    sign_out(page)

    # 2. The records manager checks the planning.
    open_waiting(page, node, "quanly", keys["quanly"])
    shot(page, "planning")
    act(page, files, "danh_sach_quy_hoach")
    sign_out(page)

    # 3. The leader records the collective discussion and its vote.
    open_waiting(page, node, "lanhdao", keys["lanhdao"])
    expect(page.get_by_label("Số phiếu đồng ý")).to_be_visible()
    act(
        page,
        files,
        "bien_ban_hop",
        **{"Số phiếu đồng ý": "7", "Số phiếu không đồng ý": "1", "Số phiếu không biểu quyết": "0"},
    )
    expect(page.locator(".procedure-history")).to_contain_text(
        "Biểu quyết: 7 đồng ý, 1 không đồng ý, 0 không biểu quyết."
    )
    shot(page, "vote")
    sign_out(page)

    # 4. The records manager verifies eligibility, then issues the decision.
    open_waiting(page, node, "quanly", keys["quanly"])
    act(page, files, "phieu_tham_dinh")
    history = page.locator(".procedure-history")
    expect(history).to_contain_text("Kiểm tra tiêu chuẩn, điều kiện")
    expect(history.locator(".verdicts .verdict--pass").first).to_contain_text("Đạt:")
    expect(history).to_contain_text("Căn cứ:")
    history.locator(".verdicts").first.scroll_into_view_if_needed()
    guide_shot(page, "quy-trinh-tham-dinh")
    shot(page, "eligibility")
    act(
        page,
        files,
        "quyet_dinh",
        **{
            "Số quyết định": "125/QĐ-UBND",
            "Cơ quan ban hành": "Ủy ban nhân dân tỉnh Thử Nghiệm",
            "Ngày ký": signed_on,
            "Ngày có hiệu lực": signed_on,
        },
    )
    expect(page.locator(".procedure-summary").first).to_contain_text("Đã ban hành quyết định")
    expect(page.locator(".procedure-history .badge--active")).to_have_count(5)
    shot(page, "done")

    # The obligation to enter the decision is open on the work page.
    page.goto(node.url + "/viec-can-lam/")
    unit_row = page.locator("tbody tr", has_text="Sở Tài chính")
    expect(unit_row.locator("td").nth(1)).to_have_text("1")  # «Đang mở»
    shot(page, "work")
    page.goto(procedure_url)
    page.get_by_role("link", name="xem quyết định đã đăng ký").click()
    row = page.locator("tbody tr").first
    expect(row).to_contain_text("Chờ phê duyệt")
    changeset_url = row.get_by_role("link", name=re.compile(r"^Số \d+$")).get_attribute("href")
    sign_out(page)

    # 5. Another records manager approves the change set; the dossier shows the new post.
    page.goto(node.url + changeset_url)
    fresh_sign_in(page, "quanly2", keys["quanly2"])
    page.goto(node.url + changeset_url)
    page.get_by_role("button", name="Phê duyệt và ký số").click()
    expect(page.get_by_text(re.compile(r"Đã phê duyệt và ký đề xuất số"))).to_be_visible()
    page.goto(node.url + f"/ho-so/{an.personal_id}/")
    expect(page.locator("body")).to_contain_text(POST_NAME)
    shot(page, "dossier-after")
    page.goto(node.url + f"/ho-so/{an.personal_id}/quyet-dinh/")
    expect(page.locator("tbody tr").first).to_contain_text("Đã phê duyệt và cập nhật")
    page.goto(node.url + "/viec-can-lam/")  # the obligation is done: no unit has one open
    expect(page.locator("tbody tr", has_text="Sở Tài chính")).to_have_count(0)
    page.goto(node.url + "/quy-trinh/?trang_thai=done")
    expect(page.locator("tbody tr").first).to_contain_text("Nguyễn Văn An")
    shot(page, "list")
    assert page.errors == []
