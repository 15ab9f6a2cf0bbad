"""Read-only helpers of the work pages: deadlines, discrepancies, change sets and versions.

Dossier values reach these pages only through the gate (`access.policies`): lists are cut by
`people_scope` / `obligation_scope`, and a value from a change set or a version is shown only
when the `DossierAccess` of that person opens its field.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Q, QuerySet

from hoso.access import policies
from hoso.calendar import selectors as calendar_selectors
from hoso.calendar.engine import ObligationStatus
from hoso.changes.models import (
    ChangeSet,
    ChangeStatus,
    Discrepancy,
    Obligation,
)
from hoso.changes.operations import FieldChange
from hoso.changes.selectors import obligations
from hoso.changes.selectors.changesets import creations_in_scope
from hoso.core.dates import vn
from hoso.documents.selectors import lending
from hoso.people.sections import BY_KEY, field_label
from hoso.people.selectors import display_value, person_queryset
from hoso.web.presenters.lending import LoanRow, loan_rows

STATUS_LABELS = {
    ObligationStatus.ON_TIME: "Trong hạn",
    ObligationStatus.DUE_SOON: "Sắp đến hạn",
    ObligationStatus.OVERDUE: "Quá hạn",
    ObligationStatus.DONE: "Đã hoàn thành đúng hạn",
    ObligationStatus.DONE_LATE: "Hoàn thành muộn",
}


def vn_date(value: date | datetime | None) -> str:
    """dd/mm/yyyy; a moment's date in Vietnam time (`core.dates.vn`)."""
    return vn(value)


def parse_vn_date(text: str) -> date | None:
    """ "05/03/2026" → date(2026, 3, 5); anything else → None."""
    try:
        return datetime.strptime(text.strip(), "%d/%m/%Y").date()
    except (ValueError, AttributeError):
        return None


# --- Deadlines ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ObligationRow:
    obligation: Obligation
    kind: str
    status: str
    status_label: str
    start: str
    due: str
    days_late: int  # calendar days past the due day (0 when not late)
    days_left: int  # calendar days to the due day (0 when due today or late)
    readable: bool  # may the user open the dossier (a link) — dossiers not yet created: no


def obligation_rows(items: list[Obligation], status: str, today: date) -> list[ObligationRow]:
    readable = set(
        person_queryset()
        .filter(personal_id__in={o.personal_id for o in items})
        .values_list("personal_id", flat=True)
    )
    rows = []
    for o in items:
        rows.append(
            ObligationRow(
                obligation=o,
                kind=o.get_kind_display(),
                status=status,
                status_label=STATUS_LABELS[ObligationStatus(status)],
                start=vn_date(o.start_date),
                due=vn_date(o.due_date),
                days_late=max(0, (today - o.due_date).days),
                days_left=max(0, (o.due_date - today).days),
                readable=o.personal_id in readable,
            )
        )
    return rows


@dataclass(frozen=True)
class OfficerRow:
    name: str
    overdue: int
    due_soon: int


def by_officer(overdue: list[Obligation], due_soon: list[Obligation]) -> list[OfficerRow]:
    counts: dict[str, list[int]] = {}
    for index, items in enumerate((overdue, due_soon)):
        for o in items:
            name = o.officer.get_username() if o.officer else "Chưa giao người phụ trách"
            counts.setdefault(name, [0, 0])[index] += 1
    return [OfficerRow(n, c[0], c[1]) for n, c in sorted(counts.items())]


_SOON_LIMITS: dict[date, date] = {}


def my_due_count(user: Any, today: date) -> int:
    """The user's own open obligations that are overdue or due soon: one query (the limit of
    "due soon" is computed once a day per process)."""
    limit = _SOON_LIMITS.get(today)
    if limit is None:
        limit = obligations.soon_limit(today, calendar_selectors.calendar())
        _SOON_LIMITS.clear()
        _SOON_LIMITS[today] = limit
    return (
        Obligation.objects.filter(officer=user, done_at__isnull=True, due_date__lt=limit)
        .filter(Q(changeset__isnull=True) | ~Q(changeset__status=ChangeStatus.APPLIED))
        .count()
    )


# --- Paper dossiers out past their due date (mượn hồ sơ giấy quá hạn) -------------------------


def overdue_paper_loans(user: Any, today: date, limit: int) -> tuple[bool, list[LoanRow]]:
    """Whether the user keeps paper dossiers (a clerk's or records manager's duty), and the
    loans of their scope past their due date, the most overdue first (rows with the days
    overdue, `presenters.lending.LoanRow`)."""
    if not lending.duty_units(user, lending.WORKING_ROLES):
        return False, []
    scope = lending.loan_scope(user, lending.WORKING_ROLES)
    loans = list(lending.overdue_loans(scope, today)[:limit])
    return True, loan_rows(user, loans, today)


# --- Scope --------------------------------------------------------------------------------------


def people_ids_in_scope(user: Any) -> QuerySet:
    return person_queryset().filter(policies.people_scope(user)).values("personal_id")


def discrepancies_in_scope(user: Any, status: str | None = None) -> QuerySet[Discrepancy]:
    """The discrepancies of people in the user's scope; with `status`, only those, the latest
    reported first (the list page's order)."""
    qs = Discrepancy.objects.filter(personal_id__in=people_ids_in_scope(user)).select_related(
        "reported_by", "verified_by"
    )
    return qs if status is None else qs.filter(status=status).order_by("-reported_at", "-pk")


def pending_in_scope(user: Any) -> QuerySet[ChangeSet]:
    """Change sets awaiting review in the user's scope, the oldest first."""
    return (
        ChangeSet.objects.filter(
            Q(personal_id__in=people_ids_in_scope(user)) | Q(pk__in=creations_in_scope(user)),
            status=ChangeStatus.PROPOSED,
        )
        .select_related("proposer")
        .order_by("proposed_at", "pk")
    )


def section_titles(sections: list[str]) -> str:
    return ", ".join(BY_KEY[s].title if s in BY_KEY else s for s in sections)


def field_name(field_id: str) -> str:
    section, _, name = field_id.partition(".")
    if section in BY_KEY and name in BY_KEY[section].fields:
        return f"{BY_KEY[section].title} – {field_label(BY_KEY[section], name)}"
    return field_id


# --- Diffs and versions, masked -----------------------------------------------------------------

MASK = "Đã che"


def shown(value: Any, section: str = "", name: str = "") -> str:
    """A stored value as a person reads it (`people.selectors.display_value`: catalog names,
    units, dd/mm/yyyy)."""
    if value in (None, ""):
        return "—"
    if section in BY_KEY and name in BY_KEY[section].fields:
        return display_value(BY_KEY[section], name, value) or "—"
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        parsed = _iso_date(value)
        if parsed:
            return vn_date(parsed)
    return str(value)


def row_label(section: str, values: dict[str, Any] | None, access: policies.DossierAccess) -> str:
    """A row named by its first two visible values ("12/03/2026, Giấy khen"), the same in a
    proposal and in the approved version, where its position may differ."""
    if not values:
        return ""
    parts = [
        shown(values[n], section, n)
        for n in BY_KEY[section].fields
        if values.get(n) not in (None, "") and access.can_see(f"{section}.{n}")
    ]
    return ", ".join(parts[:2])


def _iso_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


@dataclass(frozen=True)
class DiffRow:
    section: str
    row: str
    field: str
    before: str
    after: str
    masked: bool


def diff_rows(changes: list[FieldChange], access: policies.DossierAccess) -> list[DiffRow]:
    rows = []
    for c in changes:
        section = BY_KEY[c.section]
        visible = access.can_see(f"{c.section}.{c.field}")
        rows.append(
            DiffRow(
                section=section.title,
                row=row_label(c.section, c.row_values, access) if c.row is not None else "",
                field=field_label(section, c.field),
                before=shown(c.before, c.section, c.field) if visible else MASK,
                after=shown(c.after, c.section, c.field) if visible else MASK,
                masked=not visible,
            )
        )
    return rows


@dataclass(frozen=True)
class ValueRow:
    section: str
    row: str
    field: str
    value: str
    masked: bool


def version_rows(data: dict[str, Any], access: policies.DossierAccess) -> list[ValueRow]:
    """A version's content, field by field, as the gate lets this user see it (empty fields
    left out)."""
    out: list[ValueRow] = []
    for key, section in BY_KEY.items():
        value = data.get(key)
        rows = (value or []) if section.many else [value or {}]
        for row in rows:
            for name in section.fields:
                if row.get(name) in (None, ""):
                    continue
                visible = access.can_see(f"{key}.{name}")
                out.append(
                    ValueRow(
                        section=section.title,
                        row=row_label(key, row, access) if section.many else "",
                        field=field_label(section, name),
                        value=shown(row.get(name), key, name) if visible else MASK,
                        masked=not visible,
                    )
                )
    return out
