"""Reading personnel decisions back (R-10D-DECISION): a decision behind the gate of its
person's dossier, its parameters and obligations, a person's decisions, the staffing quotas
a decision that brings someone onto a unit's staff would exceed."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from hoso.access.policies import DossierAccess
from hoso.catalog.selectors import attrs_of, name_of
from hoso.changes.models import ChangeStatus, Obligation, PersonnelDecision
from hoso.changes.selectors.obligations import obligations_from
from hoso.orgs.selectors import org_get
from hoso.people.models import StaffStatus
from hoso.people.sections import BY_KEY
from hoso.staffing.selectors import QuotaStanding, quota_standings


def decisions_matching(
    *, personal_id: str, decision_type: str, number: str, issuer: str
) -> list[PersonnelDecision]:
    """Earlier registrations of the same decision (type, number, issuer, person; case
    ignored), latest first."""
    return list(
        PersonnelDecision.objects.select_related("changeset")
        .filter(
            personal_id=personal_id,
            decision_type=decision_type,
            number__iexact=number,
            issuer__iexact=issuer,
        )
        .order_by("-registered_at")
    )


def early_raise_applied(personal_id: str, number: Any) -> bool:
    """Whether the early salary raise numbered `number` was applied to this person's dossier."""
    return (
        bool(number)
        and PersonnelDecision.objects.filter(
            personal_id=personal_id,
            decision_type="salary_raise_early",
            number=number,
            changeset__status=ChangeStatus.APPLIED,
        ).exists()
    )


def decision_parameters(decision: PersonnelDecision) -> dict[str, Any]:
    return json.loads(decision.parameters or "{}")


def decision_obligations(decision: PersonnelDecision) -> list[Obligation]:
    return obligations_from([f"decision:{decision.pk}"])


def decisions_of(personal_id: str) -> list[PersonnelDecision]:
    """A person's decisions, latest effective first (callers pass the gate first)."""
    return list(
        PersonnelDecision.objects.select_related("changeset")
        .filter(personal_id=personal_id)
        .order_by("-effective_date", "-pk")
    )


def joins_unit(decision_type: str) -> bool:
    """Whether a decision of this type brings a person onto a unit's staff (catalog
    ``decision_type``, attribute ``joins_unit``): it then counts against the unit's quota."""
    return bool(attrs_of("decision_type", decision_type).get("joins_unit"))


def quota_breaches(
    *, decision_type: str, data: dict[str, Any], parameters: dict[str, Any] | None, on: date
) -> list[QuotaStanding]:
    """The staffing quotas (year of `on`, the person's staff category) of the unit a decision
    of a joining type brings the person into that have no vacancy for them, nearest first.

    The unit is the decision's ``organization`` parameter, else the person's current unit; the
    category its ``staff_category`` parameter, else the person's. Someone already counted
    under a quota (at work, same category, current unit in its subtree) takes no new place in
    it: a transfer inside a department is not over the department's quota."""
    if not joins_unit(decision_type):
        return []
    params = parameters if isinstance(parameters, dict) else {}
    employment = dict(data.get("employment") or {})
    code = params.get("organization") or employment.get("current_unit")
    unit = org_get(str(code)) if code else None
    category = str(params.get("staff_category") or employment.get("staff_category") or "")
    if unit is None or not category:
        return []
    current_code = employment.get("current_unit")
    current = org_get(str(current_code)) if current_code else None
    counted = (
        current is not None
        and (employment.get("status") or StaffStatus.WORKING) == StaffStatus.WORKING
        and employment.get("staff_category") == category
    )
    breaches = []
    for standing in quota_standings(unit, on.year, category):
        inside = (
            counted and current is not None and current.path.startswith(standing.organization.path)
        )
        if standing.exceeded_by(0 if inside else 1):
            breaches.append(standing)
    return breaches


def quota_text(standing: QuotaStanding) -> str:
    """One quota a decision would exceed, named with its legal basis (Vietnamese)."""
    basis = f" (căn cứ: {standing.legal_basis})" if standing.legal_basis else ""
    return (
        f"Chỉ tiêu biên chế năm {standing.year} của {standing.organization.name} "
        f"({name_of('staff_category', standing.staff_category).lower()}): {standing.quota}, "
        f"đang có {standing.headcount} người{basis}"
    )


def decision_hidden_fields(decision: PersonnelDecision, access: DossierAccess | None) -> list[str]:
    """The fields the decision's change writes that the reader may not see: its parameters
    carry those values, so they are shown only when none is hidden."""
    if access is None or decision.changeset is None:
        return []
    fields: set[str] = set()
    for op in json.loads(decision.changeset.operations):
        section = BY_KEY.get(str(op.get("section")))
        names = (op.get("values") or op.get("row") or {}) if section else {}
        fields |= {f"{section.key}.{name}" for name in names if section and name in section.fields}
    return sorted(f for f in fields if not access.can_see(f))
