"""The paper dossier loan pages (issue 10 item 6): the records manager's list, a dossier's
paper page with its forms, the dossier page's box and overdue loans on the work list — each
for the personas allowed and refused, the good path and the bad ones."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse

from hoso.audit.models import AuditAction, AuditEvent
from hoso.audit.purposes import Purpose
from hoso.core.dates import today
from hoso.documents.models import PaperLoan
from hoso.documents.services.lending import loan_open

pytestmark = pytest.mark.django_db
TODAY = today()


def d(day: date) -> str:
    return day.strftime("%d/%m/%Y")


@pytest.fixture
def people(make_dossier) -> dict:
    return {
        "an": make_dossier(full_name="Nguyễn Văn An", birth_date=date(1985, 3, 14)),
        "hoa": make_dossier(full_name="Đặng Thị Hoa", sex="F", unit="T01.XA"),
    }


def lend(personas, person, **overrides):
    values = {
        "acting_user": personas["quanly"],
        "personal_id": person.personal_id,
        "purpose": "Thẩm tra lý lịch phục vụ quy hoạch",
        "approver_name": "Phạm Văn Duyệt, Giám đốc Sở Nội vụ",
        "approval_number": "45/QĐ-SNV",
        "approval_date": TODAY - timedelta(days=3),
        "out_date": TODAY - timedelta(days=2),
        "due_date": TODAY + timedelta(days=10),
        "borrower_name": "Trần Văn Mượn",
        "borrower_unit": "Ban Tổ chức Tỉnh ủy",
    }
    return loan_open(**(values | overrides))


FORM = {
    "borrower_kind": "external",
    "borrower_name": "Trần Văn Mượn",
    "borrower_unit": "Ban Tổ chức Tỉnh ủy",
    "purpose": "Thẩm tra lý lịch",
    "approver_name": "Phạm Văn Duyệt",
    "approval_number": "45/QĐ-SNV",
    "approval_date": d(TODAY - timedelta(days=1)),
    "out_date": d(TODAY),
    "due_date": d(TODAY + timedelta(days=14)),
    "extent": "whole",
}


def test_a_records_manager_lends_from_the_paper_page_and_the_dossier_shows_it(as_, people):
    client = as_("quanly")
    pid = people["an"].personal_id
    page = client.get(reverse("web:paper_dossier", args=[pid]))
    body = page.content.decode()
    assert page.status_code == 200 and "Cho mượn hồ sơ giấy" in body
    assert "đang được lưu tại bộ phận quản lý hồ sơ" in body
    assert f'value="{d(TODAY)}"' in body  # out date defaults to today
    assert "Sơ yếu lý lịch" in body  # the parts come from catalog component_kind
    response = client.post(
        reverse("web:paper_loan_open", args=[pid]),
        FORM | {"extent": "parts", "parts": ["resume", "diploma"]},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("web:paper_dossier", args=[pid])
    loan = PaperLoan.objects.get(personal_id=pid)
    assert loan.parts == ["resume", "diploma"] and not loan.whole
    after = client.get(response["Location"]).content.decode()
    assert "Đã ghi nhận cho mượn hồ sơ giấy" in after and "Nhận lại hồ sơ giấy" in after
    assert "Sơ yếu lý lịch" in after and "Bản sao văn bằng, chứng chỉ" in after
    dossier = client.get(reverse("web:dossier", args=[pid])).content.decode()
    assert "Hồ sơ giấy đang cho mượn:" in dossier
    assert "Trần Văn Mượn (Ban Tổ chức Tỉnh ủy)" in dossier
    assert f"hạn trả {d(TODAY + timedelta(days=14))}" in dossier


def test_a_bad_form_keeps_what_was_typed_and_says_why_next_to_the_field(as_, people):
    client = as_("quanly")
    pid = people["an"].personal_id
    bad = FORM | {
        "out_date": d(TODAY + timedelta(days=2)),
        "due_date": "31/02/2026",
        "approval_number": "",
        "purpose": "Mục đích đã gõ",
    }
    response = client.post(reverse("web:paper_loan_open", args=[pid]), bad)
    body = response.content.decode()
    assert response.status_code == 400
    assert "Hạn trả: hãy nhập ngày theo dạng dd/mm/yyyy" in body
    assert "Hãy nhập số văn bản phê duyệt." in body
    assert "Mục đích đã gõ" in body and "Trần Văn Mượn" in body
    assert not PaperLoan.objects.exists()
    # The service's own checks come back next to their fields.
    response = client.post(
        reverse("web:paper_loan_open", args=[pid]),
        FORM
        | {
            "out_date": d(TODAY + timedelta(days=2)),
            "due_date": d(TODAY + timedelta(days=1)),
            "approver_name": "Trần Văn Mượn",
        },
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "Ngày cho mượn không được sau hôm nay" in body
    assert "Hạn trả phải sau ngày cho mượn." in body
    assert "Người phê duyệt không được là người mượn" in body
    assert body.count('class="field field--error"') >= 3
    response = client.post(
        reverse("web:paper_loan_open", args=[pid]), FORM | {"extent": "parts", "parts": []}
    )
    assert "Hãy chọn các thành phần hồ sơ cho mượn" in response.content.decode()
    response = client.post(
        reverse("web:paper_loan_open", args=[pid]),
        FORM | {"borrower_kind": "account", "borrower_username": "khongco"},
    )
    assert "Không có tài khoản đang hoạt động tên «khongco»." in response.content.decode()
    assert not PaperLoan.objects.exists()


def test_a_second_loan_is_refused_naming_who_has_the_paper(as_, personas, people):
    lend(personas, people["an"])
    client = as_("quanly")
    pid = people["an"].personal_id
    page = client.get(reverse("web:paper_dossier", args=[pid])).content.decode()
    assert "Cho mượn hồ sơ giấy</h2>" not in page  # the lend form is gone while it is out
    response = client.post(reverse("web:paper_loan_open", args=[pid]), FORM)
    assert response.status_code == 409
    body = response.content.decode()
    assert "Hồ sơ giấy đang cho mượn: Trần Văn Mượn (Ban Tổ chức Tỉnh ủy) mượn từ ngày" in body
    assert PaperLoan.objects.count() == 1


def test_return_and_extend_from_the_paper_page(as_, personas, people):
    loan = lend(personas, people["an"])
    client = as_("quanly")
    pid = people["an"].personal_id
    later = loan.due_date + timedelta(days=7)
    response = client.post(
        reverse("web:paper_loan_extend", args=[loan.pk]),
        {"due_date": d(later), "reason": "Hội đồng họp lại"},
    )
    assert response.status_code == 302
    page = client.get(reverse("web:paper_dossier", args=[pid])).content.decode()
    assert f"Đã gia hạn trả hồ sơ giấy đến {d(later)}" in page and "Hội đồng họp lại" in page
    bad = client.post(
        reverse("web:paper_loan_return", args=[loan.pk]),
        {"returned_on": d(TODAY - timedelta(days=5)), "condition": "Đủ"},
    )
    assert bad.status_code == 400
    assert "Ngày trả không được trước ngày cho mượn" in bad.content.decode()
    bad = client.post(
        reverse("web:paper_loan_extend", args=[loan.pk]), {"due_date": d(TODAY), "reason": ""}
    )
    assert bad.status_code == 400 and "Hãy nhập lý do gia hạn." in bad.content.decode()
    response = client.post(
        reverse("web:paper_loan_return", args=[loan.pk]),
        {"returned_on": d(TODAY), "condition": "Đủ thành phần, nguyên vẹn"},
    )
    assert response.status_code == 302
    page = client.get(reverse("web:paper_dossier", args=[pid])).content.decode()
    assert "đang được lưu tại bộ phận quản lý hồ sơ" in page
    assert "Đủ thành phần, nguyên vẹn" in page and "Đã trả đúng hạn" in page
    again = client.post(
        reverse("web:paper_loan_return", args=[loan.pk]),
        {"returned_on": d(TODAY), "condition": "Đủ"},
    )
    assert again.status_code == 409 and "Lần mượn này đã kết thúc" in again.content.decode()


def test_readers_see_where_the_paper_is_but_only_its_records_manager_writes(as_, personas, people):
    loan = lend(personas, people["an"])
    pid = people["an"].personal_id
    for who in ("nhaplieu", "lanhdao", "thanhtra"):
        client = as_(who)
        page = client.get(reverse("web:paper_dossier", args=[pid]))
        body = page.content.decode()
        assert page.status_code == 200, who
        assert "Hồ sơ giấy đang cho mượn:" in body and "Nhận lại hồ sơ giấy" not in body, who
        refused = client.post(reverse("web:paper_loan_open", args=[pid]), FORM)
        assert refused.status_code == 403, who
        assert "Chỉ cán bộ quản lý hồ sơ được giao" in refused.content.decode()
        refused = client.post(
            reverse("web:paper_loan_return", args=[loan.pk]),
            {"returned_on": d(TODAY), "condition": "Đủ"},
        )
        assert refused.status_code == 403, who
    for who in ("ngoai", "quantri"):
        client = as_(who)
        assert client.get(reverse("web:paper_dossier", args=[pid])).status_code == 404
        assert client.post(reverse("web:paper_loan_open", args=[pid]), FORM).status_code == 404
        gone = client.post(
            reverse("web:paper_loan_return", args=[loan.pk]),
            {"returned_on": d(TODAY), "condition": "Đủ"},
        )
        assert gone.status_code == 404 and "Trần Văn Mượn" not in gone.content.decode()
    loan.refresh_from_db()
    assert loan.is_open and PaperLoan.objects.count() == 1


def test_the_loans_list_for_records_managers(as_, personas, people):
    late = lend(
        personas,
        people["an"],
        approval_date=TODAY - timedelta(days=30),
        out_date=TODAY - timedelta(days=30),
        due_date=TODAY - timedelta(days=4),
    )
    lend(personas, people["hoa"], borrower_name="Lê Thị Hai")
    client = as_("quanly")
    page = client.get(reverse("web:paper_loans"))
    body = page.content.decode()
    assert page.status_code == 200
    assert "Nguyễn Văn An" in body and "Đặng Thị Hoa" in body
    assert "quá hạn 4 ngày" in body
    event = AuditEvent.objects.filter(action=AuditAction.SEARCH).latest("seq")
    assert event.purpose == Purpose.PAPER_LOANS
    assert set(event.detail["shown"]) == {people["an"].personal_id, people["hoa"].personal_id}
    overdue = client.get(reverse("web:paper_loans"), {"tab": "qua-han"}).content.decode()
    assert "Nguyễn Văn An" in overdue and "Đặng Thị Hoa" not in overdue
    commune = client.get(reverse("web:paper_loans"), {"don_vi": "T01.XA"}).content.decode()
    assert "Đặng Thị Hoa" in commune and "Nguyễn Văn An" not in commune
    loan_return_page = client.get(reverse("web:paper_loans"), {"tab": "da-tra"}).content.decode()
    assert "Chưa có lần mượn nào đã kết thúc." in loan_return_page
    assert late.pk
    for who in ("nhaplieu", "lanhdao", "thanhtra", "quantri", "ngoai"):
        assert as_(who).get(reverse("web:paper_loans")).status_code == 404, who


def test_overdue_loans_are_on_the_work_list_with_the_days_overdue(as_, personas, people):
    lend(
        personas,
        people["an"],
        approval_date=TODAY - timedelta(days=30),
        out_date=TODAY - timedelta(days=30),
        due_date=TODAY - timedelta(days=6),
    )
    lend(personas, people["hoa"])  # not overdue
    for who in ("quanly", "nhaplieu"):
        body = as_(who).get(reverse("web:work")).content.decode()
        assert 'id="ho-so-giay-qua-han"' in body, who
        table = body.split('id="ho-so-giay-qua-han"', 1)[1]
        assert people["an"].personal_id in table and "quá hạn 6 ngày" in table, who
        assert people["hoa"].personal_id not in table, who
    event = AuditEvent.objects.filter(purpose=Purpose.PAPER_LOANS).latest("seq")
    assert event.detail["shown"] == [people["an"].personal_id]
    # A leader keeps no paper: no such table.
    body = as_("lanhdao").get(reverse("web:work")).content.decode()
    assert 'id="ho-so-giay-qua-han"' not in body


def test_the_dossier_page_says_the_paper_is_in_the_store(as_, people):
    body = as_("lanhdao").get(reverse("web:dossier", args=[people["an"].personal_id])).content
    text = body.decode()
    assert "Hồ sơ giấy</h2>" in text and "Đang lưu tại bộ phận quản lý hồ sơ." in text
    assert "Các lần mượn hồ sơ giấy" in text  # a reader's link: no lend form
