"""Records about a dossier, each with the gate's decision for its person: the same 404 for
missing and forbidden.

Each answers the record with `access.policies.dossier_access` for its person's dossier
(audited like any read, under `purpose`), or `NotFound` — for a missing record exactly as for
one the user may not see, so ids cannot be probed.
"""

from __future__ import annotations

from typing import Any

from hoso.access.policies import (
    DossierAccess,
    dossier_access,
    gate_for,
    proposed_dossier_access,
)
from hoso.audit.purposes import Purpose
from hoso.changes.models import ChangeSet, ChangeStatus, Discrepancy, PersonnelDecision
from hoso.changes.selectors.changesets import creation_data, unsaved_person
from hoso.core.errors import NotFound
from hoso.people.selectors import person_by_id


def changeset_for(
    user: Any, pk: int, purpose: str = Purpose.CHANGESET_REVIEW
) -> tuple[ChangeSet, DossierAccess]:
    """A change set a records manager reviews, with what they may see of its dossier."""
    if not gate_for(user).is_records_manager():
        raise NotFound()
    changeset = (
        ChangeSet.objects.select_related("proposer", "reviewer")
        .exclude(status=ChangeStatus.DRAFT)  # a draft is its author's only
        .filter(pk=pk)
        .first()
    )
    if changeset is None:
        raise NotFound()
    if changeset.creates_dossier and person_by_id(changeset.personal_id) is None:
        # Not created yet: decided on the dossier the proposal would create.
        data = creation_data(changeset)
        return changeset, proposed_dossier_access(user, unsaved_person(data), data, purpose)
    return changeset, dossier_access(user, changeset.personal_id, purpose)


def changeset_read(
    user: Any, pk: int, purpose: str = Purpose.CHANGESET_REVIEW
) -> tuple[ChangeSet, DossierAccess]:
    """A change set as its proposer (their own, a draft included) or a records manager who
    reviews it may read it, with what they may see of its dossier; `NotFound` alike for a
    missing one and one they may not read."""
    own = (
        ChangeSet.objects.select_related("proposer", "reviewer")
        .filter(pk=pk, proposer=user)
        .first()
        if getattr(user, "pk", None)
        else None
    )
    if own is None:
        return changeset_for(user, pk, purpose)
    if own.creates_dossier and person_by_id(own.personal_id) is None:
        data = creation_data(own)
        return own, proposed_dossier_access(user, unsaved_person(data), data, purpose)
    return own, dossier_access(user, own.personal_id, purpose)


def discrepancy_for(
    user: Any, pk: int, purpose: str = Purpose.DISCREPANCY_VIEW
) -> tuple[Discrepancy, DossierAccess]:
    """A discrepancy warning about a dossier the user may open, with the gate's decision."""
    found = Discrepancy.objects.select_related("reported_by", "verified_by").filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found, dossier_access(user, found.personal_id, purpose)


def decision_for(
    user: Any, pk: int, purpose: str = Purpose.DECISION
) -> tuple[PersonnelDecision, DossierAccess]:
    """A personnel decision about a dossier the user may open, with the gate's decision."""
    decision = (
        PersonnelDecision.objects.select_related("changeset", "registered_by").filter(pk=pk).first()
    )
    if decision is None:
        raise NotFound()
    return decision, dossier_access(user, decision.personal_id, purpose)
