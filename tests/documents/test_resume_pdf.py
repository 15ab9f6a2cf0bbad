"""The résumé (Mẫu 2C-BNV/2008): PDF/A, A4, fonts embedded, every item; signed (PAdES) by the
records manager; valid for pyHanko and poppler's pdfsig, and invalid once altered."""

from __future__ import annotations

import io
import re
import subprocess
from datetime import timedelta

import pikepdf
import pytest
from django.utils import timezone
from resume_helpers import (  # noqa: F401 (fixtures)
    nss_db_fixture,
    pdfsig,
    pdfsig_blocks,
    rich_dossier,
    seal_key_ready_fixture,
)

from hoso.audit.models import AuditAction, AuditEvent
from hoso.core.dates import today
from hoso.core.errors import NotFound, ValidationFailed
from hoso.documents import storage as store
from hoso.documents.errors import DocumentRefused
from hoso.documents.models import PreservationEvent, PreservationEventType, SignedResume
from hoso.documents.resume_pdf import SIGNATURE_FIELD, resume_render, signatures_check
from hoso.documents.selectors.resume import resume_source
from hoso.documents.services.resume import resume_issue
from hoso.documents.stamping import STAMP_FIELD


@pytest.fixture
def person(orgs):
    from hoso.people.services import dossier_create

    return dossier_create(acting_user=None, data=rich_dossier())


def text_of(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "r.pdf"
    path.write_bytes(pdf)
    done = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True)
    return done.stdout


def test_the_resume_is_an_a4_pdfa_with_its_fonts_embedded_and_every_item(person, tmp_path):
    pdf = resume_render(resume_source(person))
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        xmp = doc.open_metadata()
        assert (xmp.get("pdfaid:part"), xmp.get("pdfaid:conformance")) == ("2", "B")
        for page in doc.pages:
            width, height = (float(v) for v in page.mediabox[2:])
            assert (round(width), round(height)) == (595, 842)  # A4 in points
    path = tmp_path / "r.pdf"
    path.write_bytes(pdf)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout
    rows = fonts.splitlines()[2:]
    assert rows and all(" yes " in row for row in rows)  # every font embedded
    assert any("Liberation-Serif" in row for row in rows)
    text = text_of(pdf, tmp_path)
    for expected in (
        "SƠ YẾU LÝ LỊCH CÁN BỘ, CÔNG CHỨC",
        "Cơ quan, đơn vị có thẩm quyền quản lý CBCC",
        "Số hiệu cán bộ, công chức",
        "STC-0042",
        "TRẦN THỊ HỒNG NHUNG",
        "Ảnh màu",
        "Sở Tài chính",
        "10/05/2021",  # item 25, dd/mm/yyyy
        "Học viện Tài chính",
        "Tên trường",
        "Trần Văn Quý",  # own family
        "Phạm Văn Đức",  # spouse's family
        "2,34",  # item 31, Vietnamese decimal comma
        "Người khai",
        "Thủ trưởng cơ quan, đơn vị quản lý",
    ):
        assert expected in text, expected
    for item in [*range(1, 15), *range(16, 33)]:
        assert re.search(rf"(^|\s){item}\)", text), f"item {item}) missing"
    for sub in range(1, 7):  # 15.1- … 15.6-, as the form numbers them
        assert f"15.{sub}-" in text


def test_the_resume_as_of_a_day_shows_the_version_in_force_then(person, personas, tmp_path):
    from hoso.changes.models import DossierVersion
    from hoso.changes.services.changesets import changeset_approve, changeset_propose

    proposal = changeset_propose(
        acting_user=personas["nhaplieu"],
        personal_id=person.personal_id,
        operations=[
            {"op": "set", "section": "identity", "values": {"current_residence": "Số 9 Tràng Tiền"}}
        ],
        source_kind="paper",
        paper_confirmed_on=today(),
    )
    changeset_approve(acting_user=personas["quanly"], changeset_id=proposal.pk)
    # Version 1 (the dossier before) dates from ten days ago, version 2 from now.
    DossierVersion.objects.filter(personal_id=person.personal_id, number=1).update(
        created_at=timezone.now() - timedelta(days=10)
    )
    before = resume_source(person, today() - timedelta(days=5))
    now = resume_source(person)
    assert (before.version_number, now.version_number) == (1, 2)
    assert "Số 5 phố Hàng Bài" in text_of(resume_render(before), tmp_path)
    assert "Số 9 Tràng Tiền" in text_of(resume_render(now), tmp_path)
    with pytest.raises(DocumentRefused) as future:
        resume_source(person, today() + timedelta(days=1))
    assert future.value.code == "as_of_future"
    with pytest.raises(DocumentRefused) as early:
        resume_source(person, today() - timedelta(days=400))
    assert early.value.code == "no_version_as_of"
    signed = resume_issue(
        acting_user=personas["quanly"],
        personal_id=person.personal_id,
        as_of=today() - timedelta(days=5),
    )
    assert (signed.version_number, signed.as_of) == (1, today() - timedelta(days=5))


def test_a_records_manager_signs_it_and_pyhanko_and_pdfsig_both_accept_it(
    person, personas, nss_db, tmp_path
):
    signed = resume_issue(acting_user=personas["quanly"], personal_id=person.personal_id)
    assert (signed.version_number, signed.signer_username) == (0, "quanly")
    content = store.read_bytes(signed.key)
    assert store.sha256_of(signed.key)[0] == signed.sha256
    [check] = signatures_check(content)
    assert check.field_name == SIGNATURE_FIELD
    assert check.valid and check.intact and check.trusted and check.docmdp_ok
    assert "Người ký quanly" in check.signer
    report = pdfsig(content, nss_db, tmp_path)
    block = pdfsig_blocks(report)[SIGNATURE_FIELD]
    assert len(pdfsig_blocks(report)) == 1
    assert "Signature is Valid" in block
    assert "Certificate is Trusted" in block
    assert "Total document signed" in block
    # The field a served copy will be sealed in is there, empty.
    with pikepdf.open(io.BytesIO(content)) as doc:
        names = {str(f.get("/T")) for f in doc.Root.AcroForm.Fields}
        assert names == {SIGNATURE_FIELD, STAMP_FIELD}
    event = PreservationEvent.objects.get(resume=signed)
    assert event.event_type == PreservationEventType.DIGITAL_SIGNATURE_GENERATION
    audit = AuditEvent.objects.filter(action=AuditAction.RESUME_SIGN).get()
    assert audit.detail["sha256"] == signed.sha256
    assert audit.detail["certificate_serial"] == signed.certificate_serial


def test_one_altered_byte_in_the_signed_range_fails_both_validators(
    person, personas, nss_db, tmp_path
):
    signed = resume_issue(acting_user=personas["quanly"], personal_id=person.personal_id)
    content = bytearray(store.read_bytes(signed.key))
    # A byte inside the first content stream: covered by the signature, still parseable.
    start = content.index(b"stream", 200) + len(b"stream\n") + 20
    content[start] ^= 0x01
    altered = bytes(content)
    [check] = signatures_check(altered)
    assert not check.valid and not check.intact
    block = pdfsig_blocks(pdfsig(altered, nss_db, tmp_path))[SIGNATURE_FIELD]
    assert "Signature is Valid" not in block
    assert "Signature is Invalid" in block or "Digest Mismatch" in block


def test_only_a_records_manager_covering_the_person_signs(person, personas):
    with pytest.raises(DocumentRefused) as clerk:
        resume_issue(acting_user=personas["nhaplieu"], personal_id=person.personal_id)
    assert (clerk.value.code, clerk.value.status) == ("not_records_manager", 403)
    with pytest.raises(NotFound):  # a clerk elsewhere does not even see the dossier
        resume_issue(acting_user=personas["ngoai"], personal_id=person.personal_id)
    with pytest.raises(NotFound):
        resume_issue(acting_user=personas["quanly"], personal_id="001099000999")
    assert not SignedResume.objects.exists()
    denied = AuditEvent.objects.filter(action=AuditAction.RESUME_SIGN, outcome="deny")
    assert denied.count() == 1


def test_a_records_manager_without_a_signing_key_signs_nothing(person, orgs):
    from datetime import date

    from hoso.access.models import Role
    from hoso.access.services import role_assign, user_create

    keyless = user_create(acting_user=None, username="quanly9", password="x" * 12, full_name="Q")
    role_assign(
        acting_user=None,
        user=keyless,
        role=Role.RECORDS_MANAGER,
        organization=orgs["province"],
        valid_from=date(2025, 7, 1),
    )
    with pytest.raises(ValidationFailed) as refused:
        resume_issue(acting_user=keyless, personal_id=person.personal_id)
    assert refused.value.problems[0].code == "signing_key_missing"
    assert not SignedResume.objects.exists()


def test_the_command_signs_and_refuses_in_vietnamese(person, personas, capsys):
    from django.core.management import call_command

    call_command("resume", "issue", "--person", person.personal_id, "--signer", "quanly")
    assert "Đã ký số sơ yếu lý lịch" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exited:
        call_command("resume", "issue", "--person", person.personal_id, "--signer", "nhaplieu")
    assert exited.value.code == 1
    assert "Chỉ cán bộ quản lý hồ sơ" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        call_command(
            "resume",
            "issue",
            "--person",
            person.personal_id,
            "--signer",
            "quanly",
            "--as-of",
            "2026-13-01",
        )
    assert "không đúng dạng" in capsys.readouterr().err
    assert SignedResume.objects.count() == 1
