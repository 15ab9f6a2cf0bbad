"""Real scans become PDF/A-2b copies with a Vietnamese text layer; OCR failure loses nothing."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pikepdf
import pytest
from PIL import Image
from tests.documents.components_common import NHUNG, documents_sandbox  # noqa: F401
from tests.documents.scans import (
    RESUME_LINES,
    dirty,
    encode,
    rasterize,
    scan,
    scanned_pdf,
    typeset_pdf,
)

from hoso.audit.models import AuditAction, AuditEvent
from hoso.core.errors import NotFound, ValidationFailed
from hoso.core.text import normalize
from hoso.documents import ocr
from hoso.documents.models import (
    Component,
    ComponentStatus,
    ComponentTerm,
    PreservationEventType,
    PreservationOutcome,
)
from hoso.documents.services.components import component_add
from hoso.documents.services.processing import component_process
from hoso.documents.storage import read_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def nhung(make_dossier):
    return make_dossier(full_name=NHUNG, sex="F")


@pytest.fixture
def add(personas, nhung, django_capture_on_commit_callbacks):
    """component_add by the clerk, its processing task run once the row is committed."""

    def run(filename: str, data: bytes, kind: str = "resume", **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            component = component_add(
                acting_user=personas["nhaplieu"],
                personal_id=nhung.personal_id,
                kind=kind,
                title=kwargs.pop("title", "Sơ yếu lý lịch"),
                filename=filename,
                content=io.BytesIO(data),
                **kwargs,
            )
        component.refresh_from_db()
        return component

    return run


def pdf_text(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "copy.pdf"
    path.write_bytes(data)
    run = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True)
    return run.stdout.decode()


def assert_pdfa_2b(data: bytes) -> None:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert pdf.open_metadata().pdfa_status == "2B"


def test_a_turned_noisy_jpeg_becomes_a_searchable_pdfa_2b(add, tmp_path):
    original = scan(RESUME_LINES, "JPEG", angle=2.5)
    component = add("so-yeu-ly-lich.jpg", original)

    assert component.status == ComponentStatus.READY, component.status_note
    assert component.progress == 100
    assert component.pages == 1
    assert component.sensitivity == "sensitive"  # the catalog's default for a résumé
    assert read_bytes(component.original_key) == original  # byte for byte
    copy = read_bytes(component.pdfa_key)
    assert len(copy) == component.pdfa_size
    assert_pdfa_2b(copy)
    # The text layer is in the PDF itself, and in the (encrypted) OCR text.
    assert "nguyen thi hong" in normalize(pdf_text(copy, tmp_path))
    assert "NGUYỄN THỊ HỒNG" in component.ocr_text
    assert "nguyen thi hong nhung" in normalize(component.ocr_text)
    assert ComponentTerm.objects.filter(component=component).count() > 10
    events = list(component.events.values_list("event_type", "outcome"))
    assert [e for e, _ in events] == [
        PreservationEventType.INGESTION,
        PreservationEventType.MESSAGE_DIGEST,
        PreservationEventType.VALIDATION,
        PreservationEventType.NORMALIZATION,
        PreservationEventType.TEXT_EXTRACTION,
    ]
    assert {o for _, o in events} == {PreservationOutcome.SUCCESS}
    assert "tesseract" in component.events.last().agent
    added = AuditEvent.objects.filter(action=AuditAction.DOCUMENT_ADD).get()
    assert added.personal_id == component.personal_id
    assert added.detail["sha256"] == component.original_sha256

    # Processing again changes nothing (the task may run twice).
    component_process(component_id=component.pk)
    assert component.events.count() == len(events)


def test_a_multi_page_tiff_reports_progress_page_by_page(tmp_path):
    pages = [
        dirty(rasterize(typeset_pdf(lines))[0], seed=i)
        for i, lines in enumerate(
            [RESUME_LINES, ["Quyết định nâng bậc lương", "Bà Nguyễn Thị Hồng Nhung"]]
        )
    ]
    source = tmp_path / "in.tif"
    source.write_bytes(encode(pages, "TIFF"))
    seen: list[tuple[int, int]] = []
    with ocr.preservation_copy(
        source, "image/tiff", progress=lambda i, n: seen.append((i, n))
    ) as made:
        assert made.pages == 2
        assert_pdfa_2b(made.pdf_path.read_bytes())
        assert "lương" in made.text
        assert {"ocrmypdf", "tesseract", "img2pdf"} <= set(made.versions)
    assert seen[-1] == (2, 2)
    assert (1, 2) in seen


def test_a_scanned_pdf_keeps_its_pages_and_gets_a_text_layer(add, tmp_path):
    original = scanned_pdf([RESUME_LINES, ["Quyết định số 15/QĐ-UBND ngày 02/01/2020"]])
    component = add("ho-so.pdf", original, kind="decision", title="Quyết định tuyển dụng")
    assert component.status == ComponentStatus.READY, component.status_note
    assert component.section == "career_events"  # the catalog's default for a decision
    assert component.pages == 2
    copy = read_bytes(component.pdfa_key)
    assert_pdfa_2b(copy)
    text = normalize(pdf_text(copy, tmp_path))
    assert "quyet dinh" in text and "nguyen thi hong" in text


def test_a_phone_photo_without_resolution_fits_an_a4_page(tmp_path):
    photo = Image.new("L", (3000, 4000), 255)
    out = io.BytesIO()
    photo.save(out, "JPEG", quality=60)  # no dpi recorded
    source = tmp_path / "photo.jpg"
    source.write_bytes(out.getvalue())
    assert "dpi" not in Image.open(source).info
    pdf_path = ocr._image_to_pdf(source, tmp_path)  # noqa: SLF001 - the img2pdf step alone
    with pikepdf.open(pdf_path) as pdf:
        box = [float(v) for v in pdf.pages[0].MediaBox]
    width_in, height_in = (box[2] - box[0]) / 72, (box[3] - box[1]) / 72
    assert 7.5 < width_in <= 8.3 and 10.5 < height_in <= 11.7
    assert ocr.fallback_dpi(3000, 4000) == 363


@pytest.mark.parametrize(
    ("setting", "value", "words"),
    [
        ("HOSO_OCR_TIMEOUT_SECONDS", 0, "quá thời gian"),
        ("HOSO_OCR_LANGUAGES", ["xyz"], "ngôn ngữ"),
    ],
)
def test_when_ocr_fails_the_original_stays_and_a_person_reviews_it(
    add, settings, setting, value, words
):
    setattr(settings, setting, value)
    original = scan(["Giấy khai sinh"], "PNG")
    component = add("khai-sinh.png", original, kind="birth_certificate", title="Giấy khai sinh")
    assert component.status == ComponentStatus.NEEDS_REVIEW
    assert words in component.status_note
    assert component.pdfa_key == "" and component.ocr_text == ""
    assert read_bytes(component.original_key) == original
    failed = component.events.get(event_type=PreservationEventType.NORMALIZATION)
    assert failed.outcome == PreservationOutcome.FAILURE
    assert "bản gốc vẫn được giữ nguyên" in failed.detail
    assert Component.objects.count() == 1


def test_only_a_clerk_or_records_manager_over_the_unit_adds(personas, nhung):
    for username in ("ngoai", "lanhdao", "thanhtra", "quantri"):
        with pytest.raises(NotFound):
            component_add(
                acting_user=personas[username],
                personal_id=nhung.personal_id,
                kind="diploma",
                title="Bằng",
                filename="bang.png",
                content=io.BytesIO(b"not read"),
            )
    with pytest.raises(NotFound):
        component_add(
            acting_user=personas["quanly"],
            personal_id="001099000000",
            kind="diploma",
            title="Bằng",
            filename="bang.png",
            content=io.BytesIO(b"not read"),
        )
    assert not Component.objects.exists()


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"kind": "nope"}, "unknown_kind"),
        ({"section": "nope"}, "unknown_section"),
        ({"section": "training", "section_row_id": 999999}, "unknown_row"),
        ({"changeset_id": 999999}, "unknown_changeset"),
        ({"position": 0}, "bad_position"),
        ({"kind": "resume", "sensitivity": "personal"}, "sensitivity_lowered"),
    ],
)
def test_bad_parameters_are_refused_before_the_file_is_read(personas, nhung, kwargs, code):
    params = {"kind": "diploma", **kwargs}
    with pytest.raises(ValidationFailed) as caught:
        component_add(
            acting_user=personas["quanly"],
            personal_id=nhung.personal_id,
            title="Bằng",
            filename="bang.png",
            content=io.BytesIO(b"not read"),
            **params,
        )
    assert caught.value.problems[0].code == code
    assert not Component.objects.exists()


def test_a_diploma_links_to_its_training_row(add, nhung, settings):
    settings.HOSO_OCR_TIMEOUT_SECONDS = 0  # the link is the point here, not the OCR
    row = nhung.trainings.get()
    component = add(
        "bang.png", scan(["Bằng cử nhân"], "PNG"), kind="diploma", section_row_id=row.pk
    )
    assert (component.section, component.section_row_id) == ("training", row.pk)
    second = add("bang2.png", scan(["Chứng chỉ"], "PNG"), kind="diploma")
    assert (component.position, second.position) == (1, 2)
