"""Every bad upload is refused before anything is stored, each with its own code (issue 5)."""

from __future__ import annotations

import io
import time

import pikepdf
import pytest
from tests.documents.components_common import (  # noqa: F401 - documents_sandbox
    NHUNG,
    blank_pdf,
    documents_sandbox,
    png_declaring,
    small_image,
    stored_files,
)

from hoso.documents import intake
from hoso.documents.errors import DocumentRefused
from hoso.documents.models import Component
from hoso.documents.services.components import component_add


def judge(filename: str, data: bytes | list[bytes]) -> intake.Inspection:
    content = data if isinstance(data, list) else io.BytesIO(data)
    with intake.received(filename=filename, content=content) as upload:
        assert upload.path.read_bytes()[:4] == (data[0] if isinstance(data, list) else data)[:4]
        return upload


def refused(filename: str, data: bytes | list[bytes]) -> DocumentRefused:
    with pytest.raises(DocumentRefused) as caught:
        judge(filename, data)
    assert caught.value.message  # a Vietnamese sentence, never empty
    return caught.value


def test_a_good_jpeg_is_accepted_with_a_safe_name_pages_and_size():
    data = small_image("JPEG")
    upload = judge("  Bằng tốt nghiệp.JPG ", data)
    assert upload.media_type == "image/jpeg"
    assert upload.safe_name == "Bằng tốt nghiệp.JPG"
    assert upload.pages == 1
    assert upload.size == len(data)


def test_a_multi_page_tiff_counts_its_pages(settings):
    from PIL import Image

    frames = [Image.new("L", (200, 100), 255) for _ in range(3)]
    out = io.BytesIO()
    frames[0].save(out, "TIFF", save_all=True, append_images=frames[1:])
    assert judge("quyet-dinh.tif", out.getvalue()).pages == 3
    settings.HOSO_PDF_MAX_PAGES = 2
    assert refused("quyet-dinh.tif", out.getvalue()).code == "too_many_pages"


def test_an_empty_file_is_refused():
    error = refused("trong.pdf", b"")
    assert error.code == "empty_file"
    assert "rỗng" in error.message


def test_a_file_over_the_limit_is_refused_while_streaming(settings):
    settings.HOSO_UPLOAD_MAX_BYTES = 10_000
    consumed = []

    def endless():
        for _ in range(10**6):  # 64 GB if it were read to the end
            consumed.append(1)
            yield b"%PDF-1.4\n" + b"0" * (65536 - 9)

    with (
        pytest.raises(DocumentRefused) as caught,
        intake.received(filename="lon.pdf", content=endless()),
    ):
        pass
    assert caught.value.code == "too_large"
    assert len(consumed) == 1  # stopped at the first block past the limit


@pytest.mark.parametrize(
    ("filename", "data", "code"),
    [
        ("anh.pdf", small_image("PNG"), "type_mismatch"),
        ("van-ban.jpg", blank_pdf(), "type_mismatch"),
        ("nen.pdf", b"PK\x03\x04" + b"\x00" * 100, "type_mismatch"),
        ("anh.png", small_image("JPEG"), "type_mismatch"),
        ("ghi-chu.docx", b"PK\x03\x04" + b"\x00" * 100, "unsupported_type"),
        ("khong-duoi", small_image("JPEG"), "unsupported_type"),
    ],
)
def test_content_must_match_the_extension(filename, data, code):
    assert refused(filename, data).code == code


def test_the_mismatch_message_names_what_the_content_really_is():
    error = refused("anh.pdf", small_image("PNG"))
    assert "không phải PDF" in error.message and "PNG" in error.message


@pytest.mark.parametrize(
    "filename",
    [
        "../../etc/passwd.pdf",
        "/etc/passwd.pdf",
        "C:\\Windows\\x.pdf",
        "thu-muc/tep.pdf",
        "tep\x00.pdf",
        "tep\n.pdf",
        "hoa-don\u202egpj.pdf",  # right-to-left override: shows as "…fdp.jpg"
        "..",
        "",
    ],
)
def test_names_that_are_paths_or_hide_characters_are_refused(filename):
    assert refused(filename, blank_pdf()).code == "unsafe_name"


def test_path_traversal_gets_a_clear_message():
    error = refused("../../etc/passwd.pdf", blank_pdf())
    assert "đường dẫn" in error.message


def test_a_name_too_long_is_refused():
    assert refused("a" * 250 + ".pdf", blank_pdf()).code == "name_too_long"


def test_a_decompression_bomb_is_refused_from_its_header_without_decoding(settings):
    bomb = png_declaring(100_000, 100_000)  # 10 gigapixels declared in 70 bytes
    started = time.monotonic()
    error = refused("bom.png", bomb)
    assert error.code == "image_too_large"
    assert "quá lớn" in error.message
    assert time.monotonic() - started < 2
    settings.HOSO_IMAGE_MAX_PIXELS = 1000
    assert refused("nho.jpg", small_image("JPEG")).code == "image_too_large"


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_a_truncated_image_is_refused(fmt):
    data = small_image(fmt, size=(800, 600))
    ext = {"JPEG": "jpg", "PNG": "png"}[fmt]
    assert refused(f"cat.{ext}", data[: len(data) // 2]).code == "image_corrupt"


def test_a_password_protected_pdf_is_refused():
    pdf = pikepdf.open(io.BytesIO(blank_pdf()))
    for user_password in ("mat-khau", ""):  # also "owner password only"
        out = io.BytesIO()
        pdf.save(out, encryption=pikepdf.Encryption(owner="chu", user=user_password))
        error = refused("bi-mat.pdf", out.getvalue())
        assert error.code == "pdf_encrypted"
        assert "mật khẩu" in error.message


@pytest.mark.parametrize(
    "data",
    [
        blank_pdf(2)[: len(blank_pdf(2)) // 2],
        b"%PDF-1.7\n" + b"rac " * 200,
    ],
)
def test_a_corrupt_pdf_is_refused(data):
    assert refused("hong.pdf", data).code == "pdf_corrupt"


def test_a_pdf_with_too_many_pages_is_refused(settings):
    settings.HOSO_PDF_MAX_PAGES = 2
    assert judge("hai.pdf", blank_pdf(2)).pages == 2
    error = refused("ba.pdf", blank_pdf(3))
    assert error.code == "too_many_pages"
    assert "3 trang" in error.message


def test_a_pdf_page_image_with_huge_dimensions_is_refused():
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    image = pikepdf.Stream(pdf, zlib_compress(b"\x00" * 64))
    image.Type, image.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
    image.Width, image.Height = 200_000, 200_000
    image.ColorSpace, image.BitsPerComponent = pikepdf.Name.DeviceGray, 8
    image.Filter = pikepdf.Name.FlateDecode
    pdf.pages[0].Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image))
    out = io.BytesIO()
    pdf.save(out)
    assert refused("bom.pdf", out.getvalue()).code == "pdf_image_too_large"


def zlib_compress(data: bytes) -> bytes:
    import zlib

    return zlib.compress(data)


@pytest.mark.parametrize(
    ("filename", "data", "code"),
    [
        ("trong.jpg", b"", "empty_file"),
        ("../../etc/passwd.pdf", blank_pdf(), "unsafe_name"),
        ("anh.pdf", small_image("PNG"), "type_mismatch"),
        ("bom.png", png_declaring(100_000, 100_000), "image_too_large"),
    ],
)
def test_a_refused_upload_leaves_no_row_and_no_file(
    make_dossier, personas, django_capture_on_commit_callbacks, filename, data, code
):
    person = make_dossier(full_name=NHUNG, sex="F")
    before = stored_files()
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(DocumentRefused) as e:
        component_add(
            acting_user=personas["nhaplieu"],
            personal_id=person.personal_id,
            kind="diploma",
            title="Bằng cử nhân",
            filename=filename,
            content=io.BytesIO(data),
        )
    assert e.value.code == code
    assert not callbacks
    assert not Component.objects.exists()
    assert stored_files() == before
