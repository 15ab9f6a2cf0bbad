"""Tracing a leaked copy back to its viewer (R-PROHIBITED): `hoso trace-leak FILE`.

The export id is looked for, in order, in the file's metadata (Info `/HosoExportId`, XMP
`hoso:ExportId`), in its visible text (`pdftotext`: the stamp says "Mã bản sao: …"), and
finally the file's SHA-256 is looked up among served copies. A file that is exactly a stored
signed résumé (its seal stripped by cutting the last revision off) is named too, with every
copy served from it. Every lookup is audited (SYSTEM, operation "trace_leak") by
`services.trace.leak_trace`.
"""

from __future__ import annotations

import hashlib
import io
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils import timezone

from hoso.documents import stamping
from hoso.documents.models import Component, ServedCopy, SignedResume

TEXT_TIMEOUT_SECONDS = 60


@dataclass(frozen=True)
class Trace:
    """What a leaked file was found to be."""

    found_by: str  # metadata | text | sha256 | signed_resume | stored_component
    sha256: str
    export_id: str = ""
    copies: list[ServedCopy] = field(default_factory=list)
    resume: SignedResume | None = None
    component: Component | None = None

    @property
    def personal_id(self) -> str:
        if self.copies:
            return self.copies[0].personal_id
        if self.resume is not None:
            return self.resume.personal_id
        return self.component.personal_id if self.component is not None else ""


def _metadata_id(content: bytes) -> str | None:
    import pikepdf  # heavy; only a trace needs it here

    try:
        with pikepdf.open(io.BytesIO(content)) as pdf:
            value = pdf.docinfo.get(pikepdf.Name(stamping.INFO_KEY))
            found = stamping.export_id_normalize(str(value)) if value is not None else None
            if found:
                return found
            xmp = pdf.open_metadata()
            value = xmp.get(f"{{{stamping.XMP_NAMESPACE}}}ExportId")
            return stamping.export_id_normalize(str(value)) if value else None
    except Exception:  # noqa: BLE001 - a damaged or non-PDF file simply has no metadata
        return None


def _text_ids(content: bytes) -> list[str]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "leak.pdf"
        path.write_bytes(content)
        try:
            command = ["pdftotext", "-enc", "UTF-8", str(path), "-"]  # noqa: S607 (poppler)
            done = subprocess.run(  # noqa: S603 (fixed arguments, a temporary path)
                command,
                capture_output=True,
                timeout=TEXT_TIMEOUT_SECONDS,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired):
            return []
    text = done.stdout.decode("utf-8", "replace")
    return list(dict.fromkeys(stamping.EXPORT_ID_RE.findall(text)))


def _copy(export_id: str | None) -> ServedCopy | None:
    if not export_id:
        return None
    return (
        ServedCopy.objects.filter(export_id=export_id)
        .select_related("user", "component", "resume")
        .first()
    )


def trace_file(content: bytes) -> Trace | None:
    """What `content` is, or None when nothing on this node matches it."""
    digest = hashlib.sha256(content).hexdigest()
    found = _metadata_id(content)
    if (copy := _copy(found)) is not None:
        return Trace("metadata", digest, copy.export_id, [copy])
    for candidate in _text_ids(content):
        if (copy := _copy(candidate)) is not None:
            return Trace("text", digest, copy.export_id, [copy])
    by_hash = list(ServedCopy.objects.filter(sha256=digest).select_related("user", "component"))
    if by_hash:
        return Trace("sha256", digest, by_hash[0].export_id, by_hash)
    resume = SignedResume.objects.filter(sha256=digest).first()
    if resume is not None:
        copies = list(ServedCopy.objects.filter(resume=resume).select_related("user"))
        return Trace("signed_resume", digest, "", copies, resume=resume)
    component = (
        Component.objects.filter(original_sha256=digest).first()
        or Component.objects.filter(pdfa_sha256=digest).first()
    )
    if component is not None:
        return Trace("stored_component", digest, component=component)
    return None


def _what(copy: ServedCopy) -> str:
    if copy.component_id is not None:
        return f"thành phần hồ sơ «{copy.component.title}» (số {copy.component_id})"
    if copy.resume_id is not None:
        return f"sơ yếu lý lịch đã ký số, phiên bản hồ sơ {copy.resume.version_number}"
    return "tài liệu"


def _when(moment: Any) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M")


def copy_lines(copy: ServedCopy) -> list[str]:
    viewer = getattr(copy.user, "full_name", "") or copy.username
    return [
        f"Mã bản sao: {copy.export_id}",
        f"Người nhận bản sao: {viewer} (tài khoản «{copy.username}»)",
        f"Thời điểm cấp: {_when(copy.served_at)}",
        f"Địa chỉ máy: {copy.client_address or 'không ghi nhận (dòng lệnh hoặc tác vụ nền)'}",
        f"Hồ sơ của số định danh: {copy.personal_id}",
        f"Tài liệu: {_what(copy)}",
        f"Mục đích: {copy.purpose}",
    ]


def trace_lines(trace: Trace) -> list[str]:
    """The answer, in Vietnamese."""
    how = {
        "metadata": "đọc mã bản sao trong siêu dữ liệu của tệp",
        "text": "đọc mã bản sao trên dấu hiển thị của tệp (siêu dữ liệu đã bị xóa)",
        "sha256": "đối chiếu mã băm SHA-256 của tệp với các bản sao đã cấp",
    }
    if trace.found_by in how:
        lines = [f"Đã xác định được bản sao ({how[trace.found_by]})."]
        for copy in trace.copies:
            lines += copy_lines(copy)
        return lines
    if trace.found_by == "signed_resume":
        assert trace.resume is not None
        lines = [
            "Tệp trùng khớp với sơ yếu lý lịch đã ký số lưu trên hệ thống (bản không có dấu "
            "bản sao: dấu niêm phong đã bị cắt bỏ khỏi một bản sao).",
            f"Hồ sơ của số định danh: {trace.resume.personal_id}, phiên bản "
            f"{trace.resume.version_number}, ký ngày {_when(trace.resume.signed_at)} bởi "
            f"«{trace.resume.signer_username}».",
            f"Các bản sao đã cấp từ bản này ({len(trace.copies)}):",
        ]
        for copy in trace.copies:
            viewer = getattr(copy.user, "full_name", "") or copy.username
            lines.append(
                f"- {copy.export_id}: {viewer} («{copy.username}»), {_when(copy.served_at)}, "
                f"từ {copy.client_address or 'không rõ địa chỉ'}"
            )
        return lines
    assert trace.component is not None
    return [
        "Tệp trùng khớp với bản lưu trữ của một thành phần hồ sơ, vốn không bao giờ được cấp "
        "ra ngoài khi chưa đóng dấu: có thể đã bị lấy trực tiếp từ kho lưu trữ.",
        f"Hồ sơ của số định danh: {trace.component.personal_id}; tài liệu "
        f"«{trace.component.title}» (số {trace.component.pk}).",
    ]
