"""Dossier entry pages (issue 10 items 1, 2 and 5; R-10D-CREATE, R-EQUIV, R-CLEAN): create a
dossier from the personal id section by section as a draft, submit it, correct a section of
an existing dossier; every bad input refused next to its field, the form keeping what was
typed, nothing saved half-way; the stale form refused with what changed."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pytest
from django.urls import reverse

from conftest import dossier
from hoso import identity
from hoso.changes.models import ChangeSet, ChangeStatus, Obligation
from hoso.changes.services import changesets
from hoso.core.dates import today
from hoso.people.models import Person

pytestmark = pytest.mark.django_db

_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
NEW_ID = identity.generate(province_code="001", birth_year=1990, sex="F", serial=777)


@pytest.fixture
def people(make_dossier) -> dict:
    return {
        "an": make_dossier(full_name="Nguyễn Văn An", birth_date=date(1985, 3, 14)),
        "hoa": make_dossier(full_name="Đặng Thị Hoa", sex="F", unit="T01.XA"),
    }


def _start(client, pid=NEW_ID):
    return client.post(reverse("web:entry_start"), {"personal_id": pid, "action": "start"})


def _draft(user) -> ChangeSet:
    return ChangeSet.objects.get(proposer=user, status=ChangeStatus.DRAFT)


def _section(client, draft, key, data, row=None):
    url = reverse("web:entry_section", args=[draft.pk, key])
    body = {"action": "save", **data}
    if row is not None:
        body["dong"] = row
    return client.post(url, body)


IDENTITY = {
    "full_name": "Hoàng Thị Mai",
    "birth_date": "12/04/1990",
    "sex": "F",
    "birth_place": "Xã Đông Ngạc, Hà Nội",
    "birth_place_code": "01",
    "ethnicity": "01",
    "nationality": "VN",
}
EMPLOYMENT = {
    "staff_category": "civil_servant",
    "managing_agency": "T01",
    "current_unit": "T01.STC",
    "status": "working",
    "recruitment_date": "01/09/2013",
}


def test_the_start_page_checks_the_id_at_once_and_says_what_it_says(as_, people):
    client = as_("nhaplieu")
    page = client.get(reverse("web:entry_start"))
    assert page.status_code == 200 and "Nhập hồ sơ mới" in page.content.decode()
    checked = client.post(reverse("web:entry_start"), {"personal_id": NEW_ID, "action": "check"})
    html = checked.content.decode()
    assert checked.status_code == 200
    assert "Giới tính: Nữ" in html and "Năm sinh: 1990" in html and "Bắt đầu nhập" in html
    bad = client.post(reverse("web:entry_start"), {"personal_id": "0010851234", "action": "start"})
    assert bad.status_code == 400 and 'value="0010851234"' in bad.content.decode()
    assert "12 chữ số" in bad.content.decode()
    assert not ChangeSet.objects.exists()
    assert not _INLINE_SCRIPT.search(html)


def test_an_id_with_a_dossier_is_refused_without_telling_more(as_, people):
    client = as_("nhaplieu")
    for person in (people["an"], people["hoa"]):  # one the clerk may open, one not
        response = _start(client, person.personal_id)
        html = response.content.decode()
        assert response.status_code == 400
        assert "đã có hồ sơ trên hệ thống" in html
        assert person.full_name not in html
    assert not ChangeSet.objects.exists()


def test_readers_without_a_writing_duty_do_not_get_the_pages(as_, people):
    for who in ("lanhdao", "thanhtra", "quantri"):
        client = as_(who)
        assert client.get(reverse("web:entry_start")).status_code == 404
        assert _start(client).status_code == 404
        assert (
            client.get(reverse("web:dossier_edit", args=[people["an"].personal_id])).status_code
            == 404
        )
    assert not ChangeSet.objects.exists()


def test_a_clerk_creates_a_dossier_section_by_section_and_a_manager_approves(as_, personas, people):
    client = as_("nhaplieu")
    started = _start(client)
    draft = _draft(personas["nhaplieu"])
    assert (
        started.status_code == 302 and f"/ban-nhap/{draft.pk}/muc/identity/" in started["Location"]
    )
    page = client.get(started["Location"])
    html = page.content.decode()
    assert "Họ và tên khai sinh" in html and 'list="dm-ethnicity"' in html
    assert "Giới tính: Nữ" in html  # what the id says, beside the form
    assert _section(client, draft, "identity", IDENTITY).status_code == 302
    assert _section(client, draft, "employment", EMPLOYMENT).status_code == 302
    row = {"from_date": "01/09/2013", "rank_code": "01.003", "step": "1", "coefficient": "2,34"}
    assert _section(client, draft, "salary", row).status_code == 302
    work = {"from_date": "01/09/2013", "unit_name": "Sở Tài chính", "title": "Chuyên viên"}
    assert _section(client, draft, "work_history", work).status_code == 302
    overview = client.get(reverse("web:entry_draft", args=[draft.pk]))
    assert overview.status_code == 200 and "Gửi phê duyệt" in overview.content.decode()
    # Nothing is proposed yet: the manager's list does not show the draft.
    manager = as_("quanly")
    assert f"/de-xuat/{draft.pk}/" not in manager.get(reverse("web:changesets")).content.decode()
    assert manager.get(reverse("web:changeset", args=[draft.pk])).status_code == 404
    client = as_("nhaplieu")
    confirmed = (today() - timedelta(days=2)).strftime("%d/%m/%Y")
    sent = client.post(
        reverse("web:entry_draft", args=[draft.pk]),
        {"action": "submit", "source_kind": "paper", "paper_confirmed_on": confirmed},
    )
    assert sent.status_code == 302, sent.content.decode()[:3000]
    draft.refresh_from_db()
    assert draft.status == ChangeStatus.PROPOSED
    obligation = Obligation.objects.get(changeset=draft)
    assert obligation.done_at is None
    manager = as_("quanly")
    listed = manager.get(reverse("web:changesets")).content.decode()
    assert f"/de-xuat/{draft.pk}/" in listed
    detail = manager.get(reverse("web:changeset", args=[draft.pk])).content.decode()
    assert "Hoàng Thị Mai" in detail and "2,34" in detail or "2.34" in detail
    changesets.changeset_approve(acting_user=personas["quanly"], changeset_id=draft.pk)
    person = Person.objects.get(personal_id=NEW_ID)
    assert person.full_name == "Hoàng Thị Mai" and person.current_unit.code == "T01.STC"
    obligation.refresh_from_db()
    assert obligation.done_at is not None


@pytest.mark.parametrize(
    ("section", "data", "field", "message"),
    [
        ("identity", {**IDENTITY, "birth_date": "31/02/1990"}, "birth_date", "dd/mm/yyyy"),
        ("identity", {**IDENTITY, "birth_date": "12/04/2999"}, "birth_date", "ở tương lai"),
        ("identity", {**IDENTITY, "sex": "M"}, None, "Giới tính"),
        ("identity", {**IDENTITY, "ethnicity": "Người sao Hỏa"}, "ethnicity", "không có trong"),
        ("employment", {**EMPLOYMENT, "current_unit": "X99"}, "current_unit", "cây tổ chức"),
        (
            "training",
            {
                "kind": "professional",
                "institution": "Học viện Tài chính",
                "from_date": "01/09/2010",
                "to_date": "01/09/2008",
            },
            "to_date",
            "trước ngày bắt đầu",
        ),
    ],
)
def test_bad_input_is_refused_next_to_the_field_keeping_what_was_typed(
    as_, personas, people, section, data, field, message
):
    client = as_("nhaplieu")
    _start(client)
    draft = _draft(personas["nhaplieu"])
    if section != "identity":
        _section(client, draft, "identity", IDENTITY)
    before = ChangeSet.objects.get(pk=draft.pk).operations
    response = _section(client, draft, section, data)
    html = response.content.decode()
    assert response.status_code == 400
    assert message in html
    typed = next(v for k, v in data.items() if k == (field or "sex"))
    assert f'value="{typed}"' in html or f'value="{typed}" selected' in html or typed in html
    assert ChangeSet.objects.get(pk=draft.pk).operations == before  # nothing saved


def test_overlapping_work_periods_are_refused(as_, personas, people):
    client = as_("nhaplieu")
    _start(client)
    draft = _draft(personas["nhaplieu"])
    _section(client, draft, "identity", IDENTITY)
    first = {"from_date": "01/09/2013", "to_date": "31/12/2018", "unit_name": "A", "title": "B"}
    assert _section(client, draft, "work_history", first).status_code == 302
    second = {"from_date": "01/06/2018", "unit_name": "C", "title": "D"}
    response = _section(client, draft, "work_history", second)
    assert response.status_code == 400
    assert "chồng lên" in response.content.decode()
    data = json.loads(ChangeSet.objects.get(pk=draft.pk).operations)[0]["data"]
    assert len(data["work_history"]) == 1


def test_a_second_clerk_cannot_open_anothers_draft(as_, personas, people, orgs):
    from hoso.access.models import Role
    from hoso.access.services import role_assign, user_create

    client = as_("nhaplieu")
    _start(client)
    draft = _draft(personas["nhaplieu"])
    other = user_create(acting_user=None, username="nhaplieu2", password="x" * 14, full_name="N2")
    role_assign(
        acting_user=None,
        user=other,
        role=Role.CLERK,
        organization=orgs["finance"],
        valid_from=date(2025, 7, 1),
    )
    client = as_(other)
    assert client.get(reverse("web:entry_draft", args=[draft.pk])).status_code == 404
    assert _section(client, draft, "identity", IDENTITY).status_code == 404
    assert (
        client.post(reverse("web:entry_draft", args=[draft.pk]), {"action": "discard"}).status_code
        == 404
    )
    assert ChangeSet.objects.filter(pk=draft.pk).exists()


def _edit_row(client, person, key, data, row):
    url = reverse("web:dossier_edit_section", args=[person.personal_id, key])
    return client.post(url, {"action": "save", "dong": row, **data})


def test_a_history_row_is_corrected_and_the_approver_sees_the_field_diff(as_, personas, people):
    person = people["an"]
    client = as_("nhaplieu")
    page = client.get(reverse("web:dossier_edit_section", args=[person.personal_id, "salary"]))
    html = page.content.decode()
    assert page.status_code == 200 and "2,67" in html or "2.67" in html
    edit = client.get(
        reverse("web:dossier_edit_section", args=[person.personal_id, "salary"]) + "?dong=1"
    )
    assert 'value="01/09/2011"' in edit.content.decode()
    saved = _edit_row(
        client,
        person,
        "salary",
        {
            "from_date": "01/09/2011",
            "rank_code": "01.003",
            "step": "2",
            "coefficient": "2,67",
            "over_frame_percent": "0",
            "position_allowance": "0",
            "decision_number": "15/QĐ-STC",
            "base_version": "0",
        },
        1,
    )
    assert saved.status_code == 302, saved.content.decode()[:2000]
    draft = _draft(personas["nhaplieu"])
    assert json.loads(draft.operations) == [
        {"op": "correct", "section": "salary", "index": 1, "row": {"decision_number": "15/QĐ-STC"}}
    ]
    client.post(
        reverse("web:entry_draft", args=[draft.pk]),
        {"action": "submit", "source_kind": "paper", "paper_confirmed_on": "01/11/2026"},
    )
    draft.refresh_from_db()
    assert draft.status == ChangeStatus.PROPOSED
    detail = as_("quanly").get(reverse("web:changeset", args=[draft.pk])).content.decode()
    assert "Số quyết định" in detail and "15/QĐ-STC" in detail
    assert detail.count("<tr><td>Ngạch, bậc") == 1  # one field changed, one row of the diff


def test_a_stale_form_is_refused_with_the_diff_and_keeps_what_was_typed(as_, personas, people):
    person = people["an"]
    client = as_("nhaplieu")
    form = client.get(reverse("web:dossier_edit_section", args=[person.personal_id, "identity"]))
    base = re.search(r'name="base_version" value="(\d+)"', form.content.decode()).group(1)
    # Meanwhile a records manager's change is approved by another one.
    proposal = changesets.changeset_propose(
        acting_user=personas["nhaplieu"],
        personal_id=person.personal_id,
        operations=[{"op": "set", "section": "identity", "values": {"phone": "0987000111"}}],
        source_kind="paper",
        paper_confirmed_on=today(),
    )
    changesets.changeset_approve(acting_user=personas["quanly"], changeset_id=proposal.pk)
    data = dossier()["identity"]
    posted = {
        k: v for k, v in data.items() if k not in {"personal_id", "birth_date", "id_issue_date"}
    }
    posted |= {"birth_date": "14/03/1985", "id_issue_date": "10/05/2021", "base_version": base}
    posted["current_residence"] = "Số 9 Tràng Tiền, Hà Nội"
    response = client.post(
        reverse("web:dossier_edit_section", args=[person.personal_id, "identity"]),
        {"action": "save", **posted},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "sau khi bạn mở biểu mẫu" in html
    assert "Số điện thoại" in html and "0987000111" in html  # what changed, as they may see it
    assert 'value="Số 9 Tràng Tiền, Hà Nội"' in html  # what was typed is kept
    assert not ChangeSet.objects.filter(status=ChangeStatus.DRAFT).exists()


def test_unit_search_answers_codes_and_names(as_, people):
    client = as_("nhaplieu")
    found = client.get(reverse("web:entry_units"), {"q": "tài chính"}).json()["results"]
    assert {"code": "T01.STC", "name": "Sở Tài chính"} in found
    assert client.get(reverse("web:entry_units"), {"q": "T01.ST"}).json()["results"]


def test_the_employee_requests_a_correction_of_any_section(client, as_, employee, personas):
    as_(employee)
    page = client.get(reverse("web:self_correction"))
    assert reverse("web:self_correction_section", args=["work_history"]) in page.content.decode()
    url = reverse("web:self_correction_section", args=["work_history"])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "from_date": "01/01/2003",
            "to_date": "31/12/2005",
            "unit_name": "Trường X",
            "title": "Giáo viên",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    proposal = ChangeSet.objects.get(proposer=employee)
    assert proposal.source_kind == "self" and proposal.status == ChangeStatus.PROPOSED
    assert json.loads(proposal.operations)[0]["op"] == "add"
    bad = client.post(url, {"from_date": "01/01/2999", "unit_name": "Y", "title": "Z"})
    assert bad.status_code == 400 and "tương lai" in bad.content.decode()
    assert (
        client.get(reverse("web:self_correction_section", args=["protection"])).status_code == 404
    )


def test_a_draft_is_submitted_stale_then_carried_over_or_discarded(as_, personas, people):
    person = people["an"]
    client = as_("nhaplieu")
    overview = client.get(reverse("web:dossier_edit", args=[person.personal_id]))
    assert overview.status_code == 200 and "Tóm tắt quá trình công tác" in overview.content.decode()
    work = {
        "from_date": "01/01/2003",
        "to_date": "31/08/2008",
        "unit_name": "Trường X",
        "title": "GV",
    }
    url = reverse("web:dossier_edit_section", args=[person.personal_id, "work_history"])
    assert client.post(url, {"action": "save", "base_version": 0, **work}).status_code == 302
    draft = _draft(personas["nhaplieu"])
    # The edit page now leads to the draft.
    again = client.get(reverse("web:dossier_edit", args=[person.personal_id]))
    assert again.status_code == 302 and again["Location"].endswith(f"/ban-nhap/{draft.pk}/")
    proposal = changesets.changeset_propose(
        acting_user=personas["nhaplieu"],
        personal_id=person.personal_id,
        operations=[{"op": "set", "section": "identity", "values": {"phone": "0987000222"}}],
        source_kind="paper",
        paper_confirmed_on=today(),
    )
    changesets.changeset_approve(acting_user=personas["quanly"], changeset_id=proposal.pk)
    body = {"action": "submit", "source_kind": "paper", "paper_confirmed_on": "01/11/2026"}
    refused = client.post(reverse("web:entry_draft", args=[draft.pk]), body)
    html = refused.content.decode()
    assert refused.status_code == 400 and "0987000222" in html and "Chuyển bản nháp" in html
    assert ChangeSet.objects.get(pk=draft.pk).status == ChangeStatus.DRAFT
    client.post(reverse("web:entry_draft", args=[draft.pk]), {"action": "rebase"})
    sent = client.post(reverse("web:entry_draft", args=[draft.pk]), body)
    assert sent.status_code == 302
    assert ChangeSet.objects.get(pk=draft.pk).status == ChangeStatus.PROPOSED
    # Another draft, thrown away.
    client.post(url, {"action": "save", **work, "from_date": "01/01/2002", "to_date": "31/12/2002"})
    other = _draft(personas["nhaplieu"])
    gone = client.post(reverse("web:entry_draft", args=[other.pk]), {"action": "discard"})
    assert gone.status_code == 302 and not ChangeSet.objects.filter(pk=other.pk).exists()


def test_the_submission_names_what_is_missing_by_section(as_, personas, people):
    client = as_("nhaplieu")
    _start(client)
    draft = _draft(personas["nhaplieu"])
    _section(client, draft, "identity", IDENTITY)
    body = {"action": "submit", "source_kind": "paper", "paper_confirmed_on": ""}
    refused = client.post(reverse("web:entry_draft", args=[draft.pk]), body)
    html = refused.content.decode()
    assert refused.status_code == 400
    assert "Cần ngày xác nhận hồ sơ giấy" in html
    future = {**body, "paper_confirmed_on": "01/01/2999"}
    html = client.post(reverse("web:entry_draft", args=[draft.pk]), future).content.decode()
    assert "tương lai" in html
    body["paper_confirmed_on"] = "01/11/2026"
    html = client.post(reverse("web:entry_draft", args=[draft.pk]), body).content.decode()
    assert "Thiếu đơn vị" in html  # employment, named on its section's row
    assert ChangeSet.objects.get(pk=draft.pk).status == ChangeStatus.DRAFT
    assert not Obligation.objects.exists()
