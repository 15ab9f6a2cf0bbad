"""/api/v1 paper dossier loans (mượn hồ sơ giấy; seed 003, R-WRITTEN-APPROVAL): a dossier's
loans, lending its paper, taking it back and extending the due date (thin: parse, call
`documents.services.lending` / `selectors.lending`, render).

Listing is a dossier read (the gate, audited); writes need a records manager's duty over the
person (`not_records_manager`, 403, for a reader without it; the same 404 as for a missing
dossier for anyone who may not open it). A second loan while one is open is a 409 naming who
has the paper; bad dates and fields are a 422 with a problem per field.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from hoso.api.params import IsoDate, ObjectId, responses
from hoso.catalog.selectors import name_of
from hoso.core.dates import today as local_today
from hoso.core.errors import NotFound
from hoso.documents.models import PaperLoan
from hoso.documents.selectors import lending as selectors
from hoso.documents.services import lending as services

router = Router(tags=["Mượn hồ sơ giấy"])


class ExtensionOut(Schema):
    previous_due_date: date
    due_date: date
    reason: str
    by: str


class PaperLoanOut(Schema):
    id: int
    personal_id: str
    open: bool
    borrower_username: str | None
    borrower_name: str
    borrower_unit: str
    purpose: str
    approver_name: str
    approval_number: str
    approval_date: date
    whole: bool
    parts: list[str]
    part_names: list[str]
    out_date: date
    due_date: date
    days_overdue: int
    extensions: list[ExtensionOut]
    returned_on: date | None
    return_note: str
    returned_to: str | None
    recorded_by: str
    recorded_at: datetime


class PaperLoanIn(Schema):
    purpose: str = Field(max_length=500)
    approver_name: str = Field(max_length=200)
    approval_number: str = Field(max_length=60)
    approval_date: IsoDate
    out_date: IsoDate
    due_date: IsoDate
    borrower_username: str = Field("", max_length=150)
    borrower_name: str = Field("", max_length=200)
    borrower_unit: str = Field("", max_length=300)
    whole: bool = True
    parts: list[str] = Field(default_factory=list, max_length=40)


class PaperReturnIn(Schema):
    returned_on: IsoDate
    condition: str = Field(max_length=1000)


class PaperExtendIn(Schema):
    due_date: IsoDate
    reason: str = Field(max_length=500)


def _loan(loan: PaperLoan, today: date | None = None) -> dict[str, Any]:
    today = today or local_today()
    return {
        "id": loan.pk,
        "personal_id": loan.personal_id,
        "open": loan.is_open,
        "borrower_username": loan.borrower_user.get_username() if loan.borrower_user else None,
        "borrower_name": loan.borrower_name,
        "borrower_unit": loan.borrower_unit,
        "purpose": loan.purpose,
        "approver_name": loan.approver_name,
        "approval_number": loan.approval_number,
        "approval_date": loan.approval_date,
        "whole": loan.whole,
        "parts": list(loan.parts),
        "part_names": [name_of("component_kind", p) for p in loan.parts],
        "out_date": loan.out_date,
        "due_date": loan.due_date,
        "days_overdue": max(0, (today - loan.due_date).days) if loan.is_open else 0,
        "extensions": [
            {
                "previous_due_date": e["from"],
                "due_date": e["to"],
                "reason": e["reason"],
                "by": e["by"],
            }
            for e in selectors.extension_rows(loan)
        ],
        "returned_on": loan.returned_on,
        "return_note": loan.return_note,
        "returned_to": loan.returned_to.get_username() if loan.returned_to else None,
        "recorded_by": loan.recorded_by.get_username(),
        "recorded_at": loan.recorded_at,
    }


@router.get(
    "/people/{personal_id}/paper-loans",
    response=responses({200: list[PaperLoanOut]}, 404),
    summary="Các lần mượn hồ sơ giấy của một người, lần gần nhất trước",
)
def paper_loan_list(request: HttpRequest, personal_id: str) -> list[dict[str, Any]]:
    _access, loans = selectors.loans_for(request.user, personal_id)
    return [_loan(loan) for loan in loans]


@router.post(
    "/people/{personal_id}/paper-loans",
    response=responses({201: PaperLoanOut}, 400, 403, 404, 409),
    summary="Ghi nhận cho mượn hồ sơ giấy (có văn bản phê duyệt)",
)
def paper_loan_open(request: HttpRequest, personal_id: str, body: PaperLoanIn) -> Status:
    loan = services.loan_open(acting_user=request.user, personal_id=personal_id, **body.dict())
    return Status(201, _loan(loan))


def _own_loan(personal_id: str, loan_id: int) -> None:
    if selectors.loan_personal_id(loan_id) != personal_id:
        raise NotFound()


@router.post(
    "/people/{personal_id}/paper-loans/{loan_id}/return",
    response=responses({200: PaperLoanOut}, 400, 403, 404, 409),
    summary="Ghi nhận đã nhận lại hồ sơ giấy, với tình trạng khi trả",
)
def paper_loan_return(
    request: HttpRequest, personal_id: str, loan_id: ObjectId, body: PaperReturnIn
) -> dict[str, Any]:
    _own_loan(personal_id, loan_id)
    loan = services.loan_return(
        acting_user=request.user,
        loan_id=loan_id,
        returned_on=body.returned_on,
        condition=body.condition,
    )
    return _loan(loan)


@router.post(
    "/people/{personal_id}/paper-loans/{loan_id}/extend",
    response=responses({200: PaperLoanOut}, 400, 403, 404, 409),
    summary="Gia hạn trả hồ sơ giấy, với lý do",
)
def paper_loan_extend(
    request: HttpRequest, personal_id: str, loan_id: ObjectId, body: PaperExtendIn
) -> dict[str, Any]:
    _own_loan(personal_id, loan_id)
    loan = services.loan_extend(
        acting_user=request.user, loan_id=loan_id, due_date=body.due_date, reason=body.reason
    )
    return _loan(loan)
