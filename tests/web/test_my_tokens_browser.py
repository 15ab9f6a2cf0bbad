"""The page of one's own API tokens in a real browser (Debian's chromium via Playwright):
found from the account box, a token revoked with one click, the API refusing it afterwards
(issue 15, finding 3) — under the strict Content-Security-Policy, with screenshots in
test-artifacts/."""

from __future__ import annotations

import pytest
from tests.web.browser import ARTIFACTS, BROWSER, sign_in

pytestmark = BROWSER


@pytest.fixture
def tokens(people, personas):
    """Two tokens of the clerk, issued before the browser starts."""
    from hoso.access.models import ApiToken
    from hoso.access.services import token_create

    keys = [token_create(acting_user=None, user=personas["nhaplieu"]) for _ in range(2)]
    return [ApiToken.objects.get(key_hash=ApiToken.hash_key(k)) for k in keys], keys


def test_a_user_sees_and_revokes_their_own_token_in_the_browser(
    node, people, totp_keys, tokens, browser_page
):
    import urllib.error
    import urllib.request

    from playwright.sync_api import expect

    rows, keys = tokens
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser_page
    page.goto(node.url + "/dang-nhap/")
    sign_in(page, "nhaplieu", totp_keys["nhaplieu"])
    expect(page.get_by_role("heading", name="Tra cứu hồ sơ")).to_be_visible()
    page.get_by_role("link", name="Mã truy cập API của tôi").click()
    expect(page.get_by_role("heading", name="Mã truy cập API của tôi")).to_be_visible()
    table = page.locator("table")
    for row in rows:
        expect(table).to_contain_text(f"{row.prefix}…")
    expect(table).not_to_contain_text(keys[0])
    page.screenshot(path=str(ARTIFACTS / "my-tokens.png"), full_page=True)

    page.get_by_role("button", name=f"Thu hồi mã {rows[0].prefix}").click()
    expect(page.get_by_role("status")).to_contain_text(f"Đã thu hồi mã {rows[0].prefix}…")
    revoked = page.locator(f"#ma-{rows[0].pk}")
    expect(revoked).to_contain_text("Đã thu hồi")
    expect(revoked).to_contain_text("Người dùng tự thu hồi")
    expect(revoked.get_by_role("button")).to_have_count(0)
    expect(page.locator(f"#ma-{rows[1].pk}")).to_contain_text("Còn hiệu lực")
    page.screenshot(path=str(ARTIFACTS / "my-tokens-revoked.png"), full_page=True)
    assert page.errors == []  # type: ignore[attr-defined] - nothing broke the CSP

    def api_status(key: str) -> int:
        request = urllib.request.Request(  # noqa: S310 - http to the live test node
            node.url + "/api/v1/people", headers={"Authorization": f"Bearer {key}"}
        )
        try:
            with urllib.request.urlopen(request) as response:  # noqa: S310
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    assert api_status(keys[0]) == 401
    assert api_status(keys[1]) == 200
