"""Completeness against the dossier standard on the pages (R-COMPLETE, R-DIGITIZE): the
dossier's block (missing fields, format problems with the reason, missing components, each
linked to where it is fixed; hidden items counted, not named) and a unit's worklist (counts by
data group equal to the per-dossier results, filters, the listing audited)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse
from tests.documents.components_common import (
    component_of,
    documents_sandbox,  # noqa: F401 (fixture)
    small_image,
)

from conftest import login
from hoso.access import policies
from hoso.audit.models import AuditAction, AuditEvent
from hoso.audit.purposes import Purpose
from hoso.documents.selectors.completeness import dossier_findings, group_counts, unit_findings
from hoso.orgs.selectors import org_get
from hoso.people.standard import COMPONENT_GROUP

pytestmark = pytest.mark.django_db

_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def worklist(response) -> str:
    """The worklist part of the unit page (the filter lists every rule of the standard)."""
    return body(response).split('id="worklist"')[1]


def body(response) -> str:
    assert response.status_code == 200, response.status_code
    return _CSRF.sub("", response.content.decode())


@pytest.fixture
def as_(client, personas):
    return lambda who: login(client, personas[who])


def scan_of(person, user, kind):
    return component_of(person, (small_image(), ""), user, kind=kind, title=kind)


# --- one dossier ------------------------------------------------------------------------------


def test_the_dossier_lists_missing_fields_bad_formats_and_missing_components(
    as_, make_dossier, personas
):
    person = make_dossier(
        identity={"phone": "12345", "social_insurance_number": ""}, career_events=[]
    )
    scan_of(person, personas["nhaplieu"], "resume")
    page = body(as_("quanly").get(reverse("web:dossier", args=[person.personal_id])))
    assert "Còn thiếu 1 mục bắt buộc" in page
    assert "Thiếu: Thông tin chung: Số sổ BHXH." in page
    assert "Có 1 trường sai định dạng" in page
    assert "Số điện thoại gồm 10 chữ số, bắt đầu bằng 0: «12345»." in page
    components = reverse("web:components", args=[person.personal_id])
    assert "thành phần hồ sơ chưa số hóa" in page
    assert f'<a href="{components}">Chưa có bản quét: Bản sao giấy khai sinh đã số hóa.</a>' in page
    # a training row exists: its diploma is due; no career event: no decision scan asked for
    assert "Bản sao văn bằng, chứng chỉ đã số hóa" in page
    assert "Quyết định nhân sự đã số hóa" not in page
    assert "Chưa có bản quét: Sơ yếu lý lịch" not in page  # on file
    # a field links to where it is fixed: the section's entry form, or its section here
    fix = reverse("web:dossier_edit_section", args=[person.personal_id, "identity"])
    assert f'href="{fix}"' in page  # quanly may correct it
    leader = body(as_("lanhdao").get(reverse("web:dossier", args=[person.personal_id])))
    assert f'href="{fix}"' not in leader  # a reader is sent to the section instead


def test_a_complete_dossier_says_so(as_, make_dossier, personas):
    person = make_dossier(career_events=[])
    for kind in (
        "resume",
        "birth_certificate",
        "health_certificate",
        "judicial_record",
        "recruitment_decision",
        "diploma",
        "evaluation_record",
    ):
        scan_of(person, personas["nhaplieu"], kind)
    page = body(as_("quanly").get(reverse("web:dossier", args=[person.personal_id])))
    assert "Hồ sơ đã đủ theo chuẩn" in page
    assert "Chưa có bản quét" not in page


def test_a_hidden_item_is_counted_not_named(as_, make_dossier):
    # A leader reads up to "personal": not the phone nor the insurance number ("sensitive").
    person = make_dossier(identity={"phone": "12345", "social_insurance_number": "123"})
    page = body(as_("lanhdao").get(reverse("web:dossier", args=[person.personal_id])))
    assert "Số điện thoại gồm 10 chữ số" not in page  # the field itself shows as masked
    assert "Mã số bảo hiểm xã hội" not in page
    # components are named where some field of the section they prove may be seen
    assert "Giấy chứng nhận sức khỏe đã số hóa" in page
    assert "thuộc phần thông tin bạn không được xem (2 mục)" in page
    quanly = body(as_("quanly").get(reverse("web:dossier", args=[person.personal_id])))
    assert "Số điện thoại gồm 10 chữ số" in quanly and "Mã số bảo hiểm xã hội" in quanly
    assert "thuộc phần thông tin bạn không được xem" not in quanly


# --- a unit -----------------------------------------------------------------------------------


@pytest.fixture
def unit_people(make_dossier, personas):
    clerk = personas["nhaplieu"]
    full = make_dossier(full_name="Lê Thị Đủ", sex="F", career_events=[])
    for kind in (
        "resume",
        "birth_certificate",
        "health_certificate",
        "judicial_record",
        "recruitment_decision",
        "diploma",
        "evaluation_record",
    ):
        scan_of(full, clerk, kind)
    phone = make_dossier(full_name="Phạm Văn Điện", identity={"phone": "12345"})
    gaps = make_dossier(
        full_name="Hoàng Văn Thiếu",
        health=[],
        identity={"social_insurance_number": "", "phone": "12"},
    )
    other = make_dossier(full_name="Ngô Văn Xã", unit="T01.XA")
    return {"full": full, "phone": phone, "gaps": gaps, "other": other}


def test_the_unit_worklist_counts_equal_the_per_dossier_results(as_, unit_people, personas):
    page = body(as_("quanly").get(reverse("web:completeness_unit", args=["T01.STC"])))
    rows = unit_findings(personas["quanly"], org_get("T01.STC"))
    assert [r.person.full_name for r in rows] == ["Hoàng Văn Thiếu", "Phạm Văn Điện", "Lê Thị Đủ"]
    for row in rows:  # each row is what the dossier page says of the same dossier
        access = policies.dossier_access(personas["quanly"], row.person.personal_id)
        assert (row.findings, row.hidden) == dossier_findings(access)
    counts = {g.group: (g.complete, g.incomplete) for g in group_counts(rows)}
    assert counts[1] == (1, 2)  # identity: the two bad phones (and a missing insurance number)
    assert counts[10] == (2, 1)  # health: the dossier without a health row
    assert counts[COMPONENT_GROUP] == (1, 2)
    assert counts[5] == (3, 0)
    # the page shows the same numbers, and only this unit's people
    assert "Ngô Văn Xã" not in page
    assert page.index("Hoàng Văn Thiếu") < page.index("Phạm Văn Điện")
    assert "Lê Thị Đủ" not in page  # nothing missing: not on the worklist
    assert re.search(
        r"1\. Định danh, nguồn gốc, mã số</th>\s*<td class=\"num\">1</td>\s*"
        r"<td class=\"num level--poor\">2</td>",
        page,
    )
    assert re.search(r"Thành phần hồ sơ \(bản quét\)</th>\s*<td class=\"num\">1</td>", page)
    stored = {r.person.full_name: r.person.missing_required for r in rows}
    assert stored["Lê Thị Đủ"] == 0 and stored["Hoàng Văn Thiếu"] == 3  # health, BHXH, phone
    event = AuditEvent.objects.filter(action=AuditAction.SEARCH).latest("seq")
    assert event.purpose == Purpose.COMPLETENESS
    assert set(event.detail["shown"]) == {
        unit_people["gaps"].personal_id,
        unit_people["phone"].personal_id,
    }
    assert event.detail["total"] == 2 and event.detail["query"]["unit"] == "T01.STC"


def test_the_worklist_filters_by_data_group_and_by_rule(as_, unit_people):
    client = as_("quanly")
    url = reverse("web:completeness_unit", args=["T01.STC"])
    health = worklist(client.get(url, {"nhom": "10"}))
    assert "Hoàng Văn Thiếu" in health and "Phạm Văn Điện" not in health
    assert "Thiếu: Có ít nhất một dòng «Sức khỏe»." in health
    assert "Số sổ BHXH" not in health  # only the items of the group
    phone = worklist(client.get(url, {"quy_tac": "phone_format"}))
    assert "Phạm Văn Điện" in phone and "Hoàng Văn Thiếu" in phone
    assert "Số sổ BHXH" not in phone
    scans = worklist(client.get(url, {"nhom": "0"}))
    assert "Chưa có bản quét: Sơ yếu lý lịch" in scans and "Thiếu:" not in scans
    nothing = body(client.get(url, {"nhom": "8"}))
    assert "Không có hồ sơ nào thiếu theo bộ lọc này." in nothing
    ignored = body(client.get(url, {"quy_tac": "khong-co", "nhom": "99"}))
    assert "Hoàng Văn Thiếu" in ignored  # an unknown filter is no filter


def test_the_worklist_shows_no_one_outside_the_readers_scope(as_, unit_people):
    page = body(as_("ngoai").get(reverse("web:completeness_unit", args=["T01.STC"])))
    for person in unit_people.values():
        assert person.full_name not in page and person.personal_id not in page
    assert "Mọi hồ sơ của đơn vị đã đủ theo chuẩn." in page
    missing = as_("quanly").get(reverse("web:completeness_unit", args=["KHONG-CO"]))
    assert missing.status_code == 404


def test_the_worklist_hides_items_the_reader_may_not_see(as_, unit_people):
    page = worklist(as_("lanhdao").get(reverse("web:completeness_unit", args=["T01.STC"])))
    assert "Phạm Văn Điện" in page  # still listed: the components of identity are visible
    assert "Số điện thoại" not in page
    assert "mục thuộc phần thông tin bạn không được xem" in page


def test_the_overview_counts_missing_components_and_links_each_unit_worklist(as_, unit_people):
    page = body(as_("quanly").get(reverse("web:completeness")))
    assert "Thiếu bản quét" in page
    assert reverse("web:completeness_unit", args=["T01.STC"]) in page
    assert "hồ sơ chưa số hóa đủ thành phần" in page
    assert re.search(
        r"<span class=\"stats__value\">3</span> hồ sơ chưa số hóa đủ thành phần", page
    )  # two in T01.STC and the one of T01.XA


def test_the_stored_value_counts_the_standards_field_rules_not_the_components(make_dossier):
    person = make_dossier(identity={"phone": "12345"}, birth_date=date(1985, 3, 14))
    assert person.missing_required == 1 and 0 < person.completeness < 1


def test_the_worklist_is_paged_and_a_page_comes_alone_to_htmx(as_, unit_people, settings):
    settings.HOSO_PAGE_SIZE = 1
    client = as_("quanly")
    url = reverse("web:completeness_unit", args=["T01.STC"])
    first = worklist(client.get(url))
    assert "Hoàng Văn Thiếu" in first and "Phạm Văn Điện" not in first
    assert "Trang 1 / 2" in first
    second = client.get(url, {"page": "2"}, HTTP_HX_REQUEST="true")
    part = second.content.decode()
    assert "<html" not in part and "Phạm Văn Điện" in part and "Trang 2 / 2" in part
    event = AuditEvent.objects.filter(action=AuditAction.SEARCH).latest("seq")
    assert event.detail["shown"] == [unit_people["phone"].personal_id]
    assert event.detail["query"]["page"] == 2
