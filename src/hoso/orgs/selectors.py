"""Reading the organization tree. Structure and quotas are not dossier content."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet

from hoso.orgs.models import Organization


def valid_on(on: date) -> Q:
    return Q(valid_from__lte=on) & (Q(valid_to__isnull=True) | Q(valid_to__gte=on))


def org_get(code: str) -> Organization | None:
    return Organization.objects.filter(code=code).select_related("parent").first()


def orgs_by_code(codes: set[str]) -> dict[str, Organization]:
    """The units of `codes` by code, in one query (the units a chunk of an import names)."""
    return {o.code: o for o in Organization.objects.filter(code__in=codes)}


def org_list(*, on: date | None = None, root: Organization | None = None) -> QuerySet[Organization]:
    qs = Organization.objects.select_related("parent")
    if on is not None:
        qs = qs.filter(valid_on(on))
    if root is not None:
        qs = qs.filter(path__startswith=root.path)
    return qs.order_by("path")


def subtree_ids(org: Organization) -> QuerySet[Organization, Any]:
    return Organization.objects.filter(path__startswith=org.path).values("pk")


def ancestors(org: Organization) -> list[Organization]:
    ids = [int(part) for part in org.path.strip("/").split("/") if part]
    by_id = Organization.objects.in_bulk(ids)
    return [by_id[i] for i in ids if i in by_id]


@dataclass(frozen=True)
class QuotaUsage:
    organization: Organization
    staff_category: str
    quota: int
    counted: int

    @property
    def remaining(self) -> int:
        return self.quota - self.counted

    @property
    def over(self) -> bool:
        return self.counted > self.quota


def unit_labels() -> dict[str, str]:
    """Code → the name a person can tell apart: a name several units share ("Văn phòng Sở"
    in every department) gets its parent's name ("Văn phòng Sở — Sở Nội vụ"). One query."""
    rows = list(Organization.objects.values_list("pk", "code", "name", "parent_id"))
    names = {pk: name for pk, _code, name, _parent in rows}
    taken: dict[str, int] = {}
    for _pk, _code, name, _parent in rows:
        taken[name] = taken.get(name, 0) + 1
    return {
        code: f"{name} — {names[parent]}" if taken[name] > 1 and parent in names else name
        for _pk, code, name, parent in rows
    }


def unit_label(org: Organization | None) -> str:
    """`unit_labels` for one unit (a page naming a handful of units)."""
    if org is None:
        return ""
    if org.parent_id and Organization.objects.filter(name=org.name).exclude(pk=org.pk).exists():
        parent = org.parent  # fetched only when the name is shared
        if parent is not None:
            return f"{org.name} — {parent.name}"
    return org.name
