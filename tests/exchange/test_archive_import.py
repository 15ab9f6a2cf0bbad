"""A bag is verified whole before anything is taken in; a verified bag enters through the one
write path, as a proposal a records manager approves (R-SECRET, R-CORRECT, R-NO-SILO)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import bagit
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from tests.exchange.archive_helpers import archivable_person

from hoso.audit.models import AuditAction, AuditEvent, AuditOutcome
from hoso.changes.models import ChangeSet, ChangeStatus
from hoso.changes.services.changesets import changeset_approve
from hoso.core.errors import ValidationFailed
from hoso.documents.errors import DocumentRefused
from hoso.documents.models import Component, ComponentStatus, PreservationEvent
from hoso.documents.storage import read_bytes
from hoso.exchange.archive import archive_export, archive_import, archive_verify
from hoso.people.models import Person, Training

pytestmark = pytest.mark.django_db


class _Elsewhere(Exception):
    pass


def exported_elsewhere(personas, make_dossier, out: Path):
    """A bag made by another node: the dossier is built and exported, then its rows are rolled
    back, so this database never had that person (the files on disk stay)."""
    try:
        with transaction.atomic():
            person = archivable_person(personas, make_dossier, full_name="Đặng Thị Hương", sex="F")
            raise _Elsewhere(
                archive_export(
                    acting_user=personas["quanly"], personal_id=person.personal_id, output=out
                )
            )
    except _Elsewhere as moved:
        return moved.args[0]


def stored_files() -> int:
    return sum(len(files) for _, _, files in os.walk(settings.HOSO_STORAGE_DIR))


def nothing_changed(before: tuple[int, int, int, int]) -> bool:
    return before == snapshot_counts()


def snapshot_counts() -> tuple[int, int, int, int]:
    return (
        ChangeSet.objects.count(),
        Component.objects.count(),
        PreservationEvent.objects.count(),
        stored_files(),
    )


def test_a_bag_from_a_node_without_the_person_becomes_a_proposal(personas, make_dossier, tmp_path):
    bag = exported_elsewhere(personas, make_dossier, tmp_path)
    assert not Person.objects.filter(personal_id=bag.personal_id).exists()
    report = archive_verify(bag.path)
    assert report.valid and report.warnings == [] and len(report.checked) == 4, report.lines()

    result = archive_import(acting_user=personas["nhaplieu"], path=bag.path)
    changeset = result.changeset
    assert changeset.status == ChangeStatus.PROPOSED and changeset.creates_dossier
    assert bag.export_id in changeset.source_note
    assert not Person.objects.filter(personal_id=bag.personal_id).exists()  # not before approval
    [component] = result.components
    assert (component.status, component.changeset, component.uploaded_by) == (
        ComponentStatus.RECEIVED,
        changeset,
        personas["nhaplieu"],
    )
    original = (bag.path / "data/components/001-diploma/original.pdf").read_bytes()
    assert read_bytes(component.original_key) == original
    ingestion = PreservationEvent.objects.get(component=component, event_type="ingestion")
    assert bag.path.name in ingestion.detail and bag.export_id in ingestion.detail
    assert [f["kind"] for f in result.found] == ["diploma"]
    assert AuditEvent.objects.filter(
        action=AuditAction.ARCHIVE, outcome=AuditOutcome.OK, personal_id=bag.personal_id
    ).exists()

    changeset_approve(acting_user=personas["quanly"], changeset_id=changeset.pk)
    person = Person.objects.get(personal_id=bag.personal_id)
    assert person.full_name == "Đặng Thị Hương"
    assert Training.objects.filter(person=person).count() == 2  # the latest version's content


def test_a_person_who_already_has_a_dossier_here_is_refused(personas, make_dossier, tmp_path):
    person = archivable_person(personas, make_dossier)
    bag = archive_export(
        acting_user=personas["quanly"], personal_id=person.personal_id, output=tmp_path
    )
    before = snapshot_counts()
    with pytest.raises(DocumentRefused) as refused:
        archive_import(acting_user=personas["nhaplieu"], path=bag.path)
    assert refused.value.code == "archive_person_exists" and refused.value.status == 409
    assert nothing_changed(before)
    assert AuditEvent.objects.filter(
        action=AuditAction.ARCHIVE, outcome=AuditOutcome.DENY, personal_id=person.personal_id
    ).exists()


def _damage_payload(bag: Path) -> tuple[str, str]:
    target = bag / "data/components/001-diploma/original.pdf"
    data = bytearray(target.read_bytes())
    data[100] ^= 0x20  # same size: only the checksums can tell
    target.write_bytes(bytes(data))
    return "bag_checksum_mismatch", "data/components/001-diploma/original.pdf"


def _damage_tag(bag: Path) -> tuple[str, str]:
    info = bag / "bag-info.txt"
    info.write_text(
        info.read_text(encoding="utf-8").replace("Bag-Count: 1 of 1", "Bag-Count: 1 of 9"),
        encoding="utf-8",
    )
    return "bag_checksum_mismatch", "bag-info.txt"


def _remove_file(bag: Path) -> tuple[str, str]:
    (bag / "data/resume/01-v2.pdf").unlink()
    return "bag_file_missing", "data/resume/01-v2.pdf"


def _add_file(bag: Path) -> tuple[str, str]:
    (bag / "data/ghi-chu.txt").write_text("thêm vào sau")
    return "bag_unexpected_file", "data/ghi-chu.txt"


def _grow_file(bag: Path) -> tuple[str, str]:
    with open(bag / "data/dossier.json", "ab") as handle:
        handle.write(b"\n")
    return "bag_checksum_mismatch", "data/dossier.json"


def _rebag_with_changed_snapshot(bag: Path) -> tuple[str, str]:
    """Someone edits a version and regenerates every manifest: bagit is satisfied, the
    version's SHA-256, its approval signature and PREMIS fixity are not."""
    path = bag / "data/dossier.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["versions"][1]["snapshot"]["identity"]["full_name"] = "Đặng Thị Hường"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    bagit.Bag(str(bag)).save(manifests=True)
    return "version_sha256_mismatch", "data/dossier.json#versions/2"


def _rebag_with_changed_resume(bag: Path) -> tuple[str, str]:
    """One byte of the header comment (line 2 of every PDF, signed like the rest): the file
    still parses, only the signature can tell."""
    path = bag / "data/resume/01-v2.pdf"
    data = bytearray(path.read_bytes())
    comment = data.index(b"\n%") + 2
    assert data[comment] >= 0x80  # the binary marker, not syntax
    data[comment] ^= 0x01
    path.write_bytes(bytes(data))
    bagit.Bag(str(bag)).save(manifests=True)
    return "resume_signature_invalid", "data/resume/01-v2.pdf"


DAMAGES = [
    _damage_payload,
    _damage_tag,
    _remove_file,
    _add_file,
    _grow_file,
    _rebag_with_changed_snapshot,
    _rebag_with_changed_resume,
]


def test_every_damage_is_named_by_verify_and_refused_by_import(personas, make_dossier, tmp_path):
    bag = exported_elsewhere(personas, make_dossier, tmp_path / "goc")
    before = snapshot_counts()
    for damage in DAMAGES:
        copy = tmp_path / damage.__name__ / bag.personal_id
        shutil.copytree(bag.path, copy)
        code, where = damage(copy)
        report = archive_verify(copy)
        assert not report.valid, damage.__name__
        assert (code, where) in {(p.code, p.field) for p in report.problems}, (
            damage.__name__,
            report.problems,
        )
        with pytest.raises(DocumentRefused) as refused:
            archive_import(acting_user=personas["nhaplieu"], path=copy)
        assert refused.value.code == "archive_invalid", damage.__name__
        assert code in {p.code for p in refused.value.problems}
        assert nothing_changed(before), damage.__name__
    assert AuditEvent.objects.filter(
        action=AuditAction.ARCHIVE, outcome=AuditOutcome.DENY, purpose="archive_import"
    ).count() == len(DAMAGES)


def test_a_version_rewritten_with_fresh_hashes_fails_its_approval_signature(
    personas, make_dossier, tmp_path
):
    """The forger recomputes the version's SHA-256 (and the one inside the signed payload) and
    every manifest: only the approver's signature and PREMIS still tell."""
    from hoso.signing.canonical import canonical

    bag = exported_elsewhere(personas, make_dossier, tmp_path)
    path = bag.path / "data/dossier.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    version = doc["versions"][1]
    version["snapshot"]["identity"]["full_name"] = "Đặng Thị Hường"
    version["sha256"] = hashlib.sha256(canonical(version["snapshot"])).hexdigest()
    version["approval"]["payload"]["version"]["sha256"] = version["sha256"]
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    bagit.Bag(str(bag.path)).save(manifests=True)
    assert bagit.Bag(str(bag.path)).is_valid()  # bagit alone is fooled

    report = archive_verify(bag.path)
    codes = {(p.code, p.field) for p in report.problems}
    assert ("data_changed", "data/dossier.json#versions/2/approval") in codes
    assert ("premis_fixity_mismatch", "data/dossier.json") in codes
    assert not any(code.startswith("version_") for code, _ in codes)


def test_a_symlink_or_a_missing_directory_is_refused(personas, make_dossier, tmp_path):
    bag = exported_elsewhere(personas, make_dossier, tmp_path)
    assert archive_verify(tmp_path / "khong-co").codes == ["archive_not_found"]
    os.symlink("/etc/hostname", bag.path / "data" / "lien-ket")
    report = archive_verify(bag.path)
    assert [(p.code, p.field) for p in report.problems] == [("archive_symlink", "data/lien-ket")]


def test_an_importer_who_may_not_propose_changes_nothing(personas, make_dossier, tmp_path):
    bag = exported_elsewhere(personas, make_dossier, tmp_path)
    before = snapshot_counts()
    with pytest.raises(ValidationFailed) as refused:
        archive_import(acting_user=personas["ngoai"], path=bag.path)
    assert "not_assigned" in {p.code for p in refused.value.problems}
    assert nothing_changed(before)


def test_a_failure_part_way_leaves_no_rows_and_no_stored_files(
    personas, make_dossier, tmp_path, monkeypatch
):
    bag = exported_elsewhere(personas, make_dossier, tmp_path)
    before = snapshot_counts()
    from hoso.exchange.archive import ingest

    real = ingest.recorder.record

    def failing(**kwargs):
        if kwargs.get("outcome") == AuditOutcome.OK:
            raise RuntimeError("mất kết nối giữa chừng")
        return real(**kwargs)

    monkeypatch.setattr(ingest.recorder, "record", failing)
    with pytest.raises(RuntimeError):
        archive_import(acting_user=personas["nhaplieu"], path=bag.path)
    assert nothing_changed(before)


def test_the_commands_verify_then_import(personas, make_dossier, tmp_path, capsys):
    bag = exported_elsewhere(personas, make_dossier, tmp_path / "goc")
    call_command("archive", "verify", str(bag.path))
    assert "HỢP LỆ" in capsys.readouterr().out
    call_command("archive", "import", str(bag.path), "--user", "nhaplieu")
    printed = capsys.readouterr().out
    assert "chờ cán bộ quản lý hồ sơ phê duyệt" in printed and "diploma" in printed
    copy = tmp_path / "hong" / bag.personal_id
    shutil.copytree(bag.path, copy)
    _add_file(copy)
    with pytest.raises(SystemExit) as exited:
        call_command("archive", "verify", str(copy))
    assert exited.value.code == 1
    assert "data/ghi-chu.txt" in capsys.readouterr().err
