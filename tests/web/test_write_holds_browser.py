"""A handed-over dossier in a real browser (R-NO-SILO; issue 14 item 3): the records manager
of the sending node still reads it, and opening its correction form says why it cannot be
written and where it is managed now (docs/decisions/0024-write-holds.md).
Screenshots in test-artifacts/writeguard-*.png."""

from __future__ import annotations

import uuid

import pytest
from tests.web.browser import BROWSER, shooter, sign_in

pytestmark = BROWSER
shot = shooter("writeguard")


@pytest.fixture
def people(node, personas, make_dossier):
    from hoso.federation.models import Handover, HandoverRole, HandoverState

    moved = make_dossier(full_name="Hoàng Văn Chuyển")
    Handover.objects.create(
        handover_id=uuid.uuid4().hex,
        role=HandoverRole.SENT,
        personal_id=moved.personal_id,
        from_node="tinh-a",
        to_node="tinh-b",
        to_agency="Sở Nội vụ tỉnh B",
        state=HandoverState.MOVED,
    )
    return {"moved": moved}


def test_the_trace_reads_and_its_correction_form_says_where_it_is_managed(
    node, people, totp_keys, browser_page
):
    from playwright.sync_api import expect

    page = browser_page
    pid = people["moved"].personal_id
    page.goto(f"{node.url}/dang-nhap/")
    sign_in(page, "quanly", totp_keys["quanly"])
    page.goto(f"{node.url}/ho-so/{pid}/")
    expect(page.get_by_role("heading", name="Hoàng Văn Chuyển")).to_be_visible()
    shot(page, "trace")
    answer = page.goto(f"{node.url}/ho-so/{pid}/sua/")
    assert answer is not None and answer.status == 422
    expect(page.get_by_role("heading", name="Không cập nhật được hồ sơ")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("đã được bàn giao cho Sở Nội vụ tỉnh B")
    shot(page, "refused")
    page.get_by_role("link", name="Xem hồ sơ (bản lưu để tra cứu)").click()
    expect(page.get_by_role("heading", name="Hoàng Văn Chuyển")).to_be_visible()
    # the only console error is the browser's note of the 422 itself
    assert all("422" in e for e in page.errors), page.errors
