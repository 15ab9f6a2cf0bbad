"""Paper dossier lending in a real browser (Debian's chromium via Playwright, strict CSP): a
records manager signs in, finds a dossier, lends its paper (a bad date first), the dossier page
shows where the paper is; an overdue loan is on the work list with its days overdue; the
return closes the loan. On the way it takes the user guide's pictures (docs/guide/img/, R-SKILLS)
and opens the page's help box and the guide the node serves."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from tests.web.browser import ARTIFACTS, BROWSER, guide_shot, shooter

from conftest import PASSWORD

pytestmark = BROWSER
shot = shooter("lending")


@pytest.fixture
def people(node, personas, make_dossier):
    """Two dossiers, an overdue loan of the second, an overdue obligation, a discrepancy and a
    proposal waiting for review: all written before the browser starts."""
    from hoso.changes.models import Obligation
    from hoso.changes.services import changesets
    from hoso.changes.services import obligations as obligation_services
    from hoso.changes.services.discrepancies import discrepancy_report
    from hoso.core.dates import today
    from hoso.documents.services.lending import loan_open
    from hoso.orgs.models import Organization

    an = make_dossier(full_name="Nguyễn Văn An", birth_date=date(1985, 3, 14))
    hoa = make_dossier(full_name="Đặng Thị Hoa", sex="F", unit="T01.XA")
    personas["quanly"].full_name = "Trần Thị Quản Lý"
    personas["quanly"].save()
    loan_open(
        acting_user=personas["quanly"],
        personal_id=hoa.personal_id,
        purpose="Thẩm tra lý lịch phục vụ công tác quy hoạch",
        approver_name="Phạm Văn Duyệt, Giám đốc Sở Nội vụ",
        approval_number="112/QĐ-SNV",
        approval_date=today() - timedelta(days=30),
        out_date=today() - timedelta(days=28),
        due_date=today() - timedelta(days=7),
        borrower_name="Lê Văn Thẩm",
        borrower_unit="Ban Tổ chức Tỉnh ủy",
    )
    made = obligation_services.obligation_open(
        kind="enter_decision",
        personal_id=an.personal_id,
        start_date=today() - timedelta(days=30),
        source="decision:1",
        unit=Organization.objects.get(code="T01.STC"),
        officer=personas["nhaplieu"],
    )
    Obligation.objects.filter(pk=made.pk).update(due_date=today() - timedelta(days=3))
    discrepancy_report(
        acting_user=personas["nhaplieu"],
        personal_id=an.personal_id,
        sections=["training"],
        paper_says="Bằng tốt nghiệp ghi năm 2007",
    )
    changesets.changeset_propose(
        acting_user=personas["nhaplieu"],
        personal_id=an.personal_id,
        operations=[{"op": "set", "section": "identity", "values": {"phone": "0987654321"}}],
        source_kind="paper",
        paper_confirmed_on=today(),
    )
    return {"an": an, "hoa": hoa}


def test_a_records_manager_lends_the_paper_dossier_and_takes_it_back(
    node, people, totp_keys, browser_page
):
    from django_otp.oath import totp
    from playwright.sync_api import expect

    from hoso.core.dates import today

    ARTIFACTS.mkdir(exist_ok=True)
    page = browser_page
    main = page.locator("main")
    an, hoa = people["an"].personal_id, people["hoa"].personal_id
    day = today()

    # Signing in: the password, then the code of the app (the guide's first pictures).
    page.goto(node.url + "/")
    page.get_by_label("Tên đăng nhập").fill("quanly")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    guide_shot(page, "dang-nhap")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", name="Mã xác thực (OTP)")).to_be_visible()
    page.get_by_label("Mã xác thực (OTP)").fill(f"{totp(totp_keys['quanly']):06d}")
    guide_shot(page, "ma-xac-thuc")
    page.get_by_role("button", name="Xác nhận").click()

    # Finding and reading the dossier: the paper box says it is in the store.
    expect(page.get_by_role("heading", name="Tra cứu hồ sơ")).to_be_visible()
    page.wait_for_load_state("load")  # the live search's script listens from then on
    page.get_by_role("searchbox").press_sequentially("nguyen van an", delay=20)
    expect(page.locator("#ket-qua")).to_contain_text("Tìm thấy 1 hồ sơ")
    expect(main.get_by_role("link", name=re.compile("Nguyễn Văn An", re.I))).to_be_visible()
    guide_shot(page, "tra-cuu")
    main.get_by_role("link", name=re.compile("Nguyễn Văn An", re.I)).first.click()
    expect(page.get_by_role("heading", name="NGUYỄN VĂN AN")).to_be_visible()
    box = page.locator(".paper-box")
    expect(box).to_contain_text("Đang lưu tại bộ phận quản lý hồ sơ.")
    guide_shot(page, "ho-so")

    # Lending: a due date before the out date is refused next to it, the form keeps the rest.
    box.get_by_role("link", name="Cho mượn hồ sơ giấy, các lần mượn").click()
    expect(page.get_by_role("heading", name="Cho mượn hồ sơ giấy")).to_be_visible()
    page.get_by_label("Người của cơ quan, đơn vị khác").check()
    page.get_by_label("Họ và tên người mượn").fill("Hoàng Văn Mượn")
    page.get_by_label("Cơ quan, đơn vị của người mượn").fill("Thanh tra tỉnh")
    page.get_by_label("Mục đích, lý do mượn").fill("Xác minh hồ sơ theo kế hoạch thanh tra")
    page.get_by_label("Người phê duyệt (họ tên, chức vụ)").fill("Phạm Văn Duyệt, Giám đốc Sở")
    page.get_by_label("Số văn bản phê duyệt").fill("120/QĐ-SNV")
    page.get_by_label("Ngày văn bản phê duyệt").fill((day - timedelta(days=1)).strftime("%d/%m/%Y"))
    page.get_by_label("Hạn trả").fill((day - timedelta(days=1)).strftime("%d/%m/%Y"))
    page.get_by_label("Một số thành phần (chọn dưới đây)").check()
    page.get_by_label("Sơ yếu lý lịch (Mẫu 2C-BNV/2008; viên chức: HS02-VC/BNV)").check()
    page.get_by_label("Bản sao văn bằng, chứng chỉ").check()
    page.get_by_role("button", name="Ghi nhận cho mượn").click()
    expect(page.locator(".field--error")).to_contain_text("Hạn trả phải sau ngày cho mượn.")
    expect(page.get_by_label("Họ và tên người mượn")).to_have_value("Hoàng Văn Mượn")
    expect(page.get_by_label("Bản sao văn bằng, chứng chỉ")).to_be_checked()
    shot(page, "refused")
    due = day + timedelta(days=14)
    page.get_by_label("Hạn trả").fill(due.strftime("%d/%m/%Y"))
    page.get_by_role("heading", name="Cho mượn hồ sơ giấy").scroll_into_view_if_needed()
    guide_shot(page, "ho-so-giay-cho-muon")
    page.get_by_role("button", name="Ghi nhận cho mượn").click()
    expect(page.get_by_role("status")).to_contain_text("Đã ghi nhận cho mượn hồ sơ giấy")
    expect(page.locator(".paper-box")).to_contain_text("Hoàng Văn Mượn (Thanh tra tỉnh)")

    # The dossier page says where the paper is.
    page.goto(f"{node.url}/ho-so/{an}/")
    expect(box).to_contain_text(
        f"Hồ sơ giấy đang cho mượn: Hoàng Văn Mượn (Thanh tra tỉnh), từ ngày "
        f"{day:%d/%m/%Y}, hạn trả {due:%d/%m/%Y}."
    )
    guide_shot(page, "ho-so-giay-dang-muon")

    # The overdue loan is on the work list, with its days overdue.
    page.get_by_role("navigation", name="Chức năng chính").get_by_role(
        "link", name=re.compile("^Việc cần làm")
    ).click()
    late = page.locator("#ho-so-giay-qua-han + *")
    expect(late).to_contain_text(hoa)
    expect(late).to_contain_text("quá hạn 7 ngày")
    expect(late).to_contain_text("Lê Văn Thẩm (Ban Tổ chức Tỉnh ủy)")
    expect(late).not_to_contain_text(an)  # lent today, due in two weeks
    page.evaluate("document.getElementById('qua-han').scrollIntoView()")
    guide_shot(page, "viec-can-lam")
    shot(page, "work")

    # The records manager's list: open, overdue, by unit.
    page.get_by_role("link", name="Mượn hồ sơ giấy").first.click()
    expect(page.get_by_role("heading", name="Mượn hồ sơ giấy", exact=True)).to_be_visible()
    expect(main.locator("table")).to_contain_text("Hoàng Văn Mượn")
    expect(main.locator("table")).to_contain_text("Lê Văn Thẩm")
    guide_shot(page, "muon-ho-so-giay")
    page.get_by_label("Đơn vị", exact=True).select_option("T01.XA")
    page.get_by_role("button", name="Lọc").click()
    expect(main.locator("table")).not_to_contain_text("Hoàng Văn Mượn")
    expect(main.locator("table")).to_contain_text("Lê Văn Thẩm")

    # Discrepancies and change sets, for the guide.
    page.goto(f"{node.url}/sai-lech/")
    expect(main.locator("table")).to_contain_text("Đào tạo, bồi dưỡng")
    guide_shot(page, "sai-lech")
    page.goto(f"{node.url}/de-xuat/")
    expect(main.locator("table")).to_contain_text(an)
    guide_shot(page, "de-xuat")

    # The return closes the loan; the dossier page says the paper is back in the store.
    page.goto(f"{node.url}/ho-so/{an}/ho-so-giay/")
    page.get_by_text("Hướng dẫn", exact=True).click()  # the page's help box opens
    expect(page.locator(".page-help")).to_contain_text("người phê duyệt không phải người mượn")
    guide_shot(page, "huong-dan")
    page.get_by_text("Hướng dẫn", exact=True).click()
    page.get_by_label("Tình trạng hồ sơ khi nhận lại").fill("Đủ thành phần, nguyên vẹn")
    page.get_by_role("button", name="Ghi nhận đã nhận lại").click()
    expect(page.get_by_role("status")).to_contain_text("Đã ghi nhận nhận lại hồ sơ giấy")
    expect(page.locator(".paper-box")).to_contain_text("đang được lưu tại bộ phận quản lý hồ sơ")
    expect(main.locator("table")).to_contain_text("Đã trả đúng hạn")
    page.goto(f"{node.url}/ho-so/{an}/")
    expect(box).to_contain_text("Đang lưu tại bộ phận quản lý hồ sơ. Đã cho mượn và nhận lại 1 lần")
    shot(page, "returned")

    # The guide, served by the node, with its pictures.
    page.locator(".page-help summary").click()
    page.get_by_role("link", name="Xem hướng dẫn sử dụng").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hướng dẫn sử dụng")
    page.get_by_role("link", name="Mượn hồ sơ giấy").last.click()
    expect(page.get_by_role("heading", name="Mượn hồ sơ giấy", level=1)).to_be_visible()
    picture = page.locator(".guide-figure img").first
    picture.scroll_into_view_if_needed()
    expect(picture).to_be_visible()
    assert picture.evaluate("img => img.complete && img.naturalWidth > 0")
    shot(page, "guide")

    # No script error, no CSP violation, no failed asset: only the refused form's 400.
    assert page.errors == [
        "Failed to load resource: the server responded with a status of 400 (Bad Request)"
    ]
