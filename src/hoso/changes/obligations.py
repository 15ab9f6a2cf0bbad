"""Deadline obligations: who must bring which dossier up to date, by when (R-10D-CREATE,
R-10D-DECISION, R-DISCREPANCY, R-EVAL-REALTIME).

**Opening.** `obligation_open` counts the due date with `hoso.calendar`: the event day
(`start_date`: paper confirmed, decision received, discrepancy verified) is not counted, the
due day is the last allowed day. The policy is the setting ``HOSO_DEADLINE_POLICY`` (a code
of the ``deadline_policy`` catalog) or, unset, the catalog's default (``seeds_2022``). When
the chosen policy sets no deadline for the obligation on that date (NĐ 27/2026 has none for
entering decisions), the default policy's rule applies. The policy and rule used, and their
legal basis, are stored with the obligation, so a later change of policy does not move a
deadline already running.

**Done.** An obligation is done when its change set is applied — at the moment of approval —
or when `done_at` is set. `obligations_mark_done_for_changeset` (called on approval) sets
`done_at`, and first links the open discrepancy obligations of that person which the applied
change set answers (it touches the discrepancy's sections and was approved after the
verification).

**Status** is `hoso.calendar.engine.obligation_status`: on time, due soon (at most
``HOSO_OBLIGATION_DUE_SOON_DAYS`` working days left, default 3 — a display threshold, not a
number from law), overdue, done, done late. The selectors filter by status in SQL with the
same boundaries, so a list of 100,000 obligations is not computed row by row.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import (
    Case,
    Count,
    DateTimeField,
    F,
    Q,
    QuerySet,
    When,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from hoso.access.models import Role
from hoso.access.policies import active_assignments, people_scope
from hoso.calendar import selectors as calendar_selectors
from hoso.calendar.engine import (
    Calendar,
    DeadlinePolicy,
    DeadlineRule,
    NoDeadlineRule,
    ObligationStatus,
    OutOfRange,
    deadline_for,
    obligation_status,
)
from hoso.changes.models import ChangeSet, ChangeStatus, Obligation, ObligationKind, SourceKind
from hoso.core.dates import today as local_today
from hoso.core.errors import Problem, ValidationFailed
from hoso.orgs.models import Organization
from hoso.people.models import Person

# The obligation of the deadline policy that each kind follows.
POLICY_OBLIGATION = {
    ObligationKind.CREATE_FROM_PAPER: "dossier_update",
    ObligationKind.ENTER_DECISION: "decision_entry",
    ObligationKind.FIX_DISCREPANCY: "discrepancy_fix",
}
SOURCE_KINDS = ("decision", "changeset", "discrepancy")
WRITING_ROLES = {Role.CLERK, Role.RECORDS_MANAGER}
DEFAULT_DUE_SOON_DAYS = 3


def _fail(code: str, message: str, field: str = "") -> ValidationFailed:
    return ValidationFailed([Problem(code, message, field)])


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


# --- Writing --------------------------------------------------------------------------------------


@transaction.atomic
def obligation_open(
    *,
    kind: str,
    personal_id: str,
    start_date: date,
    source: str,
    unit: Organization | None,
    officer: Any,
    changeset: ChangeSet | None = None,
    acting_user: Any = None,  # noqa: ARG001 - house style; the source's own event is audited
) -> Obligation:
    """Open the duty to update `personal_id`'s dossier, due by the policy's deadline.

    `source` is "decision:<id>", "changeset:<id>" or "discrepancy:<id>"; `changeset` is the
    change set whose application fulfils it, when it already exists.
    """
    if kind not in ObligationKind.values:
        raise _fail("bad_kind", f"Loại việc «{kind}» không có.", "kind")
    prefix, _, ident = str(source).partition(":")
    if prefix not in SOURCE_KINDS or not ident:
        raise _fail("bad_source", f"Căn cứ phát sinh «{source}» không hợp lệ.", "source")
    if not isinstance(start_date, date):
        raise _fail("bad_date", "Ngày phát sinh phải là một ngày.", "start_date")
    try:
        due, policy, rule = deadline(kind, start_date)
    except OutOfRange as exc:
        raise _fail("date_out_of_range", str(exc), "start_date") from exc
    return Obligation.objects.create(
        kind=kind,
        personal_id=personal_id,
        unit=unit,
        officer=officer if getattr(officer, "pk", None) else None,
        source=source,
        changeset=changeset,
        start_date=start_date,
        due_date=due,
        policy_code=policy.code,
        rule_code=rule.code,
        legal_basis=rule.legal_basis,
    )


def _created_unit(changeset: ChangeSet) -> Organization | None:
    import json

    operations = json.loads(changeset.operations)
    data = (operations[0].get("data") if operations else None) or {}
    code = (data.get("employment") or {}).get("current_unit")
    return Organization.objects.filter(code=code).first() if code else None


@transaction.atomic
def obligation_open_for_changeset(*, acting_user: Any, changeset: ChangeSet) -> Obligation | None:
    """For `changeset_propose`: a proposal that creates a dossier from a confirmed paper
    dossier opens the 10-working-day duty from the confirmation day (R-10D-CREATE); other
    proposals open nothing. A new proposal after a rejected or withdrawn one for the same
    person and confirmation day takes over that duty: the deadline still runs from the day
    the paper was confirmed."""
    if (
        changeset.source_kind != SourceKind.PAPER
        or not changeset.creates_dossier
        or changeset.paper_confirmed_on is None
    ):
        return None
    kind = ObligationKind.CREATE_FROM_PAPER
    existing = Obligation.objects.filter(kind=kind, changeset=changeset).first()
    if existing is not None:  # idempotent: already opened for this proposal
        return existing
    previous = (
        Obligation.objects.select_for_update()
        .filter(
            kind=kind,
            personal_id=changeset.personal_id,
            start_date=changeset.paper_confirmed_on,
            done_at__isnull=True,
            changeset__status__in=[ChangeStatus.REJECTED, ChangeStatus.WITHDRAWN],
        )
        .first()
    )
    if previous is not None:
        return obligation_relink(obligation=previous, changeset=changeset)
    return obligation_open(
        kind=kind,
        personal_id=changeset.personal_id,
        start_date=changeset.paper_confirmed_on,
        source=f"changeset:{changeset.pk}",
        unit=_created_unit(changeset),
        officer=changeset.proposer,
        changeset=changeset,
        acting_user=acting_user,
    )


def obligation_relink(
    *, obligation: Obligation, changeset: ChangeSet, source: str | None = None
) -> Obligation:
    """Point an open obligation at the change set that will now fulfil it."""
    obligation.changeset = changeset
    if source:
        obligation.source = source
    obligation.save(update_fields=["changeset", "source"])
    return obligation


@transaction.atomic
def obligations_mark_done_for_changeset(changeset: ChangeSet) -> int:
    """Called when `changeset` has been applied; idempotent. Returns how many were closed.

    Its own obligations are done at the approval moment; so are the person's open discrepancy
    obligations that it answers (it touches the discrepancy's sections and was approved on or
    after the verification day)."""
    if changeset.status != ChangeStatus.APPLIED:
        return 0
    when = changeset.reviewed_at or timezone.now()
    open_fixes = Obligation.objects.filter(
        kind=ObligationKind.FIX_DISCREPANCY,
        personal_id=changeset.personal_id,
        done_at__isnull=True,
        start_date__lte=timezone.localdate(when),
    ).filter(Q(changeset__isnull=True) | ~Q(changeset__status=ChangeStatus.APPLIED))
    touched = set(changeset.sections or [])
    for obligation in open_fixes:
        if touched & set(_discrepancy_sections(obligation.source)):
            obligation_relink(obligation=obligation, changeset=changeset)
    return Obligation.objects.filter(changeset=changeset, done_at__isnull=True).update(done_at=when)


def _discrepancy_sections(source: str) -> list[str]:
    from hoso.changes import models

    prefix, _, ident = source.partition(":")
    discrepancy = getattr(models, "Discrepancy", None)
    if prefix != "discrepancy" or not ident.isdigit() or discrepancy is None:
        return []
    row = discrepancy.objects.filter(pk=int(ident)).values_list("sections", flat=True).first()
    return list(row or [])


# --- Reading --------------------------------------------------------------------------------------


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


def obligation_scope(user: Any) -> Q:
    """The obligations `user` may list (deny by default): those of the people in their scope
    (`people_scope`), and, for a clerk or records manager, those of dossiers not yet created
    whose unit lies in their duty's subtree (their own pending work)."""
    allowed = Q(personal_id__in=Person.objects.filter(people_scope(user)).values("personal_id"))
    unborn = ~Q(personal_id__in=Person.objects.values("personal_id"))
    for duty in active_assignments(user):
        if duty.role in WRITING_ROLES and duty.organization is not None:
            allowed |= unborn & Q(unit__path__startswith=duty.organization.path)
    return allowed


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


def _soon_limit(today: date, calendar: Calendar) -> date:
    # `obligation_status` counts working days after today up to the due day; "due soon" means
    # at most N of them, i.e. a due day before the (N+1)-th working day after today.
    return calendar.add_working_days(today, due_soon_days() + 1)


def status_q(status: str, today: date, calendar: Calendar) -> Q:
    """The SQL twin of `obligation_status` on an `_annotated` queryset."""
    open_ = Q(done_moment__isnull=True)
    if status == ObligationStatus.OVERDUE:
        return open_ & Q(due_date__lt=today)
    if status == ObligationStatus.DUE_SOON:
        return open_ & Q(due_date__gte=today, due_date__lt=_soon_limit(today, calendar))
    if status == ObligationStatus.ON_TIME:
        return open_ & Q(due_date__gte=_soon_limit(today, calendar))
    if status == ObligationStatus.DONE:
        return Q(done_moment__isnull=False, done_day__lte=F("due_date"))
    if status == ObligationStatus.DONE_LATE:
        return Q(done_moment__isnull=False, done_day__gt=F("due_date"))
    raise _fail("bad_status", f"Trạng thái «{status}» không có.", "status")


def obligations_list(
    *,
    scope: Q,
    unit: Organization | None = None,
    officer: Any = None,
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
    *, scope: Q, unit: Organization | None = None, officer: Any = None, today: date | None = None
) -> QuerySet[Obligation]:
    return obligations_list(
        scope=scope, unit=unit, officer=officer, status=ObligationStatus.OVERDUE, today=today
    )


def due_soon(
    *, scope: Q, unit: Organization | None = None, officer: Any = None, today: date | None = None
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
