"""Checking an upload before anything is kept (issue 5, "Bad input").

An upload is spooled to a private temporary file while its bytes are counted (never read
whole into memory), then judged as a whole: its name, its size, its real type (magic bytes,
which must agree with the name's extension), and what decoding it would cost. Each refusal is
a `DocumentRefused` with a stable code and a Vietnamese message; nothing is stored.

Decisions:
- A file name is only a display name (objects are stored under random keys), but a name that
  tries to be a path (`../../etc/passwd.pdf`, `C:\\x.pdf`, `/etc/x.pdf`) or hides characters
  (control, bidi overrides, zero-width) says the client is broken or hostile: it is refused,
  not silently rewritten, so the person uploading sees what happened.
- Decompression bombs: an image's dimensions are read from its header and compared with
  `HOSO_IMAGE_MAX_PIXELS` before a single pixel is decoded; only then is each frame decoded
  once to prove it is whole (truncated or corrupt images are refused). A PDF's page images
  are judged by their declared /Width and /Height, without decoding.
- Encrypted PDFs are refused even when they open without a password (owner password only):
  the preservation copy must be readable forever without anybody's secret.

Pillow and pikepdf are imported inside the functions that judge a file: they are heavy, and
most importers of this module (pages, the API schema) never judge one.
"""

from __future__ import annotations

import shutil
import tempfile
import unicodedata
import warnings
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.conf import settings

from hoso.documents.errors import DocumentRefused

PDF, JPEG, PNG, TIFF = "application/pdf", "image/jpeg", "image/png", "image/tiff"

EXTENSIONS = {
    ".pdf": PDF,
    ".jpg": JPEG,
    ".jpeg": JPEG,
    ".png": PNG,
    ".tif": TIFF,
    ".tiff": TIFF,
}
LABELS = {PDF: "PDF", JPEG: "ảnh JPEG", PNG: "ảnh PNG", TIFF: "ảnh TIFF"}
PILLOW_FORMATS = {JPEG: "JPEG", PNG: "PNG", TIFF: "TIFF"}
MAX_NAME_LENGTH = 200
SPOOL_BLOCK = 1024 * 1024
# Characters a file name may not hold: path separators, the drive/stream colon, and every
# control or invisible formatting character (category C*), which can disguise an extension.
_PATH_CHARACTERS = set("/\\:")


@dataclass(frozen=True)
class Inspection:
    """What an accepted upload is: its real type, a safe display name, pages and size."""

    media_type: str
    safe_name: str
    pages: int
    size: int


@dataclass(frozen=True)
class Upload(Inspection):
    """An accepted upload and its spooled bytes (removed when `received` ends)."""

    path: Path


def _refuse(code: str, message: str) -> DocumentRefused:
    return DocumentRefused(code, message)


def safe_name(filename: str) -> str:
    """The display name of an upload, or `DocumentRefused("unsafe_name" | "name_too_long")`."""
    name = unicodedata.normalize("NFC", filename or "").strip()
    if not name or set(name) <= {"."}:
        raise _refuse("unsafe_name", "Tên tệp trống hoặc không hợp lệ.")
    if any(ch in _PATH_CHARACTERS for ch in name):
        raise _refuse(
            "unsafe_name",
            f"Tên tệp «{_printable(name)}» chứa đường dẫn thư mục (/, \\, :, ..): "
            "chỉ được gửi tên tệp, không kèm đường dẫn.",
        )
    if name.startswith(".."):
        raise _refuse("unsafe_name", "Tên tệp không được bắt đầu bằng «..».")
    if any(unicodedata.category(ch).startswith("C") or ch in "\u2028\u2029" for ch in name):
        raise _refuse(
            "unsafe_name",
            f"Tên tệp «{_printable(name)}» chứa ký tự điều khiển hoặc ký tự ẩn.",
        )
    if len(name) > MAX_NAME_LENGTH:
        raise _refuse(
            "name_too_long", f"Tên tệp dài quá {MAX_NAME_LENGTH} ký tự; hãy đặt tên ngắn hơn."
        )
    return name


def _printable(name: str) -> str:
    shown = "".join(ch if not unicodedata.category(ch).startswith("C") else "?" for ch in name)
    return shown[:80]


def media_type_of_name(name: str) -> str:
    suffix = Path(name).suffix.lower()
    if suffix not in EXTENSIONS:
        allowed = ", ".join(sorted(EXTENSIONS))
        raise _refuse(
            "unsupported_type",
            f"Loại tệp «{suffix or '(không có phần mở rộng)'}» không được nhận; "
            f"chỉ nhận: {allowed}.",
        )
    return EXTENSIONS[suffix]


def sniff(head: bytes) -> str | None:
    """The media type told by the first bytes of a file, or None if it is none of ours."""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return TIFF
    # PDF readers accept the header within the first 1024 bytes; so do we.
    if b"%PDF-" in head[:1024]:
        return PDF
    return None


def _blocks(content: IO[bytes] | Iterable[bytes]) -> Iterator[bytes]:
    chunks = getattr(content, "chunks", None)
    if callable(chunks):  # a Django UploadedFile
        yield from chunks()
        return
    read = getattr(content, "read", None)
    if callable(read):
        while block := read(SPOOL_BLOCK):
            yield block
        return
    yield from content  # type: ignore[misc]


def spool(content: IO[bytes] | Iterable[bytes], target: Path) -> int:
    """Copy `content` to `target`, counting; refuse once it passes HOSO_UPLOAD_MAX_BYTES."""
    limit = int(settings.HOSO_UPLOAD_MAX_BYTES)
    size = 0
    with open(target, "xb") as out:
        for block in _blocks(content):
            size += len(block)
            if size > limit:
                raise _refuse(
                    "too_large",
                    f"Tệp lớn quá giới hạn {_megabytes(limit)}; hãy quét ở độ phân giải thấp "
                    "hơn hoặc chia thành nhiều tệp.",
                )
            out.write(block)
    if size == 0:
        raise _refuse("empty_file", "Tệp rỗng (0 byte): không có gì để lưu.")
    return size


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB" if size >= 1024 * 1024 else f"{size} byte"


def inspect_file(path: Path, *, filename: str, size: int | None = None) -> Inspection:
    """Judge a spooled file under its declared name (see the module docstring)."""
    name = safe_name(filename)
    declared = media_type_of_name(name)
    size = path.stat().st_size if size is None else size
    if size == 0:
        raise _refuse("empty_file", "Tệp rỗng (0 byte): không có gì để lưu.")
    with open(path, "rb") as handle:
        head = handle.read(1024)
    found = sniff(head)
    if found != declared:
        what = LABELS.get(found, "một loại tệp không được nhận") if found else None
        raise _refuse(
            "type_mismatch",
            f"Nội dung tệp «{name}» không phải {LABELS[declared]}"
            + (f" (thực tế là {what})" if what else "")
            + ": phần mở rộng của tên tệp phải đúng với nội dung.",
        )
    pages = _pdf_pages(path, name) if found == PDF else _image_pages(path, name, found)
    return Inspection(media_type=found, safe_name=name, pages=pages, size=size)


def _max_pages() -> int:
    return int(settings.HOSO_PDF_MAX_PAGES)


def _max_pixels() -> int:
    return int(settings.HOSO_IMAGE_MAX_PIXELS)


def _min_side() -> int:
    return int(settings.HOSO_IMAGE_MIN_SIDE_PIXELS)


def _min_points() -> int:
    return int(settings.HOSO_PDF_MIN_PAGE_POINTS)


def _image_too_small(name: str, width: int, height: int) -> DocumentRefused:
    return _refuse(
        "image_too_small",
        f"Ảnh «{name}» quá nhỏ ({width} × {height} điểm ảnh), mỗi cạnh phải từ "
        f"{_min_side()} điểm ảnh trở lên; hãy quét lại bản giấy.",
    )


def _page_too_small(name: str, number: int, width: float, height: float) -> DocumentRefused:
    return _refuse(
        "page_too_small",
        f"Trang {number} của tệp PDF «{name}» quá nhỏ ({width:g} × {height:g} pt), mỗi cạnh "
        f"phải từ {_min_points()} pt (2,54 cm) trở lên; hãy xuất hoặc quét lại.",
    )


def _too_many_pages(name: str, pages: int) -> DocumentRefused:
    return _refuse(
        "too_many_pages",
        f"Tệp «{name}» có {pages} trang, quá giới hạn {_max_pages()} trang; hãy chia nhỏ.",
    )


def _image_pages(path: Path, name: str, media_type: str) -> int:
    from PIL import Image, ImageFile

    ImageFile.LOAD_TRUNCATED_IMAGES = False
    corrupt = _refuse(
        "image_corrupt", f"Ảnh «{name}» bị hỏng hoặc không đầy đủ (tệp bị cắt ngắn?)."
    )
    limit = _max_pixels()
    with warnings.catch_warnings():
        # Pillow's own bomb check warns; ours has already decided by then, so treat as error.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(path, formats=[PILLOW_FORMATS[media_type]])
        except Image.DecompressionBombError as exc:
            raise _bomb(name) from exc
        except (OSError, SyntaxError, ValueError, EOFError) as exc:
            raise corrupt from exc
        with image:
            frames = getattr(image, "n_frames", 1) or 1
            if frames > _max_pages():
                raise _too_many_pages(name, frames)
            # First every frame's declared size (headers only), then decode each once.
            try:
                for index in range(frames):
                    image.seek(index)
                    width, height = image.size
                    if width <= 0 or height <= 0:
                        raise corrupt
                    if min(width, height) < _min_side():
                        raise _image_too_small(name, width, height)
                    if width * height > limit:
                        raise _bomb(name, width, height)
                for index in range(frames):
                    image.seek(index)
                    image.load()
            except DocumentRefused:
                raise
            except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
                raise _bomb(name) from exc
            except Exception as exc:  # noqa: BLE001 - any decoder failure means corrupt
                raise corrupt from exc
    return frames


def _bomb(name: str, width: int = 0, height: int = 0, *, code: str = "image_too_large"):
    size = f" ({width} × {height} điểm ảnh)" if width else ""
    return _refuse(
        code,
        f"Ảnh trong tệp «{name}» quá lớn{size}, vượt giới hạn "
        f"{_max_pixels() // 1_000_000} triệu điểm ảnh; hãy quét lại ở độ phân giải thấp hơn.",
    )


def _pdf_pages(path: Path, name: str) -> int:
    import pikepdf

    corrupt = _refuse(
        "pdf_corrupt", f"Tệp PDF «{name}» bị hỏng hoặc không đọc được; hãy xuất hoặc quét lại."
    )
    encrypted = _refuse(
        "pdf_encrypted",
        f"Tệp PDF «{name}» được đặt mật khẩu hoặc mã hóa; hãy gửi bản không mã hóa "
        "(bản lưu trữ phải đọc được lâu dài mà không cần mật khẩu).",
    )
    limit = _max_pixels()
    # A whole PDF ends with %%EOF; qpdf would quietly rebuild a cut-off one from what is left.
    with open(path, "rb") as handle:
        handle.seek(max(0, path.stat().st_size - 1024))
        if b"%%EOF" not in handle.read():
            raise _refuse(
                "pdf_corrupt",
                f"Tệp PDF «{name}» bị cắt ngắn (thiếu phần cuối tệp); hãy gửi lại tệp đầy đủ.",
            )
    try:
        pdf = pikepdf.open(path)
    except pikepdf.PasswordError as exc:
        raise encrypted from exc
    except Exception as exc:  # noqa: BLE001 - qpdf could not even recover it
        raise corrupt from exc
    with pdf:
        if pdf.is_encrypted:
            raise encrypted
        try:
            pages = len(pdf.pages)
            if pages == 0:
                raise _refuse("pdf_corrupt", f"Tệp PDF «{name}» không có trang nào.")
            if pages > _max_pages():
                raise _too_many_pages(name, pages)
            for number, page in enumerate(pdf.pages, start=1):
                x0, y0, x1, y1 = (float(v) for v in page.mediabox)
                if min(abs(x1 - x0), abs(y1 - y0)) < _min_points():
                    raise _page_too_small(name, number, abs(x1 - x0), abs(y1 - y0))
                _decode_contents(page.obj.get("/Contents"))
                for image in page.get_images().values():
                    width = int(image.get("/Width", 0))
                    height = int(image.get("/Height", 0))
                    if width * height > limit:
                        raise _bomb(name, width, height, code="pdf_image_too_large")
        except DocumentRefused:
            raise
        except Exception as exc:  # noqa: BLE001 - damaged page tree or resources
            raise corrupt from exc
    return pages


def _decode_contents(contents: object) -> None:
    """Decode a page's content streams once: a damaged stream fails here, not in OCR."""
    import pikepdf

    streams = contents if isinstance(contents, pikepdf.Array) else [contents]
    for stream in streams:
        if isinstance(stream, pikepdf.Stream):
            stream.read_bytes()


@contextmanager
def received(*, filename: str, content: IO[bytes] | Iterable[bytes]) -> Iterator[Upload]:
    """Spool and judge an upload; yields it while its private temporary copy exists.

    The name is judged before a byte is read; the bytes before anything is stored."""
    name = safe_name(filename)
    media_type_of_name(name)
    folder = Path(tempfile.mkdtemp(prefix="hoso-intake-"))  # mode 0700
    try:
        path = folder / "upload"
        size = spool(content, path)
        inspection = inspect_file(path, filename=name, size=size)
        yield Upload(
            media_type=inspection.media_type,
            safe_name=inspection.safe_name,
            pages=inspection.pages,
            size=inspection.size,
            path=path,
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
