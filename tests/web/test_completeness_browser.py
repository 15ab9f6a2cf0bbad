"""/muc-do-day-du/ in a real browser, as the records manager: the units, a unit's worklist, a
filter, and the dossier's own list of what it lacks — the pictures of docs/guide/day-du.md."""

from __future__ import annotations

import re
from datetime import date

import pytest
from tests.documents.components_common import (
    component_of,
    documents_sandbox,  # noqa: F401 (fixture)
    small_image,
)
from tests.web.browser import BROWSER, guide_shot, shooter, sign_in

pytestmark = BROWSER

shot = shooter("completeness")


@pytest.fixture
def people(node, personas, make_dossier):  # this page's own staff
    clerk = personas["nhaplieu"]
    full = make_dossier(full_name="Lê Thị Đủ", sex="F", career_events=[])
    for kind in (
        "resume",
        "birth_certificate",
        "health_certificate",
        "judicial_record",
        "recruitment_decision",
        "diploma",
        "evaluation_record",
    ):
        component_of(full, (small_image(), ""), clerk, kind=kind, title=kind)
    phone = make_dossier(full_name="Phạm Văn Điện", identity={"phone": "091234567"})
    component_of(phone, (small_image(), ""), clerk, kind="resume", title="Sơ yếu lý lịch")
    gaps = make_dossier(
        full_name="Hoàng Văn Thiếu",
        birth_date=date(1990, 6, 1),
        health=[],
        identity={"social_insurance_number": "", "email": "hoang.thieu@"},
    )
    make_dossier(full_name="Ngô Văn Xã", unit="T01.XA", qualifications={"it_level": ""})
    return {"full": full, "phone": phone, "gaps": gaps}


def test_the_records_manager_works_through_a_units_worklist(node, people, totp_keys, browser_page):
    from playwright.sync_api import expect

    page = browser_page
    page.goto(node.url + "/muc-do-day-du/")
    sign_in(page, "quanly", totp_keys["quanly"])
    expect(page.get_by_role("heading", name="Mức độ đầy đủ của hồ sơ theo đơn vị")).to_be_visible()
    expect(page.get_by_role("columnheader", name="Thiếu bản quét")).to_be_visible()
    shot(page, "units")
    guide_shot(page, "day-du-don-vi")

    row = page.locator("tbody tr", has=page.get_by_role("link", name="Sở Tài chính", exact=True))
    row.get_by_role("link", name=re.compile("^Danh sách cần bổ sung")).click()
    expect(page).to_have_url(re.compile(r"/muc-do-day-du/T01\.STC/$"))
    expect(page.get_by_role("heading", name="Hồ sơ còn thiếu: Sở Tài chính")).to_be_visible()
    rows = page.locator("#worklist tbody tr")
    expect(rows).to_have_count(2)  # Lê Thị Đủ has nothing missing
    expect(rows.nth(0)).to_contain_text("Hoàng Văn Thiếu")  # the most missing first
    expect(rows.nth(0)).to_contain_text("Thiếu: Thông tin chung: Số sổ BHXH.")
    expect(rows.nth(0)).to_contain_text("Địa chỉ thư điện tử không đúng dạng")
    expect(rows.nth(1)).to_contain_text("Số điện thoại gồm 10 chữ số, bắt đầu bằng 0: «091234567».")
    groups = page.locator("table").first
    expect(groups).to_contain_text("Định danh, nguồn gốc, mã số")
    shot(page, "worklist")
    guide_shot(page, "day-du-danh-sach")

    # One kind of work at a time: the missing scans only.
    page.get_by_label("Nhóm dữ liệu").select_option(label="Thành phần hồ sơ (bản quét)")
    page.get_by_role("button", name="Lọc").click()
    expect(page).to_have_url(re.compile(r"nhom=0"))
    expect(page.locator("#worklist")).not_to_contain_text("Thiếu: ")
    expect(page.locator("#worklist")).to_contain_text("Chưa có bản quét: Phiếu lý lịch tư pháp")
    shot(page, "worklist-scans")

    # A scan item leads to the documents page of that dossier.
    page.locator("#worklist").get_by_role("link", name=re.compile("Chưa có bản quét")).first.click()
    expect(page).to_have_url(re.compile(r"/ho-so/\d{12}/tai-lieu/$"))
    page.go_back()

    # The dossier itself says the same, beside its sections.
    page.get_by_role("link", name="Hoàng Văn Thiếu").click()
    panel = page.locator(".completeness-panel")
    expect(panel).to_contain_text("Còn thiếu 2 mục bắt buộc")
    expect(panel).to_contain_text("Có 1 trường sai định dạng")
    expect(panel).to_contain_text("thành phần hồ sơ chưa số hóa")
    shot(page, "dossier")
    guide_shot(page, "day-du-ho-so")
    assert page.errors == []
