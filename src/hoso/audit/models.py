"""Audit events and signed checkpoints.

No foreign keys: an audit record must outlive the user, the person and the grant it names,
so it stores their ids and names as plain values. Both tables are append-only; database
triggers (migration 0002) refuse UPDATE and DELETE (and TRUNCATE of a non-empty table on
PostgreSQL). Rows are written only by `hoso.audit.services`.
"""

from __future__ import annotations

from django.db import models


class AuditAction(models.TextChoices):
    """What happened. Extend by adding a member (and `makemigrations`); never rename a value."""

    DOSSIER_READ_ALLOWED = "dossier_read_allowed", "Xem hồ sơ (được phép)"
    DOSSIER_READ_DENIED = "dossier_read_denied", "Xem hồ sơ (bị từ chối)"
    DOSSIER_WRITE = "dossier_write", "Ghi hồ sơ"
    SEARCH = "search", "Tìm kiếm"
    EXPORT = "export", "Xuất dữ liệu"
    PRINT = "print", "In hồ sơ"
    LOGIN = "login", "Đăng nhập"
    LOGOUT = "logout", "Đăng xuất"
    LOGIN_FAILED = "login_failed", "Đăng nhập thất bại"
    GRANT_ISSUE = "grant_issue", "Cấp quyền khai thác"
    GRANT_REVOKE = "grant_revoke", "Thu hồi quyền khai thác"
    CONSENT_GIVE = "consent_give", "Đồng ý cho khai thác hồ sơ"
    CONSENT_WITHDRAW = "consent_withdraw", "Rút lại sự đồng ý"
    ALERT_ACKNOWLEDGE = "alert_acknowledge", "Xác nhận đã xử lý cảnh báo"
    ACCOUNT_CHANGE = "account_change", "Thay đổi tài khoản"
    ROLE_CHANGE = "role_change", "Thay đổi nhiệm vụ được giao"
    TOKEN_ISSUE = "token_issue", "Cấp mã truy cập API"
    TOKEN_REVOKE = "token_revoke", "Thu hồi mã truy cập API"
    LOGIN_THROTTLED = "login_throttled", "Tạm hoãn đăng nhập (sai nhiều lần)"
    CHANGESET = "changeset", "Đề xuất, phê duyệt thay đổi"
    SETTINGS_CHANGE = "settings_change", "Thay đổi cấu hình"
    DOCUMENT_ADD = "document_add", "Thêm thành phần hồ sơ (bản quét)"
    DOCUMENT_SERVE = "document_serve", "Cấp bản sao tài liệu"
    RESUME_SIGN = "resume_sign", "Ký số sơ yếu lý lịch"
    FIXITY = "fixity", "Kiểm tra tính toàn vẹn tệp lưu trữ"
    ARCHIVE = "archive", "Đóng gói, tiếp nhận gói lưu trữ"
    SYSTEM = "system", "Sự kiện hệ thống"
    DOSSIER_SYSTEM_READ = "dossier_system_read", "Hệ thống đọc hồ sơ (không hiển thị cho ai)"
    QUOTA_CHANGE = "quota_change", "Giao, điều chỉnh chỉ tiêu biên chế"
    JOB_POSITION_CHANGE = "job_position_change", "Thêm, sửa vị trí việc làm"
    PAPER_LOAN = "paper_loan", "Cho mượn, nhận lại hồ sơ giấy"
    DRAFT = "draft", "Lưu bản nháp hồ sơ"
    ELIGIBILITY_CHECK = "eligibility_check", "Kiểm tra điều kiện, tiêu chuẩn"
    PROCEDURE = "procedure", "Thực hiện quy trình nhân sự"
    IMPORT = "import", "Nhập hồ sơ từ tệp"
    POPULATION = "population", "Tra cứu, đối chiếu Cơ sở dữ liệu quốc gia về dân cư"
    FEDERATION = "federation", "Đồng bộ với Cơ sở dữ liệu quốc gia (gói dữ liệu)"
    HANDOVER = "handover", "Bàn giao quản lý hồ sơ giữa các cơ quan"
    FEEDBACK = "feedback", "Ý kiến đánh giá của người dân về dịch vụ"


class AuditOutcome(models.TextChoices):
    ALLOW = "allow", "Cho phép"
    DENY = "deny", "Từ chối"
    OK = "ok", "Thành công"
    ERROR = "error", "Lỗi"


class AuditEvent(models.Model):
    """One audited decision or action, linked to its predecessor by `prev_hash`.

    `seq` runs 1, 2, 3… without gaps (allocated under the chain lock, so a rolled-back
    transaction leaves no hole); `hash` covers every content field, `seq` and `prev_hash`.
    """

    seq = models.BigIntegerField(unique=True)
    occurred_at = models.DateTimeField()
    actor_user_id = models.BigIntegerField(null=True, blank=True)
    actor_username = models.TextField(blank=True)
    actor_role = models.TextField(blank=True)
    actor_unit = models.TextField(blank=True)
    action = models.CharField(max_length=64, choices=AuditAction.choices)
    outcome = models.CharField(max_length=16, choices=AuditOutcome.choices)
    personal_id = models.TextField(blank=True)
    sections = models.JSONField(default=list, blank=True)
    purpose = models.TextField(blank=True)
    grant_id = models.TextField(blank=True)
    client_address = models.TextField(blank=True)
    correlation_id = models.TextField(blank=True)
    detail = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        db_table = "audit_event"
        ordering = ["-seq"]
        indexes = [
            models.Index(fields=["personal_id", "seq"], name="audit_event_person_idx"),
            models.Index(fields=["actor_user_id", "seq"], name="audit_event_user_idx"),
            models.Index(fields=["actor_username", "seq"], name="audit_event_username_idx"),
            models.Index(fields=["correlation_id"], name="audit_event_correlation_idx"),
            models.Index(fields=["occurred_at"], name="audit_event_time_idx"),
            models.Index(fields=["prev_hash"], name="audit_event_prev_hash_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.outcome} {self.actor_username}"


class AuditIntake(models.Model):
    """An event recorded in its caller's transaction and not chained yet (PostgreSQL with
    `HOSO_AUDIT_SEQUENCER`): the sequencer (`audit.services.chain_pending`) moves committed
    intake rows into the chain in batches, giving each its `seq`, `prev_hash` and `hash`,
    and deletes them here in the same transaction. The content fields are `AuditEvent`'s,
    already sanitized; `occurred_at` is when the event happened in its transaction.
    See docs/decisions/0022-audit-sequencer.md."""

    occurred_at = models.DateTimeField()
    actor_user_id = models.BigIntegerField(null=True, blank=True)
    actor_username = models.TextField(blank=True)
    actor_role = models.TextField(blank=True)
    actor_unit = models.TextField(blank=True)
    action = models.CharField(max_length=64, choices=AuditAction.choices)
    outcome = models.CharField(max_length=16, choices=AuditOutcome.choices)
    personal_id = models.TextField(blank=True)
    sections = models.JSONField(default=list, blank=True)
    purpose = models.TextField(blank=True)
    grant_id = models.TextField(blank=True)
    client_address = models.TextField(blank=True)
    correlation_id = models.TextField(blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        db_table = "audit_intake"


class AuditCheckpoint(models.Model):
    """A signed statement "the chain had `event_count` events ending in `last_hash`"."""

    seq = models.BigIntegerField(unique=True)
    event_count = models.BigIntegerField()
    last_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    signature = models.TextField()
    public_key_fingerprint = models.CharField(max_length=64)

    class Meta:
        db_table = "audit_checkpoint"
        ordering = ["-seq"]

    def __str__(self) -> str:
        return f"niêm phong #{self.seq}: {self.event_count} sự kiện"


class AlertKind(models.TextChoices):
    MASS_READING = "mass_reading", "Xem nhiều hồ sơ trong thời gian ngắn"
    OFF_HOURS = "off_hours", "Xem hồ sơ ngoài giờ làm việc"
    REPEATED_DENIALS = "repeated_denials", "Bị từ chối nhiều lần"
    FIXITY = "fixity", "Tệp lưu trữ bị thay đổi hoặc mất (kiểm tra toàn vẹn)"
    LOGIN_THROTTLED = "login_throttled", "Đăng nhập sai nhiều lần (tạm hoãn đăng nhập)"


class Alert(models.Model):
    """Unusual reading raised from the audit trail (R-INCIDENT); acknowledged, never deleted."""

    kind = models.CharField(max_length=32, choices=AlertKind.choices)
    actor_id = models.BigIntegerField(null=True)
    actor_username = models.CharField(max_length=150)
    raised_at = models.DateTimeField()
    first_seq = models.BigIntegerField()
    last_seq = models.BigIntegerField()
    count = models.PositiveIntegerField()
    message = models.CharField(max_length=300)
    acknowledged_by = models.CharField(max_length=150, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-raised_at"]
        indexes = [models.Index(fields=["actor_username", "kind", "raised_at"])]
