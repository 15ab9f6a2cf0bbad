"""Reading change sets: what is pending, on which unit a proposal is decided, and what
approving one would change as its reviewer may see it."""

from __future__ import annotations

import json
from typing import Any

from django.db.models import QuerySet

from hoso.access.masking import masked_dossier
from hoso.access.policies import DossierAccess
from hoso.changes.models import ChangeSet, ChangeStatus
from hoso.changes.operations import FieldChange, apply_operations, diff
from hoso.orgs.selectors import org_get
from hoso.people.sections import BY_KEY
from hoso.people.selectors import person_by_id

# No unit path starts with it: a proposal on an unknown unit is covered by no duty.
NO_UNIT = "\x00"


def changeset_personal_id(changeset_id: int) -> str | None:
    """The dossier a change set is about, or None when there is no such change set (the gates
    ask this before anything is told of it)."""
    found = ChangeSet.objects.filter(pk=changeset_id).values_list("personal_id", flat=True)
    return found.first()


def changeset_locked(changeset_id: int) -> ChangeSet | None:
    """The change set under `select_for_update`: it is decided once."""
    return ChangeSet.objects.select_for_update().filter(pk=changeset_id).first()


def unit_path(personal_id: str, data: dict[str, Any] | None) -> str:
    """The unit a write on `personal_id` is decided on: the person's current unit, or, for a
    dossier not yet created, the unit `data` names (`NO_UNIT` when none is known)."""
    person = person_by_id(personal_id)
    if person is not None:
        return person.current_unit.path
    code = ((data or {}).get("employment") or {}).get("current_unit")
    unit = org_get(code) if code else None
    return unit.path if unit else NO_UNIT


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
