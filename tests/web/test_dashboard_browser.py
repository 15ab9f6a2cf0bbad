"""/dieu-hanh/ in a real browser, as the leader: the overdue step, the charts, and the figures
changing without a reload while the page is open (htmx polling every 10 s)."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from tests.web.browser import ARTIFACTS, BROWSER, guide_shot, sign_in

pytestmark = BROWSER


def _propose(personas, person, day=None):
    from hoso.procedures.services import procedure_start

    procedure = procedure_start(
        acting_user=personas["nhaplieu"],
        procedure_type="appointment",
        personal_id=person.personal_id,
        params={"decision": {"position_code": "deputy_director_so"}},
        today=day,
    )
    return procedure


@pytest.fixture
def people(node, personas, make_dossier, monkeypatch):
    """Two appointments: one proposed on time, one whose proposal is overdue (started 30
    days ago, on that day's clock), written before the browser starts."""
    from django.utils import timezone
    from tests.procedures.common import act

    from hoso.core.dates import today

    on_time = _propose(personas, make_dossier(unit="T01.STC"))
    act(personas["nhaplieu"], on_time, "appointment.proposal", key="p")  # with its documents
    then = timezone.now() - timedelta(days=30)
    with monkeypatch.context() as clock:
        clock.setattr(timezone, "now", lambda: then)
        late = _propose(personas, make_dossier(unit="T01.STC.NS"), today())
    return {"late": late}


def test_the_leader_watches_the_work_live_and_opens_the_overdue_step(
    node, people, personas, make_dossier, totp_keys, browser_page, monkeypatch
):
    from playwright.sync_api import expect

    from hoso.web.views import dashboard

    ARTIFACTS.mkdir(exist_ok=True)
    page = browser_page
    page.goto(node.url + "/")
    sign_in(page, "lanhdao", totp_keys["lanhdao"])
    page.get_by_role("link", name="Theo dõi công việc").click()
    expect(page).to_have_url(re.compile(r"/dieu-hanh/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Theo dõi giải quyết công việc nhân sự"
    )
    overdue = page.locator("tr.overdue-step")
    expect(overdue).to_have_count(1)
    expect(overdue.get_by_role("link")).to_have_text(f"Số {people['late'].pk}")
    expect(page.locator("svg.bar-chart").first).to_be_visible()
    running = page.locator(".stats li").first.locator(".stats__value")
    expect(running).to_have_text("2")
    page.screenshot(path=str(ARTIFACTS / "dieu-hanh.png"), full_page=True)
    print("screenshot:", ARTIFACTS / "dieu-hanh.png")
    guide_shot(page, "theo-doi-cong-viec")
    # A third one is started while the page is open: the next poll shows it, no reload. The
    # page (after its screenshot for the guide, which names the 10 s) polls every second.
    monkeypatch.setattr(dashboard, "POLL_SECONDS", 1)
    page.reload()
    expect(page.locator("#so-lieu-dieu-hanh")).to_have_attribute("hx-trigger", "every 1s")
    page.evaluate("window.__same_page = true")
    with ThreadPoolExecutor(max_workers=1) as pool:  # outside Playwright's event loop
        pool.submit(lambda: _propose(personas, make_dossier(unit="T01.STC"))).result()
    expect(running).to_have_text("3", timeout=25_000)
    assert page.evaluate("window.__same_page") is True
    assert page.errors == []
