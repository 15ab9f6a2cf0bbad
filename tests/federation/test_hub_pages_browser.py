"""The hub's pages served by the hub process itself (issue 14 items 1 and 5): a real
`hoso hub serve --web-port` (mutual TLS for nodes on one port, the operators' pages on the
other), an operator made with `hoso hub operator-add` and `hoso totp enrol`, a real node
whose approved dossier reaches the hub through its sender; a real browser signs in with both
steps, finds the person in the registry, sees the counts drawn and the node's lag fall to
zero by itself (htmx polling). Screenshots in test-artifacts/hub-*.png."""

from __future__ import annotations

import base64
import re
import shutil

import pytest
from tests.web.browser import ARTIFACTS, BROWSER, CHROMIUM, sign_in

from conftest import PASSWORD
from hoso import identity

from .conftest import (
    AGENCIES,
    Hub,
    Process,
    _env,
    _hub_database_drop,
    _hub_database_url,
    _node,
    free_port,
    run,
    wait_for,
)

pytestmark = [*BROWSER, pytest.mark.django_db(transaction=True)]

PID = identity.generate(province_code="001", birth_year=1985, sex="M", serial=777001)
CLI = ["-m", "hoso.cli"]


@pytest.fixture(scope="module")
def hub_with_pages(pki, template_db, hub_template, tmp_path_factory):
    data = tmp_path_factory.mktemp("hub-pages")
    shutil.copytree(pki.hub.key.parent, data, dirs_exist_ok=True)
    url = _hub_database_url(hub_template)
    env = _env(HOSO_DATA_DIR=str(data), **({"DATABASE_URL": url} if url else {}))
    if not url:
        shutil.copy(template_db, data / "hoso.sqlite3")
    for node, name in AGENCIES.items():
        certificate = str(pki.nodes[node].cert)
        run([*CLI, "hub", "node-add", "--data-dir", str(data), "--node-id", node]
            + ["--name", name, "--certificate", certificate], env)  # fmt: skip
    (data / "password").write_text(PASSWORD, encoding="utf-8")
    operator = ["operator-add", "vanhanh", "--full-name", "Nguyễn Thị Vận Hành"]
    operator = ["operator-add", "vanhanh", "--full-name", "Nguyễn Thị Vận Hành"]
    operator += ["--password-file", str(data / "password"), "--decision", "QĐ 1/QĐ-BNV"]
    said = run([*CLI, "hub", *operator], env)
    assert "Đã tạo tài khoản vanhanh" in said and PASSWORD not in said
    enrolled = run([*CLI, "totp", "enrol", "vanhanh"], env)
    secret = re.search(r"\(base32\): (\S+)", enrolled).group(1)
    hub = Hub(pki, data, env)
    web_port = free_port()
    args = [*CLI, "hub", "serve", "--port", str(hub.port), "--data-dir", str(data)]
    hub.server = Process([*args, "--web-port", str(web_port)], env, data / "log").start()
    try:
        wait_for(hub._up, 90, "the hub")
        yield hub, f"http://127.0.0.1:{web_port}", base64.b32decode(secret)
    finally:
        hub.server.stop()
        if url:
            _hub_database_drop(url)


def test_an_operator_signs_in_at_the_hub_and_sees_registry_statistics_and_lag(
    hub_with_pages, pki, template_db, tmp_path
):
    from playwright.sync_api import expect, sync_playwright

    hub, web, key = hub_with_pages
    node = _node("tinh-a", pki, template_db, hub, tmp_path)
    made = node.run("create", PID)[0]
    assert made["ok"] is True, made  # before the sender: the lag shows it
    ARTIFACTS.mkdir(exist_ok=True)
    expect.set_options(timeout=30_000)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="vi-VN")
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(web + "/quoc-gia/")
            sign_in(page, "vanhanh", key)
            page.goto(web + "/quoc-gia/cac-nut/")
            row = page.locator('tr[data-node="tinh-a"]')
            expect(row).to_be_visible()
            node.start_sender()
            try:
                # No reload: the table polls itself until the hub holds the node's packet.
                expect(row).to_have_attribute("data-state", "ok")
                expect(row.locator("[data-pending]")).to_have_text("0")
                page.screenshot(path=str(ARTIFACTS / "hub-nodes.png"), full_page=True)
            finally:
                node.sender.stop()
            page.get_by_role("link", name="Sổ đăng ký quốc gia").click()
            page.get_by_label("Số định danh hoặc họ tên").fill(PID[:7])
            expect(page.get_by_role("cell", name=PID)).to_be_visible()
            expect(page.get_by_role("cell", name="Sở Nội vụ tỉnh A (tinh-a)")).to_be_visible()
            page.screenshot(path=str(ARTIFACTS / "hub-registry.png"), full_page=True)
            page.get_by_role("link", name="Thống kê quốc gia").click()
            expect(page.get_by_text("Sổ đăng ký quốc gia có 1 người.")).to_be_visible()
            expect(page.locator("svg.count-chart")).to_have_count(7)
            page.screenshot(path=str(ARTIFACTS / "hub-statistics.png"), full_page=True)
            assert not errors, errors
        finally:
            browser.close()
    # The registry page the browser saw is in the hub's audit trail, with the id it showed.
    trail = run(["-c", _AUDIT_CHECK, PID], hub.env)
    assert int(trail.strip()) >= 1, trail


_AUDIT_CHECK = """
import os, sys, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hoso.settings")
django.setup()
from hoso.audit.models import AuditEvent
events = AuditEvent.objects.filter(action="search", actor_username="vanhanh")
print(sum(1 for e in events if sys.argv[1] in e.detail.get("shown", [])))
"""
