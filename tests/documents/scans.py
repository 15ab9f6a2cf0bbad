"""Real scans made at test time: Vietnamese text typeset to PDF (WeasyPrint, embedded
Liberation/DejaVu fonts), rasterized by poppler's `pdftoppm`, then turned and dirtied like a
scanner's or a phone's output. Nothing here is a fixture file: every byte is produced now."""

from __future__ import annotations

import html
import io
import random
import subprocess
import tempfile
from pathlib import Path

from PIL import Image

FONT = "'Liberation Serif', 'DejaVu Serif', serif"


def typeset_pdf(lines: list[str], *, font_size: int = 16) -> bytes:
    """A one-page A4 PDF with `lines` of (Vietnamese) text."""
    from weasyprint import HTML

    body = "".join(f"<p>{html.escape(line)}</p>" for line in lines)
    page = (
        "<html><head><meta charset='utf-8'><style>@page { size: A4; margin: 2cm }"
        f" body {{ font-family: {FONT}; font-size: {font_size}pt }}</style></head>"
        f"<body>{body}</body></html>"
    )
    return HTML(string=page).write_pdf()


def rasterize(pdf: bytes, *, dpi: int = 200) -> list[Image.Image]:
    """Each page of `pdf` as a grayscale image (poppler's pdftoppm)."""
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "in.pdf"
        source.write_bytes(pdf)
        subprocess.run(
            ["pdftoppm", "-r", str(dpi), "-gray", "-png", str(source), str(Path(tmp) / "p")],
            check=True,
            capture_output=True,
        )
        pages = sorted(Path(tmp).glob("p-*.png"))
        return [Image.open(p).convert("L").copy() for p in pages]


def dirty(image: Image.Image, *, angle: float = 2.0, noise: int = 15000, seed: int = 1):
    """Turn the page by `angle` degrees and sprinkle salt-and-pepper noise on it."""
    rng = random.Random(seed)
    turned = image.rotate(angle, expand=True, fillcolor=255, resample=Image.BICUBIC)
    pixels = turned.load()
    for _ in range(noise):
        x, y = rng.randrange(turned.width), rng.randrange(turned.height)
        pixels[x, y] = rng.choice((0, 255))
    return turned


def encode(images: list[Image.Image], fmt: str, *, dpi: int = 200) -> bytes:
    """Images as one file: "JPEG", "PNG" (first page only) or "TIFF" / "PDF" (multi-page)."""
    out = io.BytesIO()
    first, rest = images[0], images[1:]
    if fmt in ("TIFF", "PDF"):
        first.save(out, fmt, save_all=True, append_images=rest, resolution=dpi, dpi=(dpi, dpi))
    elif fmt == "JPEG":
        first.save(out, fmt, quality=75, dpi=(dpi, dpi))
    else:
        first.save(out, fmt, dpi=(dpi, dpi))
    return out.getvalue()


def scan(lines: list[str], fmt: str = "JPEG", *, angle: float = 2.0, seed: int = 1) -> bytes:
    """A scanned page of `lines`, turned and noisy, as `fmt` bytes."""
    page = rasterize(typeset_pdf(lines))[0]
    return encode([dirty(page, angle=angle, seed=seed)], fmt)


def scanned_pdf(pages: list[list[str]], *, angle: float = 1.5) -> bytes:
    """A multi-page image-only PDF, as a scanner makes (no text layer)."""
    images = [
        dirty(rasterize(typeset_pdf(lines))[0], angle=angle, seed=i)
        for i, lines in enumerate(pages)
    ]
    return encode(images, "PDF")


RESUME_LINES = [
    "SƠ YẾU LÝ LỊCH CÁN BỘ, CÔNG CHỨC",
    "1) Họ và tên khai sinh (viết chữ in hoa): NGUYỄN THỊ HỒNG NHUNG",
    "2) Tên gọi khác: Không",
    "3) Sinh ngày: 12 tháng 03 năm 1985, Giới tính: Nữ",
    "Số định danh cá nhân: 001185012345",
]
