"""`hoso trace-leak FILE` names who was given a leaked copy, when, from where, of which
dossier — from its metadata, from its visible stamp when the metadata is stripped, or by its
SHA-256 (R-PROHIBITED)."""

from __future__ import annotations

import hashlib
import io

import pikepdf
import pytest
from django.core.management import call_command
from django.utils import timezone
from resume_helpers import (  # noqa: F401 (fixtures)
    rich_dossier,
    seal_key_ready_fixture,
    stored_component,
    two_page_pdf,
)

from hoso import cli
from hoso.audit.models import AuditAction, AuditEvent
from hoso.core.context import RequestContext, _current
from hoso.documents import stamping
from hoso.documents.models import ServedCopy
from hoso.documents.services.resume import resume_issue
from hoso.documents.services.serving import copy_serve


@pytest.fixture
def person(orgs):
    from hoso.people.services import dossier_create

    return dossier_create(acting_user=None, data=rich_dossier())


@pytest.fixture
def served_component(person, personas):
    pdfa = two_page_pdf(["QUYẾT ĐỊNH TUYỂN DỤNG", "Trần Thị Hồng Nhung"], ["Điều 2"])
    component = stored_component(
        person,
        personas["nhaplieu"],
        original=pdfa,
        pdfa=pdfa,
        kind="recruitment_decision",
        section="career_events",
        title="Quyết định tuyển dụng",
    )
    token = _current.set(RequestContext("10.20.30.40", "trace-test", "web"))
    try:
        return copy_serve(
            user=personas["nhaplieu"], personal_id=person.personal_id, component_id=component.pk
        )
    finally:
        _current.reset(token)


def run(path, capsys) -> tuple[int, str, str]:
    try:
        call_command("trace_leak", str(path))
        code = 0
    except SystemExit as exited:
        code = int(exited.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err


def strip_metadata(content: bytes) -> bytes:
    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(content)) as doc:
        del doc.docinfo["/HosoExportId"]
        del doc.Root["/Metadata"]
        doc.save(out)
    return out.getvalue()


def test_a_leaked_copy_names_its_viewer_time_address_and_dossier(
    served_component, person, tmp_path, capsys
):
    leaked = tmp_path / "lo-ra.pdf"
    leaked.write_bytes(served_component.content)
    code, out, _ = run(leaked, capsys)
    assert code == 0
    assert "siêu dữ liệu" in out
    assert f"Mã bản sao: {served_component.export_id}" in out
    assert "tài khoản «nhaplieu»" in out
    assert "Địa chỉ máy: 10.20.30.40" in out
    assert f"Hồ sơ của số định danh: {person.personal_id}" in out
    assert "Quyết định tuyển dụng" in out
    served = ServedCopy.objects.get(export_id=served_component.export_id)
    assert timezone.localtime(served.served_at).strftime("%d/%m/%Y %H:%M") in out
    event = AuditEvent.objects.filter(action=AuditAction.SYSTEM).get()
    assert event.detail["operation"] == "trace_leak"
    assert event.detail["export_id"] == served_component.export_id
    assert event.personal_id == person.personal_id


def test_with_its_metadata_stripped_the_visible_stamp_still_names_it(
    served_component, tmp_path, capsys
):
    stripped = strip_metadata(served_component.content)
    with pikepdf.open(io.BytesIO(stripped)) as doc:
        assert "/HosoExportId" not in doc.docinfo
    leaked = tmp_path / "khong-sieu-du-lieu.pdf"
    leaked.write_bytes(stripped)
    code, out, _ = run(leaked, capsys)
    assert code == 0
    assert "dấu hiển thị" in out
    assert served_component.export_id in out


def test_a_file_with_neither_is_found_by_its_sha256(served_component, tmp_path, capsys):
    # A copy re-saved so that neither its metadata nor its text carries the id any more (as a
    # screenshot would) is still found when its bytes are those recorded.
    opaque = b"not a pdf, the bytes some copy was recorded with"
    ServedCopy.objects.filter(export_id=served_component.export_id).update(
        sha256=hashlib.sha256(opaque).hexdigest()
    )
    leaked = tmp_path / "opaque.bin"
    leaked.write_bytes(opaque)
    code, out, _ = run(leaked, capsys)
    assert code == 0
    assert "SHA-256" in out
    assert served_component.export_id in out


def test_the_signed_resume_with_its_seal_cut_off_lists_every_copy_served(
    person, personas, seal_key_ready, tmp_path, capsys
):
    from hoso.documents.storage import read_bytes

    signed = resume_issue(acting_user=personas["quanly"], personal_id=person.personal_id)
    first = copy_serve(user=personas["quanly"], personal_id=person.personal_id)
    # Cutting the sealed copy back to its previous revision gives the stored signed résumé.
    original = read_bytes(signed.key)
    assert first.content.startswith(original)
    leaked = tmp_path / "cat-bo-dau.pdf"
    leaked.write_bytes(original)
    code, out, _ = run(leaked, capsys)
    assert code == 0
    assert "sơ yếu lý lịch đã ký số" in out
    assert first.export_id in out
    # The sealed copy itself is found by its own id.
    leaked.write_bytes(first.content)
    code, out, _ = run(leaked, capsys)
    assert code == 0 and first.export_id in out and "sơ yếu lý lịch" in out


def test_an_unknown_file_exits_1_and_says_so(db, tmp_path, capsys):
    from scans import typeset_pdf

    leaked = tmp_path / "la.pdf"
    leaked.write_bytes(typeset_pdf(["Một tài liệu khác", "Mã bản sao: 7K3M-9QXD-2HNB"]))
    code, out, err = run(leaked, capsys)
    assert code == 1 and not out
    assert "Không tìm thấy bản sao nào" in err
    event = AuditEvent.objects.filter(action=AuditAction.SYSTEM).get()
    assert event.detail["found_by"] is None


def test_the_documented_spelling_hoso_trace_leak_works(served_component, tmp_path, capsys):
    leaked = tmp_path / "lo-ra.pdf"
    leaked.write_bytes(served_component.content)
    cli.main(["trace-leak", str(leaked)])
    assert served_component.export_id in capsys.readouterr().out
    assert stamping.export_id_normalize(served_component.export_id) == served_component.export_id
