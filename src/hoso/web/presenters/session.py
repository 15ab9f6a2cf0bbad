"""The signed-in user's duties, read once per request, for the header, search and scope messages."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest

from hoso.access import policies
from hoso.access.models import Role, RoleAssignment
from hoso.orgs import selectors as org_selectors
from hoso.orgs.models import Organization


def assignments(request: HttpRequest) -> list[RoleAssignment]:
    """The user's active duties, read once per request (header, search, scope messages)."""
    return policies.gate_for(request.user).duties


def reads_no_dossier(request: HttpRequest) -> bool:
    """True for accounts whose duties and grants open no dossier (the system administrator)."""
    return not policies.can_read_any_dossier(request.user)


def manages_accounts(request: HttpRequest) -> bool:
    return any(a.role == Role.ADMIN for a in assignments(request))


def duty_labels(request: HttpRequest) -> list[str]:
    """"Cán bộ quản lý hồ sơ – Ủy ban nhân dân tỉnh …" for each active duty."""
    labels = []
    for a in assignments(request):
        role = Role(a.role).label if a.role in Role.values else a.role
        labels.append(f"{role} – {a.organization.name}" if a.organization else role)
    return sorted(set(labels))


def scope_units(request: HttpRequest, on: date) -> list[Organization]:
    """Units inside the subtrees the user's reading duties cover (for the unit filter)."""
    seen: dict[int, Organization] = {}
    roots = [
        a.organization for a in assignments(request)
        if a.role in policies.READING_ROLES and a.organization is not None
    ]
    for root in roots:
        if any(root.path.startswith(other.path) and root.pk != other.pk for other in roots):
            continue  # covered by a wider duty
        for org in org_selectors.org_list(on=on, root=root):
            seen.setdefault(org.pk, org)
    return sorted(seen.values(), key=lambda o: o.path)
