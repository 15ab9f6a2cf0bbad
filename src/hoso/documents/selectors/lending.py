"""Reading the loans of paper dossiers, always cut by the access gate.

A list of loans names people (whose dossier is out, and who has it), so lists are cut to the
people the reader may list (`policies.people_scope`) within the subtrees of their duties of
`roles` (records managers for the loans page; clerks and records managers for the work list),
and the page or API that shows one records it (`access.recorder.listed`). The loans of one
dossier are a dossier read (`policies.dossier_access`, audited).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet

from hoso.access import policies
from hoso.access.duties import active_assignments
from hoso.access.models import Role, User
from hoso.audit.purposes import Purpose
from hoso.core.dates import today as local_today
from hoso.documents.models import PaperLoan
from hoso.orgs.models import Organization
from hoso.people.models import Person
from hoso.people.selectors import person_ids, person_queryset

MANAGING_ROLES = {Role.RECORDS_MANAGER}
WORKING_ROLES = {Role.RECORDS_MANAGER, Role.CLERK}


def duty_units(user: User, roles: set[str] = MANAGING_ROLES) -> list[Organization]:
    """The roots of the subtrees where `user` holds one of `roles` (today)."""
    return [d.organization for d in active_assignments(user) if d.role in roles and d.organization]


def loan_scope(user: User, roles: set[str] = MANAGING_ROLES, unit: Organization | None = None) -> Q:
    """A filter of the loans `user` may list (deny by default): of the people they may list,
    whose unit lies in a subtree of their duties of `roles` — and within `unit` when given."""
    units = duty_units(user, roles)
    if not units:
        return Q(pk__in=[])
    where = Q(pk__in=[])
    for org in units:
        where |= Q(current_unit__path__startswith=org.path)
    if unit is not None:
        where &= Q(current_unit__path__startswith=unit.path)
    people = person_ids(policies.people_scope(user)).filter(where)
    return Q(personal_id__in=people)


def loans(scope: Q) -> QuerySet[PaperLoan]:
    return PaperLoan.objects.filter(scope).select_related("borrower_user", "recorded_by")


def open_loans(scope: Q) -> QuerySet[PaperLoan]:
    """The dossiers whose paper is out, the longest out first."""
    return loans(scope).filter(returned_on__isnull=True).order_by("out_date", "pk")


def overdue_loans(scope: Q, today: date | None = None) -> QuerySet[PaperLoan]:
    """Open loans past their due date (due < today), the most overdue first."""
    today = today or local_today()
    return open_loans(scope).filter(due_date__lt=today).order_by("due_date", "pk")


def returned_loans(scope: Q) -> QuerySet[PaperLoan]:
    """The history: loans that ended, the latest return first."""
    return loans(scope).filter(returned_on__isnull=False).order_by("-returned_on", "-pk")


def loans_for(
    user: User, personal_id: str, purpose: Purpose = Purpose.PAPER_LOAN_VIEW
) -> tuple[policies.DossierAccess, list[PaperLoan]]:
    """The loans of one dossier, the latest first, for whoever may open it (the read is
    audited by the gate); `NotFound` if it is not theirs."""
    access = policies.dossier_access(user, personal_id, purpose=purpose)
    return access, loans_of(access)


def loans_of(access: policies.DossierAccess) -> list[PaperLoan]:
    """The loans of the dossier the gate opened (`access`), the latest first."""
    return list(
        PaperLoan.objects.filter(personal_id=access.person.personal_id)
        .select_related("borrower_user", "recorded_by", "returned_to")
        .order_by("-out_date", "-pk")
    )


def open_loan(access: policies.DossierAccess) -> PaperLoan | None:
    """Where the paper of the opened dossier is now: its open loan, or None (in the store)."""
    return (
        PaperLoan.objects.filter(personal_id=access.person.personal_id, returned_on__isnull=True)
        .select_related("borrower_user")
        .first()
    )


def returned_count(access: policies.DossierAccess) -> int:
    """How many loans of the opened dossier have ended."""
    return PaperLoan.objects.filter(
        personal_id=access.person.personal_id, returned_on__isnull=False
    ).count()


def may_lend(user: User, access: policies.DossierAccess) -> bool:
    """Whether `user` records loans of this dossier (a records manager over its unit)."""
    return policies.duty_covers(user, MANAGING_ROLES, access.person.current_unit.path)


def people_of(loans_: list[PaperLoan]) -> dict[str, Person]:
    """The people the listed loans are of (already cut by the scope), by personal id."""
    ids = {loan.personal_id for loan in loans_}
    return {p.personal_id: p for p in person_queryset().filter(personal_id__in=ids)}


@dataclass(frozen=True)
class LoanCounts:
    open: int
    overdue: int


def counts(scope: Q, today: date | None = None) -> LoanCounts:
    today = today or local_today()
    qs = PaperLoan.objects.filter(scope, returned_on__isnull=True)
    return LoanCounts(open=qs.count(), overdue=qs.filter(due_date__lt=today).count())


def extension_rows(loan: PaperLoan) -> list[dict[str, Any]]:
    return [
        {
            "from": date.fromisoformat(e["from"]),
            "to": date.fromisoformat(e["to"]),
            "reason": e.get("reason", ""),
            "by": e.get("by", ""),
        }
        for e in loan.extensions or []
    ]


def loan_personal_id(loan_id: int) -> str | None:
    """Whose dossier loan `loan_id` is of (no content: the caller asks the gate next)."""
    return PaperLoan.objects.filter(pk=loan_id).values_list("personal_id", flat=True).first()
