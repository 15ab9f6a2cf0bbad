"""Read-only helpers shaping the security pages' data: written approvals with their status,
audit events with role and unit names, and the employee's "who read my dossier".

No dossier content is read here; the pages ask `access.policies` who may see what first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet

from hoso.access import policies
from hoso.access import selectors as access_selectors
from hoso.access.exports import role_labels
from hoso.access.models import AccessGrant, PurposeKind, Sensitivity
from hoso.audit.models import AuditAction, AuditEvent, AuditOutcome
from hoso.audit.purposes import purpose_label
from hoso.orgs.selectors import unit_labels
from hoso.people.models import SecretLabel
from hoso.people.sections import BY_KEY

# --- Written approvals -------------------------------------------------------------------------

STATUSES = {
    "active": "Đang hiệu lực",
    "pending": "Chưa đến ngày hiệu lực",
    "expired": "Hết hiệu lực",
    "revoked": "Đã thu hồi",
}
# The status filter of the list: query-string value → status.
STATUS_SLUGS = {
    "hieu-luc": "active",
    "chua-hieu-luc": "pending",
    "het-han": "expired",
    "thu-hoi": "revoked",
}


def status_of(grant: AccessGrant, on: date) -> str:
    if grant.revoked_at is not None:
        return "revoked"
    if grant.valid_to < on:
        return "expired"
    if grant.valid_from > on:
        return "pending"
    return "active"


def with_status(grants: QuerySet[AccessGrant], status: str, on: date) -> QuerySet[AccessGrant]:
    filters = {
        "active": Q(revoked_at__isnull=True, valid_from__lte=on, valid_to__gte=on),
        "pending": Q(revoked_at__isnull=True, valid_from__gt=on),
        "expired": Q(revoked_at__isnull=True, valid_to__lt=on),
        "revoked": Q(revoked_at__isnull=False),
    }
    return grants.filter(filters[status]) if status in filters else grants


@dataclass(frozen=True)
class GrantView:
    grant: AccessGrant
    status: str
    status_label: str
    sections: list[str]  # section titles; empty: every section up to the ceiling
    ceiling: str
    secret_ceiling: str
    purpose_kind: str
    needs_consent: bool
    consents: int | None = None  # people who consented (grantee's own page only)


def grants_recorded_by(user: Any, status: str, on: date) -> QuerySet[AccessGrant]:
    """The grants this records manager recorded, with `status` ("" for all), newest first."""
    recorded = AccessGrant.objects.filter(approved_by=user).select_related(
        "grantee", "organization", "revoked_by"
    )
    return with_status(recorded, status, on).order_by("-created_at", "-pk")


def grant_views(
    grants: list[AccessGrant], on: date, consents: dict[int, int] | None = None
) -> list[GrantView]:
    secret = dict(SecretLabel.choices)
    return [
        GrantView(
            grant=g,
            status=status_of(g, on),
            status_label=STATUSES[status_of(g, on)],
            sections=[BY_KEY[s].title if s in BY_KEY else s for s in g.sections or []],
            ceiling=Sensitivity(g.ceiling).label if g.ceiling in Sensitivity.values else g.ceiling,
            secret_ceiling=secret.get(g.secret_ceiling, g.secret_ceiling)
            if g.secret_ceiling
            else "",
            purpose_kind=PurposeKind(g.purpose_kind).label
            if g.purpose_kind in PurposeKind.values
            else g.purpose_kind,
            needs_consent=g.purpose_kind == PurposeKind.OTHER,
            consents=None if consents is None else consents.get(g.grantee_id, 0),
        )
        for g in grants
    ]


# --- Audit events ------------------------------------------------------------------------------

ACTIONS = dict(AuditAction.choices)
OUTCOMES = dict(AuditOutcome.choices)


@dataclass(frozen=True)
class EventRow:
    event: AuditEvent
    action: str
    outcome: str
    roles: str
    units: list[str]
    fields: int
    purpose: str


def in_scope(events: QuerySet[AuditEvent], user: Any, duties: list) -> QuerySet[AuditEvent]:
    """Only the events this reviewer may read (`policies.audit_scope` of their duties)."""
    return events.filter(policies.audit_scope(user, duties))


def _unit_names(events: list[AuditEvent]) -> dict[str, str]:
    codes = {c for e in events for c in e.actor_unit.split(",") if c}
    if not codes:
        return {}
    labels = unit_labels()  # "Văn phòng Sở — Sở Nội vụ": names several units share
    return {c: labels[c] for c in codes if c in labels}


def event_rows(events: list[AuditEvent]) -> list[EventRow]:
    """A page of events with Vietnamese labels; unit names in one query for the page."""
    names = _unit_names(events)
    return [
        EventRow(
            event=e,
            action=ACTIONS.get(e.action, e.action),
            outcome=OUTCOMES.get(e.outcome, e.outcome),
            roles=role_labels(e.actor_role),
            units=[names.get(c, c) for c in e.actor_unit.split(",") if c],
            fields=len(e.sections or []),
            purpose=purpose_label(e.purpose),
        )
        for e in events
    ]


# --- "Who read my dossier" -------------------------------------------------------------------

# What the person is shown of their own trail: the times their dossier was opened or left the
# system (read, exported, printed). Refused attempts showed nothing and stay with the auditors.
SEEN = (AuditAction.DOSSIER_READ_ALLOWED, AuditAction.EXPORT, AuditAction.PRINT)


@dataclass(frozen=True)
class ReadRow:
    event: AuditEvent
    reader: str  # full name; never the username (account information, R-PROHIBITED)
    is_me: bool
    roles: str
    units: list[str]
    action: str
    purpose: str


def read_rows(events: list[AuditEvent], me: Any) -> list[ReadRow]:
    ids = {e.actor_user_id for e in events if e.actor_user_id is not None}
    names = access_selectors.full_names(ids)
    units = _unit_names(events)
    rows = []
    for e in events:
        if e.actor_user_id is None:
            reader = "Hệ thống (lệnh quản trị, đồng bộ)"
        else:
            reader = names.get(e.actor_user_id) or f"Tài khoản số {e.actor_user_id}"
        rows.append(
            ReadRow(
                event=e,
                reader=reader,
                is_me=e.actor_user_id is not None and e.actor_user_id == me.pk,
                roles=role_labels(e.actor_role),
                units=[units.get(c, c) for c in e.actor_unit.split(",") if c],
                action=ACTIONS.get(e.action, e.action),
                purpose=purpose_label(e.purpose),
            )
        )
    return rows
