"""Helpers shared by the component tests (a plain module: no conftest in subdirectories)."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from hoso.catalog.selectors import attrs_map
from hoso.documents.models import Component, ComponentStatus
from hoso.documents.storage import storage

NHUNG = "Nguyễn Thị Hồng Nhung"


def stored_files() -> set[Path]:
    """Every object file under the storage root (to prove a refusal stored nothing)."""
    root = Path(settings.HOSO_STORAGE_DIR)
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG whose header declares `width` × `height` (a decompression bomb's shape)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 16))
        + chunk(b"IEND", b"")
    )


def small_image(fmt: str = "JPEG", size: tuple[int, int] = (300, 200), **save) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("L", size, 255)
    ImageDraw.Draw(image).rectangle((20, 20, 120, 80), fill=0)
    out = io.BytesIO()
    image.save(out, fmt, **save)
    return out.getvalue()


def blank_pdf(pages: int = 1) -> bytes:
    import pikepdf

    pdf = pikepdf.new()
    for _ in range(pages):
        pdf.add_blank_page(page_size=(595, 842))
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


@pytest.fixture(autouse=True)
def documents_sandbox(settings, tmp_path_factory):
    """Each test's stored files in a fresh folder (tests/conftest.py already runs tasks at once
    and keeps files out of the data directory). Import this fixture into a test module."""
    settings.HOSO_STORAGE_DIR = tmp_path_factory.mktemp("hoso-files")


def component_of(person, scanned, user, *, kind="resume", title="Sơ yếu lý lịch (Mẫu 2C)"):
    """A component row for a scan whose OCR text is known, its original kept in storage."""
    image, text = scanned
    stored = storage().put([image])
    attrs = attrs_map("component_kind")[kind]
    return Component.objects.create(
        personal_id=person.personal_id,
        kind=kind,
        title=title,
        section=attrs["section"],
        position=Component.objects.filter(personal_id=person.personal_id).count() + 1,
        sensitivity=attrs["default_sensitivity"],
        status=ComponentStatus.READY,
        original_name="scan.jpg",
        media_type="image/jpeg",
        original_key=stored.key,
        original_sha256=stored.sha256,
        original_size=stored.size,
        ocr_text=text,
        uploaded_by=user,
        uploaded_at=timezone.now(),
    )
