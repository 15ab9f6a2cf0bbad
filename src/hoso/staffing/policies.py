"""Who may keep a unit's quotas and job positions: a records manager whose duty covers the unit
(deny by default). Structure is not dossier content, so reading the standing is open to every
signed-in user, as the agency tree is; writing it is a duty.
"""

from __future__ import annotations

from typing import Any

from hoso.access.models import Role
from hoso.access.policies import duty_covers
from hoso.orgs.models import Organization

# The duty that keeps a unit's staffing (docs/guide/bien-che.md): the records office of the
# agency. A clerk enters dossiers; a leader signs the decisions, not the data entry.
STAFFING_ROLES = frozenset({Role.RECORDS_MANAGER})


def may_keep_staffing(user: Any, unit: Organization) -> bool:
    """Whether `user` may set the quotas and job positions of `unit` (None: the system, e.g.
    the demo and seed commands)."""
    if user is None:
        return True
    return duty_covers(user, set(STAFFING_ROLES), unit.path)
