"""Archival packages: a person's whole dossier as a BagIt bag (RFC 8493) with PREMIS 3
metadata, its verification, and its import on another node (R-SECRET: preserved permanently;
R-DIGITIZE; R-CORRECT; R-PROHIBITED).

One bag per person, in `<output>/<personal_id>/`:

    bagit.txt  bag-info.txt  manifest-sha256.txt  manifest-sha512.txt  tagmanifest-*.txt
    README.txt                          what this is; that it holds classified data in clear
    data/dossier.json                   the current dossier and every version, with each
                                        approval's payload, CMS signature and certificate
    data/resume/NN-vV.pdf               the signed résumés (PAdES), as signed
    data/components/NNN-<kind>/original.<ext>, preservation.pdf   in paper-dossier order
    data/metadata/premis.xml            objects, fixity, formats, derivations, events, agents,
                                        rights (`hoso.documents.premis`)

A bag holds classified dossier data **in clear** (an archive must be readable without this
node's keys); its files are written mode 600 and its making is audited and recorded as a PREMIS
`capture` event. A bag is built in `<output>/.<personal_id>.partial` and renamed into place
only once complete and valid: a failure leaves no half-written bag.

`archive_verify` checks a bag on its own (completeness and checksums with `bagit`, PREMIS
fixity, the chain of versions and their approval signatures, the résumés' PAdES signatures,
all against this node's trusted roots) and names every failure by file and check.
`archive_import` takes a verified bag through the one write path: a change set proposing the
dossier, which a records manager approves like any other.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import re
import secrets
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from hoso import __version__ as HOSO_VERSION
from hoso.access import audit
from hoso.audit.models import AuditAction, AuditOutcome
from hoso.core.errors import DomainError, NotFound, Problem
from hoso.documents import premis
from hoso.documents.errors import DocumentRefused, StorageError
from hoso.documents.models import (
    Component,
    ComponentStatus,
    PreservationEvent,
    PreservationEventType,
    PreservationOutcome,
    SignedResume,
)
from hoso.documents.storage import chunks_of, storage

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


def _refused(
    code: str, message: str, status: int = 422, problems: list[Problem] | None = None
) -> DocumentRefused:
    error = DocumentRefused(code, message, status)
    error.problems = list(problems or [])
    return error


def _canonical_sha256(data: Any) -> str:
    from hoso.signing.canonical import canonical

    return hashlib.sha256(canonical(data)).hexdigest()


def _file_sha256(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as handle:
        for block in chunks_of(handle):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


def _write_new(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with open(path, "xb") as out:
        os.chmod(path, 0o600)
        out.write(data)


def _lock_down(root: Path) -> None:
    """Directories 700, files 600: a bag is classified."""
    os.chmod(root, 0o700)
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames:
            os.chmod(Path(dirpath) / name, 0o700)
        for name in filenames:
            os.chmod(Path(dirpath) / name, 0o600)


def _identify(path: Path) -> tuple[str, str]:
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


def _extension(component: Component) -> str:
    known = EXTENSIONS.get(component.media_type)
    if known:
        return known
    suffix = Path(component.original_name).suffix.lower().lstrip(".")
    return suffix if re.fullmatch(r"[a-z0-9]{1,8}", suffix) else "bin"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9_-]+", "-", text.lower()).strip("-")[:40] or "khac"


def _classification(person: Any) -> tuple[str, str]:
    """(code, Vietnamese statement) of the dossier's classification."""
    from hoso.people.models import SecretLabel

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


def _roots_asn1() -> list[Any]:
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives import serialization

    from hoso.changes.signatures import trust_roots

    return [
        asn1_x509.Certificate.load(root.public_bytes(serialization.Encoding.DER))
        for root in trust_roots()
    ]


# --- Signature checks (shared by export, for its PREMIS events, and by verify) -----------------


def _approval_problems(pid: str, version: dict[str, Any]) -> list[Problem]:
    """Check one version's approval as carried in dossier.json: its payload names this very
    version and snapshot, and its CMS verifies over the payload against the trusted roots."""
    from hoso.changes.signatures import trust_roots
    from hoso.signing.canonical import canonical
    from hoso.signing.cms import serial_hex, verify_bytes
    from hoso.signing.errors import SigningError
    from hoso.signing.keys import certificates_load

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


def _pades_problems(data: bytes, where: str) -> list[Problem]:
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
    roots = _roots_asn1()
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


# --- Export -----------------------------------------------------------------------------------


def _output_dir(output: Path) -> Path:
    """The directory bags go into: made if missing; refused when it is a file, contains `..`,
    or lies inside the node's encrypted storage (clear data must not sit beside it)."""
    raw = Path(output)
    if ".." in raw.parts:
        raise _refused(
            "archive_path_traversal",
            f"Đường dẫn «{output}» có thành phần «..»; hãy ghi đường dẫn trực tiếp.",
        )
    resolved = raw.resolve()
    storage_root = Path(settings.HOSO_STORAGE_DIR).resolve()
    if resolved == storage_root or storage_root in resolved.parents:
        raise _refused(
            "archive_inside_storage",
            "Không ghi gói lưu trữ (dữ liệu không mã hóa) vào thư mục lưu trữ mã hóa của hệ thống.",
        )
    if resolved.exists() and not resolved.is_dir():
        raise _refused("archive_target_not_directory", f"«{output}» không phải là thư mục.")
    resolved.mkdir(parents=True, exist_ok=True, mode=0o700)
    return resolved


def _target(output: Path, personal_id: str) -> Path:
    target = output / personal_id
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise _refused("archive_target_exists", f"«{target}» đã có và không phải thư mục trống.")
    if target.exists() and any(target.iterdir()):
        raise _refused(
            "archive_target_not_empty",
            f"Thư mục «{target}» đã có nội dung; không ghi đè gói lưu trữ. "
            "Hãy chọn thư mục khác hoặc chuyển gói cũ đi.",
        )
    return target


def _may_archive(acting_user: Any, access: Any) -> bool:
    """A records manager whose duty covers the person, or a written approval allowing export."""
    from hoso.access.models import Role
    from hoso.changes.services import _covers

    return _covers(acting_user, {Role.RECORDS_MANAGER}, access.person.current_unit.path) or bool(
        access.can_export
    )


def _archive_sensitivity(person: Any) -> str:
    """The class an exporter needs: the highest of any field filled in the dossier now or in
    any of its versions (see `resume.resume_sensitivity`)."""
    from hoso.access.policies import RANK
    from hoso.changes import selectors as change_selectors
    from hoso.documents.resume import resume_sensitivity
    from hoso.people.selectors import dossier_data

    best = resume_sensitivity(dossier_data(person))
    for version in change_selectors.versions(person.personal_id):
        found = resume_sensitivity(change_selectors.version_data(version))
        best = found if RANK[found] > RANK[best] else best
    return best


def _deny(acting_user: Any, personal_id: str, reason: str, **detail: Any) -> NotFound:
    with transaction.atomic():
        audit.record(
            user=acting_user,
            action=AuditAction.ARCHIVE,
            outcome=AuditOutcome.DENY,
            personal_id=personal_id,
            purpose="archive",
            detail={"reason": reason, **detail},
        )
    return NotFound()


def _copy_stored(key: str, dest: Path, expected: str, what: str) -> int:
    """Stream a stored object into `dest`, checking it against its recorded SHA-256."""
    digest = hashlib.sha256()
    size = 0
    dest.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        with open(dest, "xb") as out:
            os.chmod(dest, 0o600)
            for block in storage().open(key):
                out.write(block)
                digest.update(block)
                size += len(block)
    except StorageError as exc:
        raise _refused(
            "archive_fixity_failed",
            f"Tệp lưu trữ của {what} không đọc được hoặc đã bị thay đổi trên đĩa ({exc}); "
            "không đóng gói. Cần kiểm tra tính toàn vẹn kho lưu trữ.",
            status=500,
        ) from exc
    if digest.hexdigest() != expected:
        raise _refused(
            "archive_fixity_failed",
            f"Tệp lưu trữ của {what} không khớp mã băm SHA-256 đã ghi; không đóng gói. "
            "Cần kiểm tra tính toàn vẹn kho lưu trữ.",
            status=500,
        )
    return size


class _Package:
    """The payload of one bag as it is written, and what PREMIS will say about it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.objects: dict[str, premis.PremisObject] = {}
        self.events: list[premis.PremisEvent] = []

    def describe(self, rel: str, *, original_name: str = "", has_source: str = "") -> None:
        path = self.root / rel
        sha256, size = _file_sha256(path)
        name, version = _identify(path)
        self.objects[f"data/{rel}"] = premis.PremisObject(
            path=f"data/{rel}",
            sha256=sha256,
            size=size,
            format_name=name,
            format_version=version,
            original_name=original_name,
            has_source=f"data/{has_source}" if has_source else "",
        )

    def link_derivatives(self) -> None:
        for obj in list(self.objects.values()):
            if obj.has_source and obj.has_source in self.objects:
                source = self.objects[obj.has_source]
                self.objects[source.path] = premis.PremisObject(
                    **{**source.__dict__, "is_source_of": (*source.is_source_of, obj.path)}
                )


def _event_rows(pid: str) -> Iterator[PreservationEvent]:
    return PreservationEvent.objects.filter(personal_id=pid).order_by("at", "id").iterator()


def archive_export(
    *,
    acting_user: Any,
    personal_id: str,
    output: Path,
    bag_count: str = "1 of 1",
    group: str = "",
) -> ArchiveExport:
    """Write the archival bag of one person into `<output>/<personal_id>/`.

    Invariants:
    - the gate `dossier_access(…, purpose="archive")` is asked first (audited); then only a
      records manager whose duty covers the person, or a holder of a written approval that
      allows export, may go on; anyone else gets the same 404 as for a missing person, and the
      refusal is audited;
    - the bag is built in `<output>/.<personal_id>.partial` and renamed into place only when
      complete and valid for `bagit`; any failure removes it and records nothing;
    - a non-empty existing target, an output path with `..` or inside the encrypted storage is
      refused before anything is read;
    - every stored file is checked against its recorded SHA-256 while it is copied; a mismatch
      refuses the export (no bag with silently damaged content);
    - the `capture` preservation event and the ARCHIVE audit event are committed before the
      bag appears (a bag never exists without its record); files are mode 600.
    Not one transaction as a whole: refusals must stay audited.
    """
    output = _output_dir(output)
    from hoso.access.policies import dossier_access

    access = dossier_access(acting_user, str(personal_id), purpose="archive")
    pid = access.person.personal_id
    if not _may_archive(acting_user, access):
        raise _deny(acting_user, pid, "not_records_manager_or_export_grant")
    if not access.can_see_document(_archive_sensitivity(access.person)):
        # The bag holds every field of every version in clear: all or nothing (R-FIELD-CLASS).
        raise _deny(acting_user, pid, "fields_above_ceiling")
    if not PERSONAL_ID.fullmatch(pid):  # a stored id is always 12 digits; never a path
        raise _refused("archive_bad_personal_id", "Số định danh không hợp lệ.")
    target = _target(output, pid)
    partial = output / f".{pid}.partial"
    if partial.is_symlink() or (partial.exists() and not partial.is_dir()):
        raise _refused("archive_target_exists", f"«{partial}» đã có và không phải thư mục.")
    if partial.exists():
        shutil.rmtree(partial)  # left by an interrupted run of ours: never a finished bag
    partial.mkdir(mode=0o700)
    try:
        with transaction.atomic():
            result = _build(acting_user, access.person, partial, target, bag_count, group)
        os.rename(partial, target)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return result


def _build(
    acting_user: Any, person: Any, partial: Path, target: Path, bag_count: str, group: str
) -> ArchiveExport:
    import bagit

    from hoso.changes.models import ApprovalSignature, DossierVersion
    from hoso.changes.signatures import approval_payload
    from hoso.people.selectors import dossier_data

    pid = person.personal_id
    export_id = "LT" + secrets.token_hex(8).upper()
    now = timezone.now()
    username = acting_user.get_username()
    package = _Package(partial)
    events = package.events

    # dossier.json: the current dossier and every version, each approval with what it signed.
    current = dossier_data(person)
    signatures = {
        s.version_id: s
        for s in ApprovalSignature.objects.filter(version__personal_id=pid).select_related(
            "changeset__proposer", "version"
        )
    }
    versions = []
    for version in DossierVersion.objects.filter(personal_id=pid).order_by("number"):
        signed = signatures.get(version.pk)
        approval = None
        if signed is not None:
            approval = {
                "payload": approval_payload(signed.changeset, version, signed.signer_username),
                "payload_sha256": signed.payload_sha256,
                "cms_base64": base64.b64encode(bytes(signed.cms)).decode("ascii"),
                "signer_certificate_pem": signed.signer_certificate,
                "signer_username": signed.signer_username,
                "signed_at": signed.signed_at.isoformat(),
            }
        versions.append(
            {
                "number": version.number,
                "created_at": version.created_at.isoformat(),
                "changeset_id": version.changeset_id,
                "sha256": version.sha256,
                "snapshot": json.loads(version.snapshot),
                "approval": approval,
            }
        )

    # Components in paper-dossier order: the original byte for byte, and the PDF/A copy.
    component_entries = []
    component_files: dict[int, list[str]] = {}
    components = Component.objects.filter(personal_id=pid).select_related("uploaded_by")
    for sequence, component in enumerate(components.order_by("position", "id"), 1):
        folder = f"components/{sequence:03d}-{_slug(component.kind)}"
        what = f"thành phần «{component.title}» (số {sequence})"
        original = f"{folder}/original.{_extension(component)}"
        _copy_stored(component.original_key, partial / original, component.original_sha256, what)
        package.describe(original, original_name=component.original_name)
        files = [f"data/{original}"]
        preservation = None
        if component.pdfa_key:
            rel = f"{folder}/preservation.pdf"
            _copy_stored(component.pdfa_key, partial / rel, component.pdfa_sha256, what)
            package.describe(rel, has_source=original)
            files.append(f"data/{rel}")
            preservation = {
                "path": f"data/{rel}",
                "sha256": component.pdfa_sha256,
                "size": component.pdfa_size,
            }
        component_files[component.pk] = files
        component_entries.append(
            {
                "sequence": sequence,
                "id": component.pk,
                "position": component.position,
                "kind": component.kind,
                "title": component.title,
                "section": component.section,
                "section_row_id": component.section_row_id,
                "changeset_id": component.changeset_id,
                "sensitivity": component.sensitivity,
                "status": component.status,
                "pages": component.pages,
                "original_name": component.original_name,
                "media_type": component.media_type,
                "uploaded_by": component.uploaded_by.get_username(),
                "uploaded_at": component.uploaded_at.isoformat(),
                "superseded_by": component.superseded_by_id,
                "original": {
                    "path": f"data/{original}",
                    "sha256": component.original_sha256,
                    "size": component.original_size,
                },
                "preservation": preservation,
            }
        )

    # The signed résumés, as signed, each checked now.
    resume_entries = []
    resume_files: dict[int, str] = {}
    generated = set(
        PreservationEvent.objects.filter(
            personal_id=pid, event_type=PreservationEventType.DIGITAL_SIGNATURE_GENERATION
        ).values_list("resume_id", flat=True)
    )
    for index, resume in enumerate(
        SignedResume.objects.filter(personal_id=pid).order_by("signed_at", "id"), 1
    ):
        rel = f"resume/{index:02d}-v{resume.version_number}.pdf"
        what = f"sơ yếu lý lịch ký ngày {timezone.localtime(resume.signed_at):%d/%m/%Y}"
        _copy_stored(resume.key, partial / rel, resume.sha256, what)
        package.describe(rel)
        resume_files[resume.pk] = f"data/{rel}"
        resume_entries.append(
            {
                "path": f"data/{rel}",
                "version_number": resume.version_number,
                "as_of": resume.as_of.isoformat() if resume.as_of else None,
                "signer_username": resume.signer_username,
                "certificate_serial": resume.certificate_serial,
                "signed_at": resume.signed_at.isoformat(),
                "sha256": resume.sha256,
                "size": resume.size,
            }
        )
        if resume.pk not in generated:
            events.append(
                premis.PremisEvent(
                    identifier=f"resume-{resume.pk}-signed",
                    event_type=PreservationEventType.DIGITAL_SIGNATURE_GENERATION,
                    at=resume.signed_at,
                    outcome=PreservationOutcome.SUCCESS,
                    detail=f"Ký số PAdES sơ yếu lý lịch (phiên bản {resume.version_number}), "
                    f"chứng thư số {resume.certificate_serial}.",
                    agents=(resume.signer_username,),
                    objects=(f"data/{rel}",),
                )
            )
        problems = _pades_problems((partial / rel).read_bytes(), f"data/{rel}")
        events.append(
            _validation_event(f"resume-{resume.pk}-validated", now, problems, f"data/{rel}")
        )

    classification_code, classification = _classification(person)
    dossier_doc = {
        "format": DOSSIER_FORMAT,
        "personal_id": pid,
        "export": {"id": export_id, "at": now.isoformat(), "by": username, "software": SOFTWARE},
        "classification": {
            "secret_label": person.secret_label or "",
            "special_category": bool(person.special_category),
            "statement": classification,
        },
        "current": current,
        "current_sha256": _canonical_sha256(current),
        "versions": versions,
        "components": component_entries,
        "resumes": resume_entries,
    }
    _write_new(
        partial / "dossier.json",
        json.dumps(dossier_doc, ensure_ascii=False, indent=1, default=str).encode("utf-8"),
    )
    package.describe("dossier.json")
    for entry in versions:
        if entry["approval"] is None:
            continue
        approval = entry["approval"]
        events.append(
            premis.PremisEvent(
                identifier=f"approval-v{entry['number']}-signed",
                event_type=PreservationEventType.DIGITAL_SIGNATURE_GENERATION,
                at=datetime.fromisoformat(approval["signed_at"]),
                outcome=PreservationOutcome.SUCCESS,
                detail=f"Ký số (CMS) phê duyệt đề xuất {entry['changeset_id']}, tạo phiên bản "
                f"{entry['number']} của hồ sơ.",
                agents=(approval["signer_username"],),
                objects=(DOSSIER_FILE,),
            )
        )
        events.append(
            _validation_event(
                f"approval-v{entry['number']}-validated",
                now,
                _approval_problems(pid, entry),
                DOSSIER_FILE,
            )
        )

    # The node's own preservation events, then what this export did.
    recorded = []
    for row in _event_rows(pid):
        objects: tuple[str, ...] = ()
        if row.component_id in component_files:
            objects = tuple(component_files[row.component_id])
        elif row.resume_id in resume_files:
            objects = (resume_files[row.resume_id],)
        recorded.append(
            premis.PremisEvent(
                identifier=f"event-{row.pk}",
                event_type=row.event_type,
                at=row.at,
                outcome=row.outcome,
                detail=row.detail,
                agents=(row.agent,),
                objects=objects,
            )
        )
    stored_paths = tuple(p for files in component_files.values() for p in files) + tuple(
        resume_files.values()
    )
    if stored_paths:
        events.append(
            premis.PremisEvent(
                identifier=f"{export_id}-fixity",
                event_type=PreservationEventType.FIXITY_CHECK,
                at=now,
                outcome=PreservationOutcome.SUCCESS,
                detail="Mã băm SHA-256 của từng tệp lưu trữ được tính lại khi đóng gói và khớp "
                "với giá trị đã ghi.",
                agents=(SOFTWARE,),
                objects=stored_paths,
            )
        )
    capture_detail = (
        f"Đóng gói lưu trữ BagIt (RFC 8493), mã xuất {export_id}, gói «{pid}», "
        f"{len(versions)} phiên bản, {len(component_entries)} thành phần, "
        f"{len(resume_entries)} sơ yếu lý lịch."
    )
    capture = PreservationEvent.objects.create(
        personal_id=pid,
        event_type=PreservationEventType.CAPTURE,
        outcome=PreservationOutcome.SUCCESS,
        detail=capture_detail,
        agent=username,
        at=now,
    )
    package.link_derivatives()
    all_events = [*recorded, *events]
    all_events.append(
        premis.PremisEvent(
            identifier=f"event-{capture.pk}",
            event_type=PreservationEventType.CAPTURE,
            at=now,
            outcome=PreservationOutcome.SUCCESS,
            detail=capture_detail,
            agents=(username, SOFTWARE),
            objects=tuple(package.objects),
        )
    )
    document = premis.PremisDocument(
        objects=tuple(package.objects.values()),
        events=tuple(all_events),
        agents=_agents(all_events),
        rights=(
            premis.PremisRights(
                identifier=f"{export_id}-rights",
                jurisdiction="VN",
                citation=STATUTES,
                classification=classification,
                restriction=RESTRICTION,
                objects=tuple(package.objects),
            ),
        ),
    )
    _write_new(partial / "metadata" / "premis.xml", premis.premis_write(document))

    # The bag: payload moved under data/, manifests, then BagIt 1.0 and the README as tags.
    source = person.managing_agency or person.current_unit
    bag = bagit.make_bag(
        str(partial),
        bag_info={
            "Source-Organization": source.name,
            "Contact-Name": acting_user.full_name or username,
            "External-Description": (
                "Gói lưu trữ hồ sơ điện tử cán bộ, công chức, viên chức: hồ sơ và lịch sử phiên "
                "bản, sơ yếu lý lịch đã ký số, thành phần hồ sơ, siêu dữ liệu PREMIS. TÀI LIỆU MẬT."
            ),
            "Bagging-Date": timezone.localdate(now).isoformat(),
            "External-Identifier": pid,
            "Bag-Count": bag_count,
            **({"Bag-Group-Identifier": group} if group else {}),
            "Internal-Sender-Identifier": export_id,
            "Internal-Sender-Description": f"Xuất bởi {username} lúc "
            f"{timezone.localtime(now):%d/%m/%Y %H:%M}",
            "Bag-Software-Agent": f"{SOFTWARE} (bagit {bagit.VERSION})",
            "Hoso-Format": FORMAT,
            "Hoso-Export-Id": export_id,
            "Hoso-Classification": f"{classification_code}: {classification}",
        },
        checksums=CHECKSUMS,
    )
    (partial / "bagit.txt").write_text(
        "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n", encoding="utf-8"
    )
    _write_new(
        partial / "README.txt",
        README.format(
            pid=pid,
            classification=classification,
            export_id=export_id,
            exporter=username,
            moment=f"{timezone.localtime(now):%d/%m/%Y %H:%M}",
        ).encode("utf-8"),
    )
    bag = bagit.Bag(str(partial))
    bag.save()  # tag manifests now cover bagit.txt (1.0) and README.txt
    _lock_down(partial)
    bag = bagit.Bag(str(partial))
    bag.validate()
    oxum = bag.info.get("Payload-Oxum", "0.0")
    total_bytes, total_files = (int(x) for x in oxum.split("."))
    tagmanifest = hashlib.sha256((partial / "tagmanifest-sha256.txt").read_bytes()).hexdigest()
    audit.record(
        user=acting_user,
        action=AuditAction.ARCHIVE,
        outcome=AuditOutcome.OK,
        personal_id=pid,
        purpose="archive",
        detail={
            "operation": "export",
            "export_id": export_id,
            "bag": target.name,
            "files": total_files,
            "bytes": total_bytes,
            "tagmanifest_sha256": tagmanifest,
            "versions": len(versions),
            "components": len(component_entries),
            "resumes": len(resume_entries),
        },
    )
    return ArchiveExport(
        personal_id=pid,
        path=target,
        export_id=export_id,
        files=total_files,
        bytes=total_bytes,
        versions=len(versions),
        components=len(component_entries),
        resumes=len(resume_entries),
    )


def _validation_event(
    identifier: str, at: datetime, problems: list[Problem], path: str
) -> premis.PremisEvent:
    detail = "Kiểm tra chữ ký số khi đóng gói: hợp lệ."
    if problems:
        detail = "Kiểm tra chữ ký số khi đóng gói: KHÔNG hợp lệ — " + "; ".join(
            f"{p.message} [{p.code}]" for p in problems
        )
    return premis.PremisEvent(
        identifier=identifier,
        event_type=PreservationEventType.DIGITAL_SIGNATURE_VALIDATION,
        at=at,
        outcome=PreservationOutcome.FAILURE if problems else PreservationOutcome.SUCCESS,
        detail=detail[:1000],
        agents=(SOFTWARE,),
        objects=(path,),
    )


def _agents(events: list[premis.PremisEvent]) -> tuple[premis.PremisAgent, ...]:
    from django.contrib.auth import get_user_model

    names = sorted({a for e in events for a in e.agents})
    people = {
        u.username: u
        for u in get_user_model().objects.filter(username__in=names)  # type: ignore[attr-defined]
    }
    agents = []
    for name in names:
        if name in people:
            agents.append(premis.PremisAgent(name, people[name].full_name or name, "person"))
        else:
            software, _, version = name.rpartition(" ")
            agents.append(
                premis.PremisAgent(name, software or name, "software", version if software else "")
            )
    return tuple(agents)


def archive_export_unit(
    *,
    acting_user: Any,
    unit_code: str,
    output: Path,
    progress: Callable[[str], None] | None = None,
) -> UnitExport:
    """One bag per person of the unit's subtree that this user may open, in
    `<output>/<personal_id>/`, and `<output>/summary.json`.

    Invariants: the user must be a records manager whose duty covers the unit, or hold a
    written approval allowing export that covers it (else the same 404 as for an unknown unit,
    audited); `output` must be empty or new; each bag is written as `archive_export` writes
    it (whole or not at all); a person whose bag fails is listed with the reason and the others
    go on; people of the subtree the user may not open are counted, never named.
    """
    from hoso.access.models import Role
    from hoso.access.policies import active_grants, people_scope
    from hoso.changes.services import _covers
    from hoso.orgs.models import Organization
    from hoso.people.models import Person
    from hoso.people.selectors import person_queryset

    output = _output_dir(output)
    unit = Organization.objects.filter(code=unit_code).first()
    allowed = unit is not None and (
        _covers(acting_user, {Role.RECORDS_MANAGER}, unit.path)
        or any(
            g.allow_export
            and g.organization is not None
            and unit.path.startswith(g.organization.path)
            for g in active_grants(acting_user)
        )
    )
    if not allowed:
        raise _deny(acting_user, "", "unit_not_covered", unit=str(unit_code)[:40])
    if any(output.iterdir()):
        raise _refused(
            "archive_target_not_empty",
            f"Thư mục «{output}» đã có nội dung; xuất theo đơn vị cần một thư mục mới hoặc trống.",
        )
    subtree = Person.objects.filter(current_unit__path__startswith=unit.path)
    people = list(
        person_queryset()
        .filter(people_scope(acting_user))
        .filter(current_unit__path__startswith=unit.path)
        .order_by("personal_id")
        .values_list("personal_id", flat=True)
    )
    outside = subtree.count() - len(people)
    group = f"{unit.code}-{timezone.localdate():%Y%m%d}"
    exported: list[ArchiveExport] = []
    failed: list[tuple[str, str, str]] = []
    for index, pid in enumerate(people, 1):
        try:
            exported.append(
                archive_export(
                    acting_user=acting_user,
                    personal_id=pid,
                    output=output,
                    bag_count=f"{index} of {len(people)}",
                    group=group,
                )
            )
        except DomainError as exc:
            failed.append((pid, exc.code, exc.message))
        if progress is not None:
            progress(pid)
    summary = {
        "format": "hoso.archive.unit/1",
        "unit": {"code": unit.code, "name": unit.name},
        "group": group,
        "exported_at": timezone.now().isoformat(),
        "exported_by": acting_user.get_username(),
        "bags": [
            {
                "personal_id": e.personal_id,
                "directory": e.path.name,
                "export_id": e.export_id,
                "files": e.files,
                "bytes": e.bytes,
            }
            for e in exported
        ],
        "failed": [{"personal_id": p, "code": c, "message": m} for p, c, m in failed],
        "outside_scope": outside,
        "note": "Các gói chứa dữ liệu hồ sơ không mã hóa: TÀI LIỆU MẬT.",
    }
    path = output / "summary.json"
    tmp = output / ".summary.json.partial"
    tmp.unlink(missing_ok=True)
    _write_new(tmp, json.dumps(summary, ensure_ascii=False, indent=1).encode("utf-8"))
    os.replace(tmp, path)
    return UnitExport(
        unit_code=unit.code,
        path=output,
        exported=tuple(exported),
        failed=tuple(failed),
        outside_scope=outside,
        summary=path,
    )


# --- Verification -----------------------------------------------------------------------------


def _symlinks(root: Path) -> list[str]:
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        for name in [*dirnames, *filenames]:
            if (Path(dirpath) / name).is_symlink():
                found.append(str((Path(dirpath) / name).relative_to(root)))
    return found


def _safe_rel(rel: Any) -> bool:
    if not isinstance(rel, str) or not rel.startswith("data/") or "\\" in rel:
        return False
    parts = Path(rel).parts
    return not Path(rel).is_absolute() and ".." not in parts and "." not in parts


def _check_bag(report: ArchiveReport) -> Any:
    """bagit: structure, completeness and checksums of payload and tag files, each failure
    naming its file. The library stops at the first failed stage (a changed size fails its
    Payload-Oxum before any checksum is compared), so files are also compared one by one
    against the manifests here; the library's own `validate()` then has the last word."""
    import bagit

    try:
        bag = bagit.Bag(str(report.path))
    except bagit.BagError as exc:
        report.fail("bag_unreadable", f"Không đọc được cấu trúc BagIt: {exc}.")
        return None
    before = len(report.problems)
    missing, extra = bag.compare_manifests_with_fs()
    for path in sorted(missing):
        report.fail("bag_file_missing", "Tệp có trong manifest nhưng không có trong gói.", path)
    for path in sorted(extra):
        report.fail("bag_unexpected_file", "Tệp có trong gói nhưng không có trong manifest.", path)
    for rel, expected in sorted(bag.entries.items()):
        file = report.path / rel
        if not file.is_file():
            continue  # named above (payload) or an absent tag file (bagit says so below)
        hashers = {alg: hashlib.new(alg) for alg in expected}
        with open(file, "rb") as handle:
            for block in chunks_of(handle):
                for hasher in hashers.values():
                    hasher.update(block)
        wrong = sorted(a for a, h in hashers.items() if h.hexdigest() != expected[a].lower())
        if wrong:
            report.fail(
                "bag_checksum_mismatch",
                f"Tệp đã bị thay đổi: mã băm {', '.join(wrong)} không khớp manifest.",
                rel,
            )
    found = len(report.problems) > before
    try:
        bag.validate(completeness_only=found)
    except bagit.BagError as exc:
        if not found:
            report.fail("bag_invalid", f"Gói BagIt không hợp lệ: {exc}.")
    if len(report.problems) == before:
        report.checked.append(
            "BagIt: đủ tệp, mã băm SHA-256 và SHA-512 của dữ liệu và tệp thẻ khớp."
        )
    return bag


def archive_verify(path: Path) -> ArchiveReport:
    """Check a bag as it is on disk, trusting nothing in it but this node's trusted roots.

    Reads no database row and changes nothing. Every failure is a `Problem` naming the check
    (`code`) and the file (`field`); the report is valid only when there is none.
    """
    root = Path(path)
    report = ArchiveReport(path=root)
    if root.is_symlink() or not root.is_dir():
        report.fail("archive_not_found", f"Không có thư mục gói lưu trữ «{path}».")
        return report
    links = _symlinks(root)
    if links:
        for link in links:
            report.fail("archive_symlink", "Gói chứa liên kết tượng trưng (symlink).", link)
        return report  # never follow a link out of the bag, not even to hash it
    bag = _check_bag(report)
    if bag is None:
        return report
    payload = {p.replace(os.sep, "/") for p in bag.payload_files()}
    info = bag.info
    report.export_id = str(info.get("Hoso-Export-Id", ""))
    if info.get("Hoso-Format") != FORMAT:
        report.fail("archive_format", f"Không phải gói lưu trữ hoso ({FORMAT}).", "bag-info.txt")

    def read(rel: str) -> bytes | None:
        if rel not in payload or not (root / rel).is_file():
            report.fail("archive_file_missing", "Thiếu tệp bắt buộc của gói.", rel)
            return None
        return (root / rel).read_bytes()

    raw = read(DOSSIER_FILE)
    doc: dict[str, Any] | None = None
    if raw is not None:
        try:
            doc = json.loads(raw)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            report.fail("dossier_unreadable", f"Không đọc được JSON ({exc}).", DOSSIER_FILE)
    if doc is not None and (not isinstance(doc, dict) or doc.get("format") != DOSSIER_FORMAT):
        report.fail("dossier_format", f"Không phải định dạng {DOSSIER_FORMAT}.", DOSSIER_FILE)
        doc = None
    if doc is not None:
        report.personal_id = str(doc.get("personal_id", ""))
        if not PERSONAL_ID.fullmatch(report.personal_id):
            report.fail("dossier_personal_id", "Số định danh không hợp lệ.", DOSSIER_FILE)
        if info.get("External-Identifier") != report.personal_id:
            report.fail(
                "bag_info_mismatch",
                "External-Identifier khác số định danh trong dossier.json.",
                "bag-info.txt",
            )
        report.dossier = doc
    _check_premis(report, root, payload, read(PREMIS_FILE))
    if doc is not None:
        _check_versions(report, doc)
        _check_files(report, root, payload, doc)
    return report


def _check_premis(report: ArchiveReport, root: Path, payload: set[str], raw: bytes | None) -> None:
    if raw is None:
        return
    try:
        document = premis.premis_read(raw)
    except premis.PremisError as exc:
        report.fail("premis_unreadable", f"PREMIS không đọc được: {exc}", PREMIS_FILE)
        return
    before = len(report.problems)
    for obj in document.objects:
        if not _safe_rel(obj.path) or obj.path not in payload:
            report.fail(
                "premis_object_unknown", "PREMIS mô tả một tệp không có trong gói.", obj.path
            )
            continue
        sha256, size = _file_sha256(root / obj.path)
        if (sha256, size) != (obj.sha256, obj.size):
            report.fail(
                "premis_fixity_mismatch",
                "Mã băm SHA-256 hoặc kích thước khác giá trị ghi trong PREMIS.",
                obj.path,
            )
    for path in sorted(payload - set(document.by_path) - {PREMIS_FILE}):
        report.fail("premis_object_missing", "Tệp không được mô tả trong PREMIS.", path)
    if PreservationEventType.CAPTURE not in document.event_types():
        report.fail(
            "premis_capture_missing", "PREMIS không có sự kiện đóng gói (capture).", PREMIS_FILE
        )
    if len(report.problems) == before:
        report.checked.append(
            f"PREMIS 3: {len(document.objects)} tệp khớp mã băm; {len(document.events)} sự kiện."
        )


def _check_versions(report: ArchiveReport, doc: dict[str, Any]) -> None:
    pid = report.personal_id
    versions = doc.get("versions")
    if not isinstance(versions, list):
        report.fail("dossier_versions", "Thiếu danh sách phiên bản.", DOSSIER_FILE)
        return
    before = len(report.problems)
    for expected, version in enumerate(versions, 1):
        where = f"{DOSSIER_FILE}#versions/{expected}"
        if not isinstance(version, dict) or version.get("number") != expected:
            report.fail(
                "version_chain_broken",
                f"Chuỗi phiên bản bị đứt: vị trí {expected} không phải phiên bản số {expected}.",
                where,
            )
            continue
        snapshot = version.get("snapshot")
        try:
            digest = _canonical_sha256(snapshot)
        except Exception:  # noqa: BLE001 - any value that does not canonicalize is a failure
            digest = ""
        if digest != version.get("sha256"):
            report.fail(
                "version_sha256_mismatch",
                f"Nội dung phiên bản {expected} không khớp mã băm SHA-256 đã ghi.",
                where,
            )
        elif str(((snapshot or {}).get("identity") or {}).get("personal_id")) != pid:
            report.fail(
                "version_personal_id", f"Phiên bản {expected} là hồ sơ của người khác.", where
            )
        if version.get("approval") is not None:
            for problem in _approval_problems(pid, version):
                report.problems.append(problem)
        elif version.get("changeset_id") is not None:
            report.fail(
                "approval_missing",
                f"Phiên bản {expected} do phê duyệt tạo ra nhưng thiếu chữ ký phê duyệt.",
                where,
            )
    current = doc.get("current")
    try:
        current_ok = _canonical_sha256(current) == doc.get("current_sha256")
    except Exception:  # noqa: BLE001
        current_ok = False
    if not current_ok:
        report.fail(
            "current_sha256_mismatch",
            "Hồ sơ hiện tại không khớp mã băm SHA-256 đã ghi.",
            f"{DOSSIER_FILE}#current",
        )
    latest = versions[-1] if versions and isinstance(versions[-1], dict) else {}
    if latest and current_ok and doc.get("current_sha256") != latest.get("sha256"):
        report.warnings.append(
            Problem(
                "current_differs_from_latest",
                "Hồ sơ hiện tại khác phiên bản cuối (hồ sơ được ghi ngoài luồng phê duyệt?).",
                DOSSIER_FILE,
            )
        )
    if len(report.problems) == before:
        signed = sum(1 for v in versions if isinstance(v, dict) and v.get("approval"))
        report.checked.append(
            f"Chuỗi {len(versions)} phiên bản khớp mã băm; {signed} chữ ký phê duyệt hợp lệ."
        )


def _check_file(
    report: ArchiveReport, root: Path, payload: set[str], entry: Any, what: str
) -> str | None:
    rel = entry.get("path") if isinstance(entry, dict) else None
    if not _safe_rel(rel) or rel not in payload:
        report.fail("archive_path_invalid", f"Đường dẫn của {what} không hợp lệ.", str(rel))
        return None
    sha256, size = _file_sha256(root / rel)
    if (sha256, size) != (entry.get("sha256"), entry.get("size")):
        report.fail(
            "dossier_fixity_mismatch",
            f"Tệp {what} không khớp mã băm hoặc kích thước ghi trong dossier.json.",
            rel,
        )
    return rel


def _check_files(report: ArchiveReport, root: Path, payload: set[str], doc: dict[str, Any]) -> None:
    before = len(report.problems)
    components = doc.get("components") or []
    resumes = doc.get("resumes") or []
    if not isinstance(components, list) or not all(isinstance(e, dict) for e in components):
        report.fail("dossier_components", "Danh sách thành phần không hợp lệ.", DOSSIER_FILE)
        components = []
    if not isinstance(resumes, list) or not all(isinstance(e, dict) for e in resumes):
        report.fail("dossier_resumes", "Danh sách sơ yếu lý lịch không hợp lệ.", DOSSIER_FILE)
        resumes = []
    for entry in components:
        title = f"thành phần số {entry.get('sequence')}"
        _check_file(report, root, payload, entry.get("original"), f"{title} (bản gốc)")
        if entry.get("preservation"):
            _check_file(report, root, payload, entry["preservation"], f"{title} (bản PDF/A)")
    for entry in resumes:
        rel = _check_file(report, root, payload, entry, "sơ yếu lý lịch")
        if rel is not None:
            report.problems.extend(_pades_problems((root / rel).read_bytes(), rel))
    if len(report.problems) == before:
        report.checked.append(
            f"{len(components)} thành phần khớp mã băm; {len(resumes)} sơ yếu lý lịch có chữ ký "
            "PAdES hợp lệ."
        )


# --- Import -----------------------------------------------------------------------------------


def _refuse_import(acting_user: Any, pid: str, error: DomainError, path: Path) -> DomainError:
    with transaction.atomic():
        audit.record(
            user=acting_user,
            action=AuditAction.ARCHIVE,
            outcome=AuditOutcome.DENY,
            personal_id=pid if PERSONAL_ID.fullmatch(pid or "") else "",
            purpose="archive_import",
            detail={
                "operation": "import",
                "bag": Path(path).name[:60],
                "code": error.code,
                "problems": [p.code for p in error.problems][:20],
            },
        )
    return error


def archive_import(*, acting_user: Any, path: Path) -> ArchiveImport:
    """Take a bag in: verify it whole, then propose its dossier as a change set.

    Invariants:
    - nothing is written unless `archive_verify` finds no problem at all;
    - a person who already has a dossier here is refused (`archive_person_exists`), as is one
      with a pending proposal creating it: never a silent merge;
    - the dossier enters only through `changeset_propose` (latest snapshot, source: the bag),
      so the importer must be allowed to propose it and a records manager approves it;
    - each component's original is stored (encrypted) and gets a `Component` row (RECEIVED,
      linked to the change set) and an `ingestion` preservation event citing the bag; all rows
      in one transaction; stored files of a failed import are removed;
    - every refusal and the import itself are audited (ARCHIVE); hence the writes have their
      own transaction inside, and a refusal's audit event its own, outside it.
    """
    from hoso.changes.models import ChangeSet, ChangeStatus
    from hoso.people.models import Person

    report = archive_verify(path)
    pid = report.personal_id
    try:
        if not report.valid:
            raise _refused(
                "archive_invalid",
                f"Gói lưu trữ không qua kiểm tra ({len(report.problems)} lỗi); không tiếp nhận gì.",
                problems=report.problems,
            )
        if Person.objects.filter(personal_id=pid).exists():
            raise _refused(
                "archive_person_exists",
                f"Người có số định danh {pid} đã có hồ sơ trên hệ thống này; không gộp hồ sơ từ "
                "gói lưu trữ. Nếu cần cập nhật, hãy đề xuất thay đổi trên hồ sơ hiện có.",
                status=409,
            )
        if ChangeSet.objects.filter(
            personal_id=pid, creates_dossier=True, status=ChangeStatus.PROPOSED
        ).exists():
            raise _refused(
                "archive_proposal_pending",
                f"Đã có đề xuất tạo hồ sơ {pid} đang chờ phê duyệt; xử lý đề xuất đó trước.",
                status=409,
            )
        return _import_verified(acting_user, Path(path), report)
    except DomainError as error:
        raise _refuse_import(acting_user, pid, error, Path(path)) from None


def _import_verified(acting_user: Any, root: Path, report: ArchiveReport) -> ArchiveImport:
    from hoso.catalog.selectors import codes
    from hoso.changes.models import SourceKind
    from hoso.changes.services import changeset_propose

    doc = report.dossier or {}
    pid = report.personal_id
    versions = doc.get("versions") or []
    data = versions[-1]["snapshot"] if versions else doc.get("current")
    entries = list(doc.get("components") or [])
    known_kinds = codes("component_kind")
    limit = settings.HOSO_UPLOAD_MAX_BYTES
    for entry in entries:
        if entry.get("kind") not in known_kinds:
            raise _refused(
                "archive_unknown_kind",
                f"Thành phần số {entry.get('sequence')} có loại «{entry.get('kind')}» không có "
                "trong danh mục loại thành phần của hệ thống này.",
            )
        if int(entry["original"]["size"]) > limit:
            raise _refused(
                "archive_component_too_large",
                f"Thành phần số {entry.get('sequence')} vượt giới hạn dung lượng tệp của hệ thống.",
            )
    note = f"Tiếp nhận từ gói lưu trữ {report.export_id or root.name} (BagIt, {root.name})"[:300]
    stored: list[str] = []
    try:
        with transaction.atomic():
            changeset = changeset_propose(
                acting_user=acting_user,
                personal_id=pid,
                operations=[{"op": "create", "data": data}],
                source_kind=SourceKind.DECISION,
                source_note=note,
            )
            now = timezone.now()
            made: list[Component] = []
            by_old_id: dict[Any, Component] = {}
            for entry in entries:
                original = entry["original"]
                with open(root / original["path"], "rb") as handle:
                    saved = storage().put(chunks_of(handle))
                stored.append(saved.key)
                if (saved.sha256, saved.size) != (original["sha256"], original["size"]):
                    raise _refused(
                        "archive_changed_during_import",
                        f"Tệp {original['path']} đã thay đổi trong lúc tiếp nhận; không ghi gì.",
                    )
                component = Component.objects.create(
                    personal_id=pid,
                    kind=entry["kind"],
                    title=str(entry.get("title") or "")[:300],
                    section=str(entry.get("section") or "")[:40],
                    changeset=changeset,
                    position=int(entry.get("position") or entry.get("sequence") or 0),
                    sensitivity=str(entry.get("sensitivity") or "")[:32],
                    status=ComponentStatus.RECEIVED,
                    original_name=str(entry.get("original_name") or Path(original["path"]).name)[
                        :200
                    ],
                    media_type=str(entry.get("media_type") or "")[:40],
                    original_key=saved.key,
                    original_sha256=saved.sha256,
                    original_size=saved.size,
                    uploaded_by=acting_user,
                    uploaded_at=now,
                )
                PreservationEvent.objects.create(
                    personal_id=pid,
                    component=component,
                    event_type=PreservationEventType.INGESTION,
                    outcome=PreservationOutcome.SUCCESS,
                    detail=(
                        f"Tiếp nhận bản gốc từ gói lưu trữ «{root.name}» (mã xuất "
                        f"{report.export_id}, tệp {original['path']}), SHA-256 {saved.sha256} "
                        "khớp giá trị trong gói."
                    )[:1000],
                    agent=acting_user.get_username(),
                    at=now,
                )
                made.append(component)
                by_old_id[entry.get("id")] = component
            for entry, component in zip(entries, made, strict=True):
                newer = by_old_id.get(entry.get("superseded_by"))
                if entry.get("superseded_by") is not None and newer is not None:
                    component.superseded_by = newer
                    component.save(update_fields=["superseded_by"])
            audit.record(
                user=acting_user,
                action=AuditAction.ARCHIVE,
                outcome=AuditOutcome.OK,
                personal_id=pid,
                purpose="archive_import",
                detail={
                    "operation": "import",
                    "bag": root.name[:60],
                    "export_id": report.export_id,
                    "changeset": changeset.pk,
                    "components": len(made),
                },
            )
    except BaseException:
        for key in stored:  # the rows are gone with the transaction; so must the files be
            raw = storage().raw_path(key)
            if raw is not None:
                raw.unlink(missing_ok=True)
        raise
    found = tuple(
        {
            "sequence": e.get("sequence"),
            "kind": e.get("kind"),
            "title": e.get("title"),
            "original": e["original"]["path"],
            "preservation": (e.get("preservation") or {}).get("path"),
        }
        for e in entries
    )
    return ArchiveImport(
        personal_id=pid,
        changeset=changeset,
        components=tuple(made),
        found=found,
        report=report,
    )
