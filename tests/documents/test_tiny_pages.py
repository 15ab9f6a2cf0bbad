"""A page or image smaller than paper is refused at intake with its own code and a Vietnamese
reason, and stamping a copy never divides by zero (issue 15.6: a 1×1 pt PDF or a 1×1 px image
was accepted, then every copy of it was a server error)."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pikepdf
import pytest
from tests.documents.components_common import (  # noqa: F401 - documents_sandbox
    documents_sandbox,
    small_image,
    stored_files,
)

from hoso.documents import intake, stamping
from hoso.documents.errors import DocumentRefused
from hoso.documents.models import Component
from hoso.documents.services.components import component_add


def pdf_with_page(width: float, height: float) -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    pdf.pages[0].mediabox = [0, 0, width, height]
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def refusal(filename: str, data: bytes) -> DocumentRefused:
    with pytest.raises(DocumentRefused) as caught:  # noqa: SIM117 - the context must be entered
        with intake.received(filename=filename, content=io.BytesIO(data)):
            pass
    return caught.value


def test_a_one_point_pdf_page_is_refused_at_intake_with_its_own_code():
    error = refusal("tem.pdf", pdf_with_page(1, 1))
    assert error.code == "page_too_small" and error.status == 422
    assert "Trang 1" in error.message and "quá nhỏ" in error.message and "72 pt" in error.message


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_a_one_pixel_image_is_refused_at_intake_with_its_own_code(fmt):
    error = refusal(f"diem.{fmt.lower()}", small_image(fmt, size=(1, 1)))
    assert error.code == "image_too_small"
    assert "1 × 1 điểm ảnh" in error.message and "100 điểm ảnh" in error.message


def test_pages_and_images_of_the_minimum_size_are_accepted(settings):
    with intake.received(filename="the.pdf", content=io.BytesIO(pdf_with_page(72, 72))) as up:
        assert up.pages == 1
    image = small_image("PNG", size=(100, 100))
    with intake.received(filename="anh.png", content=io.BytesIO(image)) as up:
        assert up.pages == 1
    settings.HOSO_IMAGE_MIN_SIDE_PIXELS = 101
    assert refusal("anh.png", image).code == "image_too_small"


def test_a_tiny_upload_through_the_service_stores_nothing(make_dossier, personas):
    person = make_dossier()
    before = stored_files()
    with pytest.raises(DocumentRefused) as caught:
        component_add(
            acting_user=personas["quanly"],
            personal_id=person.personal_id,
            kind="resume",
            title="Sơ yếu lý lịch",
            filename="tem.pdf",
            content=io.BytesIO(pdf_with_page(1, 1)),
        )
    assert caught.value.code == "page_too_small"
    assert Component.objects.count() == 0 and stored_files() == before


@pytest.mark.parametrize("side", [1, 5, 17])
def test_stamping_a_page_too_small_for_the_stamp_is_a_clear_refusal(side):
    mark = stamping.Mark(
        viewer="Nguyễn Văn An", username="quanly", at=datetime.now(UTC), export_id="ABCD2345"
    )
    with pytest.raises(DocumentRefused) as caught:
        stamping.stamp_pages(pdf_with_page(side, side), mark)
    assert caught.value.code == "page_too_small" and caught.value.status == 409
    assert "quá nhỏ để đóng dấu" in caught.value.message


def test_the_smallest_page_intake_accepts_is_stamped():
    mark = stamping.Mark(
        viewer="Nguyễn Văn An", username="quanly", at=datetime.now(UTC), export_id="ABCD2345"
    )
    stamped = stamping.stamp_pages(pdf_with_page(72, 72), mark)
    with pikepdf.open(io.BytesIO(stamped)) as pdf:
        assert str(pdf.docinfo[pikepdf.Name(stamping.INFO_KEY)]) == "ABCD2345"
