"""The system reader: dossier content for the node's own work, named and audited.

Signing a résumé, applying a change set, archiving, checking a scan against the dossier and
(later) the national packets need the whole dossier, not what one person may see. They read it
here, saying which work it is (`Purpose.SYSTEM_*`) and for whom it runs, and every read is an
audit event in the caller's transaction (R-AUDIT-ALL): nothing reads a dossier unrecorded.
A person-facing read never comes here; it goes through `access.policies.dossier_access`.
"""

from __future__ import annotations

from typing import Any

from hoso.access.models import User
from hoso.access.recorder import record
from hoso.audit.models import AuditAction, AuditOutcome
from hoso.audit.purposes import Purpose
from hoso.people.models import Person
from hoso.people.selectors import _dossier_data, _dossier_data_many

SYSTEM_PURPOSES = frozenset(p for p in Purpose if p.value.startswith("system_"))


def system_dossier(
    *, purpose: Purpose, person: Person, acting_user: User | None = None
) -> dict[str, Any]:
    """The whole dossier of `person` for the system work `purpose` names, run on behalf of
    `acting_user` (None: the node itself, e.g. a scheduled task). Audited, never masked."""
    if purpose not in SYSTEM_PURPOSES:
        raise ValueError(f"not a system purpose: {purpose!r}")
    record(
        user=acting_user,
        action=AuditAction.DOSSIER_SYSTEM_READ,
        outcome=AuditOutcome.OK,
        personal_id=person.personal_id,
        purpose=purpose,
    )
    return _dossier_data(person)


def system_dossiers(
    *, purpose: Purpose, people: list[Person], acting_user: User | None = None
) -> dict[str, dict[str, Any]]:
    """`system_dossier` of many people at once (a chunk of an approved import), by personal
    id: one query per section, and one audit event naming every person read."""
    if purpose not in SYSTEM_PURPOSES:
        raise ValueError(f"not a system purpose: {purpose!r}")
    if not people:
        return {}
    record(
        user=acting_user,
        action=AuditAction.DOSSIER_SYSTEM_READ,
        outcome=AuditOutcome.OK,
        personal_id=people[0].personal_id if len(people) == 1 else "",
        purpose=purpose,
        detail={"count": len(people), "personal_ids": [p.personal_id for p in people]},
    )
    data = _dossier_data_many(people)
    return {p.personal_id: data[p.pk] for p in people}
