"""The preservation copy: PDF/A-2b with a Vietnamese text layer (ocrmypdf + tesseract `vie`).

Images (JPEG, PNG, multi-page TIFF) first become a PDF with img2pdf, losslessly; a phone
photo that records no resolution gets one that fits its long side to A4. PDFs are OCRed as
they are: image-only pages get a text layer; a PDF that already has text keeps it
(`skip_text`, or `redo_ocr` when the text is only an old invisible OCR layer), and when no
PDF/A can be made that way the pages are rasterized and OCRed afresh (`force_ocr`) — the
original, kept byte for byte elsewhere, still holds the vector text.

The work runs in a child process (spawned, in its own process group, inside a private
temporary folder): `HOSO_OCR_TIMEOUT_SECONDS` is a hard limit on the whole conversion (the
group, tesseract and Ghostscript included, is killed when it passes), a crash of a native
library cannot take the caller down, and progress (page i of n) comes back over a queue.
This module reads no Django setting in the child: everything it needs is passed in.

Django, ocrmypdf, Pillow, img2pdf and pikepdf are imported inside the functions that use them:
the spawned child imports this module and should start light, and the libraries are heavy.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import queue as queue_module
import re
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pluggy

Progress = Callable[[int, int], None]
A4_INCHES = (8.27, 11.69)
_hookimpl = pluggy.HookimplMarker("ocrmypdf")
_CHILD_QUEUE: Any = None  # set in the child process only


class OcrFailed(Exception):  # noqa: N818 - reads as a sentence: raise OcrFailed(...)
    """The copy could not be made; `reason` is Vietnamese, `code` stable."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(f"{code}: {reason}")
        self.code = code
        self.reason = reason


@dataclass(frozen=True)
class OcrResult:
    pdf_path: Path  # inside the temporary folder of `preservation_copy`
    text: str
    pages: int
    versions: dict[str, str] = field(default_factory=dict)
    mode: str = "ocr"  # ocr | skip_text | redo_ocr | force_ocr

    @property
    def agent(self) -> str:
        """The software, for PREMIS: "ocrmypdf 17.13.0; tesseract 5.3.0; …"."""
        return "; ".join(f"{name} {version}" for name, version in self.versions.items())


@contextmanager
def preservation_copy(
    source: Path,
    media_type: str,
    *,
    languages: list[str] | None = None,
    timeout: float | None = None,
    max_pixels: int | None = None,
    progress: Progress | None = None,
) -> Iterator[OcrResult]:
    """Make the PDF/A-2b copy of `source`; yields it while its temporary folder exists.

    Raises `OcrFailed` (timeout, missing language, unreadable input, no PDF/A possible)."""
    from django.conf import settings

    job = {
        "media_type": media_type,
        "languages": list(languages or settings.HOSO_OCR_LANGUAGES),
        "max_pixels": int(max_pixels or settings.HOSO_IMAGE_MAX_PIXELS),
    }
    limit = float(settings.HOSO_OCR_TIMEOUT_SECONDS if timeout is None else timeout)
    with tempfile.TemporaryDirectory(prefix="hoso-ocr-") as tmp:  # mode 0700
        folder = Path(tmp)
        job["input"] = str(folder / "input")
        job["folder"] = str(folder)
        shutil.copyfile(source, job["input"])
        outcome = _run_child(job, limit, progress)
        yield OcrResult(
            pdf_path=Path(outcome["pdf"]),
            text=outcome["text"],
            pages=outcome["pages"],
            versions=outcome["versions"],
            mode=outcome["mode"],
        )


def _run_child(job: dict[str, Any], limit: float, progress: Progress | None) -> dict[str, Any]:
    context = multiprocessing.get_context("spawn")
    messages = context.Queue()
    child = context.Process(target=_child_main, args=(messages, job), daemon=True)
    deadline = time.monotonic() + max(limit, 0)
    child.start()
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise OcrFailed(
                    "ocr_timeout",
                    f"Chuyển PDF/A và nhận dạng chữ quá thời gian cho phép ({limit:g} giây).",
                )
            try:
                message = messages.get(timeout=min(remaining, 0.5))
            except queue_module.Empty:
                if not child.is_alive() and messages.empty():
                    raise OcrFailed(
                        "ocr_crashed",
                        f"Tiến trình nhận dạng chữ dừng đột ngột (mã {child.exitcode}).",
                    ) from None
                continue
            kind = message[0]
            if kind == "progress" and progress is not None:
                progress(message[1], message[2])
            elif kind == "done":
                return message[1]
            elif kind == "failed":
                raise OcrFailed(message[1], message[2])
    finally:
        _stop(child)
        messages.close()


def _stop(child: Any) -> None:
    if child.is_alive():
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(child.pid, signal.SIGKILL)  # tesseract and gs with it
        child.join(5)
        if child.is_alive():
            child.kill()
    child.join(5)


# --- In the child process ---------------------------------------------------------------------


class _PageProgress:
    """ocrmypdf's progress-bar protocol, forwarding "page i of n" of the OCR step."""

    def __init__(self, *, total=None, desc=None, unit=None, disable=False, **kwargs):  # noqa: ANN001, ARG002
        self.total = int(total or 0)
        self.pages = desc in ("OCR", "Image processing") and unit == "page"
        self.done = 0.0

    def __enter__(self) -> _PageProgress:
        return self

    def __exit__(self, *exc: object) -> bool:
        return False

    def update(self, n: float = 1, *, completed: float | None = None) -> None:
        before = int(self.done)
        self.done = completed if completed is not None else self.done + n
        if self.pages and _CHILD_QUEUE is not None and int(self.done) != before:
            _CHILD_QUEUE.put(("progress", min(int(self.done), self.total), self.total))


@_hookimpl
def get_progressbar_class() -> type:
    return _PageProgress


def _child_main(messages: Any, job: dict[str, Any]) -> None:
    global _CHILD_QUEUE
    os.setpgrp()  # one process group: a timeout kills every helper program too
    _CHILD_QUEUE = messages
    try:
        messages.put(("done", _convert(job)))
    except OcrFailed as exc:
        messages.put(("failed", exc.code, exc.reason))
    except Exception as exc:  # noqa: BLE001 - reported to the parent, never lost
        messages.put(("failed", "ocr_failed", f"{type(exc).__name__}: {str(exc)[:300]}"))


def _convert(job: dict[str, Any]) -> dict[str, Any]:
    import ocrmypdf
    import PIL.Image
    from ocrmypdf import exceptions as ocr_errors

    logging.getLogger("ocrmypdf").setLevel(logging.ERROR)
    PIL.Image.MAX_IMAGE_PIXELS = job["max_pixels"]
    folder = Path(job["folder"])
    source = Path(job["input"])
    versions = {"ocrmypdf": ocrmypdf.__version__, "tesseract": _tool_version("tesseract")}
    if job["media_type"] != "application/pdf":
        import img2pdf

        versions["img2pdf"] = img2pdf.__version__
        source = _image_to_pdf(source, folder)
    text_kind = _text_kind(source)
    attempts = _attempts(text_kind)
    output, sidecar = folder / "pdfa.pdf", folder / "ocr.txt"
    common = {
        "language": job["languages"],
        "output_type": "pdfa-2",
        "rotate_pages": True,
        "sidecar": sidecar,
        "progress_bar": True,
        "use_threads": True,
        "plugins": [__name__],
        "max_image_mpixels": job["max_pixels"] / 1_000_000,
    }
    last: Exception | None = None
    for mode, options in attempts:
        try:
            ocrmypdf.ocr(source, output, **common, **options)
        except ocr_errors.MissingDependencyError as exc:
            if "Ghostscript" not in str(exc):
                raise OcrFailed("ocr_missing_language", _missing(str(exc), job)) from exc
            last = exc  # this Ghostscript cannot keep existing text: next attempt
            continue
        except (ocr_errors.PdfaConversionFailedError, ocr_errors.PriorOcrFoundError) as exc:
            last = exc
            continue
        except ocr_errors.EncryptedPdfError as exc:
            raise OcrFailed("pdf_encrypted", "Tệp PDF được mã hóa.") from exc
        except ocr_errors.InputFileError as exc:
            raise OcrFailed("ocr_bad_input", f"Không đọc được tệp để nhận dạng: {exc}") from exc
        text = sidecar.read_text(encoding="utf-8") if mode in ("ocr", "force_ocr") else ""
        if not text.strip() or mode in ("skip_text", "redo_ocr"):
            text = _pdftotext(output)
        versions.update(_pdfa_tools())
        return {
            "pdf": str(output),
            "text": text,
            "pages": _page_count(output),
            "versions": versions,
            "mode": mode,
        }
    raise OcrFailed("pdfa_failed", f"Không tạo được bản PDF/A: {str(last)[:300]}")


def _attempts(text_kind: str) -> list[tuple[str, dict[str, Any]]]:
    fresh = ("force_ocr", {"force_ocr": True, "deskew": True})
    if text_kind == "native":
        return [
            ("skip_text", {"skip_text": True}),
            ("skip_text", {"skip_text": True, "pdfa_backend": "internal"}),
            fresh,
        ]
    if text_kind == "ocr":  # only an invisible OCR layer: read the pages again
        return [
            ("redo_ocr", {"redo_ocr": True}),
            ("redo_ocr", {"redo_ocr": True, "pdfa_backend": "internal"}),
            fresh,
        ]
    return [("ocr", {"deskew": True}), fresh]


def _missing(message: str, job: dict[str, Any]) -> str:
    wanted = ", ".join(job["languages"])
    return (
        f"Thiếu gói nhận dạng ngôn ngữ «{wanted}» của tesseract (ví dụ gói Debian "
        f"tesseract-ocr-vie): {message.splitlines()[0][:200]}"
    )


def _image_to_pdf(source: Path, folder: Path) -> Path:
    """img2pdf, losslessly; a resolution for images that record none; alpha flattened."""
    import img2pdf
    from PIL import Image

    with Image.open(source) as image:
        dpi = image.info.get("dpi") or (0, 0)
        width, height = image.size
        has_alpha = image.mode in ("RGBA", "LA", "PA") or (
            image.mode == "P" and "transparency" in image.info
        )
    if has_alpha:  # img2pdf will not drop an alpha channel silently; white paper it is
        flat = folder / "flat.png"
        with Image.open(source) as image:
            rgba = image.convert("RGBA")
            paper = Image.new("RGB", rgba.size, "white")
            paper.paste(rgba, mask=rgba.getchannel("A"))
            paper.save(flat, "PNG", dpi=tuple(dpi) if min(dpi) >= 50 else None)
        source = flat
    layout = None
    if not dpi or min(float(d) for d in dpi) < 50:
        layout = img2pdf.get_fixed_dpi_layout_fun((fallback_dpi(width, height),) * 2)
    target = folder / "images.pdf"
    with open(target, "wb") as out:
        extra = {"layout_fun": layout} if layout is not None else {}
        img2pdf.convert(str(source), outputstream=out, rotation=img2pdf.Rotation.ifvalid, **extra)
    return target


def fallback_dpi(width: int, height: int) -> int:
    """The resolution at which a picture with none recorded fills an A4 page."""
    short, long = sorted((width, height))
    return max(72, min(1200, round(max(short / A4_INCHES[0], long / A4_INCHES[1]))))


def _text_kind(pdf_path: Path) -> str:
    """ "none" (image-only pages), "ocr" (only invisible text) or "native" text."""
    import pikepdf

    visible = invisible = False
    with pikepdf.open(pdf_path) as pdf:
        for page in pdf.pages:
            mode = 0
            try:
                ops = pikepdf.parse_content_stream(page, "Tr Tj TJ ' \"")
            except pikepdf.PdfError:
                continue
            for operands, operator in ops:
                if str(operator) == "Tr" and operands:
                    mode = int(operands[0])
                elif mode == 3:
                    invisible = True
                else:
                    visible = True
    if visible:
        return "native"
    return "ocr" if invisible else "none"


def _pdftotext(pdf_path: Path) -> str:
    run = subprocess.run(  # noqa: S603 (poppler, fixed arguments, our own temporary file)
        ["pdftotext", "-enc", "UTF-8", str(pdf_path), "-"],  # noqa: S607 (Debian's, on PATH)
        capture_output=True,
        check=False,
        timeout=120,
    )
    return run.stdout.decode("utf-8", "replace")


def _page_count(pdf_path: Path) -> int:
    import pikepdf

    with pikepdf.open(pdf_path) as pdf:
        return len(pdf.pages)


def _tool_version(program: str) -> str:
    try:
        run = subprocess.run(  # noqa: S603 (a known tool's --version)
            [program, "--version"], capture_output=True, check=False, timeout=30, text=True
        )
    except OSError:
        return "?"
    found = re.search(r"\d+(\.\d+)+", (run.stdout or "") + (run.stderr or ""))
    return found.group(0) if found else "?"


def _pdfa_tools() -> dict[str, str]:
    import pikepdf

    return {"pikepdf": pikepdf.__version__, "ghostscript": _tool_version("gs")}


def tool_versions() -> dict[str, str]:
    """Versions of the preservation tools installed here (for status pages and PREMIS)."""
    import ocrmypdf

    return {
        "ocrmypdf": ocrmypdf.__version__,
        "tesseract": _tool_version("tesseract"),
        **_pdfa_tools(),
    }
