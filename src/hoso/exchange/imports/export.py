"""`hoso export xlsx --unit CODE`: the dossiers of a unit's subtree that the caller may export,
in the import template's layout (a template round-trip: export, then import elsewhere)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hoso.access.exports import dossiers_for_export, export_recorded
from hoso.core.errors import NotFound
from hoso.exchange.imports.writer import workbook_write
from hoso.orgs.selectors import org_get
from hoso.people.selectors import people_in_subtree


def unit_export_xlsx(*, user: Any, unit_code: str, path: Path) -> tuple[str, int]:
    """Write the workbook; returns (export id, number of dossiers). Refused whole (audited)
    unless the user may export every dossier of the subtree."""
    unit = org_get(unit_code)
    if unit is None:
        raise NotFound(f"Không có đơn vị mã «{unit_code}».")
    people = list(people_in_subtree(unit))
    query = {"unit": unit_code, "format": "xlsx"}
    contents = dossiers_for_export(user=user, people=people, query=query)
    count = workbook_write(path, contents)
    export_id = export_recorded(
        user=user,
        filename=path.name,
        body=path.read_bytes(),
        ids=[p.personal_id for p in people],
        query=query,
    )
    return export_id, count
