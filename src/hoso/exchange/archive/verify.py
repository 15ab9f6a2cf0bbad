"""Checking a bag on its own, naming every failure by file and check."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from hoso.core.errors import Problem
from hoso.documents.models import (
    PreservationEventType,
)
from hoso.documents.storage import chunks_of
from hoso.exchange import premis
from hoso.exchange.archive.common import (
    DOSSIER_FILE,
    DOSSIER_FORMAT,
    FORMAT,
    PERSONAL_ID,
    PREMIS_FILE,
    ArchiveReport,
    approval_problems,
    canonical_sha256,
    file_sha256,
    pades_problems,
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
        sha256, size = file_sha256(root / obj.path)
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
            digest = canonical_sha256(snapshot)
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
            for problem in approval_problems(pid, version):
                report.problems.append(problem)
        elif version.get("changeset_id") is not None:
            report.fail(
                "approval_missing",
                f"Phiên bản {expected} do phê duyệt tạo ra nhưng thiếu chữ ký phê duyệt.",
                where,
            )
    current = doc.get("current")
    try:
        current_ok = canonical_sha256(current) == doc.get("current_sha256")
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
    sha256, size = file_sha256(root / rel)
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
            report.problems.extend(pades_problems((root / rel).read_bytes(), rel))
    if len(report.problems) == before:
        report.checked.append(
            f"{len(components)} thành phần khớp mã băm; {len(resumes)} sơ yếu lý lịch có chữ ký "
            "PAdES hợp lệ."
        )
