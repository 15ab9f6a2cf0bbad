"""The browser tour of the demo (issue 16, items 3, 6 and 7): each persona signs in to a demo
node, visits every page of its menu and the dossier pages (a dossier, its versions and their
comparison, its documents, a proposal, a discrepancy, the audit trail, the consent page, the
work list) and fails on any English code or identifier a person would see (`tests/web/tour`).

Real browser (Debian's chromium through Playwright), real database, the demo as `hoso demo`
builds it. Screenshots of every page go to test-artifacts/tour/ for a person to look at.
"""

from __future__ import annotations

import re
from base64 import b32decode
from io import StringIO

import pytest
from tests.web.browser import ARTIFACTS, BROWSER, CHROMIUM
from tests.web.tour import Vocabulary, leaks

from conftest import purge_audit

SHOTS = ARTIFACTS / "tour"
ORDER = ("nhaplieu", "quanly", "lanhdao", "ngoai", "quantri", "canbo", "thanhtra")

pytestmark = BROWSER


@pytest.fixture
def demo_node(transactional_db, live_server, settings, tmp_path, monkeypatch):
    """A live demo node (fewer people than `hoso demo`), with what the demo leaves for a
    person to do done once: a reward approved (two versions to compare), a written approval
    that needs the employee's consent, the consent given, and the employee's dossier read for
    documents, versions and a copy of the résumé (so "who read my dossier" has purposes)."""
    from hoso.catalog.selectors import clear_cache
    from hoso.catalog.services import catalog_load_builtin
    from hoso.demo import node as demo

    catalog_load_builtin()
    clear_cache()
    settings.DATA_DIR = tmp_path
    settings.HOSO_SIGNING_DIR = tmp_path / "pki"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    monkeypatch.setattr(demo, "catalog_load_builtin", lambda: [])  # loaded just above
    try:
        yield _setup(demo, live_server)
    finally:
        purge_audit()


def _setup(demo, live_server) -> dict:
    from hoso.access.models import PurposeKind, Sensitivity, User
    from hoso.access.policies import dossier_access
    from hoso.access.services import consent_give, grant_issue
    from hoso.changes.models import ChangeSet, ChangeStatus, Discrepancy
    from hoso.changes.services import changesets
    from hoso.core.dates import today
    from hoso.documents.models import SignedResume
    from hoso.documents.services import resume, serving

    info = demo.demo_setup(people=300, seed=1, stdout=StringIO(), progress=False)
    manager = User.objects.get(username="quanly")
    employee = User.objects.get(username="canbo")

    reward = ChangeSet.objects.filter(status=ChangeStatus.PROPOSED, decisions__isnull=False)
    approved = reward.order_by("pk").first()
    changesets.changeset_approve(acting_user=manager, changeset_id=approved.pk)  # version 1
    award = changesets.changeset_propose(
        acting_user=User.objects.get(username="nhaplieu"),
        personal_id=approved.personal_id,
        operations=[
            {
                "op": "add",
                "section": "awards",
                "row": {"award_date": "2019-05-20", "form_code": "certificate_of_merit"},
            }
        ],
        source_kind="paper",
        paper_confirmed_on=today(),
        source_note="Quyết định khen thưởng năm 2019",
    )
    changesets.changeset_approve(acting_user=manager, changeset_id=award.pk)  # version 2
    pending = ChangeSet.objects.filter(status=ChangeStatus.PROPOSED).order_by("pk").first()

    outsider = User.objects.get(username="ngoai")
    grant = grant_issue(
        acting_user=manager,
        grantee=outsider,
        purpose="Nghiên cứu khoa học về đội ngũ công chức",
        document_number="15/QĐ-UBND",
        document_date=today(),
        signer="Chủ tịch Ủy ban nhân dân tỉnh",
        valid_from=today(),
        valid_to=today().replace(year=today().year + 1),
        person_ids=[employee.personal_id],
        ceiling=Sensitivity.PERSONAL,
        purpose_kind=PurposeKind.OTHER,
    )
    consent_give(acting_user=employee, grantee=outsider, purpose=grant.purpose, grant=grant)
    for purpose in ("documents", "versions"):
        dossier_access(manager, employee.personal_id, purpose=purpose)
    resume.resume_issue(acting_user=manager, personal_id=employee.personal_id)
    serving.copy_serve(user=manager, personal_id=employee.personal_id, purpose="resume")

    signed = SignedResume.objects.exclude(personal_id=employee.personal_id).first()
    dossier = approved.personal_id
    pages = [
        f"/ho-so/{dossier}/",
        f"/ho-so/{dossier}/phien-ban/",
        f"/ho-so/{dossier}/phien-ban/?tu=1&den=2",
        f"/ho-so/{signed.personal_id}/tai-lieu/",
        f"/de-xuat/{pending.pk}/",
        f"/de-xuat/{approved.pk}/",
        f"/sai-lech/{Discrepancy.objects.order_by('pk').first().pk}/",
        f"/nhat-ky/ho-so/{employee.personal_id}/",
        "/to-chuc/NB.SNV/",
        "/ho-so-cua-toi/de-nghi-sua/",
        "/dong-y/",
        f"/ho-so/{employee.personal_id}/",
        f"/ho-so/{employee.personal_id}/tai-lieu/",
    ]
    vocabulary = Vocabulary.from_database()
    accounts = {a.username: a for a in info.accounts}
    return {
        "url": live_server.url,
        "accounts": accounts,
        "pages": pages,
        "vocabulary": vocabulary,
        "signed": signed.personal_id,
    }


def _sign_in(page, base: str, account) -> None:
    from django_otp.oath import totp
    from playwright.sync_api import expect

    page.goto(base + "/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(account.username)
    page.get_by_label("Mật khẩu").fill(account.password)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", name="Mã xác thực (OTP)")).to_be_visible()
    page.get_by_label("Mã xác thực (OTP)").fill(f"{totp(b32decode(account.totp_secret)):06d}")
    page.get_by_role("button", name="Xác nhận").click()
    expect(page.get_by_role("button", name="Đăng xuất")).to_be_visible()


def _shot(page, username: str, address: str) -> None:
    name = re.sub(r"[^a-z0-9]+", "-", address.lower()).strip("-") or "trang-chu"
    page.screenshot(path=str(SHOTS / f"{username}-{name}.png"), full_page=True)


def _chart_and_tables_read_whole(page) -> list[str]:
    """Item 7: no chart label starts left of the chart (clipped), no unit name is broken a
    word a line (a unit column narrower than its longest word run)."""
    return page.evaluate(
        """() => {
      const out = [];
      for (const t of document.querySelectorAll('.bar-chart__label')) {
        if (t.getBBox().x < 0) out.push('nhãn bị cắt: ' + t.textContent);
      }
      for (const td of document.querySelectorAll('td.unit-col, th.unit-col')) {
        if (td.getBoundingClientRect().width < 200) out.push('cột đơn vị hẹp: ' + td.innerText);
      }
      return out;
    }"""
    )


def test_every_persona_tours_the_demo_and_reads_no_english_code(demo_node):
    from playwright.sync_api import expect, sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    base, vocabulary = demo_node["url"], demo_node["vocabulary"]
    found: dict[str, list[str]] = {}
    visited = 0
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        for username in ORDER:
            context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
            page = context.new_page()
            _sign_in(page, base, demo_node["accounts"][username])
            menu = [a.get_attribute("href") for a in page.locator("nav.main-nav a").all()]
            assert menu, username
            for address in dict.fromkeys([*menu, *demo_node["pages"]]):
                page.goto(base + address)
                visited += 1
                problems = leaks(page, vocabulary) + _chart_and_tables_read_whole(page)
                if problems:
                    found[f"{username} {address}"] = problems
                _shot(page, username, address)

            if username == "lanhdao":
                # Item 6: the leader may read the dossier but not copy its résumé: told why,
                # not offered a link that answers 404.
                page.goto(f"{base}/ho-so/{demo_node['signed']}/tai-lieu/")
                button = page.get_by_role("button", name="Tải bản sao sơ yếu lý lịch (PDF)")
                expect(button).to_be_disabled()
                expect(page.locator("main")).to_contain_text("Cần văn bản phê duyệt")
            if username == "quanly":
                page.goto(base + "/muc-do-day-du/")
                expect(page.locator("table")).to_contain_text("Văn phòng Sở — Sở Nội vụ")
            context.close()
        browser.close()
    assert visited > 60
    assert found == {}, "\n".join(f"{k}: {v}" for k, v in found.items())
