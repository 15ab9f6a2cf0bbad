"""The personnel decision pages (issue 10 item 3; R-10D-DECISION, R-APPOINT-SAFE): choose a
type, the form asks its parameters, preview the change and the rules' verdicts, attach the
scan and save; the over-quota warning and its reason; every bad input refused next to its
field with what was typed kept and nothing written; the list of a dossier's decisions."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, ImageDraw
from tests.documents.components_common import documents_sandbox  # noqa: F401 (fixture)

from hoso.catalog.selectors import attrs_of
from hoso.changes.models import ChangeSet, ChangeStatus, Obligation, PersonnelDecision
from hoso.changes.services.changesets import changeset_approve
from hoso.changes.services.decisions import decision_register
from hoso.core.dates import today
from hoso.documents.models import Component
from hoso.orgs.models import Organization, StaffingQuota

pytestmark = pytest.mark.django_db

BASIS = "Quyết định số 12/QĐ-UBND ngày 05/01/2026 giao biên chế công chức năm 2026"


def jpeg() -> bytes:
    image = Image.new("L", (600, 400), 255)
    ImageDraw.Draw(image).rectangle((40, 40, 240, 160), fill=0)
    out = io.BytesIO()
    image.save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def an(make_dossier):
    return make_dossier(full_name="Nguyễn Văn An")


def new_url(person, loai=""):
    url = reverse("web:decision_new", args=[person.personal_id])
    return f"{url}?loai={loai}" if loai else url


def form(decision_type="transfer", action="preview", scan=None, **fields):
    data = {
        "decision_type": decision_type,
        "number": "45/QĐ-UBND",
        "issuer": "Ủy ban nhân dân tỉnh Thử Nghiệm",
        "signed_date": "01/10/2026",
        "received_date": "05/10/2026",
        "effective_date": "15/10/2026",
        "summary": "",
        "p_organization": "T01.XA",
        "action": action,
    }
    if decision_type != "transfer":
        data.pop("p_organization")
    data |= fields
    if scan is not None:
        data["scan"] = scan
    return data


def a_scan(content=None, name="quyet-dinh.jpg"):
    return SimpleUploadedFile(name, jpeg() if content is None else content, "image/jpeg")


def nothing_written():
    return not (
        PersonnelDecision.objects.exists()
        or ChangeSet.objects.exists()
        or Obligation.objects.exists()
        or Component.objects.exists()
    )


def errors_of(response) -> str:
    return response.content.decode()


# --- Choosing a type: the form asks exactly its parameters ----------------------------------------


def test_the_type_picker_is_grouped_as_the_catalog_and_the_form_asks_the_types_parameters(as_, an):
    client = as_("nhaplieu")
    page = client.get(new_url(an)).content.decode()
    assert '<optgroup label="Tuyển dụng, tiếp nhận, điều động">' in page
    assert '<optgroup label="Lương, ngạch, chức danh nghề nghiệp">' in page
    assert "Ghi nhận cán bộ, công chức, viên chức từ trần" in page
    assert 'name="number"' not in page  # no form before a type is chosen
    transfer = client.get(new_url(an, "transfer")).content.decode()
    assert "Đơn vị mới" in transfer and 'name="p_organization"' in transfer
    assert "Ủy ban nhân dân xã Hòa Bình (T01.XA)" in transfer  # the unit picker
    assert 'name="p_rank_code"' not in transfer
    assert 'name="quota_reason"' in transfer  # a transfer joins a unit
    rank = client.get(new_url(an, "rank_change")).content.decode()
    assert 'name="p_rank_code"' in rank and 'name="p_step"' in rank
    assert 'name="p_organization"' not in rank and 'name="quota_reason"' not in rank
    raise_ = client.get(new_url(an, "salary_raise_regular")).content.decode()
    assert "không cần thêm thông tin" in raise_
    assert 'placeholder="dd/mm/yyyy"' in raise_


def test_an_unknown_type_is_refused_next_to_the_picker(as_, an):
    response = as_("nhaplieu").get(new_url(an, "thang_chuc"))
    assert response.status_code == 400
    assert "Loại quyết định «thang_chuc» không có trong danh mục." in response.content.decode()
    posted = as_("nhaplieu").post(new_url(an), form(decision_type="thang_chuc"))
    assert posted.status_code == 400 and nothing_written()


def test_only_a_clerk_or_records_manager_over_the_dossier_opens_the_form(as_, an, make_dossier):
    assert as_("nhaplieu").get(new_url(an, "transfer")).status_code == 200
    assert as_("quanly").get(new_url(an, "transfer")).status_code == 200
    for who in ("lanhdao", "thanhtra", "ngoai", "quantri"):
        response = as_(who).get(new_url(an, "transfer"))
        assert response.status_code == 404, who
        assert "Nguyễn Văn An" not in response.content.decode()
    other = make_dossier(unit="T01.XA", full_name="Trần Thị Bình", sex="F")
    refused = as_("nhaplieu").post(new_url(other), form(action="save", scan=a_scan()))
    assert refused.status_code == 404 and nothing_written()


# --- Preview, scan, save ------------------------------------------------------------------------


def test_the_preview_shows_the_change_and_the_rules_and_saves_nothing(as_, an):
    response = as_("nhaplieu").post(new_url(an), form())
    assert response.status_code == 200
    page = response.content.decode()
    assert "Xem trước" in page and "Thay đổi trên hồ sơ" in page
    assert "Sở Tài chính" in page and "Ủy ban nhân dân xã Hòa Bình" in page
    assert "Đạt:</strong> Đang công tác" in page
    assert attrs_of("eligibility_rule", "in_service")["legal_basis"] in page
    assert 'value="45/QĐ-UBND"' in page and 'value="15/10/2026"' in page  # kept
    assert nothing_written()


def test_saving_registers_the_decision_with_its_scan_linked_to_its_change_set(as_, an):
    client = as_("nhaplieu")
    response = client.post(new_url(an), form(action="save", scan=a_scan()))
    assert response.status_code == 302, errors_of(response)
    assert response["Location"] == reverse("web:decisions", args=[an.personal_id])
    decision = PersonnelDecision.objects.get()
    assert (decision.decision_type, decision.number) == ("transfer", "45/QĐ-UBND")
    assert decision.changeset.status == ChangeStatus.PROPOSED
    scan = Component.objects.get()
    assert (scan.kind, scan.changeset_id, scan.section) == (
        "decision",
        decision.changeset_id,
        "career_events",
    )
    assert scan.title == "Quyết định số 45/QĐ-UBND ngày 01/10/2026"
    assert Obligation.objects.get().changeset_id == decision.changeset_id
    listed = client.get(response["Location"]).content.decode()
    assert "Đã đăng ký quyết định số 45/QĐ-UBND" in listed
    assert "Điều động" in listed and "Chờ phê duyệt" in listed
    assert scan.title in listed and reverse("web:component_copy", args=[scan.pk]) in listed


def test_saving_needs_the_scan_and_a_broken_scan_leaves_nothing(as_, an):
    client = as_("nhaplieu")
    response = client.post(new_url(an), form(action="save"))
    assert response.status_code == 400
    assert "Đính kèm bản quét của quyết định trước khi lưu." in errors_of(response)
    assert nothing_written()
    broken = a_scan(b"%PDF-1.4 not really a pdf", name="quyet-dinh.pdf")
    response = client.post(new_url(an), form(action="save", scan=broken))
    assert response.status_code == 400
    page = errors_of(response)
    assert 'class="field field--error"' in page and 'value="45/QĐ-UBND"' in page
    assert nothing_written()


# --- Bad input, each next to its field, nothing written -------------------------------------------


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"signed_date": (today() + timedelta(days=3)).strftime("%d/%m/%Y")},
            "ở tương lai",
        ),
        ({"received_date": "20/09/2026"}, "trước ngày ký"),
        ({"effective_date": "31/02/2026"}, "Nhập ngày theo dạng dd/mm/yyyy"),
        ({"p_organization": "KHONG.CO"}, "Đơn vị mới: «KHONG.CO» không có trong danh mục."),
        ({"p_organization": ""}, "Thiếu đơn vị mới."),
        ({"p_organization": "T01.STC"}, "trùng với đơn vị hiện tại"),
        ({"number": ""}, "Thiếu số quyết định."),
    ],
)
def test_bad_input_is_refused_next_to_the_field_keeping_what_was_typed(as_, an, fields, message):
    response = as_("nhaplieu").post(new_url(an), form(action="save", scan=a_scan(), **fields))
    assert response.status_code == 400
    page = errors_of(response)
    assert message in page, page
    assert "field--error" in page
    assert 'value="Ủy ban nhân dân tỉnh Thử Nghiệm"' in page
    assert nothing_written()


def test_an_unknown_rank_is_refused(as_, an):
    response = as_("nhaplieu").post(
        new_url(an), form("rank_change", action="save", scan=a_scan(), p_rank_code="99.999")
    )
    assert response.status_code == 400
    assert "Ngạch mới: «99.999» không có trong danh mục." in errors_of(response)
    assert nothing_written()


def test_a_duplicate_registration_is_refused_next_to_the_number(as_, personas, an):
    decision_register(
        acting_user=personas["nhaplieu"],
        decision_type="transfer",
        number="45/QĐ-UBND",
        signed_date=date(2026, 10, 1),
        issuer="Ủy ban nhân dân tỉnh Thử Nghiệm",
        received_date=date(2026, 10, 5),
        effective_date=date(2026, 10, 15),
        personal_id=an.personal_id,
        parameters={"organization": "T01.XA"},
    )
    response = as_("nhaplieu").post(new_url(an), form(action="save", scan=a_scan()))
    assert response.status_code == 400
    assert "Quyết định số 45/QĐ-UBND của Ủy ban nhân dân tỉnh Thử Nghiệm đã được đăng ký" in (
        errors_of(response)
    )
    assert PersonnelDecision.objects.count() == 1 and not Component.objects.exists()


def test_a_running_discipline_blocks_a_raise_with_its_reason_and_basis(as_, personas, an):
    discipline = decision_register(
        acting_user=personas["nhaplieu"],
        decision_type="discipline",
        number="7/QĐ-KL",
        signed_date=date(2026, 10, 1),
        issuer="Sở Tài chính",
        received_date=date(2026, 10, 1),
        effective_date=date(2026, 10, 2),
        personal_id=an.personal_id,
        parameters={"form_code": "reprimand", "reason": "Vi phạm quy chế"},
    )
    changeset_approve(acting_user=personas["quanly"], changeset_id=discipline.changeset_id)
    response = as_("nhaplieu").post(
        new_url(an), form("salary_raise_regular", action="save", scan=a_scan())
    )
    assert response.status_code == 400
    page = errors_of(response)
    assert "Không đạt:</strong> Không trong thời hạn kỷ luật" in page
    assert attrs_of("eligibility_rule", "discipline_restriction")["legal_basis"] in page
    assert PersonnelDecision.objects.count() == 1  # the discipline only


# --- Over quota ----------------------------------------------------------------------------------


def test_a_transfer_into_a_full_unit_warns_and_needs_a_reason(as_, an, make_dossier):
    make_dossier(unit="T01.XA", full_name="Trần Thị Bình", sex="F")
    StaffingQuota.objects.create(
        organization=Organization.objects.get(code="T01.XA"),
        year=2026,
        staff_category="civil_servant",
        quota=1,
        legal_basis=BASIS,
    )
    client = as_("nhaplieu")
    preview = client.post(new_url(an), form()).content.decode()
    assert "Vượt chỉ tiêu biên chế." in preview
    assert "Chỉ tiêu biên chế năm 2026 của Ủy ban nhân dân xã Hòa Bình" in preview
    assert BASIS in preview
    refused = client.post(new_url(an), form(action="save", scan=a_scan()))
    assert refused.status_code == 400 and nothing_written()
    assert "ghi lý do vượt chỉ tiêu" in refused.content.decode()
    reason = "Điều động theo đề án sắp xếp bộ máy của tỉnh"
    saved = client.post(new_url(an), form(action="save", scan=a_scan(), quota_reason=reason))
    assert saved.status_code == 302, errors_of(saved)
    assert PersonnelDecision.objects.get().quota_reason == reason
    listed = client.get(saved["Location"]).content.decode()
    assert reason in listed


# --- The list ------------------------------------------------------------------------------------


def test_the_list_shows_decisions_to_readers_and_the_register_button_to_writers(as_, personas, an):
    decision_register(
        acting_user=personas["nhaplieu"],
        decision_type="transfer",
        number="46/QĐ-UBND",
        signed_date=date(2026, 10, 1),
        issuer="Ủy ban nhân dân tỉnh Thử Nghiệm",
        received_date=date(2026, 10, 5),
        effective_date=date(2026, 10, 15),
        personal_id=an.personal_id,
        parameters={"organization": "T01.XA"},
    )
    url = reverse("web:decisions", args=[an.personal_id])
    # The button itself (the page's help text names it too).
    button = f'href="{reverse("web:decision_new", args=[an.personal_id])}"'
    clerk = as_("nhaplieu").get(url).content.decode()
    assert "Số 46/QĐ-UBND" in clerk and button in clerk
    assert "15/10/2026" in clerk and "Chưa có" in clerk  # no scan
    leader = as_("lanhdao").get(url)
    assert leader.status_code == 200
    assert "Số 46/QĐ-UBND" in leader.content.decode()
    assert button not in leader.content.decode()
    assert as_("ngoai").get(url).status_code == 404
