"""Every served copy is stamped (R-PROHIBITED): a visible mark with viewer, time and export id,
the export id in its metadata; the signed résumé keeps both signatures valid."""

from __future__ import annotations

import io

import pikepdf
import pytest
from resume_helpers import (  # noqa: F401 (fixtures)
    nss_db_fixture,
    page_texts,
    pdfsig,
    pdfsig_blocks,
    rich_dossier,
    seal_key_ready_fixture,
    stored_component,
    two_page_pdf,
)
from scans import scan

from hoso.audit.models import AuditAction, AuditEvent, AuditOutcome
from hoso.core.errors import NotFound
from hoso.documents import stamping
from hoso.documents.errors import DocumentRefused
from hoso.documents.models import PreservationEvent, PreservationEventType, ServedCopy
from hoso.documents.resume_pdf import SIGNATURE_FIELD, signatures_check
from hoso.documents.services.resume import resume_issue
from hoso.documents.services.serving import copy_serve


@pytest.fixture
def person(orgs):
    from hoso.people.services import dossier_create

    return dossier_create(acting_user=None, data=rich_dossier())


def metadata_id(content: bytes) -> tuple[str, str]:
    with pikepdf.open(io.BytesIO(content)) as doc:
        info = str(doc.docinfo.get("/HosoExportId"))
        xmp = str(doc.open_metadata().get(f"{{{stamping.XMP_NAMESPACE}}}ExportId"))
    return info, xmp


def test_export_ids_are_short_unambiguous_and_read_back_as_typed():
    ids = {stamping.export_id_new() for _ in range(200)}
    assert len(ids) == 200
    for export_id in ids:
        assert stamping.EXPORT_ID_RE.fullmatch(export_id)
        assert not set(export_id) & set("ILOU")
    assert stamping.export_id_normalize("7k3m 9qxd 2hnb") == "7K3M-9QXD-2HNB"
    assert stamping.export_id_normalize("7K3M-9QXD-2HNO") == "7K3M-9QXD-2HN0"
    assert stamping.export_id_normalize("not an id") is None


def test_the_served_resume_is_sealed_and_both_signatures_stay_valid(
    person, personas, nss_db, tmp_path
):
    resume_issue(acting_user=personas["quanly"], personal_id=person.personal_id)
    served = copy_serve(user=personas["quanly"], personal_id=person.personal_id)
    checks = {c.field_name: c for c in signatures_check(served.content)}
    assert set(checks) == {SIGNATURE_FIELD, stamping.STAMP_FIELD}
    for check in checks.values():
        assert check.valid and check.intact and check.trusted and check.docmdp_ok, check
    assert checks[SIGNATURE_FIELD].modification_level == "FORM_FILLING"
    assert "niêm phong" in checks[stamping.STAMP_FIELD].signer
    blocks = pdfsig_blocks(pdfsig(served.content, nss_db, tmp_path))
    assert set(blocks) == {SIGNATURE_FIELD, stamping.STAMP_FIELD}
    for block in blocks.values():
        assert "Signature is Valid" in block
        assert "Certificate is Trusted" in block
    first_page = page_texts(served.content, tmp_path)[0]
    assert f"Mã bản sao: {served.export_id}" in first_page
    assert "Bản sao cấp cho quanly (quanly)" in first_page
    assert metadata_id(served.content) == (served.export_id, served.export_id)
    # The copy differs from the stored one; each copy has its own id.
    again = copy_serve(user=personas["quanly"], personal_id=person.personal_id)
    assert again.export_id != served.export_id and again.sha256 != served.sha256
    row = ServedCopy.objects.get(export_id=served.export_id)
    assert (row.sha256, row.username, row.resume.personal_id) == (
        served.sha256,
        "quanly",
        person.personal_id,
    )
    event = AuditEvent.objects.filter(action=AuditAction.DOCUMENT_SERVE).order_by("seq").first()
    assert event.outcome == AuditOutcome.ALLOW
    assert (event.detail["export_id"], event.detail["sha256"]) == (served.export_id, served.sha256)
    assert PreservationEvent.objects.filter(
        event_type=PreservationEventType.DISSEMINATION, resume=row.resume
    ).exists()


def test_altering_a_sealed_copy_breaks_the_seal(person, personas, nss_db, tmp_path):
    resume_issue(acting_user=personas["quanly"], personal_id=person.personal_id)
    served = copy_serve(user=personas["quanly"], personal_id=person.personal_id)
    content = bytearray(served.content)
    at = content.index(b"stream", 200) + len(b"stream\n") + 20
    content[at] ^= 0x01
    checks = signatures_check(bytes(content))
    assert checks and not any(c.valid for c in checks)
    blocks = pdfsig_blocks(pdfsig(bytes(content), nss_db, tmp_path))
    assert not any("Signature is Valid" in b for b in blocks.values())


def test_a_component_copy_is_stamped_on_every_page_without_an_unstamped_revision(
    person, personas, tmp_path
):
    pdfa = two_page_pdf(["BẰNG CỬ NHÂN", "Trần Thị Hồng Nhung"], ["Trang hai của văn bằng"])
    component = stored_component(person, personas["nhaplieu"], original=pdfa, pdfa=pdfa)
    served = copy_serve(
        user=personas["nhaplieu"], personal_id=person.personal_id, component_id=component.pk
    )
    pages = page_texts(served.content, tmp_path)
    assert len(pages) == 2
    for text in pages:
        assert f"Mã bản sao: {served.export_id}" in text
        assert "Bản sao cấp cho nhaplieu (nhaplieu)" in text
    assert "Trang hai của văn bằng" in pages[1]
    assert metadata_id(served.content) == (served.export_id, served.export_id)
    assert served.content.count(b"%%EOF") == 1  # rewritten whole: no earlier revision inside
    assert ServedCopy.objects.get(export_id=served.export_id).component == component


def test_an_image_not_yet_converted_is_served_as_a_stamped_pdf(person, personas, tmp_path):
    jpeg = scan(["GIẤY KHAI SINH", "Trần Thị Hồng Nhung"], "JPEG")
    component = stored_component(
        person,
        personas["nhaplieu"],
        original=jpeg,
        media_type="image/jpeg",
        kind="birth_certificate",
        section="identity",
        title="Giấy khai sinh",
    )
    served = copy_serve(
        user=personas["quanly"], personal_id=person.personal_id, component_id=component.pk
    )
    assert served.content.startswith(b"%PDF") and served.media_type == "application/pdf"
    assert f"Mã bản sao: {served.export_id}" in page_texts(served.content, tmp_path)[0]


def test_a_resume_nobody_signed_is_refused_with_what_to_do(person, personas):
    with pytest.raises(DocumentRefused) as refused:
        copy_serve(user=personas["quanly"], personal_id=person.personal_id)
    assert (refused.value.code, refused.value.status) == ("resume_not_signed", 409)
    assert "cần ký số" in refused.value.message
    assert not ServedCopy.objects.exists()


def test_who_may_not_see_a_document_gets_the_same_404_and_it_is_audited(person, personas):
    health = stored_component(
        person,
        personas["nhaplieu"],
        original=two_page_pdf(["GIẤY KHÁM SỨC KHỎE"], ["Kết luận"]),
        kind="health_certificate",
        section="health",
        sensitivity="sensitive",
        title="Giấy khám sức khỏe",
    )
    # The leader reads dossiers up to "personal": not a health certificate, not the résumé.
    with pytest.raises(NotFound):
        copy_serve(user=personas["lanhdao"], personal_id=person.personal_id, component_id=health.pk)
    with pytest.raises(NotFound):
        copy_serve(user=personas["lanhdao"], personal_id=person.personal_id)
    with pytest.raises(NotFound):  # outside the clerk's unit: the dossier itself is hidden
        copy_serve(user=personas["ngoai"], personal_id=person.personal_id, component_id=health.pk)
    with pytest.raises(NotFound):  # a component of another dossier
        other = stored_component(person, personas["nhaplieu"], original=b"%PDF-1.4")
        copy_serve(user=personas["quanly"], personal_id="001099000999", component_id=other.pk)
    denied = AuditEvent.objects.filter(action=AuditAction.DOCUMENT_SERVE, outcome=AuditOutcome.DENY)
    assert denied.count() == 2
    assert not ServedCopy.objects.exists()


def test_without_the_node_seal_key_a_signed_resume_is_not_served(person, personas, settings):
    resume_issue(acting_user=personas["quanly"], personal_id=person.personal_id)
    settings.HOSO_SEAL_KEY_FILE = "/nonexistent/seal.key.pem"
    settings.HOSO_SEAL_CERT_FILE = "/nonexistent/seal.cert.pem"
    with pytest.raises(DocumentRefused) as refused:
        copy_serve(user=personas["quanly"], personal_id=person.personal_id)
    assert refused.value.code == "seal_key_missing"
    assert "HOSO_SEAL_KEY_FILE" in refused.value.message
    assert not ServedCopy.objects.exists()


def test_a_damaged_pdf_is_refused_not_served(person, personas):
    broken = stored_component(person, personas["nhaplieu"], original=b"%PDF-1.7\nrubbish")
    with pytest.raises(DocumentRefused) as refused:
        copy_serve(user=personas["quanly"], personal_id=person.personal_id, component_id=broken.pk)
    assert refused.value.code == "copy_unreadable"
    assert not ServedCopy.objects.exists()
