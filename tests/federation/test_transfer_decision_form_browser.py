"""The transfer decision's pick list of receiving agencies in a real browser (R-NO-SILO; issue
14 item 3): the node asks a real hub process for its registry of nodes, the clerk picks «Sở
Nội vụ tỉnh B» by its Vietnamese name and previews the career event; with the hub down the
field takes a typed code and the page says why. Screenshots in
test-artifacts/transfer-node-*.png."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from tests.eligibility.helpers import eligible
from tests.web.browser import ARTIFACTS, BROWSER, sign_in
from tests.web.conftest import browser_page, node, totp_keys  # noqa: F401 (fixtures)
from tests.web.test_decision_browser import fill_header

pytestmark = BROWSER


@pytest.fixture
def people(node, personas, make_dossier, settings, pki, tmp_path):  # noqa: F811
    settings.HOSO_FEDERATION_NODE_ID = "tinh-a"
    settings.HOSO_FEDERATION_DIR = pki.nodes["tinh-a"].key.parent
    settings.HOSO_HUB_TIMEOUT_SECONDS = 5
    settings.DATA_DIR = tmp_path
    cache.clear()
    yield {"an": make_dossier(unit="T01.STC", full_name="Nguyễn Văn An", **eligible())}
    cache.clear()


def _open_transfer(page, base: str, pid: str, totp_keys) -> None:  # noqa: F811
    page.goto(base + f"/ho-so/{pid}/quyet-dinh/moi/?loai=transfer")
    sign_in(page, "nhaplieu", totp_keys["nhaplieu"])
    page.goto(base + f"/ho-so/{pid}/quyet-dinh/moi/?loai=transfer")


def test_a_clerk_picks_the_receiving_agency_from_the_hubs_nodes(
    hub,
    node,  # noqa: F811
    people,
    settings,
    totp_keys,  # noqa: F811
    browser_page,  # noqa: F811
):
    from playwright.sync_api import expect

    settings.HOSO_HUB_URL = hub.url
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser_page
    _open_transfer(page, node.url, people["an"].personal_id, totp_keys)
    picker = page.get_by_label("Cơ quan quản lý tiếp nhận (nếu có)", exact=True)
    expect(picker).to_be_visible()
    expect(picker.locator("option")).to_have_text(
        ["— Chọn cơ quan —", "Nút thử nghiệm (thu)", "Sở Nội vụ tỉnh B (tinh-b)"]
    )
    fill_header(page, "88/QĐ-UBND")
    picker.select_option(label="Sở Nội vụ tỉnh B (tinh-b)")
    page.get_by_role("button", name="Xem trước tác động").click()
    expect(page.get_by_text("Điều động đến Sở Nội vụ tỉnh B (cơ quan tinh-b)")).to_be_visible()
    expect(page.locator("[data-node-notice]")).to_have_count(0)
    page.get_by_label("Cơ quan quản lý tiếp nhận (nếu có)", exact=True).scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "transfer-node-picker.png"), full_page=True)
    assert not page.errors, page.errors


def test_with_the_hub_down_the_clerk_types_the_code_and_the_page_says_why(
    node,  # noqa: F811
    people,
    settings,
    totp_keys,  # noqa: F811
    browser_page,  # noqa: F811
):
    from playwright.sync_api import expect

    settings.HOSO_HUB_URL = "https://127.0.0.1:9"  # nothing listens
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser_page
    _open_transfer(page, node.url, people["an"].personal_id, totp_keys)
    expect(page.locator("[data-node-notice]")).to_contain_text(
        "Không kết nối được Cơ sở dữ liệu quốc gia"
    )
    typed = page.get_by_label("Cơ quan quản lý tiếp nhận (mã nút) (nếu có)", exact=True)
    fill_header(page, "89/QĐ-UBND")
    typed.fill("tinh-b")
    page.get_by_role("button", name="Xem trước tác động").click()
    expect(page.get_by_text("Điều động đến tinh-b (cơ quan tinh-b)")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "transfer-node-typed.png"), full_page=True)
    assert not page.errors, page.errors
