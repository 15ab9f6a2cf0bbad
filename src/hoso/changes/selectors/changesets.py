"""Reading change sets: what is pending, on which unit a proposal is decided, and what
approving one would change as its reviewer may see it."""

from __future__ import annotations

import json
from typing import Any

from django.db.models import QuerySet

from hoso.access.masking import masked_dossier
from hoso.access.policies import DossierAccess, gate_for
from hoso.changes.models import ChangeSet, ChangeStatus
from hoso.changes.operations import FieldChange, apply_operations, diff
from hoso.core.errors import ValidationFailed
from hoso.orgs.models import Organization
from hoso.orgs.selectors import org_get
from hoso.people.models import Person
from hoso.people.sections import BY_KEY
from hoso.people.selectors import person_by_id

# No unit path starts with it: a proposal on an unknown unit is covered by no duty.
NO_UNIT = "\x00"


def changeset_personal_id(changeset_id: int, *, author: Any = None) -> str | None:
    """The dossier a change set is about, or None when there is no such change set (the gates
    ask this before anything is told of it). A draft exists only for its author: without
    `author`, drafts are not found; with it, only that author's drafts are."""
    qs = (
        ChangeSet.objects.filter(status=ChangeStatus.DRAFT, proposer=author)
        if author is not None
        else ChangeSet.objects.exclude(status=ChangeStatus.DRAFT)
    )
    return qs.filter(pk=changeset_id).values_list("personal_id", flat=True).first()


def changeset_locked(changeset_id: int) -> ChangeSet | None:
    """The change set under `select_for_update`: it is decided once. Drafts are nobody's to
    decide."""
    return (
        ChangeSet.objects.select_for_update()
        .exclude(status=ChangeStatus.DRAFT)
        .filter(pk=changeset_id)
        .first()
    )


def draft_locked(author: Any, draft_id: int) -> ChangeSet | None:
    """`author`'s own draft under `select_for_update`, or None (anyone else's: None alike)."""
    return (
        ChangeSet.objects.select_for_update()
        .filter(pk=draft_id, status=ChangeStatus.DRAFT, proposer=author)
        .first()
    )


def draft_get(author: Any, draft_id: int) -> ChangeSet | None:
    """`author`'s own draft, or None: a draft is nobody else's to see."""
    return ChangeSet.objects.filter(pk=draft_id, status=ChangeStatus.DRAFT, proposer=author).first()


def drafts_of(author: Any, personal_id: str | None = None) -> QuerySet[ChangeSet]:
    """`author`'s drafts, the last saved first."""
    qs = ChangeSet.objects.filter(status=ChangeStatus.DRAFT, proposer=author)
    qs = qs.filter(personal_id=personal_id) if personal_id else qs
    return qs.order_by("-updated_at", "-pk")


def creation_pending(personal_id: str, *, exclude: int | None = None) -> bool:
    """Whether a proposal creating the dossier `personal_id` awaits review."""
    qs = ChangeSet.objects.filter(
        personal_id=personal_id, creates_dossier=True, status=ChangeStatus.PROPOSED
    )
    return (qs.exclude(pk=exclude) if exclude else qs).exists()


def creations_pending_among(personal_ids: list[str]) -> set[str]:
    """Which of `personal_ids` have a proposal creating their dossier awaiting review (one
    query for a chunk of an import)."""
    return set(
        ChangeSet.objects.filter(
            personal_id__in=personal_ids, creates_dossier=True, status=ChangeStatus.PROPOSED
        ).values_list("personal_id", flat=True)
    )


def unit_path(personal_id: str, data: dict[str, Any] | None) -> str:
    """The unit a write on `personal_id` is decided on: the person's current unit, or, for a
    dossier not yet created, the unit `data` names (`NO_UNIT` when none is known)."""
    person = person_by_id(personal_id)
    if person is not None:
        return person.current_unit.path
    code = ((data or {}).get("employment") or {}).get("current_unit")
    unit = org_get(code) if code else None
    return unit.path if unit else NO_UNIT


def creation_data(changeset: ChangeSet) -> dict[str, Any]:
    """The dossier a proposal creating one would create (`{}` when its operations no longer
    apply)."""
    try:
        return apply_operations(None, json.loads(changeset.operations))
    except ValidationFailed:
        return {}


def unsaved_person(data: dict[str, Any]) -> Person:
    """The person row a new dossier's data would be, unsaved: what the gate decides on (its
    id, unit and protection). An unknown unit is a unit under no duty."""
    ident = data.get("identity") or {}
    protection = data.get("protection") or {}
    code = (data.get("employment") or {}).get("current_unit")
    unit = (org_get(code) if code else None) or Organization(code="", name="", path=NO_UNIT)
    return Person(
        personal_id=str(ident.get("personal_id") or ""),
        current_unit=unit,
        secret_label=protection.get("secret_label") or "",
        special_category=bool(protection.get("special_category")),
    )


def creations_in_scope(user: Any) -> list[int]:
    """The pending proposals creating a dossier that `user` could open once created (their
    unit, their protection): reviewers list them with the proposals on existing dossiers.
    Decided in memory: the operations are encrypted, and such proposals are few."""
    gate = gate_for(user)
    pending = ChangeSet.objects.filter(status=ChangeStatus.PROPOSED, creates_dossier=True)
    out = []
    for changeset in pending:
        data = creation_data(changeset)
        if data and gate.access(unsaved_person(data)) is not None:
            out.append(changeset.pk)
    return out


def proposal_diff(changeset: ChangeSet, current: dict[str, Any] | None) -> list[FieldChange]:
    """What approving would change, field by field, against the dossier `current`."""
    after = apply_operations(current, json.loads(changeset.operations))
    return diff(current, after)


def _hidden_writes(
    access: DossierAccess,
    operations: list[dict[str, Any]],
    before: dict[str, Any],
    after: dict[str, Any],
) -> list[FieldChange]:
    """The fields the operations write that the reviewer may not see, as masked changes with
    no values: the reviewer learns that the proposal touches them, never what they hold."""
    out: list[FieldChange] = []
    added = {key: len(before.get(key) or []) for key, s in BY_KEY.items() if s.many}
    for op in operations:
        section = BY_KEY.get(str(op.get("section"))) if isinstance(op, dict) else None
        if section is None:
            continue
        row: int | None = None
        if op.get("op") == "add":
            row, added[section.key] = added[section.key], added[section.key] + 1
        elif op.get("op") == "correct":
            row = op.get("index")
        rows = after.get(section.key) or []
        values = rows[row] if row is not None and 0 <= row < len(rows) else None
        out += [
            FieldChange(section.key, row, name, None, None, values)
            for name in op.get("values") or op.get("row") or {}
            if name in section.fields and not access.can_see(f"{section.key}.{name}")
        ]
    return out


def changeset_diff(access: DossierAccess, changeset: ChangeSet) -> list[FieldChange]:
    """What approving `changeset` would change, as the reviewer whose decision `access` is may
    see it: the dossier now is their masked content (`DossierAccess.content`), the dossier
    after is the operations applied to it and masked the same way, and a hidden field the
    proposal writes is a change without values. Operations on a section none of whose fields
    the reviewer may see are left out (masking leaves the whole section out).

    `ValidationFailed` when the operations no longer apply to the dossier."""
    operations = json.loads(changeset.operations)
    if changeset.creates_dossier:  # the whole dossier is new: each of its fields an addition
        created = masked_dossier(access, apply_operations(None, operations))
        return diff(None, created)
    before = access.content()
    visible = [
        op
        for op in operations
        if not isinstance(op, dict)
        or op.get("op") == "create"
        or str(op.get("section")) not in BY_KEY
        or any(access.can_see(f"{op['section']}.{f}") for f in BY_KEY[op["section"]].fields)
    ]
    after = masked_dossier(access, apply_operations(before, visible)) if visible else before
    shown = diff(before, after)
    seen = {(c.section, c.row, c.field) for c in shown}
    hidden = _hidden_writes(access, visible, before, after)
    return shown + [c for c in hidden if (c.section, c.row, c.field) not in seen]


def pending(personal_id: str | None = None) -> QuerySet[ChangeSet]:
    qs = ChangeSet.objects.filter(status=ChangeStatus.PROPOSED).select_related("proposer")
    return qs.filter(personal_id=personal_id) if personal_id else qs


def statuses(changeset_ids: list[int]) -> dict[int, tuple[str, str]]:
    """Each change set's status and its Vietnamese label (no content): e.g. whether a dossier
    taken in by a hand-over has been approved yet."""
    rows = ChangeSet.objects.filter(pk__in=changeset_ids).values_list("pk", "status")
    return {pk: (status, ChangeStatus(status).label) for pk, status in rows}
