"""A person's whole dossier as a BagIt bag with PREMIS metadata, written only for those whose
duty or written approval allows it (R-SECRET, R-DIGITIZE, R-PROHIBITED)."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import bagit
import pytest
from django.conf import settings
from django.core.management import call_command
from tests.exchange.archive_helpers import archivable_person

from hoso.audit.models import AuditAction, AuditEvent, AuditOutcome
from hoso.core.errors import NotFound
from hoso.documents.errors import DocumentRefused
from hoso.documents.models import Component, PreservationEvent, PreservationEventType
from hoso.documents.storage import storage
from hoso.exchange import premis
from hoso.exchange.archive import archive_export

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(personas, make_dossier):
    return archivable_person(personas, make_dossier)


def _export(personas, person, out, who="quanly"):
    return archive_export(acting_user=personas[who], personal_id=person.personal_id, output=out)


def test_the_bag_is_valid_for_bagit_and_holds_the_whole_dossier(personas, person, tmp_path):
    result = _export(personas, person, tmp_path / "out")
    bag_dir = tmp_path / "out" / person.personal_id
    assert (
        result.path == bag_dir
        and not (tmp_path / "out" / f".{person.personal_id}.partial").exists()
    )

    bag = bagit.Bag(str(bag_dir))
    assert (
        bag.validate()
        and bag.version_info == (1, 0)
        and set(bag.algorithms) == {"sha256", "sha512"}
    )
    # The bagit tool itself agrees (what `bagit.py --validate` runs).
    tool = subprocess.run(
        [sys.executable, "-m", "bagit", "--validate", str(bag_dir)], capture_output=True, text=True
    )
    assert tool.returncode == 0, tool.stderr
    assert set(bag.payload_files()) == {
        "data/dossier.json",
        "data/metadata/premis.xml",
        "data/resume/01-v2.pdf",
        "data/components/001-diploma/original.pdf",
        "data/components/001-diploma/preservation.pdf",
    }
    info = bag.info
    assert info["External-Identifier"] == person.personal_id
    assert info["Bag-Count"] == "1 of 1" and info["Source-Organization"]
    assert info["Hoso-Export-Id"] == result.export_id and info["Bagging-Date"]
    assert info["Hoso-Classification"].startswith("none: Tài liệu mật")
    readme = (bag_dir / "README.txt").read_text(encoding="utf-8")
    assert "KHÔNG MÃ HÓA" in readme and result.export_id in readme
    assert "README.txt" in bag.tagfile_entries()
    for path in bag_dir.rglob("*"):
        expected = 0o700 if path.is_dir() else 0o600
        assert path.stat().st_mode & 0o777 == expected, path

    doc = json.loads((bag_dir / "data/dossier.json").read_text(encoding="utf-8"))
    assert doc["current"]["identity"]["full_name"] == "Nguyễn Văn An"
    assert [v["number"] for v in doc["versions"]] == [1, 2]
    assert doc["versions"][0]["approval"] is None
    approval = doc["versions"][1]["approval"]
    assert approval["signer_username"] == "quanly" and approval["cms_base64"]
    assert "BEGIN CERTIFICATE" in approval["signer_certificate_pem"]
    assert approval["payload"]["version"]["sha256"] == doc["versions"][1]["sha256"]
    assert len(doc["versions"][1]["snapshot"]["training"]) == 2
    # The component in the bag is the stored original, byte for byte.
    component = Component.objects.get(personal_id=person.personal_id)
    original = (bag_dir / "data/components/001-diploma/original.pdf").read_bytes()
    assert hashlib.sha256(original).hexdigest() == component.original_sha256
    assert original == b"".join(storage().open(component.original_key))


def test_premis_describes_fixity_formats_derivation_events_and_rights(personas, person, tmp_path):
    _export(personas, person, tmp_path)
    bag_dir = tmp_path / person.personal_id
    document = premis.premis_read((bag_dir / "data/metadata/premis.xml").read_bytes())
    for obj in document.objects:
        data = (bag_dir / obj.path).read_bytes()
        assert (obj.sha256, obj.size) == (hashlib.sha256(data).hexdigest(), len(data))
    original = document.by_path["data/components/001-diploma/original.pdf"]
    copy = document.by_path["data/components/001-diploma/preservation.pdf"]
    assert copy.format_name == "PDF/A-2b" and copy.has_source == original.path
    assert original.is_source_of == (copy.path,) and original.original_name == "bang-cu-nhan.pdf"
    assert document.by_path["data/dossier.json"].format_name == "JSON"
    assert {
        "ingestion",
        "message digest calculation",
        "normalization",
        "fixity check",
        "digital signature generation",
        "digital signature validation",
        "capture",
    } <= document.event_types()
    validations = [e for e in document.events if e.event_type == "digital signature validation"]
    assert len(validations) == 2 and {e.outcome for e in validations} == {"success"}
    capture = next(e for e in document.events if e.event_type == "capture")
    assert "quanly" in capture.agents and set(capture.objects) == set(document.by_path)
    agents = {a.identifier: a for a in document.agents}
    assert agents["quanly"].agent_type == "person"
    assert (
        agents["ocrmypdf 17.0"].agent_type == "software"
        and agents["ocrmypdf 17.0"].version == "17.0"
    )
    [rights] = document.rights
    assert rights.jurisdiction == "VN" and "29/2018/QH14" in rights.citation
    assert "Tài liệu mật" in rights.classification


def test_each_export_is_a_capture_event_and_an_audited_archive(personas, person, tmp_path):
    result = _export(personas, person, tmp_path)
    capture = PreservationEvent.objects.get(
        personal_id=person.personal_id, event_type=PreservationEventType.CAPTURE
    )
    assert result.export_id in capture.detail and capture.agent == "quanly"
    event = AuditEvent.objects.get(action=AuditAction.ARCHIVE, personal_id=person.personal_id)
    assert event.outcome == AuditOutcome.OK and event.detail["export_id"] == result.export_id
    assert event.detail["files"] == 5 and event.detail["components"] == 1
    assert AuditEvent.objects.filter(
        action=AuditAction.DOSSIER_READ_ALLOWED, personal_id=person.personal_id, purpose="archive"
    ).exists()


def test_an_outsider_gets_404_and_the_denial_is_audited(personas, person, tmp_path):
    with pytest.raises(NotFound):
        _export(personas, person, tmp_path, who="ngoai")
    assert AuditEvent.objects.filter(
        action=AuditAction.DOSSIER_READ_DENIED, personal_id=person.personal_id, purpose="archive"
    ).exists()
    # A leader may read the dossier, but archiving is a records manager's duty.
    with pytest.raises(NotFound):
        _export(personas, person, tmp_path, who="lanhdao")
    assert AuditEvent.objects.filter(
        action=AuditAction.ARCHIVE, outcome=AuditOutcome.DENY, personal_id=person.personal_id
    ).exists()
    assert list(tmp_path.iterdir()) == []
    assert not PreservationEvent.objects.filter(event_type=PreservationEventType.CAPTURE).exists()


def test_a_written_approval_allowing_export_opens_the_archive(personas, person, tmp_path):
    from hoso.access.services import grant_issue

    grant_issue(
        acting_user=personas["quanly"],
        grantee=personas["lanhdao"],
        purpose="Lưu trữ hồ sơ tại Lưu trữ lịch sử tỉnh",
        document_number="15/QĐ-UBND",
        document_date=date.today() - timedelta(days=1),
        signer="Chủ tịch UBND tỉnh",
        valid_from=date.today() - timedelta(days=1),
        valid_to=date.today() + timedelta(days=30),
        person_ids=[person.personal_id],
        ceiling="secret_candidate",
        allow_export=True,
    )
    result = _export(personas, person, tmp_path, who="lanhdao")
    assert bagit.Bag(str(result.path)).is_valid()


def test_a_non_empty_target_a_traversal_or_the_storage_directory_is_refused(
    personas, person, tmp_path
):
    (tmp_path / person.personal_id).mkdir()
    (tmp_path / person.personal_id / "cu.txt").write_text("gói cũ")
    with pytest.raises(DocumentRefused) as refused:
        _export(personas, person, tmp_path)
    assert refused.value.code == "archive_target_not_empty"
    assert (tmp_path / person.personal_id / "cu.txt").read_text() == "gói cũ"
    with pytest.raises(DocumentRefused) as refused:
        _export(personas, person, tmp_path / "a" / ".." / "b")
    assert refused.value.code == "archive_path_traversal"
    with pytest.raises(DocumentRefused) as refused:
        _export(personas, person, Path(settings.HOSO_STORAGE_DIR) / "xuat")
    assert refused.value.code == "archive_inside_storage"
    assert not PreservationEvent.objects.filter(event_type=PreservationEventType.CAPTURE).exists()


def test_a_stored_file_altered_on_disk_refuses_the_export_and_leaves_no_bag(
    personas, person, tmp_path
):
    component = Component.objects.get(personal_id=person.personal_id)
    raw = storage().raw_path(component.original_key)
    data = bytearray(raw.read_bytes())
    data[-40] ^= 0x01
    raw.write_bytes(bytes(data))
    with pytest.raises(DocumentRefused) as refused:
        _export(personas, person, tmp_path)
    assert refused.value.code == "archive_fixity_failed"
    assert sorted(os.listdir(tmp_path)) == []  # neither the bag nor its .partial
    assert not PreservationEvent.objects.filter(event_type=PreservationEventType.CAPTURE).exists()
    assert not AuditEvent.objects.filter(
        action=AuditAction.ARCHIVE, outcome=AuditOutcome.OK
    ).exists()


def test_the_command_exports_every_person_of_a_unit_subtree(
    personas, make_dossier, tmp_path, capsys
):
    first = archivable_person(personas, make_dossier)
    second = make_dossier(full_name="Trần Thị Bình", sex="F", unit="T01.STC.NS")
    secret = make_dossier(full_name="Lê Văn Cường", protection={"secret_label": "mat"})
    elsewhere = make_dossier(full_name="Phạm Văn Dũng", unit="B01.VP")
    out = tmp_path / "donvi"
    call_command("archive", "export", "--unit", "T01.STC", "--output", str(out), "--user", "quanly")
    bags = sorted(p.name for p in out.iterdir() if p.is_dir())
    assert bags == sorted([first.personal_id, second.personal_id])
    for name in bags:
        bag = bagit.Bag(str(out / name))
        assert bag.is_valid() and bag.info["Bag-Count"].endswith("of 2")
        assert bag.info["Bag-Group-Identifier"].startswith("T01.STC-")
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert {b["personal_id"] for b in summary["bags"]} == set(bags)
    assert summary["failed"] == [] and summary["outside_scope"] == 1  # counted, never named
    text = (out / "summary.json").read_text(encoding="utf-8")
    assert secret.personal_id not in text and elsewhere.personal_id not in text
    printed = capsys.readouterr()
    assert "2 gói" in printed.out and "KHÔNG MÃ HÓA" in printed.err


def test_the_command_exports_one_person_and_refuses_an_unknown_account(
    personas, person, tmp_path, capsys
):
    from django.core.management.base import CommandError

    call_command(
        "archive",
        "export",
        "--person",
        person.personal_id,
        "--output",
        str(tmp_path),
        "--user",
        "quanly",
    )
    assert "Đã ghi gói" in capsys.readouterr().out
    assert bagit.Bag(str(tmp_path / person.personal_id)).is_valid()
    with pytest.raises(CommandError, match="Không có tài khoản"):
        call_command(
            "archive",
            "export",
            "--person",
            person.personal_id,
            "--output",
            str(tmp_path),
            "--user",
            "khongco",
        )
    with pytest.raises(SystemExit):
        call_command(
            "archive",
            "export",
            "--unit",
            "B01",
            "--output",
            str(tmp_path / "x"),
            "--user",
            "quanly",
        )
