"""The paper dossier loans of a demo node (seed 003: the e-dossier and the hard copy are used
together): a few paper dossiers of the clerk's department out on loan, two of them past their
due date (they show on the work list), and a couple already returned — recorded by the
records manager through `documents.services.lending`, as they would be."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TextIO

from hoso.access.models import User
from hoso.demo.plan import snv_people
from hoso.documents.models import PaperLoan
from hoso.documents.services.lending import loan_open, loan_return

# (borrower, their unit, purpose, approver, days out, days lent for, days back later or None).
LOANS = (
    (
        "Lê Văn Thẩm",
        "Ban Tổ chức Tỉnh ủy",
        "Thẩm tra lý lịch phục vụ công tác quy hoạch cán bộ",
        "Trần Quốc Duyệt, Giám đốc Sở Nội vụ",
        40,
        30,
        None,
    ),
    (
        "Phạm Thị Tra",
        "Thanh tra tỉnh",
        "Xác minh hồ sơ theo kế hoạch thanh tra công vụ",
        "Trần Quốc Duyệt, Giám đốc Sở Nội vụ",
        25,
        20,
        None,
    ),
    (
        "Nguyễn Hữu Khen",
        "Ban Thi đua - Khen thưởng",
        "Đối chiếu thành tích đề nghị khen thưởng",
        "Đỗ Minh Phê, Phó Giám đốc Sở Nội vụ",
        3,
        14,
        None,
    ),
    (
        "Hoàng Văn Bảo",
        "Trung tâm Lưu trữ lịch sử tỉnh",
        "Số hóa bổ sung thành phần hồ sơ",
        "Đỗ Minh Phê, Phó Giám đốc Sở Nội vụ",
        60,
        21,
        18,
    ),
    (
        "Vũ Thị Lan",
        "Ủy ban Kiểm tra Tỉnh ủy",
        "Xem xét đơn thư theo thẩm quyền",
        "Trần Quốc Duyệt, Giám đốc Sở Nội vụ",
        90,
        10,
        14,
    ),
)
RETURN_NOTES = ("Đủ thành phần, nguyên vẹn", "Đủ thành phần; bìa hồ sơ bị sờn, đã thay bìa mới")


def loans_create(today: date, out: TextIO) -> int:
    """Record the demo's loans once (idempotent); returns how many were recorded."""
    if PaperLoan.objects.exists():
        return 0
    out.write("Ghi nhận việc cho mượn hồ sơ giấy…\n")
    manager = User.objects.get(username="quanly")
    people = snv_people(40)[-3:]
    # The returned loans are the earlier history of the first dossiers now out again.
    history = [loan for loan in LOANS if loan[6] is not None]
    current = [loan for loan in LOANS if loan[6] is None]
    plan = [*zip(people, history, strict=False), *zip(people, current, strict=False)]
    notes = iter(RETURN_NOTES)
    made = 0
    for pid, (name, unit, purpose, approver, days_out, lent_for, back_after) in plan:
        out_date = today - timedelta(days=days_out)
        loan = loan_open(
            acting_user=manager,
            personal_id=pid,
            purpose=purpose,
            approver_name=approver,
            approval_number=f"{100 + made}/QĐ-SNV",
            approval_date=out_date - timedelta(days=2),
            out_date=out_date,
            due_date=out_date + timedelta(days=lent_for),
            borrower_name=name,
            borrower_unit=unit,
            whole=made % 2 == 0,
            parts=[] if made % 2 == 0 else ["resume", "diploma", "recruitment_decision"],
        )
        if back_after is not None:
            loan_return(
                acting_user=manager,
                loan_id=loan.pk,
                returned_on=out_date + timedelta(days=back_after),
                condition=next(notes),
            )
        made += 1
    return made
