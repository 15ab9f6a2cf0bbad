"""Reading personnel decisions back (R-10D-DECISION): a decision behind the gate of its
person's dossier, its parameters and obligations, a person's decisions."""

from __future__ import annotations

import json
from typing import Any

from hoso.changes.models import ChangeStatus, Obligation, PersonnelDecision
from hoso.changes.selectors.obligations import obligations_from


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
