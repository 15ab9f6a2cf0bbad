"""/api/v1/docs in a real browser (issue 16.1): Swagger UI is served by the node itself, under
its own CSP, and shows the operations; no request leaves 127.0.0.1 (a closed network works)."""

from __future__ import annotations

from urllib.parse import urlsplit

from tests.web.browser import ARTIFACTS, BROWSER, CHROMIUM

pytestmark = BROWSER


def test_the_api_docs_page_shows_the_operations_from_the_node_alone(node):
    """R-LAYERS: the page, its script, styles and icons, and the OpenAPI it reads all come from
    the node; the node's CSP lets them run (no console error, no CSP violation)."""
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    hosts, errors = [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page(locale="vi-VN")
        # Every network request (data: URIs of inline icons are not requests to anywhere).
        page.on(
            "request",
            lambda r: r.url.startswith("data:") or hosts.append(urlsplit(r.url).hostname),
        )
        page.on("console", lambda m: m.type == "error" and errors.append(m.text))
        page.on("pageerror", lambda e: errors.append(str(e)))
        response = page.goto(node.url + "/api/v1/docs")
        assert response is not None and response.status == 200
        assert "default-src 'self'" in response.headers["content-security-policy"]
        expect(page.locator(".opblock").first).to_be_visible(timeout=15_000)
        expect(page.get_by_text("/api/v1/people/{personal_id}", exact=True)).to_be_visible()
        expect(page.get_by_text("Tra cứu hồ sơ", exact=True)).to_be_visible()
        assert page.locator(".opblock").count() >= 20
        page.screenshot(path=str(ARTIFACTS / "api-docs.png"), full_page=False)
        html = page.content()
        browser.close()
    # Only the node itself, on the loopback (the live server is named localhost or 127.0.0.1).
    assert urlsplit(node.url).hostname in {"localhost", "127.0.0.1"}
    assert set(hosts) == {urlsplit(node.url).hostname}, hosts
    assert errors == []
    assert "cdn.jsdelivr.net" not in html and "django-ninja.dev" not in html
