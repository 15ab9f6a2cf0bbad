"""The staffing pages (R-NATIONAL, R-JOB-POSITION): the standing of a unit for everyone signed
in; quotas and job positions kept by the records manager whose duty covers the unit, with
every bad input refused next to its field, the form keeping what was typed, nothing saved."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse

from hoso.audit.models import AuditAction, AuditEvent
from hoso.orgs.models import JobPosition, JobPositionVersion, QuotaChange, StaffingQuota
from hoso.staffing.services import PositionSpec, job_position_create, quota_set

pytestmark = pytest.mark.django_db

QUOTA = {
    "year": "2026",
    "staff_category": "civil_servant",
    "quota": "5",
    "document_number": "15/QĐ-UBND",
    "document_date": "05/01/2026",
    "document_issuer": "Ủy ban nhân dân tỉnh Thử Nghiệm",
    "note": "",
}
POSITION = {
    "code": "VT.NS.01",
    "name": "Chuyên viên quản lý ngân sách",
    "description": "Tham mưu lập, phân bổ dự toán ngân sách",
    "staff_category": "civil_servant",
    "qualification_code": "bachelor",
    "rank_code": "01.003",
    "competencies": "Lập dự toán ngân sách\nPhân tích tài chính công",
    "headcount": "3",
    "legal_basis": "Quyết định số 30/QĐ-UBND phê duyệt đề án vị trí việc làm",
    "valid_from": "01/01/2026",
    "valid_to": "",
}


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def errors_of(response) -> list[str]:
    return re.findall(r'<p class="field__error">([^<]+)</p>', response.content.decode())


@pytest.fixture
def two_at_work(make_dossier):
    return [
        make_dossier(unit="T01.STC"),
        make_dossier(unit="T01.STC.NS", full_name="Trần Văn Bình"),
    ]


def test_a_records_manager_sets_a_quota_from_the_page(as_, orgs):
    client = as_("quanly")
    form = client.get(reverse("web:quota_set", args=["T01.STC"]))
    assert form.status_code == 200 and "Văn bản giao biên chế" in text(form)
    response = client.post(reverse("web:quota_set", args=["T01.STC"]), QUOTA)
    assert response.status_code == 302
    assert response["Location"] == reverse("web:staffing", args=["T01.STC"]) + "?nam=2026"
    page = text(client.get(response["Location"]))
    assert "Đã giao chỉ tiêu biên chế năm 2026: 5 người" in page
    assert "Văn bản số 15/QĐ-UBND ngày 05/01/2026 của Ủy ban nhân dân tỉnh Thử Nghiệm" in page
    assert StaffingQuota.objects.get().quota == 5


def test_a_quota_below_the_headcount_is_refused_with_it_and_keeps_what_was_typed(
    as_, orgs, two_at_work
):
    client = as_("quanly")
    response = client.post(reverse("web:quota_set", args=["T01.STC"]), {**QUOTA, "quota": "1"})
    assert response.status_code == 400
    [error] = errors_of(response)
    assert "2 người" in error and "Hãy giao ít nhất 2" in error
    body = text(response)
    assert 'value="15/QĐ-UBND"' in body and 'value="1"' in body  # the form keeps it
    assert "chưa có gì được lưu" in body
    assert not StaffingQuota.objects.exists() and not QuotaChange.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("quota", "-3", "không thể âm"),
        ("quota", "năm", "phải là một số nguyên"),
        ("year", "1990", "Năm giao biên chế phải trong khoảng"),
        ("year", "", "Hãy nhập năm"),
        ("staff_category", "astronaut", "«astronaut» không có trong danh mục"),
        ("document_date", "31/02/2026", "dd/mm/yyyy"),
        ("document_date", "", "Hãy nhập ngày văn bản"),
        ("document_number", "", "Hãy nhập số văn bản"),
        ("document_issuer", "", "Hãy nhập cơ quan"),
    ],
)
def test_bad_quota_input_is_refused_next_to_the_field(as_, orgs, field, value, message):
    response = as_("quanly").post(
        reverse("web:quota_set", args=["T01.STC"]), {**QUOTA, field: value}
    )
    assert response.status_code == 400
    assert any(message in e for e in errors_of(response)), errors_of(response)
    assert f'name="{field}"' in response.content.decode()
    assert not StaffingQuota.objects.exists()


@pytest.mark.parametrize("who", ["nhaplieu", "lanhdao", "thanhtra", "quantri", "ngoai"])
def test_others_get_the_one_not_found_on_the_write_pages(as_, orgs, who):
    position = job_position_create(
        acting_user=None,
        organization=orgs["finance"],
        code="VT01",
        spec=PositionSpec(name="Chuyên viên", staff_category="civil_servant"),
        valid_from=date(2025, 7, 1),
    )
    client = as_(who)
    args = ["T01.STC", position.code]
    for url in (
        reverse("web:quota_set", args=["T01.STC"]),
        reverse("web:job_position_new", args=["T01.STC"]),
        reverse("web:job_position_change", args=args),
    ):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {**QUOTA, **POSITION}).status_code == 404, url
    ended = client.post(
        reverse("web:job_position_end", args=args), {"valid_to": "31/12/2026", "legal_basis": "QĐ"}
    )
    assert ended.status_code == 404
    assert not StaffingQuota.objects.exists() and JobPositionVersion.objects.count() == 1
    assert JobPosition.objects.get().valid_to is None
    # The standing and the position's page are structure, open to every signed-in user,
    # without the buttons that write.
    page = client.get(reverse("web:staffing", args=["T01.STC"]))
    assert page.status_code == 200 and "Giao, điều chỉnh chỉ tiêu" not in text(page)
    detail = client.get(reverse("web:job_position", args=args))
    assert detail.status_code == 200 and "Kết thúc vị trí" not in text(detail)


def test_an_unknown_unit_is_not_found(as_, orgs):
    client = as_("quanly")
    assert client.get(reverse("web:staffing", args=["NOPE"])).status_code == 404
    assert client.get(reverse("web:quota_set", args=["NOPE"])).status_code == 404
    assert client.get(reverse("web:job_position", args=["T01.STC", "NOPE"])).status_code == 404


def test_a_job_position_is_added_changed_and_ended_from_the_pages(as_, orgs):
    client = as_("quanly")
    assert client.get(reverse("web:job_position_new", args=["T01.STC"])).status_code == 200
    added = client.post(reverse("web:job_position_new", args=["T01.STC"]), POSITION)
    assert added.status_code == 302, errors_of(added)
    detail = text(client.get(added["Location"]))
    assert "Đã thêm vị trí việc làm «Chuyên viên quản lý ngân sách»" in detail
    assert "Đại học" in detail and "Lập dự toán ngân sách" in detail
    change_url = reverse("web:job_position_change", args=["T01.STC", "VT.NS.01"])
    form = text(client.get(change_url))
    assert "Phân tích tài chính công" in form  # the current description, to edit
    changed = client.post(change_url, {**POSITION, "headcount": "4", "valid_from": "01/07/2026"})
    assert changed.status_code == 302, errors_of(changed)
    detail = text(client.get(changed["Location"]))
    assert "áp dụng từ 01/07/2026" in detail
    assert "01/01/2026 – 30/06/2026" in detail and "01/07/2026 – nay" in detail
    ended = client.post(
        reverse("web:job_position_end", args=["T01.STC", "VT.NS.01"]),
        {"valid_to": "31/12/2026", "legal_basis": "Quyết định số 40/QĐ-UBND"},
    )
    assert ended.status_code == 302
    assert JobPosition.objects.get().valid_to == date(2026, 12, 31)
    assert JobPositionVersion.objects.count() == 2
    assert AuditEvent.objects.filter(action=AuditAction.JOB_POSITION_CHANGE).count() == 3


@pytest.mark.parametrize(
    ("changes", "field_message"),
    [
        ({"code": ""}, "Hãy nhập mã vị trí việc làm"),
        ({"name": ""}, "Hãy nhập tên vị trí việc làm"),
        ({"valid_to": "31/12/2025"}, "ở trước ngày bắt đầu 01/01/2026"),
        ({"valid_from": "32/01/2026"}, "dd/mm/yyyy"),
        ({"qualification_code": "phd?"}, "Trình độ «phd?» không có trong danh mục"),
        ({"rank_code": "99.999"}, "«99.999» không có trong danh mục"),
        ({"headcount": "0"}, "phải từ 1 đến"),
        ({"staff_category": "public_employee"}, "dành cho công chức, không dùng cho vị trí"),
        ({"staff_category": ""}, "Hãy chọn đối tượng"),
    ],
)
def test_bad_job_position_input_is_refused_next_to_the_field(as_, orgs, changes, field_message):
    response = as_("quanly").post(
        reverse("web:job_position_new", args=["T01.STC"]), {**POSITION, **changes}
    )
    assert response.status_code == 400
    assert any(field_message in e for e in errors_of(response)), errors_of(response)
    assert "Tham mưu lập, phân bổ dự toán ngân sách" in response.content.decode()  # kept
    assert not JobPosition.objects.exists()


def test_a_duplicate_code_is_refused_on_the_page(as_, orgs):
    client = as_("quanly")
    client.post(reverse("web:job_position_new", args=["T01.STC"]), POSITION)
    again = client.post(reverse("web:job_position_new", args=["T01.STC"]), POSITION)
    assert again.status_code == 400
    assert "Mã vị trí việc làm «VT.NS.01» đã có ở «Sở Tài chính»." in errors_of(again)
    assert JobPosition.objects.count() == 1


def test_a_bad_end_is_refused_on_the_position_page(as_, orgs):
    client = as_("quanly")
    client.post(reverse("web:job_position_new", args=["T01.STC"]), POSITION)
    response = client.post(
        reverse("web:job_position_end", args=["T01.STC", "VT.NS.01"]),
        {"valid_to": "01/06/2025", "legal_basis": ""},
    )
    assert response.status_code == 400
    errors = errors_of(response)
    assert any("ở trước ngày bắt đầu" in e for e in errors)
    assert any("Hãy ghi văn bản quyết định kết thúc" in e for e in errors)
    assert JobPosition.objects.get().valid_to is None


def test_the_standing_shows_quota_people_positions_chart_and_history(
    as_, orgs, two_at_work, django_assert_max_num_queries
):
    quota_set(
        acting_user=None,
        organization=orgs["finance"],
        year=2026,
        staff_category="civil_servant",
        quota=2,
        document_number="15/QĐ-UBND",
        document_date=date(2026, 1, 5),
        document_issuer="UBND tỉnh",
    )
    quota_set(
        acting_user=None,
        organization=orgs["province"],
        year=2026,
        staff_category="civil_servant",
        quota=10,
        document_number="16/QĐ-UBND",
        document_date=date(2026, 1, 5),
        document_issuer="UBND tỉnh",
    )
    job_position_create(
        acting_user=None,
        organization=orgs["budget"],
        code="VT01",
        spec=PositionSpec(
            name="Chuyên viên ngân sách", staff_category="civil_servant", headcount=2
        ),
        valid_from=date(2025, 7, 1),
    )
    client = as_("lanhdao")
    with django_assert_max_num_queries(40):
        response = client.get(reverse("web:staffing", args=["T01.STC"]), {"nam": "2026"})
    body = text(response)
    assert response.status_code == 200
    assert "<svg" in body and "staffing-chart__bar--fair" in body  # 2 of 2: full
    assert "2/2" in body
    assert "Phòng Ngân sách" in body and "Không có chỉ tiêu riêng" in body
    assert "Chỉ tiêu áp dụng cho đơn vị này" in body and "Ủy ban nhân dân tỉnh Thử Nghiệm" in body
    assert "Văn bản số 15/QĐ-UBND" in body  # the history of the unit's own quota
    bad = client.get(reverse("web:staffing", args=["T01.STC"]), {"nam": "abc"})
    assert bad.status_code == 400 and "Năm phải là một số" in text(bad)


def test_an_over_quota_unit_is_flagged(as_, orgs, make_dossier):
    quota_set(
        acting_user=None,
        organization=orgs["finance"],
        year=2026,
        staff_category="civil_servant",
        quota=1,
        document_number="15/QĐ-UBND",
        document_date=date(2026, 1, 5),
        document_issuer="UBND tỉnh",
    )
    make_dossier(unit="T01.STC")
    make_dossier(unit="T01.STC", full_name="Trần Văn Bình")  # recruited after the quota
    body = text(as_("quanly").get(reverse("web:staffing", args=["T01.STC"]), {"nam": "2026"}))
    assert "Vượt chỉ tiêu" in body and "staffing-chart__bar--poor" in body
    assert 'class="is-over"' in body
