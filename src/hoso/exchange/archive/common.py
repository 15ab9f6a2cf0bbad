"""What export, verification and import share: formats, results, small helpers and the
signature checks."""

from __future__ import annotations

import base64
import hashlib
import io
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from django.utils import timezone

from hoso import __version__ as HOSO_VERSION
from hoso.changes.signatures import trust_roots
from hoso.core.errors import Problem
from hoso.documents.errors import DocumentRefused
from hoso.documents.models import Component
from hoso.documents.storage import chunks_of
from hoso.people.models import SecretLabel
from hoso.signing.canonical import canonical
from hoso.signing.cms import serial_hex, verify_bytes
from hoso.signing.errors import SigningError
from hoso.signing.keys import certificates_load

# pikepdf, pyHanko and bagit are imported inside the functions that use them: they are heavy,
# and only the reading or writing of a bag needs them.

FORMAT = "hoso.archive/1"
DOSSIER_FORMAT = "hoso.archive.dossier/1"
CHECKSUMS = ["sha256", "sha512"]
DOSSIER_FILE = "data/dossier.json"
PREMIS_FILE = "data/metadata/premis.xml"
PERSONAL_ID = re.compile(r"\d{12}")
SOFTWARE = f"hoso {HOSO_VERSION}"
STATUTES = (
    "Luật Bảo vệ bí mật nhà nước số 29/2018/QH14; Thông tư số 11/2012/TT-BNV, sửa đổi bởi "
    "Thông tư số 06/2019/TT-BNV (quản lý hồ sơ cán bộ, công chức)"
)
RESTRICTION = (
    "Chỉ người được giao nhiệm vụ quản lý hồ sơ hoặc có văn bản phê duyệt của cơ quan quản lý "
    "hồ sơ được tiếp cận, khai thác; cấm sao chép, cung cấp trái phép (R-WRITTEN-APPROVAL, "
    "R-PROHIBITED)."
)
EXTENSIONS = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/tiff": "tif",
}
IMAGE_FORMATS = {"jpg": "JPEG", "png": "PNG", "tif": "TIFF"}

README = """GÓI LƯU TRỮ HỒ SƠ ĐIỆN TỬ CÁN BỘ, CÔNG CHỨC, VIÊN CHỨC — TÀI LIỆU MẬT

Gói này chứa toàn bộ hồ sơ của người có số định danh {pid} DƯỚI DẠNG KHÔNG MÃ HÓA:
thông tin hồ sơ và lịch sử các phiên bản, sơ yếu lý lịch đã ký số, bản quét các thành phần hồ sơ.
Phải bảo quản, vận chuyển và hủy theo chế độ tài liệu mật (Luật Bảo vệ bí mật nhà nước số
29/2018/QH14). Không sao chép, không gửi qua mạng công cộng, không để trên máy không được phép.
Độ mật: {classification}.

Mã xuất: {export_id}. Người xuất: {exporter}. Thời điểm: {moment}.
Mọi lần xuất đều được ghi nhật ký kiểm tra (audit) của hệ thống nguồn.

Cấu trúc (BagIt, RFC 8493; mã băm SHA-256 và SHA-512 trong manifest-*.txt):
  data/dossier.json            hồ sơ hiện tại và mọi phiên bản, kèm chữ ký số phê duyệt (CMS)
  data/resume/                 sơ yếu lý lịch (Mẫu 2C-BNV/2008) đã ký số PAdES
  data/components/NNN-<loại>/  original.<đuôi> (bản gốc, nguyên từng byte) và
                               preservation.pdf (bản lưu trữ PDF/A có lớp chữ)
  data/metadata/premis.xml     siêu dữ liệu bảo quản PREMIS 3 (mã băm, định dạng, sự kiện)

Kiểm tra: `hoso archive verify <thư mục>` (hoặc thư viện bagit: bagit.Bag(...).validate()).
"""


# --- Results ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ArchiveExport:
    """One bag written: where, under which export id, and what it holds."""

    personal_id: str
    path: Path
    export_id: str
    files: int
    bytes: int
    versions: int
    components: int
    resumes: int


@dataclass(frozen=True)
class UnitExport:
    unit_code: str
    path: Path
    exported: tuple[ArchiveExport, ...]
    failed: tuple[tuple[str, str, str], ...]  # (personal id, code, message)
    outside_scope: int  # people of the subtree this user may not open: counted, never named
    summary: Path

    @property
    def ok(self) -> bool:
        return not self.failed


@dataclass
class ArchiveReport:
    """What `archive_verify` found. `problems` name the file (`field`) and the check (`code`)."""

    path: Path
    personal_id: str = ""
    export_id: str = ""
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)
    dossier: dict[str, Any] | None = field(default=None, repr=False)

    @property
    def valid(self) -> bool:
        return not self.problems

    @property
    def codes(self) -> list[str]:
        return [p.code for p in self.problems]

    def fail(self, code: str, message: str, where: str = "") -> None:
        self.problems.append(Problem(code, message, where))

    def lines(self) -> list[str]:
        head = "HỢP LỆ" if self.valid else "KHÔNG HỢP LỆ"
        lines = [f"Gói lưu trữ {self.path}: {head}."]
        lines += [f"Đạt: {line}" for line in self.checked]
        lines += [f"Lưu ý: {p.message} [{p.code}] {p.field}".rstrip() for p in self.warnings]
        lines += [f"Lỗi: {p.message} [{p.code}] {p.field}".rstrip() for p in self.problems]
        return lines


@dataclass(frozen=True)
class ArchiveImport:
    """A verified bag taken in: the change set proposing its dossier, the components stored."""

    personal_id: str
    changeset: Any
    components: tuple[Component, ...]
    found: tuple[dict[str, Any], ...]  # what the bag's dossier.json listed
    report: ArchiveReport


# --- Small helpers ----------------------------------------------------------------------------


def refused(
    code: str, message: str, status: int = 422, problems: list[Problem] | None = None
) -> DocumentRefused:
    error = DocumentRefused(code, message, status)
    error.problems = list(problems or [])
    return error


def canonical_sha256(data: Any) -> str:
    return hashlib.sha256(canonical(data)).hexdigest()


def file_sha256(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as handle:
        for block in chunks_of(handle):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


def write_new(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with open(path, "xb") as out:
        os.chmod(path, 0o600)
        out.write(data)


def lock_down(root: Path) -> None:
    """Directories 700, files 600: a bag is classified."""
    os.chmod(root, 0o700)
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames:
            os.chmod(Path(dirpath) / name, 0o700)
        for name in filenames:
            os.chmod(Path(dirpath) / name, 0o600)


def identify(path: Path) -> tuple[str, str]:
    """(format name, version) of a file, read from the file itself where it says so."""
    suffix = path.suffix.lower().lstrip(".")
    if suffix == "pdf":
        import pikepdf

        try:
            with pikepdf.open(path) as pdf:
                version = str(pdf.pdf_version)
                status = pdf.open_metadata().pdfa_status  # "2B", "1A", or ""
        except (pikepdf.PdfError, OSError, ValueError):
            return "PDF", ""
        if status:
            return f"PDF/A-{status[:-1]}{status[-1:].lower()}", version
        return "PDF", version
    if suffix in IMAGE_FORMATS:
        return IMAGE_FORMATS[suffix], ""
    if suffix == "json":
        return "JSON", ""
    if suffix == "xml":
        return "XML", "1.0"
    return "application/octet-stream", ""


def extension(component: Component) -> str:
    known = EXTENSIONS.get(component.media_type)
    if known:
        return known
    suffix = Path(component.original_name).suffix.lower().lstrip(".")
    return suffix if re.fullmatch(r"[a-z0-9]{1,8}", suffix) else "bin"


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9_-]+", "-", text.lower()).strip("-")[:40] or "khac"


def classification_of(person: Any) -> tuple[str, str]:
    """(code, Vietnamese statement) of the dossier's classification."""
    label = person.secret_label or ""
    if label:
        text = f"Độ mật «{SecretLabel(label).label}» (bí mật nhà nước)"
    else:
        text = (
            "Tài liệu mật theo chế độ quản lý hồ sơ cán bộ, công chức, viên chức; "
            "không mang độ mật bí mật nhà nước"
        )
    if person.special_category:
        text += "; thuộc diện Ban Thường vụ Tỉnh ủy quản lý (bảo vệ cao nhất)"
    return label or "none", text


def roots_asn1() -> list[Any]:
    return [
        asn1_x509.Certificate.load(root.public_bytes(serialization.Encoding.DER))
        for root in trust_roots()
    ]


# --- Signature checks (shared by export, for its PREMIS events, and by verify) -----------------


def approval_problems(pid: str, version: dict[str, Any]) -> list[Problem]:
    """Check one version's approval as carried in dossier.json: its payload names this very
    version and snapshot, and its CMS verifies over the payload against the trusted roots."""
    number = version.get("number")
    where = f"{DOSSIER_FILE}#versions/{number}/approval"
    approval = version.get("approval") or {}
    payload = approval.get("payload")
    problems: list[Problem] = []
    if not isinstance(payload, dict):
        return [Problem("approval_payload_missing", "Thiếu nội dung đã ký của phê duyệt.", where)]
    target = payload.get("version") or {}
    changeset = payload.get("changeset") or {}
    if (
        target.get("number") != number
        or target.get("personal_id") != pid
        or target.get("sha256") != version.get("sha256")
        or changeset.get("id") != version.get("changeset_id")
    ):
        problems.append(
            Problem(
                "approval_payload_mismatch",
                f"Nội dung đã ký của phê duyệt không trỏ đúng phiên bản {number} "
                "(số phiên bản, số định danh, mã băm hoặc đề xuất khác).",
                where,
            )
        )
    try:
        der = base64.b64decode(str(approval.get("cms_base64") or ""), validate=True)
    except ValueError:
        der = b""
    if not der:
        return [
            *problems,
            Problem("approval_cms_unreadable", "Chữ ký CMS không đọc được (base64).", where),
        ]
    try:
        signed_bytes = canonical(payload)
    except SigningError as exc:
        return [*problems, Problem(exc.code, exc.message, where)]
    result = verify_bytes(signed_bytes, der, trust_roots())
    problems += [Problem(p.code, p.message, where) for p in result.problems]
    try:
        recorded = certificates_load(str(approval.get("signer_certificate_pem") or "").encode())
    except (SigningError, ValueError):
        recorded = []
    if not recorded or (
        result.certificate_serial and result.certificate_serial != serial_hex(recorded[0])
    ):
        problems.append(
            Problem(
                "certificate_mismatch",
                "Chứng thư số ghi kèm khác chứng thư trong chữ ký (hoặc không đọc được).",
                where,
            )
        )
    return problems


def pades_problems(data: bytes, where: str) -> list[Problem]:
    """Every PAdES signature of a PDF validates (intact, valid, trusted, allowed changes)."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    try:
        signatures = PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures
    except Exception as exc:  # noqa: BLE001 - any parse failure of a hostile file is "unreadable"
        return [Problem("resume_unreadable", f"Không đọc được tệp PDF ({exc}).", where)]
    if not signatures:
        return [Problem("resume_unsigned", "Sơ yếu lý lịch không có chữ ký số.", where)]
    roots = roots_asn1()
    problems: list[Problem] = []
    for index, signature in enumerate(signatures, 1):
        context = ValidationContext(
            trust_roots=roots,
            # Certificates are judged at the signing time the signer claims (as for approvals:
            # a dossier outlives every certificate); never any network.
            moment=signature.self_reported_timestamp or timezone.now(),
            allow_fetching=False,
            revocation_mode="soft-fail",
        )
        try:
            status = validate_pdf_signature(signature, context)
        except Exception as exc:  # noqa: BLE001 - pyHanko raises many kinds for broken files
            problems.append(
                Problem(
                    "resume_signature_invalid",
                    f"Chữ ký {index}: không kiểm tra được ({exc}).",
                    where,
                )
            )
            continue
        if not status.intact:
            reason = "tệp đã bị sửa sau khi ký (mã băm không khớp)"
        elif not status.valid:
            reason = "giá trị chữ ký không khớp chứng thư"
        elif not status.trusted:
            reason = "chứng thư người ký không dẫn tới chứng thư gốc tin cậy của hệ thống"
        elif not status.bottom_line:
            reason = "có thay đổi sau khi ký mà chữ ký không cho phép"
        else:
            continue
        problems.append(Problem("resume_signature_invalid", f"Chữ ký {index}: {reason}.", where))
    return problems
