"""The public page in a real browser, without signing in (R-TRANSPARENT)."""

import pytest
from tests.procedures.common import proposed_appointments

pytestmark = pytest.mark.browser


@pytest.fixture
def people(node, personas, make_dossier, settings):
    """Five appointments proposed in one unit, written before the browser starts."""
    settings.HOSO_PUBLIC_MIN_COUNT = 5
    return {"found": proposed_appointments(personas, make_dossier, 5)}


def test_a_citizen_reads_the_figures_from_the_login_page(node, people, browser_page, tmp_path):
    from playwright.sync_api import expect

    page = browser_page
    page.goto(f"{node.url}/dang-nhap/")
    page.get_by_role("link", name="Công khai kết quả giải quyết công việc nhân sự").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Công khai kết quả giải quyết công việc nhân sự"
    )
    expect(page.locator("svg.bar-chart")).to_be_visible()
    expect(page.locator("tbody tr")).to_have_count(1)
    text = page.locator("main").inner_text()
    for person in people["found"]:
        assert person.personal_id not in text and person.full_name not in text
    page.screenshot(path=str(tmp_path / "minh-bach.png"), full_page=True)
    print("screenshot:", tmp_path / "minh-bach.png")
    assert page.errors == []


def test_a_citizen_sends_feedback_and_is_told_what_is_wrong_first(
    node, people, browser_page, tmp_path
):
    from django.core.cache import cache
    from playwright.sync_api import expect

    cache.clear()  # the rate limit's counts
    page = browser_page
    page.goto(f"{node.url}/minh-bach/")
    form = page.locator("form[action='/minh-bach/y-kien/']")
    form.get_by_label("Đơn vị được đánh giá").select_option(label="Sở Tài chính")
    form.get_by_label("4 – Hài lòng").check()
    form.get_by_label("Ý kiến (không bắt buộc)").fill("Gọi cho tôi theo số 0912345678 nhé.")
    form.get_by_role("button", name="Gửi ý kiến").click()
    expect(page.get_by_text("Ý kiến có dãy số giống số điện thoại")).to_be_visible()
    page.screenshot(path=str(tmp_path / "minh-bach-loi.png"), full_page=True)
    form = page.locator("form[action='/minh-bach/y-kien/']")
    expect(form.get_by_label("4 – Hài lòng")).to_be_checked()  # what was typed is kept
    form.get_by_label("Ý kiến (không bắt buộc)").fill("Cán bộ hướng dẫn tận tình, đúng hẹn.")
    form.get_by_role("button", name="Gửi ý kiến").click()
    expect(page.get_by_text("Cảm ơn bạn đã góp ý.")).to_be_visible()
    page.screenshot(path=str(tmp_path / "minh-bach-gui.png"), full_page=True)
    print("screenshots:", tmp_path)
    assert [e for e in page.errors if "status of 400" not in e] == []
