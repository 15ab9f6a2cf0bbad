"""Who may see the hub's pages (R-NATIONAL, R-SECRET; issue 14 item 1): the Ministry's
operators of the national database, that is an account holding a current `hub_operator` duty
at the hub's installation. Deny by default: every other account, administrators included, is
refused and the refusal is audited; every page of the registry shown is audited with the ids
it named (as a search page is, `access.recorder.listed`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hoso.access import recorder
from hoso.access.duties import active_assignments
from hoso.access.models import Role
from hoso.audit.models import AuditAction, AuditOutcome


def hub_operator(user: Any) -> bool:
    """True only for an active account with a current duty of operating the national hub."""
    return any(duty.role == Role.HUB_OPERATOR for duty in active_assignments(user))


def hub_page_refused(user: Any, page: str) -> None:
    recorder.record(
        user=user,
        action=AuditAction.FEDERATION,
        outcome=AuditOutcome.DENY,
        detail={"code": "not_hub_operator", "page": page},
    )


def registry_listed(user: Any, *, query: Mapping[str, Any], shown: list[str], total: int) -> None:
    """A page of the national registry named people: which, for which query, of how many."""
    recorder.listed(user, query={"registry": "national", **query}, shown=shown, total=total)
