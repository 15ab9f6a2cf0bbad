"""The work pages: deadlines, discrepancies, change-set review, versions and self-service —
each for the personas allowed and refused, one happy path and one refusal."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse

from hoso.audit.models import AuditAction, AuditEvent, AuditOutcome
from hoso.audit.purposes import Purpose
from hoso.changes.models import ChangeSet, ChangeStatus, Discrepancy, DiscrepancyStatus, Obligation
from hoso.changes.selectors import obligations
from hoso.changes.services import changesets, discrepancies
from hoso.changes.services import obligations as obligation_services
from hoso.core.dates import today

pytestmark = pytest.mark.django_db

_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
_STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.IGNORECASE)


@pytest.fixture
def people(make_dossier) -> dict:
    return {
        "an": make_dossier(full_name="Nguyễn Văn An", birth_date=date(1985, 3, 14)),
        "binh": make_dossier(full_name="Trần Văn Bình", unit="B01.VP"),
    }


def _clean(html: str) -> None:
    assert not _INLINE_SCRIPT.search(html)
    assert not _STYLE_ATTRIBUTE.search(html)


def _obligation(person, officer, orgs, due: date) -> Obligation:
    made = obligation_services.obligation_open(
        kind="enter_decision",
        personal_id=person.personal_id,
        start_date=today() - timedelta(days=40),
        source="decision:1",
        unit=orgs["finance"],
        officer=officer,
    )
    Obligation.objects.filter(pk=made.pk).update(due_date=due)  # the test's own clock
    return made


def _propose(personas, person, who="nhaplieu", phone="0987654321") -> ChangeSet:
    return changesets.changeset_propose(
        acting_user=personas[who],
        personal_id=person.personal_id,
        operations=[{"op": "set", "section": "identity", "values": {"phone": phone}}],
        source_kind="paper",
        paper_confirmed_on=today(),
    )


# --- Work to do ---------------------------------------------------------------------------------


def test_work_page_lists_overdue_and_due_soon_with_dates_and_days_late(as_, personas, people, orgs):
    _obligation(people["an"], personas["quanly"], orgs, today() - timedelta(days=3))
    _obligation(people["an"], personas["nhaplieu"], orgs, today())
    response = as_("quanly").get(reverse("web:work"))
    html = response.content.decode()
    assert response.status_code == 200
    _clean(html)
    assert "Quá hạn" in html and "trễ 3 ngày" in html
    assert (today() - timedelta(days=3)).strftime("%d/%m/%Y") in html
    assert "Sắp đến hạn" in html and "hết hạn hôm nay" in html
    assert "Sở Tài chính" in html  # by unit
    # The reminder in the menu: quanly's own overdue obligation.
    assert re.search(r'class="nav-count">1<', html)


def test_the_work_page_records_whom_it_listed_like_the_api(as_, personas, people, orgs):
    _obligation(people["an"], personas["quanly"], orgs, today() - timedelta(days=3))
    _obligation(people["an"], personas["nhaplieu"], orgs, today())
    as_("quanly").get(reverse("web:work"))
    page = AuditEvent.objects.filter(action=AuditAction.SEARCH, purpose=Purpose.OBLIGATIONS)
    [event] = page
    assert event.outcome == AuditOutcome.ALLOW
    assert event.actor_user_id == personas["quanly"].pk
    assert event.detail["shown"] == [people["an"].personal_id] * 2  # overdue, then due soon
    assert event.detail["total"] == 2
    assert event.detail["query"] == {"status": "overdue,due_soon"}

    api = as_("quanly").get("/api/v1/obligations")
    assert api.status_code == 200
    [_, from_api] = page.order_by("seq")
    assert (from_api.action, from_api.outcome) == (event.action, event.outcome)
    assert sorted(from_api.detail["shown"]) == sorted(event.detail["shown"])
    assert from_api.detail.keys() == event.detail.keys()


def test_work_page_shows_nothing_outside_the_scope(as_, personas, people, orgs):
    _obligation(people["an"], personas["quanly"], orgs, today() - timedelta(days=3))
    response = as_("ngoai").get(reverse("web:work"))
    assert response.status_code == 200
    assert people["an"].personal_id not in response.content.decode()


def test_work_page_mine_keeps_only_my_obligations(as_, personas, people, orgs):
    _obligation(people["an"], personas["nhaplieu"], orgs, today() - timedelta(days=1))
    html = as_("quanly").get(reverse("web:work") + "?cua_toi=1").content.decode()
    assert "Không có việc nào quá hạn." in html


# --- Discrepancies ------------------------------------------------------------------------------


def test_a_clerk_reports_a_discrepancy_and_everyone_who_opens_the_dossier_sees_it(as_, people):
    pid = people["an"].personal_id
    client = as_("nhaplieu")
    form = client.get(reverse("web:discrepancy_report", args=[pid]))
    assert form.status_code == 200
    _clean(form.content.decode())
    response = client.post(
        reverse("web:discrepancy_report", args=[pid]),
        {"sections": ["identity"], "field": "identity.phone", "paper_says": "0900000000"},
    )
    assert response.status_code == 302
    assert Discrepancy.objects.filter(personal_id=pid, status=DiscrepancyStatus.OPEN).count() == 1
    html = as_("lanhdao").get(reverse("web:dossier", args=[pid])).content.decode()
    assert "Cảnh báo: hồ sơ điện tử đang có 1 sai lệch" in html
    listed = as_("quanly").get(reverse("web:discrepancies")).content.decode()
    assert pid in listed


def test_a_report_without_what_the_paper_says_is_refused_in_vietnamese(as_, people):
    pid = people["an"].personal_id
    response = as_("nhaplieu").post(
        reverse("web:discrepancy_report", args=[pid]), {"sections": ["identity"]}
    )
    assert response.status_code == 400
    assert "Cần ghi nội dung theo hồ sơ giấy." in response.content.decode()
    assert not Discrepancy.objects.exists()


def test_an_outsider_cannot_report_nor_see_a_discrepancy(as_, personas, people):
    pid = people["an"].personal_id
    found = discrepancies.discrepancy_report(
        acting_user=personas["nhaplieu"], personal_id=pid, sections=["identity"], paper_says="x"
    )
    client = as_("ngoai")
    assert client.get(reverse("web:discrepancy_report", args=[pid])).status_code == 404
    assert client.get(reverse("web:discrepancy", args=[found.pk])).status_code == 404
    assert pid not in client.get(reverse("web:discrepancies")).content.decode()


def test_the_records_manager_resolves_with_a_signature_and_the_clerk_is_refused(
    as_, personas, people
):
    pid = people["an"].personal_id
    found = discrepancies.discrepancy_report(
        acting_user=personas["nhaplieu"], personal_id=pid, sections=["identity"], paper_says="x"
    )
    url = reverse("web:discrepancy_resolve", args=[found.pk])
    refused = as_("nhaplieu").post(url, {"note": "Đã đối chiếu"})
    assert refused.status_code == 400
    assert "Chỉ cán bộ quản lý hồ sơ phụ trách mới xác minh sai lệch." in refused.content.decode()
    empty = as_("quanly").post(url, {"note": ""})
    assert "Cần ghi kết quả xác minh." in empty.content.decode()
    done = as_("quanly").post(url, {"note": "Đã đối chiếu, hồ sơ giấy đúng"})
    assert done.status_code == 302
    found.refresh_from_db()
    assert found.status == DiscrepancyStatus.RESOLVED and found.signature_cms
    assert as_("quanly").get(url).status_code == 405


# --- Change-set review --------------------------------------------------------------------------


def test_the_records_manager_sees_the_diff_and_approves(as_, personas, people):
    proposal = _propose(personas, people["an"])
    client = as_("quanly")
    listed = client.get(reverse("web:changesets")).content.decode()
    assert f"Số {proposal.pk}" in listed
    detail = client.get(reverse("web:changeset", args=[proposal.pk]))
    html = detail.content.decode()
    _clean(html)
    assert "Thông tin chung" in html and "0912345678" in html and "0987654321" in html
    response = client.post(reverse("web:changeset_approve", args=[proposal.pk]), follow=True)
    assert "Đã phê duyệt và ký đề xuất" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == ChangeStatus.APPLIED


def test_self_approval_and_an_empty_rejection_are_refused_in_vietnamese(as_, personas, people):
    proposal = _propose(personas, people["an"], who="quanly")
    client = as_("quanly")
    response = client.post(reverse("web:changeset_approve", args=[proposal.pk]), follow=True)
    assert "Người đề xuất không được tự phê duyệt." in response.content.decode()
    other = _propose(personas, people["an"], phone="0911111111")
    rejected = client.post(reverse("web:changeset_reject", args=[other.pk]), {"reason": ""})
    assert rejected.status_code == 400
    assert "Cần ghi lý do từ chối." in rejected.content.decode()
    ok = client.post(reverse("web:changeset_reject", args=[other.pk]), {"reason": "Sai số"})
    assert ok.status_code == 302
    other.refresh_from_db()
    assert other.status == ChangeStatus.REJECTED


def test_a_frozen_proposal_is_refused_with_the_discrepancy_named(as_, personas, people):
    proposal = _propose(personas, people["an"])
    discrepancies.discrepancy_report(
        acting_user=personas["lanhdao"],
        personal_id=people["an"].personal_id,
        sections=["identity"],
        paper_says="x",
    )
    response = as_("quanly").post(reverse("web:changeset_approve", args=[proposal.pk]), follow=True)
    assert "chưa được phê duyệt thay đổi dựa trên hồ sơ giấy" in response.content.decode()


def test_only_records_managers_review_change_sets(as_, personas, people):
    proposal = _propose(personas, people["an"])
    for who in ("nhaplieu", "lanhdao", "ngoai"):
        client = as_(who)
        assert client.get(reverse("web:changesets")).status_code == 404
        assert client.get(reverse("web:changeset", args=[proposal.pk])).status_code == 404
        assert client.post(reverse("web:changeset_approve", args=[proposal.pk])).status_code == 404


# --- Versions -----------------------------------------------------------------------------------


def test_versions_list_as_of_compare_and_signature_check(as_, personas, people):
    pid = people["an"].personal_id
    changesets.changeset_approve(
        acting_user=personas["quanly"], changeset_id=_propose(personas, people["an"]).pk
    )
    client = as_("lanhdao")
    url = reverse("web:versions", args=[pid])
    html = client.get(url).content.decode()
    _clean(html)
    assert "Số 1" in html and "Số 2" in html and "quanly" in html
    checked = client.get(url + "?kiem_tra=2").content.decode()
    assert "HỢP LỆ" in checked and "quanly" in checked
    masked = client.get(url + "?tu=1&den=2").content.decode()
    assert "Số điện thoại" in masked and "0987654321" not in masked  # the leader's ceiling
    compared = as_("quanly").get(url + "?tu=1&den=2").content.decode()
    assert "0912345678" in compared and "0987654321" in compared
    client = as_("lanhdao")
    as_of = client.get(url + "?ngay=" + today().strftime("%d/%m/%Y")).content.decode()
    assert "Phiên bản số 2" in as_of
    bad = client.get(url + "?ngay=31-12-2025").content.decode()
    assert "không đúng dạng dd/mm/yyyy" in bad
    pre = client.get(url + "?kiem_tra=1").content.decode()
    assert "không có chữ ký phê duyệt" in pre


def test_versions_are_404_outside_the_gate(as_, people):
    url = reverse("web:versions", args=[people["an"].personal_id])
    assert as_("ngoai").get(url).status_code == 404
    assert as_("nhaplieu").get(reverse("web:versions", args=["999999999999"])).status_code == 404


# --- Self-service -------------------------------------------------------------------------------


def test_the_employee_proposes_a_correction_of_their_own_dossier(as_, employee, people):
    client = as_(employee)
    url = reverse("web:self_correction")
    page = client.get(url)
    assert page.status_code == 200
    _clean(page.content.decode())
    response = client.post(
        url, {"loai": "truong", "f-field": "phone", "f-value": "0988888888", "f-note": "CCCD"}
    )
    assert response.status_code == 302
    proposal = ChangeSet.objects.get(personal_id=people["an"].personal_id)
    assert proposal.source_kind == "self" and proposal.proposer == employee
    bad = client.post(
        url,
        {
            "loai": "dao-tao",
            "t-kind": "professional",
            "t-institution": "Học viện",
            "t-field_of_study": "Luật",
            "t-from_date": "2030-01-01",
        },
    )
    assert bad.status_code == 400
    assert ChangeSet.objects.count() == 1


def test_self_service_is_404_for_officers(as_):
    assert as_("nhaplieu").get(reverse("web:self_correction")).status_code == 404
    assert as_("quanly").get(reverse("web:self_correction")).status_code == 404


# --- Demo data ----------------------------------------------------------------------------------


def test_the_demo_has_work_waiting_made_once(tmp_path, settings, monkeypatch):
    from io import StringIO

    from hoso.access.models import User
    from hoso.demo import node
    from hoso.demo.plan import WORK

    settings.DATA_DIR = tmp_path
    monkeypatch.setattr(node, "catalog_load_builtin", lambda: [])
    node.demo_setup(people=400, seed=1, stdout=StringIO(), progress=False)
    scope = obligations.obligation_scope(User.objects.get(username="quanly"))
    assert obligations.overdue(scope=scope).count() == WORK.overdue
    assert obligations.due_soon(scope=scope).exists()
    assert Discrepancy.objects.filter(status=DiscrepancyStatus.OPEN).count() == (
        WORK.open_discrepancies
    )
    assert ChangeSet.objects.filter(status=ChangeStatus.PROPOSED, source_kind="decision").exists()
    before = ChangeSet.objects.count()
    node.demo_setup(people=400, seed=1, stdout=StringIO(), progress=False)
    assert ChangeSet.objects.count() == before
