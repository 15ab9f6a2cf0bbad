"""Stamped copies (R-PROHIBITED): every copy that leaves the node names its viewer.

A stamp is a visible mark — viewer's name and account, time (dd/mm/yyyy HH:MM, node time
zone), export id — plus the export id in the document's metadata: the Info dictionary
(`/HosoExportId`) and the XMP packet (`hoso:ExportId`). `hoso trace-leak` reads either back.

Two ways, chosen by the document:

- **A signed résumé** (it has the empty field `STAMP_FIELD`, see `documents.resume_pdf`): the
  certification signature allows filling form fields and signing, nothing else. The stamp is
  therefore a second signature, by the node's seal key, in an incremental update: it fills
  `STAMP_FIELD`, whose appearance is the mark, and the same revision updates the metadata
  (allowed updates for pyHanko's difference analysis). Both signatures stay valid.
- **Any other PDF** (a component's PDF/A copy, or its original converted to PDF): the mark is
  drawn on every page, then the whole file is rewritten (pikepdf), so no earlier, unstamped
  revision survives inside the copy.

The mark's font is DejaVu Sans (Vietnamese), embedded as a subset. pyHanko writes glyph
widths in font units as if there were 1000 per em; DejaVu has 2048, so a copy scaled to 1000
units per em (fontTools) is made once per machine and cached.

**The seal key** is the node's own certificate, configured by `HOSO_SEAL_KEY_FILE` and
`HOSO_SEAL_CERT_FILE` (PEM; optional `HOSO_SEAL_KEY_PASSPHRASE`). Outside production, when
those are unset, the demo PKI's pseudo-user `hoso-node` in `HOSO_SIGNING_DIR` is used.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import re
import secrets
import tempfile
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from hoso.changes.signatures import signing_dir
from hoso.documents.errors import DocumentRefused
from hoso.signing.errors import SigningError
from hoso.signing.keys import FileSigningKey

# pyHanko, pikepdf and fontTools are imported inside the functions that use them: they are
# heavy, and most requests and commands that import this module never stamp a file.

STAMP_FIELD = "DauBanSao"
# The field's box on page 1 of the résumé (A4, points): the top margin, left to right margin.
STAMP_BOX = (71, 796, 553, 832)
SEAL_USERNAME = "hoso-node"
SEAL_NAME = "Hệ thống hoso (niêm phong bản sao)"  # CN of the demo/test seal certificate
FONT_FILE = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
FONT_SIZE = 7
INFO_KEY = "/HosoExportId"
XMP_NAMESPACE = "https://hoso.gov.vn/ns/served-copy/1.0/"

# Export ids: 12 symbols of Crockford's base32 (no I, L, O, U), shown in groups of four.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_SYMBOL = "[0-9A-HJKMNP-TV-Z]"
EXPORT_ID_RE = re.compile(rf"\b({_SYMBOL}{{4}}-{_SYMBOL}{{4}}-{_SYMBOL}{{4}})\b")
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1"})

log = logging.getLogger(__name__)


def export_id_new() -> str:
    """A fresh export id, e.g. "7K3M-9QXD-2HNB" (60 random bits)."""
    symbols = "".join(secrets.choice(_ALPHABET) for _ in range(12))
    return f"{symbols[:4]}-{symbols[4:8]}-{symbols[8:]}"


def export_id_normalize(text: str) -> str | None:
    """An export id as typed or read back (any case, spaces, O for 0…), or None."""
    compact = re.sub(r"[\s\-_.]", "", text or "").upper().translate(_CONFUSABLE)
    if len(compact) != 12 or any(c not in _ALPHABET for c in compact):
        return None
    return f"{compact[:4]}-{compact[4:8]}-{compact[8:]}"


@dataclass(frozen=True)
class Mark:
    """What a served copy says about itself."""

    viewer: str  # the viewer's full name
    username: str
    at: datetime
    export_id: str

    @property
    def when(self) -> str:
        return timezone.localtime(self.at).strftime("%d/%m/%Y %H:%M")

    @property
    def text(self) -> str:
        return (
            f"Bản sao cấp cho {self.viewer} ({self.username}) lúc {self.when} — "
            f"Mã bản sao: {self.export_id}\n"
            "Hồ sơ cán bộ, công chức: cấm sao chép, chuyển giao trái phép; "
            "mọi bản sao đều truy vết được."
        )


# --- The mark's font ----------------------------------------------------------------------------


@lru_cache(maxsize=1)
def stamp_font() -> str:
    """Path of the mark's font with 1000 units per em (made once, then reused)."""
    from fontTools.ttLib import TTFont

    source = Path(getattr(settings, "HOSO_STAMP_FONT", "") or FONT_FILE)
    raw = source.read_bytes()
    font = TTFont(io.BytesIO(raw))
    if font["head"].unitsPerEm == 1000:
        return str(source)
    digest = hashlib.sha256(raw).hexdigest()[:16]
    directory = Path(tempfile.gettempdir()) / f"hoso-fonts-{os.getuid()}"
    target = directory / f"{source.stem}-{digest}-upem1000.ttf"
    if target.exists():
        return str(target)
    from fontTools.ttLib.scaleUpem import scale_upem

    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    scale_upem(font, 1000)
    partial = directory / f".{target.name}.{secrets.token_hex(4)}"
    font.save(str(partial))
    os.replace(partial, target)
    return str(target)


def _style() -> Any:
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.stamp import TextStampStyle

    return TextStampStyle(
        stamp_text="%(mark)s",
        text_box_style=TextBoxStyle(
            font=GlyphAccumulatorFactory(stamp_font(), font_size=FONT_SIZE),
            font_size=FONT_SIZE,
            leading=FONT_SIZE + 2,
        ),
        border_width=0,
        background=None,
    )


# --- The seal key -------------------------------------------------------------------------------


def seal_key() -> Any:
    """The node's seal (`SigningKey`), from settings or, outside production, the demo PKI."""
    key_file = getattr(settings, "HOSO_SEAL_KEY_FILE", None)
    cert_file = getattr(settings, "HOSO_SEAL_CERT_FILE", None)
    passphrase = getattr(settings, "HOSO_SEAL_KEY_PASSPHRASE", None)
    if not (key_file and cert_file) and not getattr(settings, "PRODUCTION", False):
        key_file = signing_dir() / f"{SEAL_USERNAME}.key.pem"
        cert_file = signing_dir() / f"{SEAL_USERNAME}.cert.pem"
        passphrase = getattr(settings, "HOSO_SIGNING_KEY_PASSPHRASE", None)
    if not key_file or not cert_file or not Path(key_file).exists() or not Path(cert_file).exists():
        raise DocumentRefused(
            "seal_key_missing",
            "Hệ thống chưa được cấu hình khóa niêm phong của nút (HOSO_SEAL_KEY_FILE, "
            "HOSO_SEAL_CERT_FILE) nên chưa cấp được bản sao có đóng dấu của sơ yếu lý lịch đã "
            "ký số. Đề nghị quản trị hệ thống cấu hình.",
            status=503,
        )
    try:
        return FileSigningKey.from_files(Path(key_file), Path(cert_file), passphrase=passphrase)
    except SigningError as exc:
        raise DocumentRefused("seal_key_unusable", exc.message, status=503) from exc


# --- Stamping -----------------------------------------------------------------------------------


# The smallest page side the stamp's text box fits on (its layout divides by the box size).
STAMP_MIN_POINTS = 18.0


def _too_small_to_stamp(number: int, width: float, height: float) -> DocumentRefused:
    return DocumentRefused(
        "page_too_small",
        f"Trang {number} quá nhỏ để đóng dấu bản sao ({width:g} × {height:g} pt); chưa cấp "
        "bản sao. Hãy thay thành phần này bằng bản quét đúng khổ giấy.",
        status=409,
    )


def _unreadable() -> DocumentRefused:
    return DocumentRefused(
        "copy_unreadable",
        "Không đọc được tệp PDF để đóng dấu bản sao (tệp hỏng hoặc bị mã hóa); chưa cấp bản sao.",
    )


def has_stamp_field(content: bytes) -> bool:
    """Whether `content` carries the empty seal field of a signed résumé."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.fields import enumerate_sig_fields

    try:
        reader = PdfFileReader(io.BytesIO(content), strict=False)
        return any(
            name == STAMP_FIELD and value is None
            for name, value, _ref in enumerate_sig_fields(reader, filled_status=None)
        )
    except Exception:  # noqa: BLE001 - not a PDF pyHanko can read: not a signed résumé
        return False


def stamp(content: bytes, mark: Mark) -> bytes:
    """`content` stamped with `mark` (see the module docstring for the two ways)."""
    if has_stamp_field(content):
        return stamp_signed(content, mark)
    return stamp_pages(content, mark)


def _xmp_extra(writer: Any, export_id: str) -> None:
    from pyhanko.pdf_utils.metadata import model

    writer.document_meta.xmp_extra.append(
        model.XmpStructure.of(
            (model.ExpandedName(XMP_NAMESPACE, "ExportId"), model.XmpValue(export_id))
        )
    )


def stamp_signed(content: bytes, mark: Mark) -> bytes:
    """Seal a signed résumé: fill `STAMP_FIELD` with the node's signature showing `mark`."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko.sign.fields import SigSeedSubFilter

    key = seal_key()
    writer = IncrementalPdfFileWriter(io.BytesIO(content), strict=False)
    info_ref = writer.trailer.raw_get("/Info")
    if isinstance(info_ref, generic.IndirectObject):
        info = info_ref.get_object()
        info[generic.NameObject(INFO_KEY)] = generic.TextStringObject(mark.export_id)
        writer.mark_update(info_ref)
    else:
        writer.set_info(
            generic.DictionaryObject(
                {generic.NameObject(INFO_KEY): generic.TextStringObject(mark.export_id)}
            )
        )
    _xmp_extra(writer, mark.export_id)
    meta = signers.PdfSignatureMetadata(
        field_name=STAMP_FIELD,
        subfilter=SigSeedSubFilter.PADES,
        reason=f"Niêm phong bản sao cấp cho {mark.username}, mã bản sao {mark.export_id}",
    )
    out = signers.PdfSigner(meta, signer=key.cms_signer(), stamp_style=_style()).sign_pdf(
        writer, appearance_text_params={"mark": mark.text}
    )
    return out.getvalue()


def stamp_pages(content: bytes, mark: Mark) -> bytes:
    """Draw `mark` at the top of every page, set the metadata, rewrite the whole file."""
    import pikepdf
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.layout import BoxConstraints
    from pyhanko.stamp import TextStamp

    try:
        with pikepdf.open(io.BytesIO(content)) as pdf:
            boxes = [tuple(float(v) for v in page.mediabox) for page in pdf.pages]
        writer = IncrementalPdfFileWriter(io.BytesIO(content), strict=False)
    except Exception as exc:  # noqa: BLE001 - pikepdf/pyHanko raise many kinds
        raise _unreadable() from exc
    style = _style()
    for index, (x0, y0, x1, y1) in enumerate(boxes):
        width, height = abs(x1 - x0), abs(y1 - y0)
        x0, y1 = min(x0, x1), max(y0, y1)
        if min(width, height) < STAMP_MIN_POINTS:
            # Intake refuses such pages; one stored before that rule must not crash the copy.
            raise _too_small_to_stamp(index + 1, width, height)
        margin = min(18.0, width / 20)
        box = BoxConstraints(width=width - 2 * margin, height=min(38.0, height / 8))
        TextStamp(writer, style, text_params={"mark": mark.text}, box=box).apply(
            index, x0 + margin, y1 - box.height - 2
        )
    drawn = io.BytesIO()
    writer.write(drawn)
    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(drawn.getvalue())) as pdf:
        pdf.docinfo[pikepdf.Name(INFO_KEY)] = mark.export_id
        with pdf.open_metadata(set_pikepdf_as_editor=False) as xmp:
            xmp[f"{{{XMP_NAMESPACE}}}ExportId"] = mark.export_id
        pdf.save(out)
    return out.getvalue()
