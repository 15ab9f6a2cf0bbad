"""Reading deadline obligations: their deadline, status and lists (R-10D-CREATE,
R-10D-DECISION, R-DISCREPANCY, R-EVAL-REALTIME); the writes are in
`hoso.changes.services.obligations`.

**Deadline.** `deadline` counts the due date with `hoso.calendar`: the event day
(paper confirmed, decision received, discrepancy verified) is not counted, the due day is the
last allowed day. The policy is the setting ``HOSO_DEADLINE_POLICY`` (a code of the
``deadline_policy`` catalog) or, unset, the catalog's default (``seeds_2022``). When the
chosen policy sets no deadline for the obligation on that date (NĐ 27/2026 has none for
entering decisions), the default policy's rule applies.

**Status** is `hoso.calendar.engine.obligation_status`: on time, due soon (at most
``HOSO_OBLIGATION_DUE_SOON_DAYS`` working days left, default 3 — a display threshold, not a
number from law), overdue, done, done late. The selectors filter by status in SQL with the
same boundaries, so a list of 100,000 obligations is not computed row by row.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db.models import Case, Count, DateTimeField, F, Q, QuerySet, When
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from hoso.access.models import Role, User
from hoso.access.policies import active_assignments, people_scope
from hoso.calendar import selectors as calendar_selectors
from hoso.calendar.engine import (
    Calendar,
    DeadlinePolicy,
    DeadlineRule,
    NoDeadlineRule,
    ObligationStatus,
    deadline_for,
    obligation_status,
)
from hoso.changes.models import ChangeStatus, Discrepancy, Obligation, ObligationKind
from hoso.core.dates import today as local_today
from hoso.core.errors import Problem, ValidationFailed
from hoso.orgs.models import Organization
from hoso.people.selectors import person_ids

# The obligation of the deadline policy that each kind follows.
POLICY_OBLIGATION = {
    ObligationKind.CREATE_FROM_PAPER: "dossier_update",
    ObligationKind.ENTER_DECISION: "decision_entry",
    ObligationKind.FIX_DISCREPANCY: "discrepancy_fix",
}
WRITING_ROLES = {Role.CLERK, Role.RECORDS_MANAGER}
DEFAULT_DUE_SOON_DAYS = 3


def due_soon_days() -> int:
    return int(getattr(settings, "HOSO_OBLIGATION_DUE_SOON_DAYS", DEFAULT_DUE_SOON_DAYS))


def active_policy() -> DeadlinePolicy:
    """The policy chosen for this node (``HOSO_DEADLINE_POLICY``) or the catalog's default."""
    return calendar_selectors.deadline_policy(
        getattr(settings, "HOSO_DEADLINE_POLICY", None) or None
    )


def deadline(kind: str, start: date) -> tuple[date, DeadlinePolicy, DeadlineRule]:
    """The due date of an obligation of `kind` for an event on `start`, and the rule used."""
    obligation = POLICY_OBLIGATION[ObligationKind(kind)]
    policy = active_policy()
    try:
        rule = policy.rule_for(obligation, start)
    except NoDeadlineRule:
        policy = calendar_selectors.deadline_policy(None)
        rule = policy.rule_for(obligation, start)  # none here either: a catalog to fix, loudly
    return deadline_for(start, obligation, policy, calendar_selectors.calendar()), policy, rule


def discrepancy_sections(source: str) -> list[str]:
    """The sections of the discrepancy an obligation's `source` names ("discrepancy:<id>")."""
    prefix, _, ident = source.partition(":")
    if prefix != "discrepancy" or not ident.isdigit():
        return []
    row = Discrepancy.objects.filter(pk=int(ident)).values_list("sections", flat=True).first()
    return list(row or [])


def open_fixes_before(personal_id: str, on: date) -> QuerySet[Obligation]:
    """The person's open discrepancy obligations started on or before `on` whose change set,
    if any, is not applied: those an applied change set may answer."""
    return Obligation.objects.filter(
        kind=ObligationKind.FIX_DISCREPANCY,
        personal_id=personal_id,
        done_at__isnull=True,
        start_date__lte=on,
    ).filter(Q(changeset__isnull=True) | ~Q(changeset__status=ChangeStatus.APPLIED))


def obligations_from(sources: list[str]) -> list[Obligation]:
    """The obligations opened by these sources ("decision:<id>" …), oldest first."""
    return list(
        Obligation.objects.select_related("unit", "officer", "changeset")
        .filter(source__in=sources)
        .order_by("pk")
    )


def done_moment(obligation: Obligation) -> datetime | None:
    if obligation.done_at is not None:
        return obligation.done_at
    changeset = obligation.changeset
    if changeset is not None and changeset.status == ChangeStatus.APPLIED:
        return changeset.reviewed_at
    return None


def done_on(obligation: Obligation) -> date | None:
    moment = done_moment(obligation)
    return timezone.localdate(moment) if moment else None


def status_of(
    obligation: Obligation, *, today: date | None = None, calendar: Calendar | None = None
) -> ObligationStatus:
    return obligation_status(
        obligation.due_date,
        done_on(obligation),
        today or local_today(),
        due_soon_days(),
        calendar=calendar or calendar_selectors.calendar(),
    )


def obligation_scope(user: User) -> Q:
    """The obligations `user` may list (deny by default): those of the people in their scope
    (`people_scope`), and, for a clerk or records manager, those of dossiers not yet created
    whose unit lies in their duty's subtree (their own pending work)."""
    allowed = Q(personal_id__in=person_ids(people_scope(user)))
    unborn = ~Q(personal_id__in=person_ids())
    for duty in active_assignments(user):
        if duty.role in WRITING_ROLES and duty.organization is not None:
            allowed |= unborn & Q(unit__path__startswith=duty.organization.path)
    return allowed


def officer_q(username: str) -> Q:
    """The obligations of the officer with this account name; an unknown name selects nothing
    (no oracle of account names)."""
    officer = User.objects.filter(username=username).first()
    return Q(officer=officer) if officer is not None else Q(pk__in=[])


def _annotated(qs: QuerySet[Obligation]) -> QuerySet[Obligation]:
    moment = Coalesce(
        F("done_at"),
        Case(
            When(changeset__status=ChangeStatus.APPLIED, then=F("changeset__reviewed_at")),
            default=None,
            output_field=DateTimeField(),
        ),
        output_field=DateTimeField(),
    )
    return qs.annotate(done_moment=moment).annotate(
        done_day=TruncDate("done_moment", tzinfo=timezone.get_current_timezone())
    )


def soon_limit(today: date, calendar: Calendar) -> date:
    # `obligation_status` counts working days after today up to the due day; "due soon" means
    # at most N of them, i.e. a due day before the (N+1)-th working day after today.
    return calendar.add_working_days(today, due_soon_days() + 1)


def status_q(status: str, today: date, calendar: Calendar) -> Q:
    """The SQL twin of `obligation_status` on an `_annotated` queryset."""
    open_ = Q(done_moment__isnull=True)
    if status == ObligationStatus.OVERDUE:
        return open_ & Q(due_date__lt=today)
    if status == ObligationStatus.DUE_SOON:
        return open_ & Q(due_date__gte=today, due_date__lt=soon_limit(today, calendar))
    if status == ObligationStatus.ON_TIME:
        return open_ & Q(due_date__gte=soon_limit(today, calendar))
    if status == ObligationStatus.DONE:
        return Q(done_moment__isnull=False, done_day__lte=F("due_date"))
    if status == ObligationStatus.DONE_LATE:
        return Q(done_moment__isnull=False, done_day__gt=F("due_date"))
    raise ValidationFailed([Problem("bad_status", f"Trạng thái «{status}» không có.", "status")])


def obligations_list(
    *,
    scope: Q,
    unit: Organization | None = None,
    officer: User | None = None,
    status: str = "",
    today: date | None = None,
) -> QuerySet[Obligation]:
    """Obligations inside `scope` (from `obligation_scope`), in a unit's subtree, of an
    officer, in a status; soonest due first."""
    today = today or local_today()
    qs = _annotated(Obligation.objects.filter(scope).select_related("unit", "officer", "changeset"))
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    if officer is not None:
        qs = qs.filter(officer=officer)
    if status:
        qs = qs.filter(status_q(status, today, calendar_selectors.calendar()))
    return qs.order_by("due_date", "pk")


def overdue(
    *,
    scope: Q,
    unit: Organization | None = None,
    officer: User | None = None,
    today: date | None = None,
) -> QuerySet[Obligation]:
    return obligations_list(
        scope=scope, unit=unit, officer=officer, status=ObligationStatus.OVERDUE, today=today
    )


def due_soon(
    *,
    scope: Q,
    unit: Organization | None = None,
    officer: User | None = None,
    today: date | None = None,
) -> QuerySet[Obligation]:
    return obligations_list(
        scope=scope, unit=unit, officer=officer, status=ObligationStatus.DUE_SOON, today=today
    )


def counts_by_unit(
    *, scope: Q, root: Organization | None = None, today: date | None = None
) -> list[dict[str, Any]]:
    """Per unit (in `root`'s subtree): how many obligations are open, due soon, overdue, done
    and done late — one query."""
    today = today or local_today()
    calendar = calendar_selectors.calendar()
    qs = _annotated(Obligation.objects.filter(scope))
    if root is not None:
        qs = qs.filter(unit__path__startswith=root.path)
    counts = {
        status.value: Count("pk", filter=status_q(status, today, calendar))
        for status in ObligationStatus
    }
    rows = (
        qs.values("unit__code", "unit__name", "unit__path")
        .annotate(total=Count("pk"), open=Count("pk", filter=Q(done_moment__isnull=True)), **counts)
        .order_by("unit__path")
    )
    return list(rows)
