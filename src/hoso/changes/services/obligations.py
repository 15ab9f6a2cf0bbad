"""Opening and closing deadline obligations: who must bring which dossier up to date, by
when (R-10D-CREATE, R-10D-DECISION, R-DISCREPANCY, R-EVAL-REALTIME).

**Opening.** `obligation_open` takes its due date from `selectors.obligations.deadline`. The
policy and rule used, and their legal basis, are stored with the obligation, so a later change
of policy does not move a deadline already running.

**Done.** An obligation is done when its change set is applied — at the moment of approval —
or when `done_at` is set. `obligations_mark_done_for_changeset` (called on approval) sets
`done_at`, and first links the open discrepancy obligations of that person which the applied
change set answers (it touches the discrepancy's sections and was approved after the
verification).
"""

from __future__ import annotations

import json
from datetime import date

from django.db import transaction
from django.utils import timezone

from hoso.access.models import User
from hoso.calendar.engine import OutOfRange
from hoso.changes.models import ChangeSet, ChangeStatus, Obligation, ObligationKind, SourceKind
from hoso.changes.selectors.obligations import deadline, discrepancy_sections, open_fixes_before
from hoso.core.errors import Problem, ValidationFailed
from hoso.orgs.models import Organization
from hoso.orgs.selectors import org_get

SOURCE_KINDS = ("decision", "changeset", "discrepancy")


def _fail(code: str, message: str, field: str = "") -> ValidationFailed:
    return ValidationFailed([Problem(code, message, field)])


@transaction.atomic
def obligation_open(
    *,
    kind: str,
    personal_id: str,
    start_date: date,
    source: str,
    unit: Organization | None,
    officer: User | None,
    changeset: ChangeSet | None = None,
    acting_user: User | None = None,  # noqa: ARG001 - house style; the source's own event is audited
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
    operations = json.loads(changeset.operations)
    data = (operations[0].get("data") if operations else None) or {}
    code = (data.get("employment") or {}).get("current_unit")
    return org_get(code) if code else None


@transaction.atomic
def obligation_open_for_changeset(*, acting_user: User, changeset: ChangeSet) -> Obligation | None:
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


@transaction.atomic
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
def obligations_mark_done_for_changeset(*, changeset: ChangeSet) -> int:
    """Called when `changeset` has been applied; idempotent. Returns how many were closed.

    Its own obligations are done at the approval moment; so are the person's open discrepancy
    obligations that it answers (it touches the discrepancy's sections and was approved on or
    after the verification day)."""
    if changeset.status != ChangeStatus.APPLIED:
        return 0
    when = changeset.reviewed_at or timezone.now()
    open_fixes = open_fixes_before(changeset.personal_id, timezone.localdate(when))
    touched = set(changeset.sections or [])
    for obligation in open_fixes:
        if touched & set(discrepancy_sections(obligation.source)):
            obligation_relink(obligation=obligation, changeset=changeset)
    return Obligation.objects.filter(changeset=changeset, done_at__isnull=True).update(done_at=when)
