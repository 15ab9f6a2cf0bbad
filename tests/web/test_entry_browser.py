"""Dossier entry in a real browser (Debian's chromium via Playwright, strict CSP; issue 10,
"Done when"): a clerk creates a dossier from a personal id through every section, saving a
draft on the way, and submits it; another account, a records manager, approves it with a
signature; the dossier shows the data and the obligation to enter it is done. A correction of
a salary row shows the right field diff on the approval page. The user guide's pictures
(docs/guide/img/nhap-ho-so-*.png) are taken here; other screenshots in test-artifacts/."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

from tests.web.browser import BROWSER, guide_shot, shooter, sign_in

from hoso import identity

pytestmark = BROWSER

NEW_ID = identity.generate(province_code="001", birth_year=1990, sex="F", serial=4242)
shot = shooter("entry")


def _db(fn):
    """Run a database check outside Playwright's event loop (in a thread of its own)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(fn).result()


def _errors(page) -> list[str]:
    """The page's errors but the 400 answers of the refusals the test provokes on purpose."""
    return [e for e in page.errors if "status of 400" not in e]


def _log_in(page, node, username, keys):
    page.context.clear_cookies()
    page.goto(node.url + "/")
    sign_in(page, username, keys[username])


def _ok(page):
    from playwright.sync_api import expect

    expect(page.locator(".alert--success").first).to_be_visible()


def _next(page):
    page.get_by_role("button", name="Lưu và sang mục").click()


def test_a_clerk_creates_a_dossier_and_a_manager_approves_it_signed(
    node, people, totp_keys, browser_page
):
    from playwright.sync_api import expect

    page = browser_page
    confirmed = (date.today() - timedelta(days=3)).strftime("%d/%m/%Y")
    _log_in(page, node, "nhaplieu", totp_keys)
    page.get_by_role("link", name="Nhập hồ sơ").click()
    expect(page.get_by_role("heading", name="Nhập hồ sơ mới")).to_be_visible()
    # An id that already has a dossier is refused at once, saying only that.
    page.get_by_label("Số định danh cá nhân").fill(people["hoa"].personal_id)
    page.get_by_role("button", name="Kiểm tra số định danh").click()
    expect(page.get_by_text("Số định danh này đã có hồ sơ trên hệ thống")).to_be_visible()
    expect(page.get_by_text("Đặng Thị Hoa")).to_have_count(0)
    # A new id: what it says, then the sections in the order of Mẫu 2C.
    page.get_by_label("Số định danh cá nhân").fill(NEW_ID)
    page.get_by_role("button", name="Kiểm tra số định danh").click()
    expect(page.get_by_text("Giới tính: Nữ")).to_be_visible()
    expect(page.get_by_text("Năm sinh: 1990")).to_be_visible()
    guide_shot(page, "nhap-ho-so-bat-dau")
    page.get_by_role("button", name="Bắt đầu nhập hồ sơ").click()

    expect(page.get_by_role("heading", name="Thông tin chung")).to_be_visible()
    page.get_by_label("Họ và tên khai sinh").fill("Hoàng Thị Mai")
    page.get_by_label("Ngày sinh").fill("31/02/1990")  # no such day: refused next to the field
    page.get_by_label("Nơi sinh", exact=True).fill("Xã Đông Ngạc, Hà Nội")
    page.get_by_label("Mã tỉnh nơi sinh").fill("01")
    page.get_by_label("Dân tộc").fill("Kinh")
    page.get_by_role("button", name="Lưu nháp").click()
    expect(page.get_by_text("Ngày không đúng: cần dạng dd/mm/yyyy")).to_be_visible()
    expect(page.get_by_label("Họ và tên khai sinh")).to_have_value("Hoàng Thị Mai")  # kept
    shot(page, "identity-refused")
    guide_shot(page, "nhap-ho-so-thong-tin-chung")
    page.get_by_label("Ngày sinh").fill("12/04/1990")
    _next(page)

    expect(page.get_by_role("heading", name="Tuyển dụng, công tác hiện nay")).to_be_visible()
    _ok(page)
    page.get_by_label("Đối tượng").fill("civil_servant")
    page.get_by_label("Cơ quan quản lý").fill("T01")
    unit = page.get_by_label("Đơn vị sử dụng")
    page.wait_for_load_state("load")
    unit.press_sequentially("Tài chính", delay=30)  # the unit picker asks the node
    expect(page.locator("datalist[id^=dv-] option[value='T01.STC']")).to_have_count(1)
    unit.fill("T01.STC")
    page.get_by_label("Ngày tuyển dụng").fill("01/09/2013")
    page.get_by_role("button", name="Lưu nháp").click()  # a draft on the way
    _ok(page)
    guide_shot(page, "nhap-ho-so-don-vi")

    # Through every section: a row where the résumé has one, the others left for later.
    filled = {
        "Ngạch, bậc, hệ số lương và phụ cấp": {
            "Hưởng từ ngày": "01/09/2013",
            "Mã ngạch": "01.003",
            "Bậc lương": "1",
            "Hệ số lương": "2,34",
        },
        "Tóm tắt quá trình công tác": {
            "Từ": "01/09/2013",
            "Đơn vị công tác": "Sở Tài chính tỉnh Thử Nghiệm",
            "Chức danh, chức vụ": "Chuyên viên",
        },
    }
    seen = []
    for _ in range(25):
        link = page.get_by_role("link", name="Không lưu, sang mục")
        if not link.count():
            break
        link.click()
        title = page.locator("h1").inner_text().rsplit(" ", 1)[0]
        seen.append(title)
        for label, value in filled.get(title, {}).items():
            page.get_by_label(label, exact=True).fill(value)
        if title in filled:
            page.get_by_role("button", name="Lưu nháp").click()
            _ok(page)
            if title.startswith("Ngạch"):
                guide_shot(page, "nhap-ho-so-dong-lich-su")
    assert len(seen) >= 18, seen  # every section after the first two

    page.get_by_role("link", name="Xem toàn bộ bản nháp").click()
    expect(page.get_by_role("heading", name="Hồ sơ mới")).to_be_visible()
    page.get_by_label("Ngày xác nhận hồ sơ giấy").fill(confirmed)
    page.get_by_label("Ghi chú căn cứ").fill("Hồ sơ giấy số 12, tủ 3")
    guide_shot(page, "nhap-ho-so-ban-nhap")
    page.get_by_role("button", name="Gửi phê duyệt").click()
    expect(page.get_by_text("Đã gửi đề xuất số")).to_be_visible()

    # Another account, a records manager, approves it with a signature.
    _log_in(page, node, "quanly", totp_keys)
    page.goto(node.url + "/de-xuat/")
    page.locator("tr", has_text=NEW_ID).get_by_role("link").first.click()
    expect(page.get_by_text("Hoàng Thị Mai").first).to_be_visible()
    guide_shot(page, "nhap-ho-so-phe-duyet")
    page.get_by_role("button", name="Phê duyệt và ký số").click()
    expect(page.get_by_text("Đã phê duyệt và ký đề xuất")).to_be_visible()
    page.goto(node.url + f"/ho-so/{NEW_ID}/")
    expect(page.get_by_text("Hoàng Thị Mai").first).to_be_visible()
    expect(page.get_by_text("Chuyên viên").first).to_be_visible()
    shot(page, "dossier")
    assert not _errors(page), page.errors

    def obligation_done():
        from hoso.changes.models import Obligation

        return list(Obligation.objects.filter(personal_id=NEW_ID).values_list("done_at", flat=True))

    done = _db(obligation_done)
    assert len(done) == 1 and done[0] is not None


def test_a_corrected_salary_row_shows_its_diff_to_the_approver(
    node, people, totp_keys, browser_page
):
    from playwright.sync_api import expect

    page = browser_page
    an = people["an"].personal_id
    _log_in(page, node, "nhaplieu", totp_keys)
    page.goto(node.url + f"/ho-so/{an}/")
    page.get_by_role("link", name="Sửa, bổ sung hồ sơ").click()
    page.get_by_role("link", name="Ngạch, bậc, hệ số lương và phụ cấp").click()
    page.get_by_role("link", name="Sửa", exact=True).nth(1).click()
    expect(page.get_by_role("heading", name="Sửa dòng 2")).to_be_visible()
    expect(page.get_by_label("Hưởng từ ngày")).to_have_value("01/09/2011")
    page.get_by_label("Số quyết định").fill("27/QĐ-STC")
    guide_shot(page, "nhap-ho-so-sua-dong")
    page.get_by_role("button", name="Lưu và xem toàn bộ bản nháp").click()
    expect(page.get_by_role("heading", name="Sửa, bổ sung hồ sơ")).to_be_visible()
    expect(page.get_by_role("cell", name="27/QĐ-STC")).to_be_visible()
    page.get_by_label("Căn cứ", exact=True).select_option("decision")
    page.get_by_label("Ghi chú căn cứ").fill("Quyết định 27/QĐ-STC ngày 01/09/2011")
    page.get_by_role("button", name="Gửi phê duyệt").click()
    expect(page.get_by_text("Đã gửi đề xuất số")).to_be_visible()

    _log_in(page, node, "quanly", totp_keys)
    page.goto(node.url + "/de-xuat/")
    page.locator("tr", has_text=an).get_by_role("link").first.click()
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Số quyết định")
    expect(rows.first).to_contain_text("27/QĐ-STC")
    expect(rows.first).to_contain_text("01/09/2011")  # the row named by its content
    guide_shot(page, "nhap-ho-so-duyet-sua-dong")
    page.get_by_role("button", name="Phê duyệt và ký số").click()
    expect(page.get_by_text("Đã phê duyệt và ký đề xuất")).to_be_visible()
    assert not _errors(page), page.errors
