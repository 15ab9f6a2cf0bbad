"""Registering a personnel decision in a real browser (issue 10 item 3, "Done when"): a clerk
chooses the type, fills the form, previews the change and the rules' verdicts, attaches the
scan and saves; a records manager approves the change set with a signature; the dossier
shows the change. A transfer into a unit whose quota is full warns and needs a reason. The
user guide's pictures (docs/guide/quyet-dinh.md) are taken here."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from PIL import Image, ImageDraw
from tests.eligibility.helpers import eligible
from tests.web.browser import ARTIFACTS, BROWSER, guide_shot, shooter, sign_in

pytestmark = BROWSER
shot = shooter("decisions")
BASIS = "Quyết định số 12/QĐ-UBND ngày 05/01/2026 của UBND tỉnh giao biên chế công chức năm 2026"


@pytest.fixture
def people(node, personas, make_dossier, settings, tmp_path_factory):
    """An (Sở Tài chính, step 2 of rank 01.003 since 2011: a raise is due) and Hoa, who fills
    the commune's one civil-servant place of 2026; a scan of the decision on disk."""
    from hoso.orgs.models import Organization, StaffingQuota

    settings.HOSO_STORAGE_DIR = tmp_path_factory.mktemp("hoso-files")
    made = {
        "an": make_dossier(full_name="Nguyễn Văn An", birth_date=date(1985, 3, 14), **eligible()),
        "hoa": make_dossier(full_name="Đặng Thị Hoa", sex="F", unit="T01.XA"),
    }
    StaffingQuota.objects.create(
        organization=Organization.objects.get(code="T01.XA"),
        year=2026,
        staff_category="civil_servant",
        quota=1,
        legal_basis=BASIS,
    )
    image = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(image)
    draw.rectangle((120, 120, 1120, 260), outline=0, width=4)
    for y in range(360, 1500, 60):
        draw.line((140, y, 1100, y), fill=90, width=3)
    out = io.BytesIO()
    image.save(out, "JPEG")
    path = tmp_path_factory.mktemp("scans") / "quyet-dinh-nang-luong.jpg"
    path.write_bytes(out.getvalue())
    made["scan"] = path
    return made


def fill_header(page, number: str) -> None:
    page.get_by_label("Số quyết định", exact=True).fill(number)
    page.get_by_label("Cơ quan ban hành", exact=True).fill("Sở Tài chính tỉnh Thử Nghiệm")
    page.get_by_label("Ngày ký", exact=True).fill("01/10/2026")
    page.get_by_label("Ngày nhận", exact=True).fill("05/10/2026")
    page.get_by_label("Ngày có hiệu lực", exact=True).fill("15/10/2026")


def test_a_clerk_registers_a_raise_a_records_manager_approves_and_the_dossier_changes(
    node, people, totp_keys, browser_page
):
    from playwright.sync_api import expect

    ARTIFACTS.mkdir(exist_ok=True)
    page = browser_page
    an = people["an"]
    page.goto(node.url + f"/ho-so/{an.personal_id}/")
    sign_in(page, "nhaplieu", totp_keys["nhaplieu"])
    page.goto(node.url + f"/ho-so/{an.personal_id}/")
    page.get_by_role("link", name="Quyết định nhân sự").click()
    expect(page.get_by_role("heading", name="Quyết định nhân sự")).to_be_visible()
    page.get_by_role("link", name="Đăng ký quyết định mới").click()
    # The picker's script is deferred: a choice made before it runs would submit nothing.
    page.wait_for_load_state("load")

    # Choosing the type opens its form (the script submits the picker on change).
    page.get_by_label("Loại quyết định", exact=True).select_option("salary_raise_regular")
    expect(page.get_by_role("heading", name="2. Nâng bậc lương thường xuyên")).to_be_visible()
    expect(page).to_have_url(re.compile(r"loai=salary_raise_regular"))
    guide_shot(page, "quyet-dinh-chon-loai")
    fill_header(page, "215/QĐ-STC")
    page.get_by_role("button", name="Xem trước tác động").click()

    preview = page.locator("#ket-qua-xem-truoc")
    expect(preview).to_contain_text("Đạt: Đang công tác")
    expect(preview).to_contain_text("Đạt: Không trong thời hạn kỷ luật")
    expect(preview).to_contain_text("Đạt: Đủ thời gian giữ bậc lương")
    expect(preview).to_contain_text("Đạt: Xếp loại năm trước đạt mức tối thiểu")
    expect(preview).to_contain_text("Căn cứ: Thông tư số 08/2013/TT-BNV")
    table = preview.locator("table")
    expect(table).to_contain_text("Bậc")
    expect(table).to_contain_text("3.00")  # the coefficient of step 3, from the catalog
    expect(page.get_by_label("Số quyết định", exact=True)).to_have_value("215/QĐ-STC")  # kept
    preview.scroll_into_view_if_needed()
    guide_shot(page, "quyet-dinh-xem-truoc")
    shot(page, "preview")

    page.get_by_label("Bản quét quyết định (PDF, JPEG, PNG, TIFF)").set_input_files(
        str(people["scan"])
    )
    page.get_by_role("button", name="Lưu và gửi phê duyệt").click()
    expect(page.get_by_text("Đã đăng ký quyết định số 215/QĐ-STC")).to_be_visible()
    row = page.locator("tbody tr").first
    expect(row).to_contain_text("Nâng bậc lương thường xuyên")
    expect(row).to_contain_text("Chờ phê duyệt")
    expect(row).to_contain_text("Quyết định số 215/QĐ-STC ngày 01/10/2026")
    guide_shot(page, "quyet-dinh-danh-sach")
    changeset_link = row.get_by_role("link", name=re.compile(r"^Số \d+$"))
    changeset_url = changeset_link.get_attribute("href")
    page.get_by_role("button", name="Đăng xuất").click()

    # Another person, the records manager, approves with a signature.
    page.goto(node.url + changeset_url)
    sign_in(page, "quanly", totp_keys["quanly"])
    page.goto(node.url + changeset_url)
    expect(page.get_by_text("Thay đổi từng trường")).to_be_visible()
    page.get_by_role("button", name="Phê duyệt và ký số").click()
    expect(page.get_by_text(re.compile(r"Đã phê duyệt và ký đề xuất số"))).to_be_visible()

    page.goto(node.url + f"/ho-so/{an.personal_id}/quyet-dinh/")
    expect(page.locator("tbody tr").first).to_contain_text("Đã phê duyệt và cập nhật")
    page.goto(node.url + f"/ho-so/{an.personal_id}/")
    expect(page.locator("body")).to_contain_text("3,00")
    expect(page.locator("body")).to_contain_text("215/QĐ-STC")
    shot(page, "dossier-after")
    assert page.errors == []


def test_a_transfer_into_a_full_unit_warns_and_needs_a_reason(
    node, people, totp_keys, browser_page
):
    from playwright.sync_api import expect

    ARTIFACTS.mkdir(exist_ok=True)
    page = browser_page
    an = people["an"]
    page.goto(node.url + f"/ho-so/{an.personal_id}/quyet-dinh/moi/?loai=transfer")
    sign_in(page, "nhaplieu", totp_keys["nhaplieu"])
    page.goto(node.url + f"/ho-so/{an.personal_id}/quyet-dinh/moi/?loai=transfer")
    fill_header(page, "88/QĐ-UBND")
    page.get_by_label("Cơ quan ban hành", exact=True).fill("Ủy ban nhân dân tỉnh Thử Nghiệm")
    page.get_by_label("Đơn vị mới", exact=True).select_option("T01.XA")
    page.get_by_role("button", name="Xem trước tác động").click()

    warning = page.locator(".alert--warning")
    expect(warning).to_contain_text("Vượt chỉ tiêu biên chế.")
    expect(warning).to_contain_text("Chỉ tiêu biên chế năm 2026 của Ủy ban nhân dân xã Hòa Bình")
    expect(warning).to_contain_text(BASIS)
    reason_field = page.locator(
        ".field--error", has=page.get_by_label("Lý do vượt chỉ tiêu biên chế")
    )
    expect(reason_field).to_contain_text("ghi lý do vượt chỉ tiêu")
    warning.scroll_into_view_if_needed()
    guide_shot(page, "quyet-dinh-vuot-chi-tieu")
    shot(page, "over-quota")

    # Saving without a reason is refused; with one it is registered.
    page.get_by_label("Bản quét quyết định (PDF, JPEG, PNG, TIFF)").set_input_files(
        str(people["scan"])
    )
    page.get_by_role("button", name="Lưu và gửi phê duyệt").click()
    expect(page.get_by_text("Chưa lưu gì: kiểm tra các ô được đánh dấu bên dưới.")).to_be_visible()
    expect(page.get_by_label("Đơn vị mới", exact=True)).to_have_value("T01.XA")  # kept
    page.get_by_label("Lý do vượt chỉ tiêu biên chế").fill(
        "Điều động theo đề án sắp xếp bộ máy; UBND tỉnh đã đồng ý bổ sung chỉ tiêu năm 2027"
    )
    page.get_by_label("Bản quét quyết định (PDF, JPEG, PNG, TIFF)").set_input_files(
        str(people["scan"])
    )
    page.get_by_role("button", name="Lưu và gửi phê duyệt").click()
    expect(page.get_by_text("Đã đăng ký quyết định số 88/QĐ-UBND")).to_be_visible()
    expect(page.locator("tbody tr").first).to_contain_text("Vượt chỉ tiêu biên chế, lý do:")
    # The refused posts answer 400 (the form again, with its reasons): nothing else failed.
    assert [e for e in page.errors if "status of 400" not in e] == []
