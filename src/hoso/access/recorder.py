"""Access decisions as audit events (R-SECRET, R-PROHIBITED): every allow and deny of a
dossier read, every search result list, login, grant and account change.

The audit app knows nothing of users' duties; this module adds who acted under which duty
and unit, and the request's address and correlation id.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from hoso.access.duties import active_assignments
from hoso.audit.alerts import check_after
from hoso.audit.models import AuditAction, AuditEvent, AuditOutcome
from hoso.audit.purposes import Purpose
from hoso.audit.services import event_record
from hoso.core.context import current


def _duty(user: Any) -> tuple[str, str]:
    if not getattr(user, "is_authenticated", False):
        return "", ""
    duties = active_assignments(user)
    roles = ",".join(sorted({d.role for d in duties}))
    units = ",".join(sorted({d.organization.code for d in duties if d.organization}))
    return roles, units


def record(
    *,
    user: Any,
    action: AuditAction | str,
    outcome: AuditOutcome | str,
    personal_id: str = "",
    sections: Iterable[str] = (),
    purpose: Purpose | str = "",
    grant_id: Any = "",
    username: str = "",
    detail: Mapping[str, Any] | None = None,
    chained: bool = False,
) -> AuditEvent:
    """Record one event with the acting user's duties and the request's context, then check
    the alerts it completes; returns the event. With the audit sequencer the event is chained
    (and its alerts checked) after the caller commits and is returned unsaved, unless
    `chained` (e.g. for `audit.services.alert_raise`, which names its `seq`)."""
    ctx = current()
    role, unit = _duty(user)
    event = event_record(
        actor=user if getattr(user, "is_authenticated", False) else None,
        actor_username=username,
        actor_role=role,
        actor_unit=unit,
        action=action,
        outcome=outcome,
        personal_id=personal_id,
        sections=list(sections),
        purpose=purpose,
        grant_id=grant_id or "",
        client_address=ctx.client_address,
        correlation_id=ctx.correlation_id,
        detail={"channel": ctx.channel, **dict(detail or {})},
        chained=chained,
    )
    if event.seq is not None:  # chained now: otherwise the sequencer checks its batch
        check_after(event)
    return event


def dossier_read(user: Any, personal_id: str, purpose: Purpose | str, access: Any | None) -> None:
    if access is None:
        record(
            user=user,
            action=AuditAction.DOSSIER_READ_DENIED,
            outcome=AuditOutcome.DENY,
            personal_id=personal_id,
            purpose=purpose,
        )
        return
    record(
        user=user,
        action=AuditAction.DOSSIER_READ_ALLOWED,
        outcome=AuditOutcome.ALLOW,
        personal_id=personal_id,
        sections=sorted(access.fields),
        purpose=purpose,
        grant_id=access.grant.pk if access.grant else "",
        detail={"basis": list(access.basis), "masked": sorted(access.masked)},
    )


def listed(
    user: Any,
    *,
    query: Mapping[str, Any],
    shown: list[str],
    total: int,
    purpose: Purpose = Purpose.SEARCH,
) -> None:
    """A list that names people (search results, a drill-down, obligations) was shown: which
    people, for which query, out of how many. The same record for a page and the API."""
    record(
        user=user,
        action=AuditAction.SEARCH,
        outcome=AuditOutcome.ALLOW,
        purpose=purpose,
        detail={
            "query": {k: v for k, v in query.items() if v not in (None, "")},
            "shown": shown,
            "total": total,
        },
    )


def search_listed(user: Any, *, query: Mapping[str, Any], shown: list[str], total: int) -> None:
    """A page of search results shows names: which people were shown is recorded."""
    listed(user, query=query, shown=shown, total=total)


def obligations_listed(
    user: Any, *, query: Mapping[str, Any], shown: list[str], total: int
) -> None:
    """A list of obligations names the people they concern (the work page and
    `/api/v1/obligations` alike)."""
    listed(user, query=query, shown=shown, total=total, purpose=Purpose.OBLIGATIONS)
