"""The population database in a real browser (R-POPULATION, issue 14 item 4): the simulator, a
real process, fills a new dossier's identity, shown read-only; stopped, the page says the
fields are typed by hand and unverified. Screenshots in test-artifacts/population-*.png."""

from __future__ import annotations

import signal
from datetime import date

import pytest
from tests.population.conftest import Simulator
from tests.web.browser import BROWSER, shooter, sign_in

from hoso import identity
from hoso.population import simulator
from hoso.population.records import CitizenRecord

pytestmark = BROWSER
shot = shooter("population")
PID = identity.generate(province_code="001", birth_year=1990, sex="F", serial=6161)
OTHER = identity.generate(province_code="079", birth_year=1987, sex="M", serial=6162)


@pytest.fixture
def popdb(node, tmp_path, settings):
    sim = Simulator(tmp_path / "popdb")
    record = CitizenRecord(
        personal_id=PID,
        full_name="Hoàng Thị Mai",
        birth_date=date(1990, 4, 12),
        sex="F",
        birth_place="Xã Đông Ngạc, Hà Nội",
        ethnicity="01",
        marital_status="Đã kết hôn",
        permanent_residence="Số 5 phố Tràng Thi, phường Hoàn Kiếm, Hà Nội",
    )
    simulator.write_citizens(sim.data, [record])
    settings.HOSO_POPULATION_URL = sim.url
    settings.HOSO_POPULATION_TIMEOUT_SECONDS = 0.5
    sim.start()
    yield sim
    sim.stop()


def test_the_identity_is_filled_and_locked_then_typed_when_the_database_is_down(
    node, people, totp_keys, popdb, browser_page
):
    from playwright.sync_api import expect

    page = browser_page
    page.goto(node.url + "/")
    sign_in(page, "nhaplieu", totp_keys["nhaplieu"])
    page.get_by_role("link", name="Nhập hồ sơ").click()
    page.get_by_label("Số định danh cá nhân").fill(PID)
    page.get_by_role("button", name="Kiểm tra số định danh").click()
    expect(page.get_by_text("Hoàng Thị Mai, sinh ngày 12/04/1990")).to_be_visible()
    shot(page, "found")
    page.get_by_role("button", name="Bắt đầu nhập hồ sơ").click()
    name = page.get_by_label("Họ và tên khai sinh")
    expect(name).to_have_value("Hoàng Thị Mai")
    expect(name).to_be_disabled()
    expect(page.get_by_label("Tên gọi khác")).to_be_enabled()  # left empty by the answer
    shot(page, "identity-locked")
    popdb.stop(signal.SIGKILL)  # the database goes down: the node keeps working
    page.get_by_role("link", name="Nhập hồ sơ").first.click()
    page.get_by_label("Số định danh cá nhân").fill(OTHER)
    page.get_by_role("button", name="Kiểm tra số định danh").click()
    expect(page.get_by_text("Không kết nối được Cơ sở dữ liệu quốc gia về dân cư")).to_be_visible()
    shot(page, "down")
    page.get_by_role("button", name="Bắt đầu nhập hồ sơ").click()
    expect(page.get_by_label("Họ và tên khai sinh")).to_be_enabled()
    assert page.errors == []
