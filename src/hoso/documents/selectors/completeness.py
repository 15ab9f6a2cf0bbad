"""Which required components (catalog `required_component`) dossiers have on file: the
component part of the dossier standard (R-COMPLETE, R-DIGITIZE). Kinds only — never a
document's title, text or bytes — and a few grouped queries however many people."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from hoso.documents.models import Component
from hoso.people.models import Person, StaffStatus
from hoso.people.selectors import working_with_rows
from hoso.people.standard import Standard, component_applies


def components_on_file(personal_ids: list[str], among: Any = None) -> dict[str, set[str]]:
    """Personal id → the component kinds on file (a superseded scan not counted); `among`: a
    subquery of personal ids to use instead of the list (a whole scope)."""
    ids = among if among is not None else personal_ids
    rows = (
        Component.objects.filter(personal_id__in=ids, superseded_by__isnull=True)
        .values_list("personal_id", "kind")
        .distinct()
    )
    out: dict[str, set[str]] = {pid: set() for pid in personal_ids}
    for pid, kind in rows:
        out.setdefault(pid, set()).add(kind)
    return out


def components_missing_by_unit(*, scope: Q, standard: Standard) -> dict[str, int]:
    """Current unit code → how many working people in `scope` lack at least one required
    component: two queries for the whole scope (people with which conditional sections have
    a row; the kinds on file), never one per person."""
    conditions = {r.when_section for r in standard.components if r.when_section}
    people = working_with_rows(scope, conditions)
    on_file = components_on_file(
        [], among=Person.objects.filter(scope, status=StaffStatus.WORKING).values("personal_id")
    )
    out: dict[str, int] = {}
    for pid, unit, rows in people:
        have = on_file.get(pid, set())
        lacking = any(
            r.kind not in have and component_applies(r, rows) for r in standard.components
        )
        out[unit] = out.get(unit, 0) + int(lacking)
    return out
