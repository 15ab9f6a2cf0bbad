"""Lending the paper dossier (mượn hồ sơ giấy): seed 003 — the e-dossier and the hard copy are
used together — and R-WRITTEN-APPROVAL: only a person approved in writing may use a dossier.

Each loan records who borrowed the paper (an account of this node, or a named person of another
agency with their unit), why, on whose written approval (who, which document, which date — the
approver is never the borrower), out, due back, returned, and which parts went out.

Invariants:
- only a records manager whose duty covers the person's unit records a loan, a return or an
  extension (`policies.dossier_write`): whoever may not open the dossier gets the same audited
  `NotFound` as for a missing one; a reader without the duty is told `not_records_manager`;
- the paper exists once: a second loan while one is open is refused, naming who has it and
  since when (and a partial unique constraint holds it under concurrent requests);
- dates: out not in the future, due after out, the approval not after the out date nor in the
  future, returned neither before out nor in the future, an extension later than the due date
  it replaces and not in the past;
- every bad field is reported at once (`ValidationFailed`, a problem per field), nothing is
  written half-way; each write is one transaction with its `PAPER_LOAN` audit event.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from hoso.access import recorder
from hoso.access.duties import active_assignments
from hoso.access.models import Role, User
from hoso.access.policies import dossier_write
from hoso.audit.models import AuditAction, AuditOutcome
from hoso.audit.purposes import Purpose
from hoso.catalog.selectors import attrs_map
from hoso.core.dates import today as local_today
from hoso.core.dates import vn
from hoso.core.errors import DomainError, NotFound, Problem, ValidationFailed
from hoso.core.text import normalize
from hoso.documents.models import PaperLoan
from hoso.people.selectors import person_queryset

LENDING_ROLES = {Role.RECORDS_MANAGER}
EARLIEST = date(1900, 1, 1)  # no dossier's paper went out earlier (a bound, not law)
TEXT_LIMITS = {
    "borrower_name": 200,
    "borrower_unit": 300,
    "purpose": 500,
    "approver_name": 200,
    "approval_number": 60,
}


class LoanConflict(DomainError):
    """The state of the paper forbids the request (already lent, already returned)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(code=code, message=message, status=409)


class NotRecordsManager(DomainError):
    """The reader may open the dossier but has no records manager's duty over it."""

    def __init__(self) -> None:
        super().__init__(
            code="not_records_manager",
            message=(
                "Chỉ cán bộ quản lý hồ sơ được giao quản lý hồ sơ này mới được ghi nhận việc "
                "cho mượn, nhận lại hoặc gia hạn hồ sơ giấy."
            ),
            status=403,
        )


def holder(loan: PaperLoan) -> str:
    """ "Trần Văn Bình (Sở Nội vụ)": who has the paper, in words."""
    return (
        f"{loan.borrower_name} ({loan.borrower_unit})"
        if loan.borrower_unit
        else (loan.borrower_name)
    )


def _already_lent(loan: PaperLoan) -> LoanConflict:
    return LoanConflict(
        "already_lent",
        f"Hồ sơ giấy đang cho mượn: {holder(loan)} mượn từ ngày {vn(loan.out_date)}, hạn trả "
        f"{vn(loan.due_date)}. Phải ghi nhận trả hồ sơ trước khi cho mượn lần khác.",
    )


def _gate(acting_user: User, personal_id: str) -> None:
    dossier_write(
        acting_user, personal_id, Purpose.PAPER_LOAN, LENDING_ROLES, refusal=NotRecordsManager()
    )


def _text(problems: list[Problem], name: str, value: str, label: str, *, required: bool) -> str:
    value = (value or "").strip()
    if required and not value:
        problems.append(Problem("required", f"Hãy nhập {label}.", name))
    elif len(value) > TEXT_LIMITS[name]:
        problems.append(
            Problem("too_long", f"{label.capitalize()} dài quá {TEXT_LIMITS[name]} ký tự.", name)
        )
    return value


def _borrower(
    problems: list[Problem], username: str, name: str, unit: str
) -> tuple[User | None, str, str]:
    """The borrowing account (by username) or the named outsider, with their unit."""
    username, name, unit = (username or "").strip(), (name or "").strip(), (unit or "").strip()
    if username and name:
        problems.append(
            Problem(
                "two_borrowers",
                "Chọn một người mượn: tài khoản của hệ thống hoặc người của cơ quan khác, "
                "không cả hai.",
                "borrower_name",
            )
        )
        return None, name, unit
    if username:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            problems.append(
                Problem(
                    "unknown_borrower",
                    f"Không có tài khoản đang hoạt động tên «{username}».",
                    "borrower_username",
                )
            )
            return None, "", unit
        if not unit:
            units = sorted(
                {d.organization.name for d in active_assignments(user) if d.organization}
            )
            unit = ", ".join(units)[: TEXT_LIMITS["borrower_unit"]]
        return user, user.full_name or user.get_username(), unit
    if not name:
        problems.append(
            Problem(
                "required",
                "Hãy chọn tài khoản người mượn, hoặc nhập họ tên người mượn của cơ quan khác.",
                "borrower_name",
            )
        )
        return None, "", unit
    name = _text(problems, "borrower_name", name, "họ tên người mượn", required=True)
    unit = _text(problems, "borrower_unit", unit, "cơ quan, đơn vị của người mượn", required=True)
    return None, name, unit


def _parts(problems: list[Problem], whole: bool, parts: Iterable[str]) -> list[str]:
    chosen = [p for p in (parts or []) if p]
    if whole:
        if chosen:
            problems.append(
                Problem(
                    "whole_and_parts",
                    "Đã chọn cho mượn toàn bộ hồ sơ thì không liệt kê thành phần.",
                    "parts",
                )
            )
        return []
    if not chosen:
        problems.append(
            Problem(
                "no_parts",
                "Hãy chọn các thành phần hồ sơ cho mượn, hoặc chọn cho mượn toàn bộ hồ sơ.",
                "parts",
            )
        )
        return []
    known = attrs_map("component_kind")
    unknown = [p for p in chosen if p not in known]
    if unknown:
        problems.append(
            Problem(
                "unknown_part",
                "Thành phần không có trong danh mục: " + ", ".join(f"«{p}»" for p in unknown),
                "parts",
            )
        )
    if len(set(chosen)) != len(chosen):
        problems.append(Problem("repeated_part", "Một thành phần được chọn hai lần.", "parts"))
    return sorted(set(chosen), key=chosen.index)


def _day(problems: list[Problem], name: str, value: date | None, label: str) -> date | None:
    if value is None:
        problems.append(Problem("required", f"Hãy nhập {label} (dd/mm/yyyy).", name))
        return None
    if value < EARLIEST:
        problems.append(
            Problem("bad_date", f"{label.capitalize()} phải từ {vn(EARLIEST)} trở về sau.", name)
        )
        return None
    return value


def loan_open(
    *,
    acting_user: User,
    personal_id: str,
    purpose: str,
    approver_name: str,
    approval_number: str,
    approval_date: date | None,
    out_date: date | None,
    due_date: date | None,
    borrower_username: str = "",
    borrower_name: str = "",
    borrower_unit: str = "",
    whole: bool = True,
    parts: Iterable[str] = (),
) -> PaperLoan:
    """Record that the paper dossier of `personal_id` went out (see the module's invariants)."""
    _gate(acting_user, personal_id)
    today = local_today()
    problems: list[Problem] = []
    user, name, unit = _borrower(problems, borrower_username, borrower_name, borrower_unit)
    purpose = _text(problems, "purpose", purpose, "mục đích, lý do mượn", required=True)
    approver = _text(problems, "approver_name", approver_name, "người phê duyệt", required=True)
    number = _text(
        problems, "approval_number", approval_number, "số văn bản phê duyệt", required=True
    )
    approved = _day(problems, "approval_date", approval_date, "ngày văn bản phê duyệt")
    out = _day(problems, "out_date", out_date, "ngày cho mượn")
    due = _day(problems, "due_date", due_date, "hạn trả")
    chosen = _parts(problems, whole, parts)
    if approver and name and _same_person(approver, name, user):
        problems.append(
            Problem(
                "approver_is_borrower",
                "Người phê duyệt không được là người mượn: việc mượn phải do người khác "
                "phê duyệt bằng văn bản.",
                "approver_name",
            )
        )
    if out and out > today:
        problems.append(
            Problem(
                "out_in_future",
                f"Ngày cho mượn không được sau hôm nay ({vn(today)}): chỉ ghi nhận khi hồ sơ "
                "giấy đã được giao.",
                "out_date",
            )
        )
    if out and due and due <= out:
        problems.append(Problem("due_not_after_out", "Hạn trả phải sau ngày cho mượn.", "due_date"))
    if approved and approved > today:
        problems.append(
            Problem(
                "approval_in_future",
                f"Ngày văn bản phê duyệt không được sau hôm nay ({vn(today)}).",
                "approval_date",
            )
        )
    elif approved and out and approved > out:
        problems.append(
            Problem(
                "approval_after_out",
                "Văn bản phê duyệt phải có trước hoặc trong ngày cho mượn.",
                "approval_date",
            )
        )
    if problems:
        raise ValidationFailed(problems)
    assert out is not None and due is not None and approved is not None
    try:
        return _loan_record(
            acting_user=acting_user,
            personal_id=personal_id,
            values={
                "borrower_user": user,
                "borrower_name": name,
                "borrower_unit": unit,
                "purpose": purpose,
                "approver_name": approver,
                "approval_number": number,
                "approval_date": approved,
                "whole": whole,
                "parts": chosen,
                "out_date": out,
                "due_date": due,
            },
        )
    except IntegrityError:
        # Another request lent it between our check and our write: the constraint held.
        current = open_loan_of(personal_id)
        if current is None:
            raise
        raise _already_lent(current) from None


def _same_person(approver: str, borrower: str, user: User | None) -> bool:
    names = {normalize(borrower)}
    if user is not None:
        names |= {normalize(user.get_username()), normalize(user.full_name)}
    return normalize(approver) in names - {""}


def open_loan_of(personal_id: str) -> PaperLoan | None:
    return PaperLoan.objects.filter(personal_id=personal_id, returned_on__isnull=True).first()


@transaction.atomic
def _loan_record(*, acting_user: User, personal_id: str, values: dict[str, Any]) -> PaperLoan:
    # Serialize loans of one dossier: the check below and the insert see the same state.
    person_queryset().select_for_update(of=("self",)).filter(personal_id=personal_id).first()
    current = open_loan_of(personal_id)
    if current is not None:
        raise _already_lent(current)
    with transaction.atomic():  # a savepoint: a lost race leaves the outer block usable
        loan = PaperLoan.objects.create(
            personal_id=personal_id,
            recorded_by=acting_user,
            recorded_at=timezone.now(),
            **values,
        )
    _audit(
        acting_user,
        loan,
        "open",
        borrower=loan.borrower_user.get_username() if loan.borrower_user else "external",
        out_date=loan.out_date.isoformat(),
        due_date=loan.due_date.isoformat(),
        approval_number=loan.approval_number,
        parts="whole" if loan.whole else list(loan.parts),
    )
    return loan


def _audit(acting_user: User, loan: PaperLoan, op: str, **detail: Any) -> None:
    recorder.record(
        user=acting_user,
        action=AuditAction.PAPER_LOAN,
        outcome=AuditOutcome.OK,
        personal_id=loan.personal_id,
        purpose=Purpose.PAPER_LOAN,
        detail={"loan": loan.pk, "op": op, **detail},
    )


def _loan_gate(acting_user: User, loan_id: int) -> None:
    """Whether `acting_user` may write the dossier of loan `loan_id`: `NotFound` alike for a
    missing loan and one of a dossier they may not open. Asked outside the write's
    transaction, so that a denial stays in the audit trail."""
    personal_id = PaperLoan.objects.filter(pk=loan_id).values_list("personal_id", flat=True).first()
    if personal_id is None:
        raise NotFound()
    _gate(acting_user, personal_id)


def _loan_locked(loan_id: int) -> PaperLoan:
    return PaperLoan.objects.select_for_update().get(pk=loan_id)


def _not_returned_yet(loan: PaperLoan) -> None:
    if loan.returned_on is not None:
        raise LoanConflict(
            "already_returned",
            f"Lần mượn này đã kết thúc: hồ sơ giấy đã được trả ngày {vn(loan.returned_on)}.",
        )


def loan_return(
    *, acting_user: User, loan_id: int, returned_on: date | None, condition: str
) -> PaperLoan:
    """Record that the paper came back, on `returned_on`, in the state `condition` says."""
    _loan_gate(acting_user, loan_id)
    with transaction.atomic():
        loan = _loan_locked(loan_id)
        _not_returned_yet(loan)
        today = local_today()
        problems: list[Problem] = []
        day = _day(problems, "returned_on", returned_on, "ngày trả")
        condition = (condition or "").strip()
        if not condition:
            problems.append(
                Problem(
                    "required",
                    "Hãy ghi tình trạng hồ sơ khi nhận lại (đủ thành phần, nguyên vẹn, "
                    "hay thiếu, hư hỏng gì).",
                    "condition",
                )
            )
        elif len(condition) > 1000:
            problems.append(
                Problem("too_long", "Tình trạng khi trả dài quá 1000 ký tự.", "condition")
            )
        if day and day < loan.out_date:
            problems.append(
                Problem(
                    "returned_before_out",
                    f"Ngày trả không được trước ngày cho mượn ({vn(loan.out_date)}).",
                    "returned_on",
                )
            )
        if day and day > today:
            problems.append(
                Problem(
                    "returned_in_future",
                    f"Ngày trả không được sau hôm nay ({vn(today)}).",
                    "returned_on",
                )
            )
        if problems:
            raise ValidationFailed(problems)
        loan.returned_on = day
        loan.return_note = condition
        loan.returned_to = acting_user
        loan.save(update_fields=["returned_on", "return_note", "returned_to"])
        _audit(
            acting_user,
            loan,
            "return",
            returned_on=loan.returned_on.isoformat(),
            late_days=max(0, (loan.returned_on - loan.due_date).days),
        )
        return loan


def loan_extend(
    *, acting_user: User, loan_id: int, due_date: date | None, reason: str
) -> PaperLoan:
    """Move the due date of an open loan later, with the reason (kept with the old date)."""
    _loan_gate(acting_user, loan_id)
    with transaction.atomic():
        loan = _loan_locked(loan_id)
        _not_returned_yet(loan)
        today = local_today()
        problems: list[Problem] = []
        due = _day(problems, "due_date", due_date, "hạn trả mới")
        reason = (reason or "").strip()
        if not reason:
            problems.append(Problem("required", "Hãy nhập lý do gia hạn.", "reason"))
        elif len(reason) > 500:
            problems.append(Problem("too_long", "Lý do gia hạn dài quá 500 ký tự.", "reason"))
        if due and due <= loan.due_date:
            problems.append(
                Problem(
                    "not_later",
                    f"Hạn trả mới phải sau hạn trả hiện tại ({vn(loan.due_date)}).",
                    "due_date",
                )
            )
        elif due and due < today:
            problems.append(
                Problem(
                    "due_in_past",
                    f"Hạn trả mới không được trước hôm nay ({vn(today)}).",
                    "due_date",
                )
            )
        if problems:
            raise ValidationFailed(problems)
        assert due is not None
        previous = loan.due_date
        loan.extensions = [
            *loan.extensions,
            {
                "from": previous.isoformat(),
                "to": due.isoformat(),
                "reason": reason,
                "by": acting_user.get_username(),
                "at": timezone.now().isoformat(),
            },
        ]
        loan.due_date = due
        loan.save(update_fields=["extensions", "due_date"])
        _audit(
            acting_user,
            loan,
            "extend",
            previous_due=previous.isoformat(),
            due_date=due.isoformat(),
        )
        return loan
