"""Why a dossier was opened: the purposes the gate is asked for and the audit trail records.

Callers of the gate pass a member (`dossier_access(..., purpose=Purpose.VERSIONS)`); the
stored value is its short English code, never renamed. People read the audit trail, their own
"who read my dossier" and the CSV export by the Vietnamese label. An unknown code (kept from an
older release) is shown as "Khác" with the code beside it, never bare.

System purposes (`SYSTEM_*`) name the work of the node itself, read through
`access.system.system_dossier`: applying a change, signing a résumé, archiving.
"""

from __future__ import annotations

from django.db import models


class Purpose(models.TextChoices):
    VIEW = "view", "Xem hồ sơ trên trang"
    SELF = "self", "Tự xem hồ sơ của mình"
    API = "api", "Khai thác qua API"
    SEARCH = "search", "Tìm kiếm hồ sơ"
    EXPORT = "export", "Xuất dữ liệu"
    AUDIT_EXPORT = "audit_export", "Xuất nhật ký"
    VERSIONS = "versions", "Xem các phiên bản hồ sơ"
    PROPOSE = "propose", "Đề xuất thay đổi hồ sơ"
    APPROVE = "approve", "Phê duyệt đề xuất thay đổi"
    REJECT = "reject", "Từ chối đề xuất thay đổi"
    CHANGESET_REVIEW = "changeset_review", "Xem xét đề xuất thay đổi"
    CHANGESET_APPROVE = "changeset_approve", "Phê duyệt đề xuất thay đổi"
    CHANGESET_REJECT = "changeset_reject", "Từ chối đề xuất thay đổi"
    SELF_CORRECTION = "self_correction", "Đề nghị sửa hồ sơ của chính mình"
    DECISION = "decision", "Xem quyết định nhân sự"
    DECISION_REGISTER = "decision_register", "Ghi nhận quyết định nhân sự"
    DECISION_PREVIEW = "decision_preview", "Xem trước tác động của quyết định nhân sự"
    DECISIONS = "decisions", "Xem các quyết định nhân sự của hồ sơ"
    OBLIGATIONS = "obligations", "Xem việc cần làm, thời hạn"
    COMPLETENESS = "completeness", "Xem danh sách hồ sơ còn thiếu theo chuẩn"
    DISCREPANCY_REPORT = "discrepancy_report", "Báo sai lệch với hồ sơ giấy"
    DISCREPANCY_VIEW = "discrepancy_view", "Xem cảnh báo sai lệch"
    DISCREPANCY_RESOLVE = "discrepancy_resolve", "Xác minh sai lệch"
    DOCUMENTS = "documents", "Xem tài liệu đã số hóa"
    DOCUMENTS_STATUS = "documents_status", "Xem tiến độ xử lý bản quét"
    DOCUMENTS_COPY = "documents_copy", "Cấp bản sao tài liệu"
    COMPONENT_COPY = "component_copy", "Cấp bản sao tài liệu"
    COMPONENT_REORDER = "component_reorder", "Sắp xếp thứ tự tài liệu"
    ADD = "add", "Tiếp nhận bản quét"
    COMPONENT_ADD = "component_add", "Tiếp nhận bản quét"
    CONSISTENCY_CHECK = "consistency_check", "Đối chiếu bản quét với hồ sơ"
    CONSISTENCY_FINDINGS = "consistency_findings", "Xem khác biệt phát hiện trên bản quét"
    CONSISTENCY_CONFIRM = "consistency_confirm", "Xác nhận khác biệt trên bản quét"
    CONSISTENCY_DISMISS = "consistency_dismiss", "Bác bỏ khác biệt trên bản quét"
    RESUME = "resume", "Cấp bản sao sơ yếu lý lịch"
    RESUME_COPY = "resume_copy", "Cấp bản sao sơ yếu lý lịch"
    RESUME_SIGN = "resume_sign", "Lập và ký số sơ yếu lý lịch"
    FIXITY = "fixity", "Kiểm tra toàn vẹn tệp lưu trữ"
    TRACE_LEAK = "trace_leak", "Truy vết bản sao bị lộ"
    ARCHIVE = "archive", "Đóng gói lưu trữ (BagIt)"
    ARCHIVE_IMPORT = "archive_import", "Tiếp nhận gói lưu trữ"
    PAPER_LOAN = "paper_loan", "Cho mượn, nhận lại, gia hạn hồ sơ giấy"
    PAPER_LOAN_VIEW = "paper_loan_view", "Xem việc mượn hồ sơ giấy của một hồ sơ"
    PAPER_LOANS = "paper_loans", "Xem danh sách mượn hồ sơ giấy"
    STAFF_REDUCTION = "staff_reduction", "Xem danh sách đối tượng tinh giản biên chế"
    # The node's own work (access.system.system_dossier): no person reads, the system does.
    SYSTEM_CHANGE = "system_change", "Hệ thống: lập, áp dụng thay đổi hồ sơ"
    SYSTEM_RESUME = "system_resume", "Hệ thống: lập sơ yếu lý lịch"
    SYSTEM_ARCHIVE = "system_archive", "Hệ thống: đóng gói, tiếp nhận lưu trữ"
    SYSTEM_CONSISTENCY = "system_consistency", "Hệ thống: đối chiếu bản quét với hồ sơ"
    SYSTEM_DEMO = "system_demo", "Hệ thống: dựng dữ liệu trình diễn"
    SYSTEM_NATIONAL = "system_national", "Hệ thống: đồng bộ cơ sở dữ liệu quốc gia"


PURPOSES: dict[str, str] = {str(p.value): str(p.label) for p in Purpose}


def purpose_label(code: str) -> str:
    """ "versions" → "Xem các phiên bản hồ sơ"; "" → ""; an unnamed code → "Khác (code)"."""
    if not code:
        return ""
    return PURPOSES.get(code) or f"Khác ({code})"
