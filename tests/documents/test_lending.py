"""Lending the paper dossier (issue 10 item 6; seed 003 "e-dossier and hard copy are used
together", R-WRITTEN-APPROVAL, R-ASSIGNED): the services and selectors, every bad path."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from hoso.audit.models import AuditAction, AuditEvent
from hoso.audit.purposes import Purpose
from hoso.core.dates import today as local_today
from hoso.core.errors import NotFound, ValidationFailed
from hoso.documents.models import PaperLoan
from hoso.documents.selectors import lending as selectors
from hoso.documents.services.lending import (
    LoanConflict,
    NotRecordsManager,
    loan_extend,
    loan_open,
    loan_return,
)

TODAY = local_today()


def lend(user, pid, **overrides):
    values = {
        "acting_user": user,
        "personal_id": pid,
        "purpose": "Thẩm tra lý lịch phục vụ quy hoạch",
        "approver_name": "Phạm Văn Duyệt",
        "approval_number": "45/QĐ-SNV",
        "approval_date": TODAY - timedelta(days=3),
        "out_date": TODAY - timedelta(days=2),
        "due_date": TODAY + timedelta(days=10),
        "borrower_name": "Trần Văn Mượn",
        "borrower_unit": "Ban Tổ chức Tỉnh ủy",
    }
    values.update(overrides)
    return loan_open(**values)


def codes(error: ValidationFailed) -> dict[str, str]:
    return {p.field: p.code for p in error.problems}


@pytest.fixture
def an(make_dossier):
    return make_dossier(full_name="Nguyễn Văn An")


def test_a_records_manager_lends_and_the_paper_comes_back(personas, an):
    manager = personas["quanly"]
    loan = lend(manager, an.personal_id, whole=False, parts=["resume", "diploma"])
    assert loan.is_open and loan.parts == ["resume", "diploma"] and not loan.whole
    assert loan.recorded_by == manager and loan.borrower_user is None
    event = AuditEvent.objects.filter(action=AuditAction.PAPER_LOAN).latest("seq")
    assert event.personal_id == an.personal_id and event.purpose == Purpose.PAPER_LOAN
    assert event.detail["op"] == "open" and event.detail["loan"] == loan.pk
    scope = selectors.loan_scope(manager)
    assert list(selectors.open_loans(scope)) == [loan]
    assert not selectors.overdue_loans(scope).exists()

    back = loan_return(
        acting_user=manager, loan_id=loan.pk, returned_on=TODAY, condition="Đủ, nguyên vẹn"
    )
    assert back.returned_on == TODAY and back.returned_to == manager
    assert back.return_note == "Đủ, nguyên vẹn"
    assert not selectors.open_loans(scope).exists()
    assert list(selectors.returned_loans(scope)) == [back]
    ops = [
        e.detail["op"]
        for e in AuditEvent.objects.filter(action=AuditAction.PAPER_LOAN).order_by("seq")
    ]
    assert ops == ["open", "return"]


def test_a_borrower_with_an_account_is_named_from_it(personas, an):
    loan = lend(
        personas["quanly"],
        an.personal_id,
        borrower_name="",
        borrower_unit="",
        borrower_username="lanhdao",
    )
    assert loan.borrower_user == personas["lanhdao"]
    assert loan.borrower_name == "lanhdao"  # the persona's full name
    assert loan.borrower_unit == "Ủy ban nhân dân tỉnh Thử Nghiệm"  # from the duty


def test_the_paper_exists_once_a_second_loan_is_refused_naming_who_has_it(personas, an):
    lend(personas["quanly"], an.personal_id)
    with pytest.raises(LoanConflict) as refused:
        lend(personas["quanly"], an.personal_id, borrower_name="Lê Thị Khác")
    message = refused.value.message
    assert refused.value.status == 409 and refused.value.code == "already_lent"
    assert "Trần Văn Mượn (Ban Tổ chức Tỉnh ủy)" in message
    assert f"{TODAY - timedelta(days=2):%d/%m/%Y}" in message
    assert PaperLoan.objects.filter(personal_id=an.personal_id).count() == 1


def test_the_database_holds_one_open_loan_per_dossier(personas, an):
    from django.db import IntegrityError, transaction

    loan = lend(personas["quanly"], an.personal_id)
    with pytest.raises(IntegrityError), transaction.atomic():
        PaperLoan.objects.create(
            **{
                f.name: getattr(loan, f.name)
                for f in PaperLoan._meta.concrete_fields
                if f.name != "id"
            }
        )


def test_after_a_return_the_paper_may_go_out_again(personas, an):
    first = lend(personas["quanly"], an.personal_id)
    loan_return(acting_user=personas["quanly"], loan_id=first.pk, returned_on=TODAY, condition="Đủ")
    second = lend(personas["quanly"], an.personal_id, out_date=TODAY, borrower_name="Lê Thị Hai")
    assert second.is_open and second.pk != first.pk


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"out_date": TODAY + timedelta(days=1)}, "out_date", "out_in_future"),
        ({"due_date": TODAY - timedelta(days=2)}, "due_date", "due_not_after_out"),
        ({"due_date": TODAY - timedelta(days=5)}, "due_date", "due_not_after_out"),
        ({"approval_date": TODAY + timedelta(days=1)}, "approval_date", "approval_in_future"),
        ({"approval_date": TODAY - timedelta(days=1)}, "approval_date", "approval_after_out"),
        ({"out_date": None}, "out_date", "required"),
        ({"due_date": None}, "due_date", "required"),
        ({"approval_date": None}, "approval_date", "required"),
        ({"out_date": date(1800, 1, 1)}, "out_date", "bad_date"),
        ({"purpose": "  "}, "purpose", "required"),
        ({"purpose": "x" * 501}, "purpose", "too_long"),
        ({"approver_name": ""}, "approver_name", "required"),
        ({"approval_number": ""}, "approval_number", "required"),
        ({"approval_number": "9" * 61}, "approval_number", "too_long"),
        ({"approver_name": "trần văn  MƯỢN"}, "approver_name", "approver_is_borrower"),
        ({"borrower_name": "", "borrower_unit": ""}, "borrower_name", "required"),
        ({"borrower_unit": ""}, "borrower_unit", "required"),
        ({"borrower_username": "lanhdao"}, "borrower_name", "two_borrowers"),
        (
            {"borrower_username": "khongco", "borrower_name": "", "borrower_unit": ""},
            "borrower_username",
            "unknown_borrower",
        ),
        ({"whole": False, "parts": []}, "parts", "no_parts"),
        ({"whole": False, "parts": ["resume", "bogus"]}, "parts", "unknown_part"),
        ({"whole": False, "parts": ["resume", "resume"]}, "parts", "repeated_part"),
        ({"whole": True, "parts": ["resume"]}, "parts", "whole_and_parts"),
    ],
)
def test_bad_input_is_refused_next_to_its_field_and_nothing_is_saved(
    personas, an, overrides, field, code
):
    before = AuditEvent.objects.filter(action=AuditAction.PAPER_LOAN).count()
    with pytest.raises(ValidationFailed) as refused:
        lend(personas["quanly"], an.personal_id, **overrides)
    assert codes(refused.value).get(field) == code, refused.value.problems
    assert all(p.message and p.message[0].isupper() for p in refused.value.problems)
    assert not PaperLoan.objects.exists()
    assert AuditEvent.objects.filter(action=AuditAction.PAPER_LOAN).count() == before


def test_every_bad_field_is_reported_at_once(personas, an):
    with pytest.raises(ValidationFailed) as refused:
        lend(
            personas["quanly"],
            an.personal_id,
            purpose="",
            approver_name="",
            out_date=TODAY + timedelta(days=3),
            due_date=TODAY + timedelta(days=1),
        )
    assert set(codes(refused.value)) == {"purpose", "approver_name", "out_date", "due_date"}


def test_the_approver_may_not_be_the_borrowing_account(personas, an):
    with pytest.raises(ValidationFailed) as refused:
        lend(
            personas["quanly"],
            an.personal_id,
            borrower_name="",
            borrower_unit="",
            borrower_username="lanhdao",
            approver_name="LANHDAO",
        )
    assert codes(refused.value) == {"approver_name": "approver_is_borrower"}


def test_only_a_records_manager_over_the_dossier_records_loans(personas, an, make_dossier):
    # A clerk of the same department may open the dossier but not lend it: told why.
    with pytest.raises(NotRecordsManager) as refused:
        lend(personas["nhaplieu"], an.personal_id)
    assert refused.value.status == 403
    # A leader reads it too; no duty to lend.
    with pytest.raises(NotRecordsManager):
        lend(personas["lanhdao"], an.personal_id)
    # Who may not open it learns nothing, the denial is on the record.
    for who in ("ngoai", "quantri"):
        denials = AuditEvent.objects.filter(action=AuditAction.DOSSIER_READ_DENIED).count()
        with pytest.raises(NotFound):
            lend(personas[who], an.personal_id)
        after = AuditEvent.objects.filter(action=AuditAction.DOSSIER_READ_DENIED).count()
        assert after == denials + 1
    with pytest.raises(NotFound):
        lend(personas["quanly"], "001085999999")  # nobody's id
    assert not PaperLoan.objects.exists()


def test_a_protected_dossier_is_not_lent_by_duty_alone(personas, make_dossier):
    secret = make_dossier(full_name="Đặng Văn Mật", protection={"secret_label": "mat"})
    with pytest.raises(NotFound):
        lend(personas["quanly"], secret.personal_id)
    assert not PaperLoan.objects.exists()


def test_return_bad_paths(personas, an):
    manager = personas["quanly"]
    loan = lend(manager, an.personal_id)
    cases = [
        ({"returned_on": TODAY - timedelta(days=3)}, "returned_on", "returned_before_out"),
        ({"returned_on": TODAY + timedelta(days=1)}, "returned_on", "returned_in_future"),
        ({"returned_on": None}, "returned_on", "required"),
        ({"condition": " "}, "condition", "required"),
        ({"condition": "x" * 1001}, "condition", "too_long"),
    ]
    for overrides, field, code in cases:
        values = {"returned_on": TODAY, "condition": "Đủ"} | overrides
        with pytest.raises(ValidationFailed) as refused:
            loan_return(acting_user=manager, loan_id=loan.pk, **values)
        assert codes(refused.value).get(field) == code, (overrides, refused.value.problems)
    loan.refresh_from_db()
    assert loan.is_open
    with pytest.raises(NotRecordsManager):
        loan_return(
            acting_user=personas["nhaplieu"], loan_id=loan.pk, returned_on=TODAY, condition="Đủ"
        )
    with pytest.raises(NotFound):
        loan_return(
            acting_user=personas["ngoai"], loan_id=loan.pk, returned_on=TODAY, condition="Đủ"
        )
    with pytest.raises(NotFound):
        loan_return(acting_user=manager, loan_id=999999, returned_on=TODAY, condition="Đủ")
    loan_return(acting_user=manager, loan_id=loan.pk, returned_on=TODAY, condition="Đủ")
    with pytest.raises(LoanConflict) as twice:
        loan_return(acting_user=manager, loan_id=loan.pk, returned_on=TODAY, condition="Đủ")
    assert twice.value.code == "already_returned"


def test_an_extension_moves_the_due_date_and_keeps_the_old_one_with_its_reason(personas, an):
    manager = personas["quanly"]
    loan = lend(manager, an.personal_id)
    old_due = loan.due_date
    later = old_due + timedelta(days=14)
    loan = loan_extend(
        acting_user=manager, loan_id=loan.pk, due_date=later, reason="Hội đồng thẩm định họp lại"
    )
    assert loan.due_date == later
    assert loan.extensions[0]["from"] == old_due.isoformat()
    assert loan.extensions[0]["reason"] == "Hội đồng thẩm định họp lại"
    assert selectors.extension_rows(loan)[0]["to"] == later
    event = AuditEvent.objects.filter(action=AuditAction.PAPER_LOAN).latest("seq")
    assert event.detail["op"] == "extend" and event.detail["previous_due"] == old_due.isoformat()
    for due, reason, field, code in [
        (later, "Lại", "due_date", "not_later"),
        (later - timedelta(days=1), "Lại", "due_date", "not_later"),
        (later + timedelta(days=3), "", "reason", "required"),
        (None, "Lại", "due_date", "required"),
    ]:
        with pytest.raises(ValidationFailed) as refused:
            loan_extend(acting_user=manager, loan_id=loan.pk, due_date=due, reason=reason)
        assert codes(refused.value).get(field) == code
    with pytest.raises(NotRecordsManager):
        loan_extend(
            acting_user=personas["nhaplieu"],
            loan_id=loan.pk,
            due_date=later + timedelta(days=3),
            reason="Lại",
        )


def test_an_overdue_loan_may_not_be_extended_into_the_past(personas, an):
    manager = personas["quanly"]
    loan = lend(
        manager,
        an.personal_id,
        approval_date=TODAY - timedelta(days=40),
        out_date=TODAY - timedelta(days=40),
        due_date=TODAY - timedelta(days=10),
    )
    with pytest.raises(ValidationFailed) as refused:
        loan_extend(
            acting_user=manager, loan_id=loan.pk, due_date=TODAY - timedelta(days=1), reason="Chậm"
        )
    assert codes(refused.value) == {"due_date": "due_in_past"}


def test_overdue_loans_and_the_scopes_of_the_lists(personas, make_dossier):
    manager = personas["quanly"]
    an = make_dossier(full_name="Nguyễn Văn An")
    binh = make_dossier(full_name="Trần Thị Bình", sex="F", unit="T01.XA")
    late = lend(
        manager,
        an.personal_id,
        approval_date=TODAY - timedelta(days=30),
        out_date=TODAY - timedelta(days=30),
        due_date=TODAY - timedelta(days=5),
    )
    due_today = lend(
        manager,
        binh.personal_id,
        approval_date=TODAY - timedelta(days=10),
        out_date=TODAY - timedelta(days=10),
        due_date=TODAY,
    )
    scope = selectors.loan_scope(manager)
    assert list(selectors.overdue_loans(scope)) == [late]  # due < today; due today is not late
    assert set(selectors.open_loans(scope)) == {late, due_today}
    assert selectors.counts(scope) == selectors.LoanCounts(open=2, overdue=1)
    # Filtered by unit: only the commune's.
    from hoso.orgs.models import Organization

    commune = Organization.objects.get(code="T01.XA")
    assert list(selectors.open_loans(selectors.loan_scope(manager, unit=commune))) == [due_today]
    # The clerk's work list covers the clerk's department only; the leader manages nothing.
    clerk = selectors.loan_scope(personas["nhaplieu"], selectors.WORKING_ROLES)
    assert list(selectors.overdue_loans(clerk)) == [late]
    assert not selectors.open_loans(selectors.loan_scope(personas["nhaplieu"])).exists()
    for who in ("lanhdao", "thanhtra", "quantri", "ngoai"):
        assert not selectors.open_loans(
            selectors.loan_scope(personas[who], selectors.WORKING_ROLES)
        ).exists(), who


def test_the_loans_of_a_dossier_are_a_gated_read(personas, an):
    lend(personas["quanly"], an.personal_id)
    access, rows = selectors.loans_for(personas["lanhdao"], an.personal_id)
    assert access.person == an and len(rows) == 1
    event = AuditEvent.objects.filter(action=AuditAction.DOSSIER_READ_ALLOWED).latest("seq")
    assert event.purpose == Purpose.PAPER_LOAN_VIEW
    with pytest.raises(NotFound):
        selectors.loans_for(personas["ngoai"], an.personal_id)
    assert selectors.may_lend(personas["quanly"], access)
    assert not selectors.may_lend(personas["lanhdao"], access)
