"""What the decision pages show: the decision types grouped as the catalog groups them, a
preview's changes, rule verdicts and quota warnings, a dossier's registered decisions with
their change set and scan."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hoso.access import policies
from hoso.catalog.selectors import attrs_of, name_of
from hoso.changes.models import ChangeStatus, PersonnelDecision
from hoso.changes.selectors.decisions import decision_hidden_fields, quota_text
from hoso.changes.services.decisions import DecisionPreview
from hoso.documents.models import Component
from hoso.eligibility.engine import facts_visible
from hoso.eligibility.labels import facts_text
from hoso.federation.models import Handover
from hoso.federation.selectors import handovers_by_decision
from hoso.people.sections import BY_KEY
from hoso.web.presenters.work import diff_rows

STATUS_BADGES = {
    ChangeStatus.PROPOSED: "badge--pending",
    ChangeStatus.APPLIED: "badge--active",
}


def section_of(decision_type: str) -> str:
    """The dossier section a decision's scan proves (catalog ``decision_type.section``)."""
    section = str(attrs_of("decision_type", decision_type).get("section") or "")
    return section if section in BY_KEY else ""


def eligibility_reasons(preview: DecisionPreview) -> list[dict[str, Any]]:
    """The eligibility engine's reasons (issue 12), each fact shown only to a reader who may
    see the section it comes from."""
    if preview.eligibility is None:
        return []
    masked = preview.access.masked
    return [
        {
            "label": r.label,
            "passed": r.passed,
            "message": r.message,
            "citation": r.citation,
            "until": r.until,
            "facts": facts_text(r.facts) if facts_visible(masked, r.rule) else "",
        }
        for r in preview.eligibility.reasons
    ]


def preview_context(preview: DecisionPreview) -> dict[str, Any]:
    return {
        "rows": diff_rows(preview.changes, preview.access),
        "verdicts": preview.verdicts,
        "reasons": eligibility_reasons(preview),
        "quotas": [quota_text(q) for q in preview.over_quota],
        "blocked": preview.blocked,
        "no_change": preview.operations is None and not preview.problems,
    }


@dataclass(frozen=True)
class DecisionRow:
    decision: PersonnelDecision
    type_name: str
    status: str
    status_label: str
    badge: str
    scans: list[Component]
    summary: str
    handover: Handover | None = None  # a transfer to another agency: its hand-over's state


def decision_rows(
    decisions: list[PersonnelDecision],
    scans: list[Component],
    access: policies.DossierAccess,
) -> list[DecisionRow]:
    """The registered decisions, latest effective first, each with its change set's status
    and the scans attached to it that the reader may see; the summary only when the reader
    may see every field the decision writes (it may name them)."""
    by_changeset: dict[int, list[Component]] = {}
    for scan in scans:
        if scan.changeset_id is not None:
            by_changeset.setdefault(scan.changeset_id, []).append(scan)
    handovers = handovers_by_decision([d.pk for d in decisions])
    rows = []
    for d in decisions:
        changeset = d.changeset
        rows.append(
            DecisionRow(
                decision=d,
                type_name=name_of("decision_type", d.decision_type),
                status=changeset.status if changeset else "",
                status_label=changeset.get_status_display() if changeset else "Chỉ lưu quyết định",
                badge=STATUS_BADGES.get(changeset.status, "badge--revoked") if changeset else "",
                scans=by_changeset.get(d.changeset_id, []) if d.changeset_id else [],
                summary="" if decision_hidden_fields(d, access) else d.summary,
                handover=handovers.get(d.pk),
            )
        )
    return rows
