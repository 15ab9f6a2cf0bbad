"""A unit's staffing in a real browser, as the records manager: a quota set, one below the people
at work refused, a job position added, the standing with its chart (R-NATIONAL, R-JOB-POSITION).
It also takes the user guide's pictures (docs/guide/bien-che.md)."""

from __future__ import annotations

import re

import pytest
from tests.web.browser import ARTIFACTS, BROWSER, guide_shot, shooter, sign_in
from tests.web.tour import Vocabulary, leaks

pytestmark = BROWSER

shot = shooter("staffing")


@pytest.fixture
def vocabulary(people):
    """The codes no page may show bare, read before the browser starts."""
    return Vocabulary.from_database()


def test_a_records_manager_keeps_the_quota_and_job_positions_of_a_unit(
    node, people, totp_keys, vocabulary, browser_page
):
    from playwright.sync_api import expect

    shown: dict[str, list[str]] = {}

    ARTIFACTS.mkdir(exist_ok=True)
    page = browser_page
    page.goto(node.url + "/")
    sign_in(page, "quanly", totp_keys["quanly"])

    # From the agency tree to the unit, then to its staffing.
    page.get_by_role("link", name="Tổ chức và biên chế").click()
    page.get_by_role("link", name="Sở Tài chính").first.click()
    page.get_by_role("link", name=re.compile("Tình hình biên chế, vị trí việc làm")).click()
    expect(page).to_have_url(re.compile(r"/to-chuc/T01\.STC/bien-che/"))
    expect(
        page.get_by_role("heading", name="Biên chế và vị trí việc làm: Sở Tài chính")
    ).to_be_visible()

    # A quota, with the document that gives it.
    page.get_by_role("link", name="Giao, điều chỉnh chỉ tiêu biên chế").click()
    page.get_by_label("Đối tượng").select_option("civil_servant")
    page.get_by_label("Chỉ tiêu biên chế (người)").fill("5")
    page.get_by_label("Số văn bản giao biên chế").fill("15/QĐ-UBND")
    page.get_by_label("Ngày văn bản").fill("05/01/2026")
    page.get_by_label("Cơ quan, người ban hành").fill("Ủy ban nhân dân tỉnh Thử Nghiệm")
    page.evaluate("document.querySelector('h1').scrollIntoView()")
    guide_shot(page, "bien-che-giao")
    shown["quota form"] = leaks(page, vocabulary)
    page.get_by_role("button", name="Giao chỉ tiêu").click()
    expect(page.get_by_role("status")).to_contain_text("Đã giao chỉ tiêu biên chế năm")
    expect(page.locator(".standing-table")).to_contain_text("Trong chỉ tiêu")

    # One below the people at work (Nguyễn Văn An works here): refused, with their number,
    # and the form keeps what was typed.
    page.get_by_role("link", name="Giao, điều chỉnh chỉ tiêu biên chế").click()
    page.get_by_label("Đối tượng").select_option("civil_servant")
    page.get_by_label("Chỉ tiêu biên chế (người)").fill("0")
    page.get_by_label("Số văn bản giao biên chế").fill("16/QĐ-UBND")
    page.get_by_label("Ngày văn bản").fill("06/01/2026")
    page.get_by_label("Cơ quan, người ban hành").fill("Ủy ban nhân dân tỉnh Thử Nghiệm")
    page.get_by_label("Ghi chú (lý do điều chỉnh)").fill("Cắt giảm theo đề án")
    page.get_by_role("button", name="Giao chỉ tiêu").click()
    error = page.locator(".field--error .field__error")
    expect(error).to_contain_text("1 người")
    expect(error).to_contain_text("Hãy giao ít nhất 1")
    expect(page.get_by_label("Số văn bản giao biên chế")).to_have_value("16/QĐ-UBND")
    expect(page.get_by_role("alert")).to_contain_text("chưa có gì được lưu")
    page.evaluate("document.querySelector('h1').scrollIntoView()")
    guide_shot(page, "bien-che-tu-choi")
    page.get_by_role("link", name="Hủy, về trang biên chế").click()

    # A job position with its requirements.
    page.get_by_role("link", name="Thêm vị trí việc làm").click()
    page.get_by_label("Mã vị trí việc làm").fill("VT.NS.01")
    page.get_by_label("Tên vị trí việc làm").fill("Chuyên viên quản lý ngân sách")
    page.get_by_label("Đối tượng").select_option("civil_servant")
    page.get_by_label("Số người làm việc ở vị trí").fill("3")
    page.get_by_label("Mô tả công việc").fill("Tham mưu lập, phân bổ và theo dõi dự toán ngân sách")
    page.get_by_label("Trình độ đào tạo tối thiểu").select_option("bachelor")
    page.get_by_label("Ngạch, chức danh nghề nghiệp").select_option("01.003")
    page.get_by_label("Năng lực, kỹ năng cần có").fill(
        "Lập dự toán ngân sách\nPhân tích tài chính công"
    )
    page.get_by_label("Áp dụng từ ngày").fill("01/01/2026")
    page.get_by_label("Căn cứ (văn bản phê duyệt đề án vị trí việc làm)").fill(
        "Quyết định số 30/QĐ-UBND phê duyệt đề án vị trí việc làm"
    )
    page.evaluate("document.querySelector('h1').scrollIntoView()")
    guide_shot(page, "bien-che-vi-tri-moi")
    shown["position form"] = leaks(page, vocabulary)
    page.get_by_role("button", name="Thêm vị trí việc làm").click()
    expect(page.get_by_role("status")).to_contain_text("Đã thêm vị trí việc làm")
    expect(page.get_by_role("heading", name=re.compile("VT.NS.01"))).to_be_visible()
    expect(page.locator("main")).to_contain_text("Phân tích tài chính công")
    shot(page, "position")
    guide_shot(page, "bien-che-vi-tri")
    shown["position"] = leaks(page, vocabulary)

    # The standing: the chart and its table side by side, the history below.
    page.get_by_role("link", name="Biên chế, vị trí việc làm").click()
    chart = page.get_by_role("img", name=re.compile("Số người đang công tác so với chỉ tiêu"))
    expect(chart).to_be_visible()
    expect(chart).to_contain_text("1/5")
    table = page.locator(".standing-table")
    expect(table).to_contain_text("Công chức")
    expect(page.locator("#vi-tri-viec-lam ~ .table-wrap")).to_contain_text("VT.NS.01")
    expect(page.locator("#lich-su ~ .table-wrap")).to_contain_text("15/QĐ-UBND")
    shot(page, "standing")
    guide_shot(page, "bien-che-tinh-hinh")
    shown["standing"] = leaks(page, vocabulary)
    assert shown == dict.fromkeys(shown, [])  # Vietnamese only: no code shown bare
    # The refused form answers 400 (what the browser logs); nothing else went wrong.
    assert [e for e in page.errors if "400 (Bad Request)" not in e] == []
