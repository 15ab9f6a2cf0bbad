"""What the demo holds, counted in the words of README's table (a test compares the two)."""

from __future__ import annotations

from datetime import date

from django.db.models import Q

from hoso.access.models import AccessGrant
from hoso.changes.models import ChangeSet, ChangeStatus, Discrepancy, DiscrepancyStatus
from hoso.changes.selectors.obligations import obligations_list
from hoso.core.dates import today as local_today
from hoso.demo.orgs import PROVINCE
from hoso.documents.models import Component, SignedResume
from hoso.orgs.models import Organization
from hoso.people.models import SecretLabel
from hoso.people.selectors import person_queryset, quota_usage


def demo_figures(today: date | None = None) -> dict[str, str]:
    """What the node holds, counted, in the words of README's table of the demo's data (a
    test compares the two after a default setup, so the README cannot drift)."""
    today = today or local_today()
    people = person_queryset()
    province = Organization.objects.get(code=PROVINCE["code"])
    in_province = people.filter(current_unit__path__startswith=province.path).count()
    labels = {
        label: people.filter(secret_label=label).count()
        for label in (SecretLabel.MAT, SecretLabel.TOI_MAT)
    }
    special = people.filter(special_category=True).count()
    grants = {
        g.grantee.username: len(g.person_ids)
        for g in AccessGrant.objects.select_related("grantee").filter(revoked_at__isnull=True)
    }
    usage = quota_usage(year=today.year)
    over = sum(1 for u in usage if u.over)
    scans = Component.objects.count()
    scanned = Component.objects.values("personal_id").distinct().count()
    changes = ChangeSet.objects.all()
    status = {s: changes.filter(status=s).count() for s in ChangeStatus.values}
    paper = changes.filter(source_kind="paper")
    open_ = Discrepancy.objects.filter(status=DiscrepancyStatus.OPEN).count()
    resolved = Discrepancy.objects.filter(status=DiscrepancyStatus.RESOLVED).count()

    def due(state: str) -> int:
        return obligations_list(scope=Q(), status=state, today=today).count()

    return {
        "dossiers": f"{people.count():,} ({in_province:,} in the province, "
        f"{people.count() - in_province:,} in the ministry)",
        "protected dossiers": f"{labels[SecretLabel.MAT]} Mật, {labels[SecretLabel.TOI_MAT]} "
        f"Tối mật; {special} of the special category",
        "written approvals": f"`lanhdao`: {grants.get('lanhdao', 0)} protected dossiers "
        f"(Mật or special category); `ngoai`: {grants.get('ngoai', 0)} province dossiers",
        "staffing quota rows of the year": f"{len(usage)}: {len(usage) - over} within, {over} over",
        "scans": f"{scans} on {scanned} dossiers",
        "signed résumés": str(SignedResume.objects.count()),
        "proposals": f"{status[ChangeStatus.PROPOSED]} pending, {status[ChangeStatus.APPLIED]} "
        f"approved, {status[ChangeStatus.REJECTED]} rejected ({paper.count()} paper-based, "
        f"the rest from decisions)",
        "discrepancies": f"{open_} open, {resolved} resolved",
        "deadlines": f"{due('overdue')} overdue, {due('due_soon')} due soon, {due('on_time')} "
        f"later, {due('done')} done on time, {due('done_late')} done late",
    }
