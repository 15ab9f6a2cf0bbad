"""The purposes an audit event records (why a dossier was opened), by their Vietnamese names.

Callers of the gate pass a short English code (`dossier_access(..., purpose="versions")`);
people read the audit trail, their own "who read my dossier" and the CSV export, so every
code they may meet is named here. An unknown code (a new caller not yet named) is shown as
"Khác" with the code beside it, never bare.
"""

from __future__ import annotations

PURPOSES: dict[str, str] = {
    "view": "Xem hồ sơ trên trang",
    "self": "Tự xem hồ sơ của mình",
    "api": "Khai thác qua API",
    "search": "Tìm kiếm hồ sơ",
    "export": "Xuất dữ liệu",
    "audit_export": "Xuất nhật ký",
    "versions": "Xem các phiên bản hồ sơ",
    "propose": "Đề xuất thay đổi hồ sơ",
    "approve": "Phê duyệt đề xuất thay đổi",
    "reject": "Từ chối đề xuất thay đổi",
    "changeset_review": "Xem xét đề xuất thay đổi",
    "changeset_approve": "Phê duyệt đề xuất thay đổi",
    "changeset_reject": "Từ chối đề xuất thay đổi",
    "self_correction": "Đề nghị sửa hồ sơ của chính mình",
    "decision": "Xem quyết định nhân sự",
    "decision_register": "Ghi nhận quyết định nhân sự",
    "obligations": "Xem việc cần làm, thời hạn",
    "discrepancy_report": "Báo sai lệch với hồ sơ giấy",
    "discrepancy_view": "Xem cảnh báo sai lệch",
    "discrepancy_resolve": "Xác minh sai lệch",
    "documents": "Xem tài liệu đã số hóa",
    "documents_status": "Xem tiến độ xử lý bản quét",
    "documents_copy": "Cấp bản sao tài liệu",
    "component_copy": "Cấp bản sao tài liệu",
    "component_reorder": "Sắp xếp thứ tự tài liệu",
    "add": "Tiếp nhận bản quét",
    "consistency_check": "Đối chiếu bản quét với hồ sơ",
    "consistency_findings": "Xem khác biệt phát hiện trên bản quét",
    "consistency_confirm": "Xác nhận khác biệt trên bản quét",
    "consistency_dismiss": "Bác bỏ khác biệt trên bản quét",
    "resume": "Cấp bản sao sơ yếu lý lịch",
    "resume_copy": "Cấp bản sao sơ yếu lý lịch",
    "resume_sign": "Lập và ký số sơ yếu lý lịch",
    "fixity": "Kiểm tra toàn vẹn tệp lưu trữ",
    "trace_leak": "Truy vết bản sao bị lộ",
    "archive": "Đóng gói lưu trữ (BagIt)",
    "archive_import": "Tiếp nhận gói lưu trữ",
}


def purpose_label(code: str) -> str:
    """"versions" → "Xem các phiên bản hồ sơ"; "" → ""; an unnamed code → "Khác (code)"."""
    if not code:
        return ""
    return PURPOSES.get(code) or f"Khác ({code})"
