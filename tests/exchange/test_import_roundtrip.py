"""The template round-trip: dossiers written in hoso's workbook layout (by `hoso export xlsx`)
import back as the same dossiers, through change sets approved in one signed batch."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from tests.access.test_exports import export_grant
from tests.exchange.import_helpers import jsonl_write, same_values, xlsx_write

from conftest import dossier
from hoso.access.system import system_dossier
from hoso.audit.models import AuditAction, AuditEvent
from hoso.audit.purposes import Purpose
from hoso.changes.models import ChangeStatus
from hoso.exchange.imports.layout import SHEETS
from hoso.exchange.imports.manifest import batch_verify
from hoso.exchange.imports.readers import read
from hoso.exchange.imports.services import batch_approve, import_run
from hoso.exchange.models import BatchStatus, ImportItem
from hoso.people.reference import load_reference
from hoso.people.selectors import person_by_id


def whole(pid: str) -> dict:
    return system_dossier(purpose=Purpose.SYSTEM_CHANGE, person=person_by_id(pid))


def test_template_has_one_sheet_per_section_and_a_guide(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "mau.xlsx"
    call_command("import", "template", "-o", str(out))
    book = load_workbook(out)
    assert book.sheetnames == [s.name for s in SHEETS] + ["Hướng dẫn"]
    first = book[SHEETS[0].name]
    assert first["A1"].value == "Số định danh cá nhân"
    assert first["A2"].value == "personal_id"
    assert first.row_dimensions[2].hidden


def test_workbook_and_jsonl_import_the_same_dossiers_after_one_signed_batch(
    personas, tmp_path: Path
) -> None:
    people = [dossier(full_name=f"Trần Thị Bình {i}", sex="F") for i in range(3)]
    paths = [
        xlsx_write(tmp_path / "a.xlsx", people[:2]),
        jsonl_write(tmp_path / "b.jsonl", people[2:]),
    ]
    outcome = import_run(acting_user=personas["nhaplieu"], paths=paths, dry_run=False)
    assert [i.message for i in outcome.issues] == []
    assert (outcome.read, outcome.imported, outcome.failed) == (3, 3, 0)
    assert all(person_by_id(d["identity"]["personal_id"]) is None for d in people)  # proposals

    batch = batch_approve(acting_user=personas["quanly"], batch_id=outcome.batch_id)
    assert batch.status == BatchStatus.APPROVED
    assert batch_verify(batch).valid
    items = ImportItem.objects.filter(batch=batch).select_related("changeset")
    assert {i.changeset.status for i in items} == {ChangeStatus.APPLIED}
    for data in people:
        pid = data["identity"]["personal_id"]
        assert same_values(data, whole(pid)) == []


def test_export_then_import_gives_the_same_dossiers(personas, orgs, make_dossier, tmp_path) -> None:
    made = [make_dossier(full_name=f"Lê Văn Cường {i}") for i in range(2)]
    export_grant(personas, personas["lanhdao"], organization=orgs["finance"], allow_export=True)
    out = tmp_path / "xuat.xlsx"
    call_command("export", "xlsx", "--unit", "T01", "--as", "lanhdao", "-o", str(out))
    exported = AuditEvent.objects.filter(action=AuditAction.EXPORT, outcome="ok").last()
    assert exported.detail["count"] == 2
    parsed = {p.personal_id: p for p in read(out, load_reference())}
    assert set(parsed) == {p.personal_id for p in made}
    for person in made:
        assert parsed[person.personal_id].issues == []
        # What the exporter may see is exported exactly (fields masked to them stay empty).
        assert same_values(parsed[person.personal_id].data, whole(person.personal_id)) == []
    outcome = import_run(acting_user=personas["nhaplieu"], paths=[out], dry_run=True)
    # Imported back into the node they came from, the only problem is that they are there.
    assert {i.code for i in outcome.issues} == {"already_managed"}
    assert outcome.failed == 2


def test_export_refused_without_an_export_grant_writes_nothing(personas, make_dossier, tmp_path):
    make_dossier()
    out = tmp_path / "xuat.xlsx"
    with pytest.raises(SystemExit):
        call_command("export", "xlsx", "--unit", "T01", "--as", "lanhdao", "-o", str(out))
    assert not out.exists()
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, outcome="deny").exists()
