"""Read-only helpers of the paper dossier loan pages: loans as rows a person reads (dd/mm/yyyy,
days overdue, the parts by their catalog names), and the "Hồ sơ giấy" box of the dossier page.

A person's name is shown only when the gate lets the reader see it (`identity.full_name`);
the lists themselves are cut by `documents.selectors.lending.loan_scope`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from hoso.access import policies
from hoso.catalog.selectors import name_of
from hoso.core.dates import today as local_today
from hoso.core.dates import vn
from hoso.documents.models import PaperLoan
from hoso.documents.selectors import lending as selectors
from hoso.documents.services.lending import holder


def parts_text(loan: PaperLoan) -> str:
    if loan.whole:
        return "Toàn bộ hồ sơ"
    return "; ".join(name_of("component_kind", p) for p in loan.parts)


@dataclass(frozen=True)
class LoanRow:
    loan: PaperLoan
    personal_id: str
    full_name: str  # "" when the reader may not see it
    readable: bool
    holder: str
    purpose: str
    approval: str
    parts: str
    out: str
    due: str
    returned: str
    days_overdue: int
    days_out: int
    extended: int
    status: str


def approval_text(loan: PaperLoan) -> str:
    return f"{loan.approval_number} ngày {vn(loan.approval_date)}, {loan.approver_name}"


def _status(loan: PaperLoan, today: date) -> str:
    if loan.returned_on is not None:
        late = (loan.returned_on - loan.due_date).days
        return f"Đã trả muộn {late} ngày" if late > 0 else "Đã trả đúng hạn"
    if loan.due_date < today:
        return "Quá hạn trả"
    return "Đang cho mượn"


def loan_row(loan: PaperLoan, access: policies.DossierAccess | None, today: date) -> LoanRow:
    visible = access is not None and access.can_see("identity.full_name")
    end = loan.returned_on or today
    return LoanRow(
        loan=loan,
        personal_id=loan.personal_id,
        full_name=access.person.full_name if visible and access else "",
        readable=access is not None,
        holder=holder(loan),
        purpose=loan.purpose,
        approval=approval_text(loan),
        parts=parts_text(loan),
        out=vn(loan.out_date),
        due=vn(loan.due_date),
        returned=vn(loan.returned_on),
        days_overdue=max(0, (today - loan.due_date).days) if loan.returned_on is None else 0,
        days_out=(end - loan.out_date).days,
        extended=len(loan.extensions or []),
        status=_status(loan, today),
    )


def loan_rows(user: Any, loans: list[PaperLoan], today: date | None = None) -> list[LoanRow]:
    """Rows of a list page: one gate decision per person, asked in memory."""
    today = today or local_today()
    gate = policies.gate_for(user)
    people = selectors.people_of(loans)
    rows = []
    for loan in loans:
        person = people.get(loan.personal_id)
        access = gate.access(person) if person is not None else None
        rows.append(loan_row(loan, access, today))
    return rows


@dataclass(frozen=True)
class PaperBox:
    """Where the paper dossier is now, for the dossier page."""

    personal_id: str
    current: LoanRow | None
    may_lend: bool
    returned_count: int


def paper_box(user: Any, access: policies.DossierAccess) -> PaperBox:
    loan = selectors.open_loan(access)
    today = local_today()
    return PaperBox(
        personal_id=access.person.personal_id,
        current=loan_row(loan, access, today) if loan else None,
        may_lend=selectors.may_lend(user, access),
        returned_count=selectors.returned_count(access),
    )


def extension_rows(loan: PaperLoan) -> list[dict[str, str]]:
    return [
        {"from": vn(e["from"]), "to": vn(e["to"]), "reason": e["reason"], "by": e["by"]}
        for e in selectors.extension_rows(loan)
    ]
